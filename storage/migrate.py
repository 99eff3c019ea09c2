"""Schema migrations through Alembic, run on the application's own async engine.

Alembic (and Mako, which it loads) is imported only when there is something to
migrate or inspect: a start-up on an up-to-date database reads the version table and
the revisions of ``migrations/versions`` itself (alembic costs ~10 MB and ~0.1 s).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = Path(__file__).parent / "migrations" / "versions"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


def own_schema(conn: Any) -> str | None:
    """PostgreSQL: the connection's own schema, where its version table lives."""
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.exec_driver_sql("SELECT current_schema()").scalar())


async def _run(db: Database, fn: Any) -> Any:
    async with db.engine.begin() as conn:
        return await conn.run_sync(fn)


def file_heads() -> tuple[str, ...]:
    """The heads of ``migrations/versions``, read from the files (without alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        values: dict[str, Any] = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                    and node.value is not None:
                name, value = node.target.id, node.value
            else:
                continue
            if name in ("revision", "down_revision"):
                values[name] = ast.literal_eval(value)
        revisions.add(values["revision"])
        down = values.get("down_revision")
        parents.update([down] if isinstance(down, str) else down or ())
    return tuple(sorted(revisions - parents))


def _no_sqlite_file(db: Database) -> bool:
    """A SQLite database whose file does not exist (yet): connecting would create it."""
    path = make_url(db.url).database if db.is_sqlite else None
    return bool(path) and path != ":memory:" and not Path(str(path)).exists()


async def up_to_date(db: Database) -> bool:
    """The database is at the files' heads (False when unsure: alembic then decides).
    A SQLite file that does not exist is not created to find out."""
    if _no_sqlite_file(db):
        return False
    try:
        async with db.engine.connect() as conn:
            table = "alembic_version"
            if conn.dialect.name == "postgresql":  # its own schema's table, never another's
                schema = (await conn.execute(text("SELECT current_schema()"))).scalar()
                table = f'"{schema}".alembic_version'
            rows = await conn.execute(text(f"SELECT version_num FROM {table}"))
            current = tuple(sorted(str(r[0]) for r in rows))
        return current == file_heads()
    except Exception:  # no version table yet, an unreadable file: the slow path knows
        return False


async def upgrade(db: Database, revision: str = "heads") -> None:
    """Bring the schema to ``revision``; safe to run at every start-up."""
    if db.is_sqlite:
        async with db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            await _set_wal(raw)
    if revision == "heads" and await up_to_date(db):
        return

    def _upgrade(conn: Any) -> None:
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    await _run(db, _upgrade)


async def _set_wal(raw: Any) -> None:
    """WAL is a property of the file: set it once, before the first transaction."""
    driver = raw.driver_connection  # aiosqlite.Connection
    async with driver.execute("PRAGMA journal_mode=WAL") as cursor:
        await cursor.fetchone()


async def current_heads(db: Database) -> tuple[str, ...]:
    """The revisions the database is at (features may branch from the same parent)."""

    def _current(conn: Any) -> tuple[str, ...]:
        from alembic.migration import MigrationContext

        opts = {"version_table_schema": own_schema(conn)}
        return tuple(sorted(MigrationContext.configure(conn, opts=opts).get_current_heads()))

    return await _run(db, _current)


def script_heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


async def pending_differences(db: Database) -> list[Any]:
    """What autogenerate would change: empty when the migrations match the models."""

    def _diff(conn: Any) -> list[Any]:
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": db.is_sqlite}
        )
        return list(compare_metadata(ctx, SQLModel.metadata))

    return await _run(db, _diff)
