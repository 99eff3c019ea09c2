"""Whole-table snapshots, to prove that a refused command wrote nothing."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database

DOMAIN_TABLES = ("cooperative", "enterprises", "skills", "skill_synonyms", "enterprise_skills",
                 "people", "identities", "resources", "channels", "audit", "claims",
                 "message_refs", "adapter_state")
ALL_TABLES = (*DOMAIN_TABLES, "outbox", "inbound_events")


async def snapshot(db: Database, tables: tuple[str, ...] = DOMAIN_TABLES) -> dict[str, list]:
    result: dict[str, list] = {}
    async with db.session(read_only=True) as s:
        for table in tables:
            rows = (await (await s.connection()).execute(text(f"SELECT * FROM {table}"))).all()
            result[table] = sorted(tuple(map(str, row)) for row in rows)
    return result
