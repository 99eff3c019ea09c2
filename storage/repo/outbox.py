"""The outbox's queries: queue rows, find the due ones, lease, record what happened.

A row is *leased* (``lease_until``) by whoever delivers it, so two replicas never
send one row; every statement a delivery runs is built once (``storage.repo.statements``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    bindparam,
    case,
    delete,
    func,
    insert,
    null,
    or_,
    update,
)
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DeliveryRole, Outbox, OutboxStatus, utcnow
from storage.repo.message_refs import add_ref, card_message, object_of_message
from storage.repo.statements import run

_OUT = Outbox.metadata.tables[Outbox.__tablename__]
_ONE = _OUT.c.id == bindparam("b_row")
_PENDING = _OUT.c.status == OutboxStatus.PENDING
_LEASE = update(_OUT).where(
    _ONE, _PENDING,
    or_(_OUT.c.lease_until.is_(None), _OUT.c.lease_until < bindparam("b_now")),
).values(lease_until=bindparam("b_until"))
_LEASE_VERSION = _LEASE.where(_OUT.c.created_at == bindparam("b_created"))
_SENT = update(_OUT).where(_ONE).values(
    status=OutboxStatus.SENT, sent_at=bindparam("b_at"), lease_until=None,
    platform_message_id=bindparam("b_message"))
_RETRY = update(_OUT).where(_ONE).values(
    attempts=_OUT.c.attempts + 1, last_error=bindparam("b_error"),
    next_try_at=bindparam("b_next"), lease_until=None,
    maybe_sent=or_(_OUT.c.maybe_sent, bindparam("b_maybe", type_=Boolean)))
_DEFER = update(_OUT).where(_ONE).values(next_try_at=bindparam("b_next"), lease_until=None)
_WAIT = update(_OUT).where(_ONE).values(next_try_at=bindparam("b_next"), lease_until=None,
                                        last_error=bindparam("b_error"))
_DUE_IN = update(_OUT).where(
    _OUT.c.platform == bindparam("b_platform"), _PENDING,
    _OUT.c.channel.in_(bindparam("b_channels", expanding=True)),
    _OUT.c.next_try_at > bindparam("b_now")).values(next_try_at=bindparam("b_now"))
_DUE_FOR = update(_OUT).where(
    _OUT.c.platform == bindparam("b_platform"), _PENDING,
    _OUT.c.recipient == bindparam("b_recipient"),
    _OUT.c.next_try_at > bindparam("b_now")).values(next_try_at=bindparam("b_now"))
_REDIRECT = update(_OUT).where(_ONE, _PENDING).values(
    channel=bindparam("b_channel"), next_try_at=bindparam("b_now"), lease_until=None)
_FAIL = update(_OUT).where(_ONE).values(status=OutboxStatus.FAILED,
                                        last_error=bindparam("b_error"), lease_until=None)
_RELEASE = update(_OUT).where(_OUT.c.id.in_(bindparam("b_rows", expanding=True)),
                              _PENDING).values(lease_until=None)
_RELEASE_ALL = update(_OUT).where(
    _OUT.c.platform == bindparam("b_platform"), _PENDING, _OUT.c.lease_until.is_not(None),
).values(lease_until=None, next_try_at=case(
    (_OUT.c.next_try_at > bindparam("b_now"), bindparam("b_now")), else_=_OUT.c.next_try_at))
_COALESCE = delete(_OUT).where(
    _OUT.c.platform == bindparam("b_platform"), _OUT.c.coalesce_key == bindparam("b_key"),
    _PENDING, _OUT.c.lease_until.is_(None))
_ENQUEUE = insert(_OUT).returning(_OUT.c.id, sort_by_parameter_order=True)
_COLUMNS = [column.name for column in _OUT.columns if column.name != "id"]


async def enqueue(s: AsyncSession, rows: list[Outbox]) -> list[Outbox]:
    """Add outbox rows in one statement; a newer edit of a card replaces an older one
    that is still pending and not taken. Returns the rows that stay queued, ids set."""
    kept: dict[tuple[str, str] | int, Outbox] = {}
    for i, row in enumerate(rows):
        key: tuple[str, str] | int = i
        if row.coalesce_key:
            key = (row.platform, row.coalesce_key)
            kept.pop(key, None)  # the newer edit goes last
            await run(s, _COALESCE, {"b_platform": row.platform, "b_key": row.coalesce_key})
        kept[key] = row
    queued = list(kept.values())
    if queued:
        found = await run(s, _ENQUEUE, [{name: getattr(row, name) for name in _COLUMNS}
                                        for row in queued])
        for row, row_id in zip(queued, found.scalars(), strict=True):
            row.id = row_id
    return queued


async def due(s: AsyncSession, platform: str, now: datetime, limit: int = 50) -> Sequence[Outbox]:
    stmt = (
        select(Outbox)
        .where(Outbox.platform == platform, Outbox.status == OutboxStatus.PENDING)
        .where(col(Outbox.next_try_at) <= now)
        .where(or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now))
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    return (await s.exec(stmt)).all()


async def next_due_at(s: AsyncSession, platform: str) -> datetime | None:
    """When the next pending row can be taken: its next try, or the end of its lease."""
    lease_end = col(Outbox.lease_until)
    when = case((lease_end > col(Outbox.next_try_at), lease_end), else_=col(Outbox.next_try_at))
    stmt = (
        select(when)
        .where(Outbox.platform == platform, Outbox.status == OutboxStatus.PENDING)
        .order_by(when)
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
    params = {"b_row": row_id, "b_now": now, "b_until": until}
    if created_at is None:
        return bool((await run(s, _LEASE, params)).rowcount)
    return bool((await run(s, _LEASE_VERSION, {**params, "b_created": created_at})).rowcount)


async def mark_sent(
    s: AsyncSession, row: Outbox, channel: str, message_id: str, role: DeliveryRole | None
) -> None:
    """Record the delivery and, for a card or a DM, the platform message's reference."""
    now = utcnow()
    await run(s, _SENT, {"b_row": row.id, "b_at": now, "b_message": message_id})
    if role and row.object_ref:
        await add_ref(s, row.platform, channel, message_id, row.object_ref, role, now)


async def mark_posted(s: AsyncSession, row: Outbox, channel: str, message_id: str,
                      role: DeliveryRole) -> bool:
    """Record the reference of a row's message that is out while the rest of the row (a
    card's reactions) is not; False when it was recorded already (an earlier attempt)."""
    assert row.object_ref is not None
    if await object_of_message(s, row.platform, channel, message_id) is not None:
        return False
    await add_ref(s, row.platform, channel, message_id, row.object_ref, role, utcnow())
    return True


async def mark_retry(s: AsyncSession, row_id: int, error: str, next_try: datetime,
                     maybe_sent: bool = True) -> None:
    """Try again at ``next_try``; ``maybe_sent``: this attempt may have gone through."""
    await run(s, _RETRY, {"b_row": row_id, "b_error": error[:1000], "b_next": next_try,
                          "b_maybe": maybe_sent})


async def defer(s: AsyncSession, row_id: int, until: datetime) -> None:
    """Hold a row back (its card or an earlier message is not out yet); not an attempt."""
    await run(s, _DEFER, {"b_row": row_id, "b_next": until})


async def mark_waiting(s: AsyncSession, row_id: int, reason: str, until: datetime) -> None:
    """Hold a row until ``until`` for a reason outside it (the bot is not in its room yet):
    not an attempt, and the reason is kept for a person to read."""
    await run(s, _WAIT, {"b_row": row_id, "b_next": until, "b_error": reason[:1000]})


async def due_in(s: AsyncSession, platform: str, channels: Sequence[str], now: datetime) -> int:
    """Make every pending row of these channels due at ``now`` (the bot has just come in);
    how many were waiting. A row in flight keeps its lease: only its next try moves."""
    if not channels:
        return 0
    found = await run(s, _DUE_IN, {"b_platform": platform, "b_channels": list(channels),
                                   "b_now": now})
    return int(found.rowcount or 0)


async def due_for(s: AsyncSession, platform: str, recipient: str, now: datetime) -> int:
    """Make every pending row for ``recipient`` due at ``now`` (they can be reached now);
    how many were waiting. A row in flight keeps its lease: only its next try moves."""
    found = await run(s, _DUE_FOR, {"b_platform": platform, "b_recipient": recipient,
                                    "b_now": now})
    return int(found.rowcount or 0)


async def redirect(s: AsyncSession, row_id: int, channel: str, now: datetime) -> None:
    """Give a pending private row a room to fall back on (its person's enterprise room),
    due at ``now``: not an attempt."""
    await run(s, _REDIRECT, {"b_row": row_id, "b_channel": channel, "b_now": now})


async def mark_failed(s: AsyncSession, row_id: int, error: str) -> None:
    await run(s, _FAIL, {"b_row": row_id, "b_error": error[:1000]})


@dataclass(frozen=True)
class Placement:
    """Where a row stands before its send (``placement``)."""

    card_message_id: str | None = None  # the thread's card, once delivered
    pending_card: tuple[int, datetime] | None = None  # the thread's first undelivered card
    earlier_at: datetime | None = None  # the next try of a row queued before it, if any
    card_failed: bool = False  # the thread's card failed for good (and none went out)


def _first(stmt: Any, column: Any) -> Any:
    return stmt.with_only_columns(column).order_by(_OUT.c.id).limit(1).scalar_subquery()


_IN_THREAD = (DeliveryRole.POST, DeliveryRole.EDIT, DeliveryRole.CARD)
_THREAD_ORDERED = (DeliveryRole.CARD, DeliveryRole.POST)


def _placements() -> dict[tuple[bool, str], Any]:
    """The query of ``placement`` for each kind of row: (in a card's thread, earlier by)."""
    platform: BindParameter[str] = bindparam("b_platform")
    thread: BindParameter[str] = bindparam("b_thread")
    pending = core_select(_OUT.c.id).where(_OUT.c.platform == platform, _PENDING)
    is_card = (_OUT.c.object_ref == thread, _OUT.c.role == DeliveryRole.CARD)
    cards = pending.where(*is_card)
    failed = core_select(_OUT.c.id).where(
        _OUT.c.platform == platform, *is_card,
        _OUT.c.status == OutboxStatus.FAILED).limit(1).scalar_subquery()
    in_thread = [card_message(platform, thread), _first(cards, _OUT.c.id),
                 _first(cards, _OUT.c.next_try_at), failed]
    before = pending.where(_OUT.c.id < bindparam("b_row"))
    earlier = {
        "thread": _first(before.where(_OUT.c.role.in_(_THREAD_ORDERED),
                                      _OUT.c.object_ref == bindparam("b_object"),
                                      _OUT.c.channel == bindparam("b_channel")),
                         _OUT.c.next_try_at),
        "dm": _first(before.where(_OUT.c.role == DeliveryRole.DM,
                                  _OUT.c.recipient == bindparam("b_recipient")),
                     _OUT.c.next_try_at),
        "": null(),
    }
    return {(inside, by): core_select(*(in_thread if inside else [null()] * 4), column)
            for inside in (True, False) for by, column in earlier.items()}


_PLACEMENT = _placements()


def _placed_by(row: Outbox, thread_of: str | None) -> tuple[bool, str]:
    """Whether the row belongs in (or edits) ``thread_of``, and what it is ordered after."""
    in_thread = bool(thread_of) and row.role in _IN_THREAD
    by = ("thread" if row.role in _THREAD_ORDERED and row.object_ref
          else "dm" if row.role == DeliveryRole.DM and row.recipient else "")
    return in_thread, by


def placed(row: Outbox, thread_of: str | None) -> bool:
    """Whether ``placement`` has anything to read for this row (else it is ``Placement()``:
    a reply to one person, a reaction — no session needs opening for it)."""
    return any(_placed_by(row, thread_of))


async def placement(s: AsyncSession, row: Outbox, thread_of: str | None) -> Placement:
    """In one query: the card of ``thread_of`` (sent, the first still pending, or one that
    failed for good) when the row belongs in or edits that thread, and a pending row queued
    before it in the same thread (or the same person's DMs): the messages of one thread go
    in queue order."""
    in_thread, by = _placed_by(row, thread_of)
    if not in_thread and not by:
        return Placement()
    params = {"b_platform": row.platform, "b_thread": thread_of, "b_row": row.id,
              "b_object": row.object_ref, "b_channel": row.channel,
              "b_recipient": row.recipient}
    found = (await run(s, _PLACEMENT[(in_thread, by)], params)).one()
    message_id, card_id, card_at, failed_id, earlier_at = tuple(found)
    return Placement(message_id, (card_id, card_at) if card_id is not None else None,
                     earlier_at, card_failed=failed_id is not None)


async def release(s: AsyncSession, row_ids: Sequence[int]) -> None:
    """Give back the leases of rows this process will not deliver (it is stopping)."""
    await run(s, _RELEASE, {"b_rows": list(row_ids)})


async def release_all(s: AsyncSession, platform: str, now: datetime) -> int:
    """Give back every lease on ``platform``'s pending rows, due at ``now`` at the latest
    (a lease that can only be a dead process's); how many there were."""
    found = await run(s, _RELEASE_ALL, {"b_platform": platform, "b_now": now})
    return int(found.rowcount or 0)


@dataclass
class Backlog:
    """One platform's rows waiting (``/readyz`` reports them)."""

    pending: int = 0
    oldest_pending: datetime | None = None  # the creation of the oldest pending row
    failed: int = 0  # failed for good


async def backlog(s: AsyncSession) -> dict[str, Backlog]:
    """Per platform: rows pending, the oldest pending row's creation, rows failed for good."""
    stmt = (select(Outbox.platform, Outbox.status, func.count(), func.min(Outbox.created_at))
            .where(col(Outbox.status).in_((OutboxStatus.PENDING, OutboxStatus.FAILED)))
            .group_by(col(Outbox.platform), col(Outbox.status)))
    found: dict[str, Backlog] = {}
    for platform, status, count, oldest in (await s.exec(stmt)).all():
        entry = found.setdefault(platform, Backlog())
        if status == OutboxStatus.PENDING:
            entry.pending, entry.oldest_pending = count, oldest
        else:
            entry.failed = count
    return found
