"""Which outbox rows wait, and what goes first: the rules the delivery loop (``bot.outbox``)
asks before it sends anything. Pure: no storage, no network, no clock of its own.

**Threads.** Rows with the same ``order_key`` go in queue order: a card, its thread and its
edits; one person's DMs; a room's top-level posts. A row of a thread waits for its card and
for the rows queued before it (``hold``); an edit with no card to edit, or a thread reply
whose card failed for good, never goes. A card may live in another object's thread (a poll
in its request's thread): ``thread_of`` says which card a row is checked against,
``anchors`` what it hangs on once that card is out.

**Pace.** Rate limits are the account's, not a row's: a ``throttled`` error pauses the
whole platform until the time the platform gave (``Pace.throttled``), and for ``CAREFUL``
after it the loop sends one row at a time, the rows people wait for (cards, their edits,
messages) before acknowledgement reactions (``LAST``). Meanwhile nothing is leased with
its command (``Pace.may_lease``): the loop sends rows by priority. A card's edits are
never leased with their command either: while one is in flight the newer ones replace
each other in the outbox, so a burst of answers costs a few edits and the last one shows
the latest state.

**Spacing.** Some homeservers ask a bot to keep to a pace whatever it sends: Tchap asks
for about one API call a second. ``Spacing`` gives each call the next free slot, at least
``interval`` after the previous one; the adapter sleeps until it (``bot.matrix.client``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from commands.messages import Message, Reaction
from storage.models import DeliveryRole, Outbox
from storage.repo.outbox import Placement

CAREFUL = timedelta(seconds=60)  # after a rate limit: one row at a time, for this long
LAST = (DeliveryRole.REACT,)  # what waits most easily when the platform asks to slow down
SOON = timedelta(milliseconds=50)  # the earliest a held row is looked at again


def order_key(row: Outbox) -> str:
    """Rows with the same key are delivered in queue order: a card, its thread and its
    edits; one person's DMs; the posts at the top of one room (a client reads "your request
    is closed" before "how satisfied are you?"); anything else stands alone (a reaction on
    someone's message needs nothing before it)."""
    if row.role in LAST:
        return f"row:{row.id}"
    if row.object_ref:
        return f"{row.channel}:{row.object_ref}"
    if row.recipient:
        return f"to:{row.recipient}"
    if row.channel and row.role == DeliveryRole.POST:
        return f"{row.channel}:"
    return f"row:{row.id}"


def threads(rows: list[Outbox]) -> list[list[Outbox]]:
    """``rows`` (in queue order) grouped by ``order_key``, each group in queue order."""
    groups: dict[str, list[Outbox]] = {}
    for row in rows:
        groups.setdefault(order_key(row), []).append(row)
    return list(groups.values())


def thread_of(row: Outbox, item: Message | Reaction) -> tuple[str | None, bool]:
    """The object whose card ``row`` is checked against, and whether ``row`` is that card
    itself. A card posted in another object's thread waits for that object's card."""
    card = row.role == DeliveryRole.CARD
    ref = (item.target.object_ref if card and isinstance(item, Message)
           and item.target.kind == "thread" else row.object_ref)
    return ref, card and ref == row.object_ref


def hold(row: Outbox, place: Placement, now: datetime,
         own_card: bool) -> datetime | str | None:
    """Why ``row`` cannot go now: until when it waits, or the reason it never can.
    ``own_card``: the row is the card of the thread it was checked against."""
    if place.card_message_id is None and place.pending_card is not None \
            and place.pending_card[0] != row.id:
        return _later(place.pending_card[1], now)  # its card is not out yet
    if place.card_message_id is None and place.pending_card is None:
        if row.role == DeliveryRole.EDIT:
            return "no card to edit"
        if place.card_failed and not own_card:
            # out of its thread it would read as noise at the channel's top level; kept
            # failed with its card, for a person to look at (/readyz counts them)
            return "its card could not be posted"
    if place.earlier_at is not None:  # a thread's messages go in the order they were queued
        return _later(place.earlier_at, now)
    return None


def anchors(row: Outbox, place: Placement, thread: str | None) -> tuple[str | None, str | None]:
    """``(thread_root, edit_target)``: the platform message a row replies under, or the
    one it replaces (an edit), once the card of ``thread`` is out."""
    if place.card_message_id is None:
        return None, None
    if row.role == DeliveryRole.EDIT:
        return None, place.card_message_id
    if thread != row.object_ref or row.role == DeliveryRole.POST:
        return place.card_message_id, None
    return None, None


def _later(when: datetime, now: datetime) -> datetime:
    return max(when, now + SOON)


class Pace:
    """One platform's pace: paused until the time a rate limit gave, then careful."""

    def __init__(self) -> None:
        self.paused_until: datetime | None = None

    def throttled(self, until: datetime) -> None:
        """The platform asked to wait until ``until`` (the latest of its answers counts)."""
        self.paused_until = max(self.paused_until or until, until)

    def paused(self, now: datetime) -> datetime | None:
        """Until when nothing is sent, if the platform said so; None otherwise."""
        if self.paused_until is not None and now < self.paused_until:
            return self.paused_until
        return None

    def careful(self, now: datetime) -> bool:
        """One row at a time, by priority (``first``): during a pause and ``CAREFUL`` after."""
        return self.paused_until is not None and now < self.paused_until + CAREFUL

    def may_lease(self, row: Outbox, now: datetime) -> bool:
        """Whether a row may be leased with its command (then sent as soon as it commits)."""
        return row.role != DeliveryRole.EDIT and not self.careful(now)

    @staticmethod
    def first(groups: list[list[Outbox]]) -> list[list[Outbox]]:
        """The threads people wait for first, acknowledgement reactions last."""
        return sorted(groups, key=lambda group: group[0].role in LAST)


class Spacing:
    """Calls at least ``interval`` seconds apart, in the order they ask (0: no spacing)."""

    def __init__(self, interval: float = 0.0) -> None:
        self.interval = interval
        self._next = 0.0  # the earliest start of the next call, on the caller's clock

    def slot(self, now: float) -> float:
        """Seconds to wait before a call asked at ``now`` (a monotonic clock) may start; its
        slot is taken, the next call's comes ``interval`` after it."""
        if self.interval <= 0:
            return 0.0
        start = max(now, self._next)
        self._next = start + self.interval
        return start - now
