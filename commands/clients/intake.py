"""A client's words in their room: a new request, a follow-up, or a rating.

Who is the client is decided here once (``enter``, declared ``@client_side``): anyone who
writes in a client's room and is not of the team, and a client's contact who clicks. A
person the directory does not know becomes a contact of the room's client, under the
name the platform gives. A room whose client left the directory records nothing: its
author is told so.

A message opens a request (``R-n``, the need in the client's words), unless it follows
one: it names one of the client's open requests (``R-3 : …``), it is a reply in a thread
of the room, or it comes within ``WINDOW`` of the client's last message on an open
request. A follow-up goes to the request's internal thread, marked as the client's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.client_side import Closed, Entry, client_side
from commands.clients import satisfaction, voice
from commands.clients.response import first_response_due, target_hours
from commands.context import Context
from commands.dates.when import format_moment
from commands.errors import CommandError
from commands.events import Action, Command, Inbound, RoomMessage, ThreadReply, where
from commands.i18n import translator
from commands.messages import Message, Reaction, Target, bold, for_client, para
from commands.prefixes import strip_prefix
from commands.requests.intake import open_request
from commands.text import clean, slugify
from storage.models import (
    Channel,
    Client,
    ClientContact,
    ClientRequest,
    Cooperative,
    Person,
    Request,
)
from storage.repo import client_rooms as repo
from storage.repo import requests as req_repo

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=10)  # a message this soon after the last one follows it
_NAMED = re.compile(r"^\s*R-(\d{1,9})\s*[:,—-]?\s*(.*)$", re.S | re.I)


@client_side(emojis=voice.SCORE_EMOJIS)
async def enter(s: AsyncSession, event: Inbound, coop: Cooperative) -> Entry | Closed | None:
    actor, place = event.actor, where(event)
    room = await repo.room(s, actor.platform, place) if place else None
    contact = await repo.contact_by_identity(s, actor.platform, actor.user_id)
    if room is None:  # a contact's click: the console's lines name no room
        if contact is None or not isinstance(event, Action):
            return None
        client = await repo.client(s, contact.client_id)
        if client is None:
            return None
        return _entry(client, contact, contact.name, partial(satisfaction.clicked, client=client))
    client = await repo.client(s, room.client_id)
    if client is None:
        log.warning("client room #%s: its client is no longer in the directory; a message "
                    "there is not recorded", room.name)
        t = translator(contact.locale if contact else coop.locale)
        return Closed(Message(target=Target(kind="actor"), locale=t.locale, blocks=[para(t.t(
            "This room is no longer followed by {cooperative}: your message was not "
            "recorded. Please contact {cooperative} directly.", cooperative=coop.name))]))
    said_name = event.name if isinstance(event, RoomMessage | Command) else ""
    name = contact.name if contact else (said_name or actor.user_id)
    return _entry(client, contact, name, partial(_work, client=client, room=room,
                                                 contact=contact, name=name))


def _entry(client: Client, contact: ClientContact | None, name: str,
           work: Callable[[Context], Awaitable[None]]) -> Entry:
    assert client.id is not None
    person = Person(handle=(contact.handle if contact and contact.handle else "client"),
                    display_name=name, locale=contact.locale if contact else client.locale)
    return Entry(person=person, audience=for_client(client.id), work=work)


async def _work(ctx: Context, *, client: Client, room: Channel, contact: ClientContact | None,
                name: str) -> None:
    assert client.id is not None
    event = ctx.event
    if isinstance(event, Action):
        await satisfaction.clicked(ctx, client=client, room=room)
        return
    text = clean(strip_prefix(ctx.command_text) if isinstance(event, Command)
                 else ctx.command_text)
    if not text:
        raise CommandError("Your message is empty: write your request in a few words and we "
                           "will take it from there.")
    if contact is None:
        contact = await repo.add_contact(
            ctx.session, client.id, ctx.platform, event.actor.user_id, name, client.locale,
            event.actor.user_id if ctx.platform == "console" else slugify(name) or "contact")
        log.info("client room #%s: a new contact of its client", room.name)
    if await satisfaction.rated_in_words(ctx, client, room, text):
        return
    followed = await _followed(ctx, client, room, text)
    if followed is not None:
        await _follow_up(ctx, client, contact, *followed)
    else:
        await _open(ctx, client, room, contact, text)


async def _followed(ctx: Context, client: Client, room: Channel,
                    text: str) -> tuple[ClientRequest, Request, str] | None:
    """The open request ``text`` follows, with the words that follow it."""
    assert client.id is not None
    if named := _NAMED.match(text):
        cr = await repo.of_request(ctx.session, int(named.group(1)))
        request = await req_repo.get(ctx.session, int(named.group(1)))
        if cr is not None and request is not None and cr.client_id == client.id \
                and request.status in ("open", "staffed") and named.group(2).strip():
            return cr, request, named.group(2).strip()
    latest = await repo.latest_open(ctx.session, client.id, room.platform,
                                    room.platform_channel_id)
    if latest is None:
        return None
    cr, request = latest
    if isinstance(ctx.event, ThreadReply) or ctx.now - cr.last_message_at <= WINDOW:
        return cr, request, text
    return None


async def _open(ctx: Context, client: Client, room: Channel, contact: ClientContact,
                text: str) -> None:
    assert client.id is not None
    opened = await open_request(ctx, client.name, text, client_id=client.id)
    request = opened.request
    assert request.id is not None
    cr = ClientRequest(
        request_id=request.id, client_id=client.id, contact_id=contact.id,
        platform=room.platform, room=room.platform_channel_id, locale=ctx.t.locale,
        acknowledged_at=ctx.now, last_message_at=ctx.now,
        response_due_at=first_response_due(ctx.now, target_hours(client, ctx.env), ctx.coop))
    ctx.session.add(cr)
    await ctx.session.flush()
    ctx.out.append(voice.acknowledgement(cr, request.ref, contact.name, ctx.coop))
    t = translator(ctx.coop.locale)
    assert cr.response_due_at is not None
    ctx.in_thread(request.ref, para(t.t(
        "{name} ({client}) wrote this request in #{room}. The first answer promised is due "
        "{when}: /grappe reply {ref} : … answers them there.", name=contact.name,
        client=client.name, room=room.name, ref=request.ref,
        when=format_moment(cr.response_due_at, ctx.tz, t.locale,
                           today=ctx.now.astimezone(ctx.tz).date()))),
        purpose=request.purpose)


async def _follow_up(ctx: Context, client: Client, contact: ClientContact, cr: ClientRequest,
                     request: Request, text: str) -> None:
    cr.last_message_at = ctx.now
    ctx.session.add(cr)
    ctx.object_ref = request.ref
    t = translator(ctx.coop.locale)
    ctx.in_thread(request.ref, para(bold(t.t("{name} ({client}), the client's words:",
                                           name=contact.name, client=client.name)),
                                    f" « {text} »"), purpose=request.purpose)
    event = ctx.event
    assert isinstance(event, RoomMessage | ThreadReply | Command)
    message_id = (None if isinstance(event, Command) else event.message_id) or event.event_id
    ctx.out.append(Reaction(emoji="✅", message_id=message_id, object_ref=request.ref,
                            note=ctx.tr("added to your request {ref}", ref=request.ref),
                            audience=for_client(cr.client_id)))
