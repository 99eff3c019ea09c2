"""Small durable values an adapter keeps (a Matrix sync token, the console's journal…)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AdapterState, utcnow


async def get_state(s: AsyncSession, platform: str, key: str) -> str | None:
    row = await s.get(AdapterState, (platform, key))
    return row.value if row else None


async def set_state(s: AsyncSession, platform: str, key: str, value: str) -> None:
    row = await s.get(AdapterState, (platform, key))
    if row is None:
        s.add(AdapterState(platform=platform, key=key, value=value))
    else:
        row.value = value
        row.updated_at = utcnow()
        s.add(row)
