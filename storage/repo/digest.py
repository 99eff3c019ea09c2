"""Queries of the weekly digest and the reminders: channel settings, claims already taken,
and the requests of a week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, or_, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Channel, Claim, DigestSetting, Request, utcnow


async def channels_by_name(s: AsyncSession, purpose: str | None = None) -> dict[str, list[Channel]]:
    """The channels in use grouped by name: one name is one channel on several platforms."""
    stmt = (select(Channel).where(col(Channel.active).is_(True))
            .order_by(col(Channel.name), col(Channel.platform)))
    if purpose is not None:
        stmt = stmt.where(Channel.purpose == purpose)
    grouped: dict[str, list[Channel]] = defaultdict(list)
    for channel in await s.exec(stmt):
        grouped[channel.name].append(channel)
    return dict(grouped)


async def setting(s: AsyncSession, channel: str) -> DigestSetting | None:
    return await s.get(DigestSetting, channel)


async def set_paused(s: AsyncSession, channel: str, purpose: str, paused: bool,
                     person_id: int | None, now: datetime | None = None) -> DigestSetting:
    row = await s.get(DigestSetting, channel) or DigestSetting(channel=channel, purpose=purpose)
    row.paused, row.purpose = paused, purpose
    row.paused_by = person_id if paused else None
    row.updated_at = now or utcnow()
    s.add(row)
    await s.flush()
    return row


async def is_paused(s: AsyncSession, channel: str) -> bool:
    row = await s.get(DigestSetting, channel)
    return bool(row and row.paused)


async def claimed(
    s: AsyncSession, keys: Iterable[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which of these ``(kind, key, period)`` were already claimed (read-only pre-check)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return set()
    stmt = select(Claim.kind, Claim.key, Claim.period).where(
        tuple_(col(Claim.kind), col(Claim.key), col(Claim.period)).in_(wanted))
    return {(k, key, p) for k, key, p in await s.exec(stmt)}


async def created_between(
    s: AsyncSession, start: datetime, end: datetime, purpose: str
) -> Sequence[Request]:
    stmt = (
        select(Request)
        .where(Request.purpose == purpose)
        .where(col(Request.created_at) >= start, col(Request.created_at) < end)
        .order_by(col(Request.id))
    )
    return (await s.exec(stmt)).all()


async def open_requests(s: AsyncSession, purpose: str | None = None) -> Sequence[Request]:
    """Open requests, the nearest deadline first, those without one last."""
    stmt = select(Request).where(Request.status == "open").order_by(
        col(Request.deadline).is_(None), col(Request.deadline), col(Request.id))
    if purpose is not None:
        stmt = stmt.where(Request.purpose == purpose)
    return (await s.exec(stmt)).all()


async def decided_between(
    s: AsyncSession, start: datetime, end: datetime, purpose: str
) -> Sequence[Request]:
    """Requests staffed or closed in ``[start, end)``."""
    staffed = and_(col(Request.staffed_at) >= start, col(Request.staffed_at) < end)
    closed = and_(col(Request.closed_at) >= start, col(Request.closed_at) < end)
    stmt = (
        select(Request)
        .where(Request.purpose == purpose, or_(staffed, closed))
        .order_by(col(Request.id))
    )
    return (await s.exec(stmt)).all()


async def open_with_deadline_after(s: AsyncSession, moment: datetime) -> Sequence[Request]:
    stmt = (
        select(Request)
        .where(Request.status == "open", col(Request.deadline) > moment)
        .order_by(col(Request.deadline), col(Request.id))
    )
    return (await s.exec(stmt)).all()
