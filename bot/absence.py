"""A row for a room the bot is not in: it waits, and the coordinators are told once.

The adapter says ``DeliveryError(absent=True)`` when the bot is not in the row's room (not
invited yet, or removed: Matrix knows it from its sync, or from the homeserver's
"not in room"). For one of the directory's rooms the row waits: it stays pending, is not
counted as an attempt, is tried again every ``ABSENT_RETRY`` and at once when the bot
comes in (``commands.presence.arrived``, on the adapter's ``Joined``). The first time, the
coordinators are told by DM (``commands.presence.waiting``) and the log names the room.
A room outside the directory has no one to invite the bot back: the refusal stands.

A private row whose recipient has no direct room with the bot, where the bot may open none
(``DeliveryError(no_direct=True)``, Tchap), waits the same way for the person
(``for_person``): they are asked once, in the thread of what it is about, to open one
(``commands.unreachable``), and the row goes when they do — unless the directory names
their enterprise's room: a DM goes there at once (the row's channel, from then on).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.adapters.base import DeliveryError, Sender
from commands import presence, unreachable
from commands.messages import Envelope, Message
from storage.db import Database
from storage.models import DeliveryRole, Outbox
from storage.repo import directory as dir_repo
from storage.repo import outbox as repo

log = logging.getLogger(__name__)

ABSENT_RETRY = timedelta(minutes=5)  # a fallback: the bot's arrival lets the rows go at once


class Absences:
    """One platform's rows that wait for the bot to be let into their room."""

    def __init__(self, db: Database, sender: Sender, clock: Callable[[], datetime],
                 wake: Callable[[], None]):
        self.db = db
        self.sender = sender
        self.clock = clock
        self.wake = wake
        self._logged: set[str] = set()  # rooms already named in the log by this process

    async def wait(self, row: Outbox, exc: DeliveryError) -> bool:
        """Hold ``row`` until the bot is in its room; False (nothing written) when the room
        is none of the directory's: the refusal then stands, as any other."""
        assert row.id is not None
        now = self.clock()
        async with self.db.session() as s:
            found = await presence.waiting(s, row.platform, row.channel or "")
            if found.name is None:
                return False
            await repo.mark_waiting(s, row.id, f"waiting to be let in: {exc}",
                                    now + ABSENT_RETRY)
        if self.sender.member_of(row.channel or "") is True:  # it came in meanwhile: its
            async with self.db.session() as s:  # arrival may have missed this row in flight
                await repo.defer(s, row.id, now)
            self.wake()
        elif found.told:
            self.wake()
        if found.told or row.channel not in self._logged:
            self._logged.add(row.channel or "")
            log.warning("%s: the bot is not in #%s (%s): its messages wait until it is "
                        "invited%s", row.platform, found.name, row.channel,
                        f"; {len(found.told)} coordinator(s) told" if found.told else "")
        return True

    async def for_person(self, row: Outbox, exc: DeliveryError) -> bool:
        """Hold a private ``row`` until its recipient opens a direct room with the bot, and
        ask them once; False (nothing written) for a row with no recipient."""
        assert row.id is not None
        if not row.recipient:
            return False
        item = Envelope.model_validate_json(row.payload).item
        about = item.target.object_ref if isinstance(item, Message) else None
        async with self.db.session() as s:
            room = None if row.channel or row.role != DeliveryRole.DM else \
                await unreachable.enterprise_room(s, row.platform, row.recipient)
            if room is not None:  # their enterprise's room, named in the directory
                await repo.redirect(s, row.id, room, self.clock())
        if room is not None:
            self.wake()
            return True
        async with self.db.session() as s:
            asked = await unreachable.ask(s, row.platform, row.recipient, about)
            await repo.mark_waiting(s, row.id, f"waiting for a direct room: {exc}",
                                    self.clock() + ABSENT_RETRY)
        if asked:
            self.wake()
            log.warning("%s: %s has no direct room with the bot, which may open none: "
                        "their messages wait; they are asked to open one", row.platform,
                        row.recipient)
        return True


async def rooms_not_joined(s: AsyncSession, senders: Sequence[Sender]) -> dict[str, list[str]]:
    """By platform, the names of the directory's rooms the bot is not in (for ``/readyz``
    and the start-up log); a platform that cannot tell is left out."""
    absent: dict[str, list[str]] = {}
    by_platform = {sender.platform: sender for sender in senders}
    for channel in await dir_repo.channels(s, platforms=list(by_platform)):
        if by_platform[channel.platform].member_of(channel.platform_channel_id) is False:
            absent.setdefault(channel.platform, []).append(channel.name)
    return {platform: sorted(names) for platform, names in sorted(absent.items())}
