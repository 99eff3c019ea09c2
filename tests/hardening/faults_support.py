"""Helpers of the fault tests: a TCP proxy to cut, a SQLite write lock held by another
connection, a PostgreSQL cooperative of its own, and a fake Slack that can hold calls.

Faults are real: the proxy closes real sockets between the bot and a real server,
the lock is a real ``BEGIN IMMEDIATE`` on the same file from another connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import event, make_url, text

from commands.directory.file import load
from commands.directory.importing import apply
from storage import migrate
from storage.db import Database
from tests.conftest import EXAMPLE, PG_URL, PgSchema
from tests.hardening.conftest import WORK_TABLES
from tests.slack.fake_slack import FakeSlack
from tests.snapshots import snapshot

STATE_TABLES = (*WORK_TABLES, "outbox", "inbound_events", "adapter_state")
RETRY_FR = "Je n’arrive pas à joindre ma base de données"
RETRY_EN = "I cannot reach my database right now"


async def outbox_rows(db: Database) -> list[tuple[int, str, str, int]]:
    """``(id, role, status, attempts)`` of every outbox row, oldest first."""
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(
            text("SELECT id, role, status, attempts FROM outbox ORDER BY id"))
        return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def state(db: Database) -> dict[str, list[Any]]:
    """Every table a command can write, to prove that a failed one wrote nothing."""
    return await snapshot(db, STATE_TABLES)


# --- a database locked by another connection -------------------------------------------
def give_up_soon(db: Database, setting: str = "lock_timeout", ms: int = 150) -> None:
    """Make ``db``'s sessions give up on a lock after ``ms`` rather than wait.

    SQLite: its busy timeout (5 s in production); PostgreSQL: ``setting``
    (``lock_timeout`` or ``statement_timeout``), as a DBA would set it on the role.
    Set at every checkout, so that the connections already pooled get it too.
    """
    statement = (f"PRAGMA busy_timeout={ms}" if db.is_sqlite
                 else f"SET {setting} = {ms}")

    @event.listens_for(db.engine.sync_engine, "checkout")
    def _shorter(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(statement)
        cursor.close()


@contextlib.asynccontextmanager
async def locked(db: Database, *tables: str) -> AsyncIterator[None]:
    """Another connection holds a lock until the block ends: SQLite's write lock on the
    whole file, or PostgreSQL's EXCLUSIVE lock on ``tables`` (reads still pass)."""
    if db.is_sqlite:
        database = make_url(db.url).database
        assert database
        other = sqlite3.connect(Path(database), isolation_level=None, check_same_thread=False)
        try:
            # off the event loop: a sync BEGIN that waits for the bot's write lock would
            # block the loop, and with it the bot's commit that releases it (a deadlock
            # until sqlite3's 5 s timeout: "database is locked" under load)
            await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
            yield
            other.execute("ROLLBACK")
        finally:
            other.close()
        return
    holder = db.replica()
    try:
        async with holder.engine.connect() as conn:
            await conn.execute(text(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE"))
            yield
            await conn.rollback()
    finally:
        await holder.dispose()


# --- PostgreSQL -----------------------------------------------------------------------
@contextlib.asynccontextmanager
async def pg_cooperative() -> AsyncIterator[tuple[PgSchema, Database]]:
    """The example cooperative in a PostgreSQL schema of its own, dropped afterwards."""
    assert PG_URL
    schema = PgSchema(PG_URL)
    await schema.create()
    db = schema.database()
    try:
        await migrate.upgrade(db)
        async with db.session() as s:
            await apply(s, load(EXAMPLE))
        yield schema, db
    finally:
        await db.dispose()
        await schema.drop()


def through(schema: PgSchema, port: int, app: str, **settings: str) -> Database:
    """An engine on ``schema`` that reaches PostgreSQL through ``127.0.0.1:port``."""
    url = make_url(schema.url).set(host="127.0.0.1", port=port)
    return Database(url.render_as_string(hide_password=False), connect_args={"server_settings": {
        "search_path": f"{schema.name},public", "application_name": app, **settings}})


async def waiting_on_a_lock(db: Database, app: str) -> bool:
    """Whether a session named ``app`` is waiting for a lock right now."""
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app "
            "AND wait_event_type = 'Lock'"), {"app": app})
        return bool(rows.scalar_one())


# --- the network ----------------------------------------------------------------------
class TcpProxy:
    """A TCP proxy on 127.0.0.1 in front of a real server, cut and restored by the test.

    ``cut("refuse")`` resets the open connections and closes the port (connection
    refused); ``cut("reset")`` resets them and resets every new one as soon as it is
    accepted (connection reset by peer); ``restore()`` forwards again, on the same port.
    """

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.target = (host, port)
        self.port = 0
        self.mode = "open"
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self, mode: str = "refuse") -> None:
        assert mode in ("refuse", "reset")
        self.mode = mode
        if mode == "refuse" and self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            _reset(writer)

    async def restore(self) -> None:
        self.mode = "open"
        if self._server is None:
            await self.start()

    async def stop(self) -> None:
        await self.cut("refuse")  # every pipe ends with its reset sockets
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if self.mode != "open":
                _reset(writer)
                return
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.target)
            except OSError:
                _reset(writer)
                return
            self._writers |= {writer, up_writer}
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
            self._writers -= {writer, up_writer}
        finally:
            self._tasks.discard(task)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a dropped network link looks."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, RuntimeError):
        pass
    finally:
        writer.transport.abort()


# --- Slack ----------------------------------------------------------------------------
class HoldingSlack(FakeSlack):
    """The fake Web API of tests/slack, which can also hold the calls of some methods
    (a slow Slack) until ``release()``: then it answers them normally."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.holding: set[str] = set()
        self.held = 0
        self._open = asyncio.Event()
        self._seen = asyncio.Condition()

    def hold(self, *methods: str) -> None:
        self.holding |= set(methods)
        self._open.clear()

    def release(self) -> None:
        self.holding.clear()
        self._open.set()

    async def wait_held(self, n: int = 1, within: float = 15) -> None:
        async with self._seen:
            await asyncio.wait_for(self._seen.wait_for(lambda: self.held >= n), within)

    async def stop(self) -> None:
        self.release()
        await super().stop()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["method"] in self.holding:
            async with self._seen:
                self.held += 1
                self._seen.notify_all()
            await self._open.wait()
        return await super()._api(request)
