"""The async engine and its sessions, with the SQLite settings that make bookings safe.

On SQLite the driver's own transaction handling is turned off and every write
transaction starts with ``BEGIN IMMEDIATE`` (see shared/STORAGE-NOTES.md): the
check and the insert of a booking then run under one write lock, and a second
writer waits ``busy_timeout`` instead of failing. Read-only sessions start a
plain deferred ``BEGIN`` so they never queue behind writers (WAL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolResetState
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import directory_cache  # noqa: F401  (directory writes bump its generation)
from storage.sqlite_driver import OneTrip

log = logging.getLogger(__name__)

READ_ONLY = "grappe_read_only"
WRITE_TURN_WAIT = 5.0  # seconds, as PRAGMA busy_timeout
DEFAULT_URL = "sqlite+aiosqlite:///grappe.db"
# PostgreSQL states that pass: a lock or statement timeout, a deadlock or serialization
# victim, the server shutting down or out of connections (class 08: the connection).
TRANSIENT_STATES = frozenset({"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03",
                              "53300"})


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is away or busy for a moment (the person is
    asked to try again) rather than a mistake in a statement."""
    if isinstance(exc, OSError | InterfaceError | OperationalError):
        return True  # unreachable, a dropped connection, SQLite's "database is locked"
    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return exc.connection_invalidated or (isinstance(state, str) and (
        state in TRANSIENT_STATES or state.startswith("08")))


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

    @event.listens_for(sync_engine, "reset")
    def _on_reset(dbapi_conn: Any, record: Any, state: PoolResetState) -> None:
        """The pool's rollback on return, only when a transaction is still open: after a
        commit or a rollback there is none, and the rollback would be one more trip to
        aiosqlite's thread for every session (SQLite's own flag says, without one)."""
        if state.asyncio_safe and not state.terminate_only and not state.transaction_was_reset \
                and record.driver_connection.in_transaction:
            dbapi_conn.rollback()


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
            engine_args.setdefault("pool_reset_on_return", None)  # _on_reset does it
            if parsed.get_driver_name() == "aiosqlite":
                engine_args.setdefault("module", OneTrip())  # a statement, one thread hop
        else:
            engine_args.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **engine_args)
        if self.dialect == "sqlite":
            _install_sqlite_listeners(self.engine)
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._replicas: list[Database] = []

    def replica(self) -> Database:
        """Another engine on the same database, as a second bot replica would have.

        It is disposed with this one: an engine left to the garbage collector closes its
        SQLite connections from aiosqlite's thread on an event loop that may be gone.
        """
        other = Database(self.url, **self._args)
        self._replicas.append(other)
        return other

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    async def _write_turn(self) -> asyncio.Lock | None:
        """SQLite: this process's write transactions take turns on an asyncio lock.

        Without it, a ``BEGIN IMMEDIATE`` that finds the write lock taken waits in
        SQLite's busy handler, which sleeps 1 to 100 ms between tries instead of waking
        when the lock is released: under concurrent writes (the outbox's leases, the
        commands' commits) each wait costs milliseconds to a tenth of a second. Other
        processes still meet SQLite's busy timeout; after ``WRITE_TURN_WAIT`` seconds a
        writer stops waiting here and lets SQLite decide (a nested write cannot hang).
        """
        if not self.is_sqlite:
            return None
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Lock())
        turn = self._turns[1]
        if not turn.locked():  # nobody writing: no timer to arm (asyncio.timeout costs)
            await turn.acquire()
            return turn
        try:
            async with asyncio.timeout(WRITE_TURN_WAIT):
                await turn.acquire()
        except TimeoutError:
            return None
        return turn

    @asynccontextmanager
    async def session(self, *, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on error."""
        turn = None if read_only else await self._write_turn()
        try:
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
        finally:
            if turn is not None:
                turn.release()

    async def dispose(self) -> None:
        for other in self._replicas:
            await other.dispose()
        self._replicas.clear()
        await self.engine.dispose()
