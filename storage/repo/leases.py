"""Leases held by one replica at a time (``AdapterLease``), each taken in one statement.

``take`` is a single ``INSERT … ON CONFLICT (name) DO UPDATE … WHERE`` the row has expired
or is already the caller's: the database decides, whatever the number of replicas racing
(PostgreSQL locks the conflicting row; SQLite writes one transaction at a time). The
clocks are the replicas' own (UTC): they must agree to well within a lease's length.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AdapterLease
from storage.repo.statements import run

_LEASES = AdapterLease.metadata.tables[AdapterLease.__tablename__]
_TAKE: dict[str, Any] = {}
_RELEASE = delete(_LEASES).where(_LEASES.c.name == bindparam("b_name"),
                                 _LEASES.c.holder == bindparam("b_holder"))
_HOLDER = select(_LEASES.c.holder, _LEASES.c.expires_at).where(
    _LEASES.c.name == bindparam("b_name"))


def _take(s: AsyncSession) -> Any:
    """The upsert, built once per dialect (the dialect's module is already loaded)."""
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    if dialect not in _TAKE:
        module = "postgresql" if dialect == "postgresql" else "sqlite"
        insert = importlib.import_module(f"sqlalchemy.dialects.{module}").insert(_LEASES)
        _TAKE[dialect] = insert.on_conflict_do_update(
            index_elements=[_LEASES.c.name],
            set_={"holder": insert.excluded.holder, "expires_at": insert.excluded.expires_at},
            where=(_LEASES.c.expires_at <= bindparam("b_now", type_=_LEASES.c.expires_at.type))
            | (_LEASES.c.holder == insert.excluded.holder))
    return _TAKE[dialect]


async def take(s: AsyncSession, name: str, holder: str, now: datetime,
               until: datetime) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``until``: True when it is
    ``holder``'s now — it was free, expired at ``now``, or theirs already."""
    found = await run(s, _take(s), {"name": name, "holder": holder, "expires_at": until,
                                    "b_now": now})
    return bool(found.rowcount)


async def release(s: AsyncSession, name: str, holder: str) -> bool:
    """Give the lease back, if ``holder`` still has it: anyone may take it at once."""
    found = await run(s, _RELEASE, {"b_name": name, "b_holder": holder})
    return bool(found.rowcount)


async def holder_of(s: AsyncSession, name: str, now: datetime) -> str | None:
    """Who holds ``name`` at ``now`` (None: nobody, or the lease has expired)."""
    row = (await run(s, _HOLDER, {"b_name": name})).first()
    if row is None or row.expires_at <= now:
        return None
    return str(row.holder)
