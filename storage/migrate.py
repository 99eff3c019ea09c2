"""Schema migrations through Alembic, run on the application's own async engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import Database


def alembic_config() -> Config:
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


async def upgrade(db: Database, revision: str = "heads") -> None:
    """Bring the schema to ``revision``; safe to run at every start-up."""
    if db.is_sqlite:
        async with db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            await _set_wal(raw)

    def _upgrade(conn: Any) -> None:
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
        opts = {"version_table_schema": own_schema(conn)}
        return tuple(sorted(MigrationContext.configure(conn, opts=opts).get_current_heads()))

    return await _run(db, _current)


def script_heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


async def pending_differences(db: Database) -> list[Any]:
    """What autogenerate would change: empty when the migrations match the models."""

    def _diff(conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": db.is_sqlite}
        )
        return list(compare_metadata(ctx, SQLModel.metadata))

    return await _run(db, _diff)
