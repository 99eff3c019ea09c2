"""A person the bot cannot write to privately yet: what waits for them, and how they are asked.

Where the bot may create no room (Tchap: an account of a non-public body cannot open a DM
or a private room), a private message — a lead's DM on an assignment, a reminder, a reply
only to the person who acted — goes to the direct room the person opened with the bot.
If the directory names a room of the person's enterprise (``enterprise_room``), the row goes
there instead (the person mentioned), and nobody is asked anything.
While there is neither, the row waits (``bot.absence``: pending, not an attempt), and the
person is asked once, in the thread of what the message is about (its target's
``object_ref``; else at the top of the cooperation channel), to open a conversation with
the bot. The question says nothing of the message: it is private, the room is shared.
When the person opens the room (the bot accepts their invitation), everything that waited
for them is due at once (``opened``), and delivered there once.

The claim ``(UNREACHABLE, "<platform>:<user id>", "")`` says the person was asked; it
outlives a restart and settles replicas racing for it, and is withdrawn once they opened
a room, so that a later loss of it is asked about again.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.i18n import translator
from commands.jobs import job_event
from commands.messages import Mention, Message, Target, para
from commands.routing import queue
from storage.models import Outbox, Person
from storage.repo import claims as claims_repo
from storage.repo import directory as dir_repo
from storage.repo import outbox as outbox_repo

UNREACHABLE = "no-direct-room"  # the claims' kind: the person was asked to open one
COOPERATION = "cooperation"
# an enterprise's own room, named after its slug in the directory: where a private message
# to one of its people goes when the bot can neither reach them directly nor open a room
ENTERPRISE_PURPOSE = "enterprise"


def _key(platform: str, user_id: str) -> str:
    return f"{platform}:{user_id}"[:255]


def question(person: Person, ids: dict[str, str], about: str | None) -> Message:
    """The question in the shared room: a mention and what to do, nothing of the message."""
    t = translator(person.locale)
    target = (Target(kind="thread", purpose=COOPERATION, object_ref=about) if about
              else Target(kind="channel", purpose=COOPERATION))
    mention = Mention(handle=person.handle, name=person.display_name, ids=dict(ids))
    return Message(target=target, locale=t.locale, blocks=[para(mention, " ", t.t(
        "I have a private message for you, which I cannot post in this room, and this "
        "server does not let me open a conversation myself. Please open a direct "
        "conversation with me (for instance from my name in this room's list of members): "
        "I will deliver it there at once."))])


async def ask(s: AsyncSession, platform: str, user_id: str, about: str | None,
              owner: str = "") -> list[Outbox]:
    """The person behind ``user_id`` has no direct room with the bot: the first time any
    replica says so, the question (queued in ``s``); no rows when they were asked before,
    or are no one of the directory (nothing to ask them in their language)."""
    person = await dir_repo.person_by_identity(s, platform, user_id)
    if person is None or person.id is None:
        return []
    if not await claims_repo.claim(s, UNREACHABLE, _key(platform, user_id), "", owner):
        return []
    ids = (await dir_repo.identities_of(s, [person.id])).get(person.id, {})
    return await queue(s, [question(person, ids, about)],
                       job_event([platform], f"unreachable:{person.handle}"), [platform])


async def enterprise_room(s: AsyncSession, platform: str, user_id: str) -> str | None:
    """The room of the person's enterprise on ``platform``, if the directory names one (a
    channel whose purpose is ``enterprise``, named after the enterprise's slug)."""
    person = await dir_repo.person_by_identity(s, platform, user_id)
    if person is None or person.enterprise_id is None:
        return None
    enterprise = await dir_repo.enterprise_by_id(s, person.enterprise_id)
    if enterprise is None:
        return None
    return next((c.platform_channel_id
                 for c in await dir_repo.channels(s, purpose=ENTERPRISE_PURPOSE,
                                                  platforms=[platform])
                 if c.name == enterprise.slug), None)


async def opened(s: AsyncSession, platform: str, user_id: str, now: datetime) -> int:
    """``user_id`` opened a direct room with the bot: how many of their rows waited and are
    due at ``now``; they will be asked again if they lose it later."""
    await claims_repo.withdraw(s, UNREACHABLE, [_key(platform, user_id)])
    return await outbox_repo.due_for(s, platform, user_id, now)
