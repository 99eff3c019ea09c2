"""What every adapter offers the outbox, and the one error it raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from commands.messages import Message, Reaction

if TYPE_CHECKING:
    from bot.app import Bot


class DeliveryError(Exception):
    """A platform refused or failed a send.

    ``retry_after`` (seconds) asks to try again later; ``permanent`` means
    trying again cannot help (the row is kept, marked failed, for a person
    to look at). ``maybe_sent`` (the default) says the message may have reached
    the platform anyway (a timeout); an answered refusal says it did not.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False,
                 maybe_sent: bool = True):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent
        self.maybe_sent = maybe_sent


@dataclass(frozen=True)
class Delivery:
    """One outbox row, ready for an adapter: where, what, and the card it relates to."""

    row_id: int
    role: str  # card | post | edit | dm | ephemeral | react
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


@dataclass(frozen=True)
class Sent:
    channel: str
    message_id: str


class Adapter(Protocol):
    """``platform`` names it; an optional ``concurrency`` (default 1) lets the outbox
    deliver that many threads side by side, each thread still in order."""

    platform: str

    async def send(self, delivery: Delivery) -> Sent: ...

    async def send_direct(self, item: Message | Reaction, channel: str | None,
                          recipient: str) -> None: ...


class PlatformAdapter(Adapter, Protocol):
    """An adapter connected to a platform: it receives events and hands them to the bot.

    ``start`` begins receiving (Socket Mode, an HTTP route, a sync loop) and
    calls ``bot.dispatch(event)`` for each neutral event; ``stop`` stops
    receiving and closes connections. Sending goes through ``send``.
    """

    async def start(self, bot: Bot) -> None: ...

    async def stop(self) -> None: ...
