"""From neutral messages to outbox rows: which platform, which channel, which person.

A channel message goes to every channel of its purpose on every running
platform; a thread message and a card edit follow the card; a DM goes to the
person on the platform where the actor is if they are there, else on another
running platform where they are; a reply to the actor goes back where they acted.

The audience rule lives here, once for every handler and job: a room whose purpose is
``client`` (a room shared with one client) receives only the messages addressed to that
client (``Message.audience``); any other row for it is refused and logged (ids only,
never the text). A reply to a team member who acted in a client room goes to their DMs
instead (on some platforms, Matrix, a reply "only to them" is seen by the whole room); a
reply for the team to anyone else there is refused like any other.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.events import Inbound, where
from commands.messages import Envelope, Message, Outbound, Reaction
from commands.outcome import Handoff
from storage.models import DeliveryRole, Outbox
from storage.repo import directory as dir_repo
from storage.repo import outbox as outbox_repo

log = logging.getLogger(__name__)

CLIENT_ROOM = "client"  # the purpose of a room shared with a client
Rooms = Mapping[tuple[str, str], int | None]  # (platform, room id) → its client's id


async def queue(
    s: AsyncSession, items: Sequence[Outbound], event: Inbound, platforms: Sequence[str], *,
    handoff: Handoff | None = None, keep: Callable[[Outbox], bool] | None = None,
) -> list[Outbox]:
    """The one way into the outbox, for commands and scheduled jobs alike: the rows of
    ``items`` (those ``keep`` keeps), leased to ``handoff``'s delivery loops when given (it
    hands them over after the commit), inserted in the caller's transaction."""
    rows = await plan(s, items, event, platforms)
    if keep is not None:
        rows = [row for row in rows if keep(row)]
    if handoff is not None:
        handoff.lease(rows)
    return await outbox_repo.enqueue(s, rows)


async def plan(
    s: AsyncSession, items: Sequence[Outbound], event: Inbound, platforms: Sequence[str]
) -> list[Outbox]:
    rows: list[Outbox] = []
    rooms = await client_rooms(s) if items else {}
    for item in items:
        rows.extend(admitted(item, await _rows_for(s, item, event, platforms, rooms), rooms))
    return rows


async def client_rooms(s: AsyncSession) -> dict[tuple[str, str], int | None]:
    """Every client room in use, on every platform, with its client (a cached read)."""
    return {(c.platform, c.platform_channel_id): c.client_id
            for c in await dir_repo.channels(s, purpose=CLIENT_ROOM)}


def admitted(item: Outbound, rows: list[Outbox], rooms: Rooms) -> list[Outbox]:
    """``rows`` but those that would put ``item`` in a client room it is not addressed to.

    Whatever produced the message, a client room gets only its own client's messages; a
    room whose client is gone from the directory gets nothing."""
    kept = []
    for row in rows:
        if row.channel is not None and (row.platform, row.channel) in rooms:
            owner = rooms[(row.platform, row.channel)]
            if owner is None or item.audience.client_id != owner:
                log.warning("audience: a message for %s refused in a client room",
                            "the team" if item.audience.team else "another client",
                            extra={"fields": {"platform": row.platform, "channel": row.channel,
                                              "role": row.role, "object": row.object_ref,
                                              "audience": item.audience.client_id,
                                              "room_client": owner}})
                continue
        kept.append(row)
    return kept


def _row(item: Outbound, platform: str, role: DeliveryRole, *, channel: str | None = None,
         recipient: str | None = None, object_ref: str | None = None,
         coalesce_key: str | None = None) -> Outbox:
    return Outbox(platform=platform, role=role, channel=channel, recipient=recipient,
                  object_ref=object_ref, coalesce_key=coalesce_key,
                  payload=Envelope(item=item).model_dump_json())


async def _rows_for(
    s: AsyncSession, item: Outbound, event: Inbound, platforms: Sequence[str], rooms: Rooms
) -> list[Outbox]:
    actor = event.actor
    if isinstance(item, Reaction):
        return [_row(item, actor.platform, DeliveryRole.REACT, channel=where(event),
                     object_ref=item.object_ref, coalesce_key=_ack_key(item, actor.user_id))]
    assert isinstance(item, Message)
    target = item.target
    if target.kind == "actor":  # where they acted: a command's place, a reply's or click's thread
        place = where(event)
        if item.audience.team and place is not None and (actor.platform, place) in rooms \
                and await dir_repo.person_by_identity(s, actor.platform, actor.user_id):
            return [_row(item, actor.platform, DeliveryRole.DM, recipient=actor.user_id)]
        return [_row(item, actor.platform, DeliveryRole.EPHEMERAL, channel=place,
                     recipient=actor.user_id)]
    if target.kind == "dm":
        return await _dm_rows(s, item, actor.platform, platforms)
    chans = await dir_repo.channels(s, purpose=target.purpose, platforms=platforms)
    if not item.audience.team:  # a client's own rooms, not every room of the purpose
        chans = [c for c in chans if c.purpose != CLIENT_ROOM
                 or c.client_id == item.audience.client_id]
    rows = []
    for chan in chans:
        room = chan.platform_channel_id
        if item.edit_of:
            rows.append(_row(item, chan.platform, DeliveryRole.EDIT, channel=room,
                             object_ref=item.edit_of, coalesce_key=f"edit:{item.edit_of}"))
        elif item.card_of:  # in a channel, or in another object's thread (target.object_ref)
            rows.append(_row(item, chan.platform, DeliveryRole.CARD, channel=room,
                             object_ref=item.card_of))
        else:
            rows.append(_row(item, chan.platform, DeliveryRole.POST, channel=room,
                             object_ref=target.object_ref))
    return rows


def _ack_key(item: Reaction, user_id: str) -> str | None:
    """An acknowledgement still waiting (the platform asked the bot to slow down) gives way
    to the same person's next one on the same object: their newer answer replaced it."""
    if not item.object_ref or not user_id:
        return None
    key = f"ack:{item.object_ref}:{user_id}"
    return key if len(key) <= 80 else "ack#" + hashlib.sha256(key.encode()).hexdigest()


async def _dm_rows(
    s: AsyncSession, item: Message, actor_platform: str, platforms: Sequence[str]
) -> list[Outbox]:
    assert item.target.handle is not None
    person = await dir_repo.person_by_handle(s, item.target.handle)
    if person is None or person.id is None or not person.active:
        return []  # a retired person gets nothing
    ids = (await dir_repo.identities_of(s, [person.id])).get(person.id, {})
    order = [actor_platform, *[p for p in platforms if p != actor_platform]]
    for platform in order:
        if platform in platforms and platform in ids:
            return [_row(item, platform, DeliveryRole.DM, recipient=ids[platform])]
    return []
