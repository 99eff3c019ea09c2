"""The port: everything the runtime uses of an adapter, and the one error it raises.

An adapter is two converters (platform payload → neutral event; neutral message →
platform call), a sender and a runner. The runtime gives ``start`` the one callable
that takes a neutral event (``Receive``: dispatch, then the direct replies); the
delivery loop calls ``send`` for each outbox row. Nothing else of an adapter is read,
and no adapter decides what the core decides (docs/adapters.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from commands.events import Inbound
from commands.messages import Message, Reaction
from commands.outcome import Outcome
from storage.models import DeliveryRole

if TYPE_CHECKING:
    from bot.http import Installer  # aiohttp: loaded by the adapters that serve HTTP

__all__ = ["Adapter", "Delivery", "DeliveryError", "DeliveryRole", "Receive", "Sender", "Sent",
           "StartRefused"]


class Receive(Protocol):
    """The runtime's entry for one neutral event (``Bot.receive``).

    ``inline=True``: the adapter carries the first direct reply in its own answer (Slack's
    ack), found in ``Outcome.inline``; ``quiet=True``: a platform's retry of an event whose
    first delivery was answered already (nothing is said twice).
    """

    def __call__(self, event: Inbound, *, inline: bool = False,
                 quiet: bool = False) -> Awaitable[Outcome]: ...


class DeliveryError(Exception):
    """A platform refused or failed a send.

    ``retry_after`` (seconds) asks to try again later; ``permanent`` means
    trying again cannot help (the row is kept, marked failed, for a person
    to look at). ``maybe_sent`` (the default) says the message may have reached
    the platform anyway (a timeout); an answered refusal says it did not.
    ``throttled`` says the platform rate-limits the account, not this row: the delivery
    loop sends nothing more on that platform for ``retry_after`` seconds. ``absent`` says
    the bot is not in the row's channel (not invited yet, or removed): the core decides
    whether that is a wait (a directory room: ``bot.absence``) or a failure; it implies
    ``maybe_sent=False``. ``no_direct`` says the row's recipient has no direct conversation
    with the bot and the bot may not open one (Tchap's rule): the row waits until the person
    opens one (``bot.absence``); it implies ``maybe_sent=False`` too.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False,
                 maybe_sent: bool = True, throttled: bool = False, absent: bool = False,
                 no_direct: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent
        self.maybe_sent = maybe_sent and not absent and not no_direct
        self.throttled = throttled
        self.absent = absent
        self.no_direct = no_direct


class StartRefused(Exception):
    """An adapter cannot start for a reason a person must fix (a refused access token): its
    text, already in the operator's language, says what to do; ``grappe run`` prints it
    without a traceback."""


@dataclass(frozen=True)
class Delivery:
    """One outbox row, ready for an adapter: where, what, and the card it relates to."""

    row_id: int
    role: str  # a DeliveryRole (card | post | edit | dm | ephemeral | react), part of the port
    item: Message | Reaction
    channel: str | None
    recipient: str | None
    object_ref: str | None
    thread_root: str | None  # the platform message id of the object's card, for a thread
    edit_target: str | None  # the platform message id to replace, for an edit
    transaction_id: str  # stable across retries: Matrix's txnId
    # an earlier attempt may have reached the platform (it timed out, or its process died
    # between the send and the record): a platform without idempotency looks first
    maybe_sent: bool = False
    queued_at: datetime | None = None
    # call it with (channel, message id) as soon as the message itself is out, before what
    # follows it (a card's reactions, a file): replies to it are understood from then on
    # even when the rest waits for a rate limit
    posted: Callable[[str, str], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Sent:
    channel: str
    message_id: str


class Sender(Protocol):
    """What the outbox's delivery loop uses.

    ``concurrency``: how many threads are delivered side by side (each one in order);
    ``duplicates_on_retry``: the roles a send of which cannot be found again after a
    crash (Slack's ephemeral replies), delivered one at a time from send to record.
    ``member_of(channel)``: whether the bot is in that channel, as the platform last
    said (Matrix: from the sync); None when the adapter cannot tell. ``/readyz`` names the
    directory's rooms it is not in, and a row that waited for one is let go at once when
    the answer changed meanwhile.
    """

    platform: str
    concurrency: int
    duplicates_on_retry: frozenset[str]

    async def send(self, delivery: Delivery) -> Sent: ...

    def member_of(self, channel: str) -> bool | None: ...


class Adapter(Sender, Protocol):
    """An adapter connected to a platform.

    ``redelivers``: events the database could not take come again from the platform
    (Matrix's sync), so their authors are told to wait rather than to send them again.
    ``connected`` is what ``/readyz`` reports. ``serve(routes)`` hands the adapter the
    runtime's other HTTP routes when it runs an HTTP server itself (Slack's events);
    it returns False when it runs none (the runtime then serves them).
    ``send_direct`` renders a reply that could not go through the outbox, to the
    person who acted, where they acted (``event``).
    """

    redelivers: bool

    @property
    def connected(self) -> bool: ...

    def serve(self, routes: Sequence[Installer]) -> bool: ...

    async def start(self, receive: Receive) -> None: ...

    async def stop(self) -> None: ...

    async def send_direct(self, item: Message, event: Inbound) -> None: ...
