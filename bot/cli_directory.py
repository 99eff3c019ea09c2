"""``grappe directory show``: the directory as the database holds it, for a person to read."""

from __future__ import annotations

from typing import TextIO

from bot.config import Settings
from storage.db import Database
from storage.repo import directory as dir_repo


async def show_directory(settings: Settings, out: TextIO) -> None:
    db = Database(settings.database_url)
    try:
        async with db.session(read_only=True) as s:
            coop = await dir_repo.cooperative(s)
            out.write(f"{coop.name} ({coop.timezone}, {coop.locale})\n")
            skills = await dir_repo.skills_by_enterprise(s)
            for e in await dir_repo.enterprises(s):
                labels = ", ".join(k.slug for k in skills.get(e.id or 0, []))
                out.write(f"\n{e.name} [{e.slug}] {labels}\n")
                for p in await dir_repo.people(s, enterprise_id=e.id):
                    out.write(f"  {p.handle:<12} {p.display_name} ({p.role}, {p.locale})\n")
            out.write("\n")
            for r in await dir_repo.resources(s):
                out.write(f"{r.kind:<10} {r.slug:<24} {r.name}\n")
            for c in await dir_repo.channels(s):
                out.write(f"{c.platform:<8} {c.platform_channel_id:<30} {c.purpose}\n")
    finally:
        await db.dispose()
