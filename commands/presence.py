"""The directory's rooms the bot is not in: what waits for them, and who is told.

A bot is invited after it starts, often minutes later, and may be removed from a room
later on. Until it is in, the platform refuses what the bot posts there (Matrix:
``M_FORBIDDEN`` "not in room"). For a directory room that is a wait, not a failure: the
row stays pending (``bot.absence`` tries it again every few minutes), the coordinators
are told once, in their language, to invite the bot (``waiting``), and when the bot
comes in, everything that waited is made due at once (``arrived``, on the adapter's
``Joined``). A room outside the directory has no one to wait for it: its refusal stands.

The claim ``(ABSENT, "<platform>:<room id>", "")`` says the coordinators were told; it
outlives a restart and settles replicas racing for it, and is withdrawn once the bot is
in the room, so that a later removal is told again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.i18n import translator
from commands.jobs import job_event
from commands.messages import Message, Target, para
from commands.routing import queue
from storage.models import Outbox, Person
from storage.repo import claims as claims_repo
from storage.repo import directory as dir_repo
from storage.repo import outbox as outbox_repo

log = logging.getLogger(__name__)

ABSENT = "absent-room"  # the claims' kind: the coordinators were told the bot is not in it


@dataclass(frozen=True)
class Waiting:
    """What ``waiting`` found: the directory's name of the room (None: not one of the
    directory's rooms) and the coordinators' messages it queued (none when they were told
    before)."""

    name: str | None
    told: list[Outbox]


def _key(platform: str, room: str) -> str:
    return f"{platform}:{room}"[:255]


def notice(person: Person, room: str) -> Message:
    """The coordinator's DM: which room to invite the bot to, and what happens then."""
    t = translator(person.locale)
    return Message(target=Target(kind="dm", handle=person.handle), locale=t.locale, blocks=[
        para(t.t("I am not a member of the channel #{room} (I have not been invited to it "
                 "yet, or I was removed from it), so the messages I have to post there are "
                 "waiting. Please invite me to it: they will be posted as soon as I have "
                 "joined.", room=room))])


async def waiting(s: AsyncSession, platform: str, room: str, owner: str = "") -> Waiting:
    """The bot is not in ``room``: the directory's name for it and, the first time any
    replica says so, one DM to each coordinator on that platform (queued in ``s``)."""
    channel = await dir_repo.channel_by_platform_id(s, platform, room)
    if channel is None:
        return Waiting(None, [])
    if not await claims_repo.claim(s, ABSENT, _key(platform, room), "", owner):
        return Waiting(channel.name, [])
    rows = await queue(s, [notice(p, channel.name) for p in await dir_repo.coordinators(s)],
                       job_event([platform], f"absent:{channel.name}"), [platform])
    return Waiting(channel.name, rows)


async def arrived(s: AsyncSession, platform: str, rooms: Sequence[str],
                  now: datetime) -> dict[str, int]:
    """The bot is in ``rooms`` now: for each of the directory's rooms among them (by name),
    how many of its rows waited and are due at ``now``; the coordinators may be told again
    if it is removed later."""
    present = set(rooms)
    found = {c.platform_channel_id: c.name
             for c in await dir_repo.channels(s, platforms=[platform])
             if c.platform_channel_id in present}
    if not found:
        return {}
    await claims_repo.withdraw(s, ABSENT, [_key(platform, room) for room in found])
    return {name: await outbox_repo.due_in(s, platform, [room], now)
            for room, name in found.items()}
