"""Queries on the shared machinery: inbound events, outbox, message refs, claims, audit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AdapterState, Audit, Claim, InboundEvent, MessageRef, Outbox, utcnow


def _insert(s: AsyncSession, model: type):  # type: ignore[no-untyped-def]
    """An INSERT that can say ON CONFLICT DO NOTHING on both dialects."""
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


async def record_event(s: AsyncSession, platform: str, event_id: str) -> bool:
    """Record an inbound event id; False when it was already handled (a redelivery)."""
    stmt = _insert(s, InboundEvent).values(
        platform=platform, event_id=event_id, received_at=utcnow()
    ).on_conflict_do_nothing()
    result = await s.exec(stmt)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def claim(s: AsyncSession, kind: str, key: str, period: str, owner: str = "") -> bool:
    """Claim ``(kind, key, period)``; only the first caller ever gets True."""
    stmt = _insert(s, Claim).values(
        kind=kind, key=key, period=period, owner=owner, claimed_at=utcnow()
    ).on_conflict_do_nothing()
    result = await s.exec(stmt)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def add_audit(
    s: AsyncSession, person_id: int | None, action: str, object_ref: str | None, detail: str = ""
) -> None:
    s.add(Audit(person_id=person_id, action=action, object_ref=object_ref, detail=detail))


async def audit_log(s: AsyncSession, limit: int = 50) -> Sequence[Audit]:
    return (await s.exec(select(Audit).order_by(col(Audit.id).desc()).limit(limit))).all()


async def enqueue(s: AsyncSession, rows: list[Outbox]) -> None:
    """Add outbox rows; a newer pending edit of a card replaces an older one."""
    for row in rows:
        if row.coalesce_key:
            await s.exec(
                delete(Outbox).where(
                    col(Outbox.platform) == row.platform,
                    col(Outbox.coalesce_key) == row.coalesce_key,
                    col(Outbox.status) == "pending",
                    col(Outbox.lease_until).is_(None),
                )
            )
        s.add(row)


async def due(s: AsyncSession, platform: str, now: datetime, limit: int = 50) -> Sequence[Outbox]:
    stmt = (
        select(Outbox)
        .where(Outbox.platform == platform, Outbox.status == "pending")
        .where(col(Outbox.next_try_at) <= now)
        .where(or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now))
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    return (await s.exec(stmt)).all()


async def next_due_at(s: AsyncSession, platform: str) -> datetime | None:
    stmt = (
        select(Outbox.next_try_at)
        .where(Outbox.platform == platform, Outbox.status == "pending")
        .order_by(col(Outbox.next_try_at))
        .limit(1)
    )
    return (await s.exec(stmt)).first()


async def lease(s: AsyncSession, row_id: int, now: datetime, until: datetime,
                created_at: datetime | None = None) -> bool:
    """Take a row for delivery; False when another worker holds it.

    With ``created_at``, only that version of the row: SQLite reuses the id of a
    deleted last row, so a pending edit replaced by a newer one (``enqueue``) can
    come back under the same id with another payload.
    """
    stmt = (
        update(Outbox)
        .where(col(Outbox.id) == row_id, col(Outbox.status) == "pending")
        .where(or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now))
        .values(lease_until=until)
    )
    if created_at is not None:
        stmt = stmt.where(col(Outbox.created_at) == created_at)
    result = await s.exec(stmt)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def mark_sent(
    s: AsyncSession, row: Outbox, channel: str, message_id: str, role: str | None
) -> None:
    """Record the delivery and, for a card or a DM, the platform message's reference."""
    await s.exec(
        update(Outbox)
        .where(col(Outbox.id) == row.id)
        .values(status="sent", sent_at=utcnow(), lease_until=None, platform_message_id=message_id)
    )
    if role and row.object_ref:
        s.add(
            MessageRef(
                platform=row.platform,
                channel=channel,
                message_id=message_id,
                object_ref=row.object_ref,
                role=role,
            )
        )


async def mark_retry(s: AsyncSession, row_id: int, error: str, next_try: datetime) -> None:
    await s.exec(
        update(Outbox)
        .where(col(Outbox.id) == row_id)
        .values(
            attempts=Outbox.attempts + 1,  # type: ignore[operator]
            last_error=error[:1000],
            next_try_at=next_try,
            lease_until=None,
        )
    )


async def defer(s: AsyncSession, row_id: int, until: datetime) -> None:
    """Hold a row back (its card or an earlier message is not out yet); not an attempt."""
    await s.exec(
        update(Outbox)
        .where(col(Outbox.id) == row_id)
        .values(next_try_at=until, lease_until=None)
    )


async def mark_failed(s: AsyncSession, row_id: int, error: str) -> None:
    await s.exec(
        update(Outbox)
        .where(col(Outbox.id) == row_id)
        .values(status="failed", last_error=error[:1000], lease_until=None)
    )


async def card_ref(s: AsyncSession, platform: str, object_ref: str) -> MessageRef | None:
    stmt = (
        select(MessageRef)
        .where(MessageRef.platform == platform, MessageRef.object_ref == object_ref)
        .where(MessageRef.role == "card")
        .order_by(col(MessageRef.id))
    )
    return (await s.exec(stmt)).first()


async def pending_card(s: AsyncSession, platform: str, object_ref: str) -> Outbox | None:
    """A card of ``object_ref`` not delivered yet: its thread and edits wait for it."""
    stmt = (
        select(Outbox)
        .where(Outbox.platform == platform, Outbox.object_ref == object_ref)
        .where(Outbox.status == "pending", Outbox.role == "card")
        .order_by(col(Outbox.id))
    )
    return (await s.exec(stmt)).first()


async def earlier_pending(s: AsyncSession, row: Outbox) -> Outbox | None:
    """A pending row queued before ``row`` in the same thread (or the same person's DMs).

    The messages of one thread are delivered in the order they were queued,
    whatever retries happen in between.
    """
    stmt = select(Outbox).where(
        Outbox.platform == row.platform, Outbox.status == "pending", col(Outbox.id) < row.id
    )
    if row.role in ("card", "post") and row.object_ref:
        stmt = stmt.where(col(Outbox.role).in_(("card", "post")),
                          Outbox.object_ref == row.object_ref, Outbox.channel == row.channel)
    elif row.role == "dm" and row.recipient:
        stmt = stmt.where(Outbox.role == "dm", Outbox.recipient == row.recipient)
    else:
        return None
    return (await s.exec(stmt.order_by(col(Outbox.id)).limit(1))).first()


async def object_of_message(
    s: AsyncSession, platform: str, channel: str | None, message_id: str
) -> str | None:
    stmt = select(MessageRef.object_ref).where(
        MessageRef.platform == platform, MessageRef.message_id == message_id
    )
    if channel is not None:
        stmt = stmt.where(MessageRef.channel == channel)
    return (await s.exec(stmt)).first()


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


async def backlog(s: AsyncSession) -> dict[str, dict[str, object]]:
    """Per platform: rows pending, the oldest pending row's creation, rows failed for good."""
    stmt = (select(Outbox.platform, Outbox.status, func.count(), func.min(Outbox.created_at))
            .where(col(Outbox.status).in_(("pending", "failed")))
            .group_by(col(Outbox.platform), col(Outbox.status)))
    found: dict[str, dict[str, object]] = {}
    for platform, status, count, oldest in (await s.exec(stmt)).all():
        entry = found.setdefault(platform, {"pending": 0, "oldest_pending": None, "failed": 0})
        entry[status] = count
        if status == "pending":
            entry["oldest_pending"] = oldest
    return found
