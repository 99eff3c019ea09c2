"""What the repository modules share to run Core statements cheaply.

The statements every command and every delivery runs are built once, with bound
parameters, on the tables (SQLAlchemy Core): building an expression costs more CPU than
running it, and the ORM's bookkeeping is not needed to write a status.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlmodel.ext.asyncio.session import AsyncSession

_IGNORING: dict[tuple[str, str], Any] = {}


async def run(s: AsyncSession, stmt: Any,
              params: dict[str, Any] | list[dict[str, Any]]) -> CursorResult[Any]:
    """A Core statement on the session's transaction (no ORM bookkeeping)."""
    return await (await s.connection()).execute(stmt, params)


def insert_ignoring(s: AsyncSession, table: Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` into ``table``, built once per dialect."""
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    key = (dialect, table.name)
    if key not in _IGNORING:
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _IGNORING[key] = make(table).on_conflict_do_nothing()
    return _IGNORING[key]
