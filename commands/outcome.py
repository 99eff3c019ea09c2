"""What the dispatcher tells the runtime once an event is over."""

from __future__ import annotations

from asyncio import Future
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from commands.forms import Form
from commands.messages import Message, Outbound
from storage.models import Outbox


class Result(StrEnum):
    """How an event ended (the log line's ``outcome``)."""

    OK = "ok"
    REFUSED = "refused"  # a CommandError: the person was told why, nothing was written
    INCIDENT = "incident"  # a handler crashed: rolled back, the person given a reference
    DUPLICATE = "duplicate"  # the platform delivered this event id before
    UNKNOWN_PERSON = "unknown-person"
    IGNORED = "ignored"  # not for the bot: chatter in a thread that is none of ours, ❤️
    EDITED = "edited"  # an edited command: not run again, its author told (once)
    FORM = "form"  # the person is shown a form (``Outcome.form``)
    ACCEPTED = "accepted"  # an invitation the bot takes
    DECLINED = "declined"
    UNREADABLE = "unreadable"  # an encrypted message: its author is told
    DB_UNAVAILABLE = "db-unavailable"
    DB_ERROR = "db-error"


@dataclass
class Outcome:
    """What the runtime needs to know once the transaction is over.

    ``direct`` holds replies that could not go through the outbox (an unknown
    person, the database unavailable): the runtime has the adapter send them at once
    (``Bot.receive``); ``inline`` is the one an adapter carries in its own answer
    (Slack's ack), when it asked for that.
    """

    handled: bool = True
    duplicate: bool = False
    direct: list[Outbound] = field(default_factory=list)
    result: Result = Result.OK
    command: str | None = None  # the command's name or the answered object's family
    form: Form | None = None
    inline: Message | None = None
    home: Message | None = None  # the person's home, drawn for a ``HomeOpened``
    # the outbox rows the command queued, handed to the delivery loops after the commit
    rows: list[Outbox] = field(default_factory=list, repr=False, compare=False)
    # their deliveries, started by the handoff: done once those rows are out (or not, for
    # now); an adapter whose next request would slow them down waits for them first
    delivering: list[Future[None]] = field(default_factory=list, repr=False, compare=False)
    due: int = 0  # rows that waited (for a room the bot has just come in) and are due now

    @property
    def queued(self) -> int:
        """The outbox rows the command queued."""
        return len(self.rows)


class Handoff(Protocol):
    """Who delivers what a command queues (the bot's delivery loops): ``lease`` leases the
    rows to them inside the command's transaction, ``hand`` gives them over once it
    committed, so they go out without being read back (bot/outbox.py), and returns the
    deliveries it started (``Outcome.delivering``); ``wake`` tells a platform's loop that
    rows already in the outbox are due now (``Outcome.due``)."""

    def lease(self, rows: Sequence[Outbox]) -> None: ...

    def hand(self, rows: Sequence[Outbox]) -> list[Future[None]]: ...

    def wake(self, platform: str) -> None: ...
