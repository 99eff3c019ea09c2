"""Inbound event ids: a platform's second delivery of one event changes nothing."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InboundEvent, utcnow
from storage.repo.statements import insert_ignoring, run

_EVENTS = InboundEvent.metadata.tables[InboundEvent.__tablename__]


async def record_event(s: AsyncSession, platform: str, event_id: str) -> bool:
    """Record an inbound event id; False when it was already handled (a redelivery)."""
    result = await run(s, insert_ignoring(s, _EVENTS),
                       {"platform": platform, "event_id": event_id, "received_at": utcnow()})
    return bool(result.rowcount)
