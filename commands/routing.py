"""From neutral messages to outbox rows: which platform, which channel, which person.

A channel message goes to every channel of its purpose on every running
platform; a thread message and a card edit follow the card; a DM goes to the
person on the platform where the actor is if they are there, else on another
running platform where they are; a reply to the actor goes back where they acted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.events import Inbound, where
from commands.messages import Envelope, Message, Outbound, Reaction
from commands.outcome import Handoff
from storage.models import DeliveryRole, Outbox
from storage.repo import directory as dir_repo
from storage.repo import outbox as outbox_repo


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
    for item in items:
        rows.extend(await _rows_for(s, item, event, platforms))
    return rows


def _row(item: Outbound, platform: str, role: DeliveryRole, *, channel: str | None = None,
         recipient: str | None = None, object_ref: str | None = None,
         coalesce_key: str | None = None) -> Outbox:
    return Outbox(platform=platform, role=role, channel=channel, recipient=recipient,
                  object_ref=object_ref, coalesce_key=coalesce_key,
                  payload=Envelope(item=item).model_dump_json())


async def _rows_for(
    s: AsyncSession, item: Outbound, event: Inbound, platforms: Sequence[str]
) -> list[Outbox]:
    actor = event.actor
    if isinstance(item, Reaction):
        return [_row(item, actor.platform, DeliveryRole.REACT, channel=where(event),
                     object_ref=item.object_ref, coalesce_key=_ack_key(item, actor.user_id))]
    assert isinstance(item, Message)
    target = item.target
    if target.kind == "actor":  # where they acted: a command's place, a reply's or click's thread
        return [_row(item, actor.platform, DeliveryRole.EPHEMERAL, channel=where(event),
                     recipient=actor.user_id)]
    if target.kind == "dm":
        return await _dm_rows(s, item, actor.platform, platforms)
    chans = await dir_repo.channels(s, purpose=target.purpose, platforms=platforms)
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
