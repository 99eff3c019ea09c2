"""Shared fixtures: real databases (SQLite files, and PostgreSQL when configured), the
example directory, and a console harness that drives the bot line by line."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter, run_lines
from commands.directory.file import load
from commands.directory.importing import apply
from storage import migrate
from storage.db import Database
from storage.models import utcnow
from tests import leaks
from tests.hardening.figures import pytest_terminal_summary  # noqa: F401 (the hook)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cooperative.toml"
PG_URL = os.environ.get("GRAPPE_TEST_DATABASE_URL")
# Every process a test starts (grappe's CLI, a server, a crash campaign) runs this
# checkout's code, whichever checkout the environment's editable install points to.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not PG_URL, reason="GRAPPE_TEST_DATABASE_URL is not set")),
]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(db)
        await db.dispose()

    asyncio.run(build())
    return path


class PgSchema:
    """A fresh PostgreSQL schema per test, dropped afterwards."""

    def __init__(self, url: str):
        self.url = url
        self.name = f"t_{uuid.uuid4().hex[:12]}"

    def database(self) -> Database:
        return Database(self.url, connect_args={
            "server_settings": {"search_path": f"{self.name},public"}})

    async def create(self) -> None:
        admin = Database(self.url)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        await admin.dispose()

    async def drop(self) -> None:
        admin = Database(self.url)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        await admin.dispose()


class PgTemplates:
    """PostgreSQL databases made once per session — migrated, and migrated with the
    example cooperative imported — that each test clones (``CREATE DATABASE … TEMPLATE``:
    the server copies files, far faster than migrating and importing for every test)."""

    def __init__(self, url: str):
        self.base = make_url(url)
        self.tag = uuid.uuid4().hex[:8]
        self.made: list[str] = []

    def url_of(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    async def _admin(self, *statements: str) -> None:
        engine = create_async_engine(self.url_of(self.base.database or "postgres"),
                                     isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    async def build(self) -> None:
        migrated, coop = f"tpl_{self.tag}_migrated", f"tpl_{self.tag}_coop"
        await self._admin(f'CREATE DATABASE "{migrated}"')
        self.made.append(migrated)
        db = Database(self.url_of(migrated))
        await migrate.upgrade(db)
        await db.dispose()
        await self._admin(f'CREATE DATABASE "{coop}" TEMPLATE "{migrated}"')
        self.made.append(coop)
        db = Database(self.url_of(coop))
        async with db.session() as s:
            await apply(s, load(EXAMPLE))
        await db.dispose()

    async def clone(self, kind: str) -> tuple[str, Database]:
        name = f"t_{self.tag}_{uuid.uuid4().hex[:10]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "tpl_{self.tag}_{kind}"')
        return name, Database(self.url_of(name))

    async def drop(self, *names: str) -> None:
        await self._admin(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names))


@pytest.fixture(scope="session")
def pg_templates() -> Iterator[PgTemplates | None]:
    if not PG_URL:
        yield None
        return
    templates = PgTemplates(PG_URL)
    asyncio.run(templates.build())
    yield templates
    asyncio.run(templates.drop(*templates.made))


@pytest.fixture(scope="session")
def coop_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated SQLite file with the example cooperative imported, copied per test."""
    path = tmp_path_factory.mktemp("template") / "coop.db"
    shutil.copy(sqlite_template, path)

    async def build() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        async with db.session() as s:
            await apply(s, load(EXAMPLE))
        await db.dispose()

    asyncio.run(build())
    return path


async def _copied(request: pytest.FixtureRequest, tmp_path: Path, template: Path,
                  pg: PgTemplates | None, kind: str) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "grappe.db"
        shutil.copy(template, path)
        database = Database(f"sqlite+aiosqlite:///{path}")
        yield database
        await database.dispose()
        return
    assert pg is not None
    name, database = await pg.clone(kind)
    yield database
    await database.dispose()
    await pg.drop(name)


@pytest.fixture(params=BACKENDS)
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema at all (for migration tests)."""
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
        yield db
        await db.dispose()
        return
    assert PG_URL
    schema = PgSchema(PG_URL)
    await schema.create()
    db = schema.database()
    yield db
    await db.dispose()
    await schema.drop()


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
             pg_templates: PgTemplates | None) -> AsyncIterator[Database]:
    """A migrated, empty database: a real SQLite file, or a real PostgreSQL database."""
    async for database in _copied(request, tmp_path, sqlite_template, pg_templates,
                                  "migrated"):
        yield database


@pytest.fixture(params=BACKENDS)
async def coop_db(request: pytest.FixtureRequest, tmp_path: Path, coop_template: Path,
                  pg_templates: PgTemplates | None) -> AsyncIterator[Database]:
    """The database with the example cooperative imported (from a template made once)."""
    async for database in _copied(request, tmp_path, coop_template, pg_templates, "coop"):
        yield database


class Console:
    """Drives a bot through the console adapter, as a script would."""

    def __init__(self, bot: Bot, adapter: ConsoleAdapter, out: io.StringIO):
        self.bot, self.adapter, self.out = bot, adapter, out
        self._seen = 0

    async def run(self, *lines: str) -> str:
        """Run lines; return what the bot printed for them.

        No-break spaces (French typography) come back as plain spaces, so that
        assertions can be typed naturally.
        """
        for line in lines:  # what each person wrote: the logs never hold it (tests/leaks.py)
            leaks.sent(line.split(":", 1)[-1].strip())
        await run_lines(lines, self.adapter, self.bot.receive, self.bot.drain)
        output = self.out.getvalue()[self._seen :]
        self._seen = len(self.out.getvalue())
        return output.replace("\u00a0", " ").replace("\u202f", " ")


class Clock:
    """A clock a test sets and moves by hand (UTC-aware)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def set(self, local: str, tz: str = "Europe/Paris") -> None:
        """Set the time from a local ``YYYY-MM-DD HH:MM`` in ``tz``."""
        self.now = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def console(coop_db: Database, clock: Clock) -> AsyncIterator[Console]:
    """The example cooperative in a console; the bot's clock is the ``clock`` fixture."""
    out = io.StringIO()
    adapter = ConsoleAdapter(out)
    bot = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [adapter], clock=clock)
    await bot.start(background_delivery=False)
    yield Console(bot, adapter, out)
    await bot.stop()


@pytest.fixture(scope="session", autouse=True)
def postgres_public_schema_stays_clean() -> Iterator[None]:
    """Every PostgreSQL test works in its own schema: none may write grappe's tables into
    ``public`` (a later run would then find them through the search path)."""
    yield
    if not PG_URL:
        return

    async def grappe_tables_in_public() -> list[str]:
        admin = Database(PG_URL)
        try:
            async with admin.engine.connect() as conn:
                rows = await conn.execute(text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_name IN "
                    "('alembic_version', 'outbox', 'people', 'bookings')"))
                return [r[0] for r in rows]
        finally:
            await admin.dispose()

    assert asyncio.run(grappe_tables_in_public()) == [], "a test wrote into public"


def pytest_configure(config: pytest.Config) -> None:
    leaks.install()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker is done: what leaked there is the run's (``make test`` runs two)."""
    leaks.CATCHER.leaks.extend(getattr(node, "workeroutput", {}).get("leaks", []))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A log record at INFO or above that holds what a person wrote fails the run."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller judges the whole run
        workeroutput["leaks"] = list(leaks.CATCHER.leaks)
        return
    if leaks.CATCHER.leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", "log records holding what people wrote (tests/leaks.py)")
            for line in leaks.CATCHER.leaks:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
