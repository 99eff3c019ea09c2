"""The async engine and its sessions, with the SQLite settings that make bookings safe.

On SQLite the driver's own transaction handling is turned off and every write
transaction starts with ``BEGIN IMMEDIATE`` (see shared/STORAGE-NOTES.md): the
check and the insert of a booking then run under one write lock, and a second
writer waits ``busy_timeout`` instead of failing. Read-only sessions start a
plain deferred ``BEGIN`` so they never queue behind writers (WAL).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)

READ_ONLY = "grappe_read_only"
DEFAULT_URL = "sqlite+aiosqlite:///grappe.db"


def _install_sqlite_listeners(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One database: an async engine and a session factory.

    No module-level engine: the bot and each test build their own.
    """

    def __init__(self, url: str = DEFAULT_URL, *, echo: bool = False, **engine_args: Any):
        self.url = url
        self._args = dict(echo=echo, **engine_args)
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            engine_args.setdefault("connect_args", {}).setdefault("timeout", 30)
        else:
            engine_args.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **engine_args)
        if self.dialect == "sqlite":
            _install_sqlite_listeners(self.engine)

    def replica(self) -> Database:
        """Another engine on the same database, as a second bot replica would have."""
        return Database(self.url, **self._args)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def session(self, *, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on error."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            if read_only:
                await session.connection(execution_options={READ_ONLY: True})
            try:
                yield session
                if read_only:
                    session.expunge_all()  # keep what was read usable after the rollback
                    await session.rollback()
                else:
                    await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()
