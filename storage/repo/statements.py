"""What the repository modules share to run Core statements cheaply.

The statements every command and every delivery runs are built once, with bound
parameters, on the tables (SQLAlchemy Core): building an expression costs more CPU than
running it, and the ORM's bookkeeping is not needed to write a status.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import CursorResult
from sqlmodel.ext.asyncio.session import AsyncSession

_IGNORING: dict[tuple[str, str], Any] = {}


async def run(s: AsyncSession, stmt: Any,
              params: dict[str, Any] | list[dict[str, Any]]) -> CursorResult[Any]:
    """A Core statement on the session's transaction (no ORM bookkeeping)."""
    return await (await s.connection()).execute(stmt, params)


def insert_ignoring(s: AsyncSession, table: Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` into ``table``, built once per dialect.

    The dialect's module is the one the engine has already loaded: importing PostgreSQL's
    here would cost an SQLite deployment 2 MB of RSS (its package loads every driver)."""
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    key = (dialect, table.name)
    if key not in _IGNORING:
        module = "postgresql" if dialect == "postgresql" else "sqlite"
        make = importlib.import_module(f"sqlalchemy.dialects.{module}").insert
        _IGNORING[key] = make(table).on_conflict_do_nothing()
    return _IGNORING[key]
