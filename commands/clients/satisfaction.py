"""The satisfaction question asked at a request's close, and its answer (1 to 5): by a
button, or in words in the room ("4", "4/5")."""

from __future__ import annotations

import re

from commands.clients import voice
from commands.context import Context
from commands.errors import CommandError
from commands.events import Action
from commands.i18n import translator
from commands.messages import para
from storage.models import Channel, Client, ClientRequest, Request
from storage.repo import client_rooms as repo
from storage.repo import requests as req_repo

_SCORE = re.compile(r"^\s*([1-5])\s*(?:/\s*5)?\s*[.!]?\s*$")
_ACTION = re.compile(r"^note-([1-5])$")


def ask(ctx: Context, cr: ClientRequest, request: Request) -> None:
    """Ask once, at the first close."""
    if cr.satisfaction_asked_at is None:
        cr.satisfaction_asked_at = ctx.now
        ctx.session.add(cr)
        ctx.out.append(voice.satisfaction_question(cr, request.ref))


async def clicked(ctx: Context, *, client: Client, room: Channel | None = None) -> None:
    """A button (``note-4`` on ``R-3``), or a reaction (4️⃣) in the room on its question."""
    event = ctx.event
    assert isinstance(event, Action)
    assert client.id is not None
    ref = event.thread.object_ref or ""
    found = _ACTION.match(event.action)
    cr = await repo.of_request(ctx.session, int(ref[2:])) if ref[2:].isdigit() else None
    score = int(found.group(1)) if found else None
    if event.reaction and room is not None:
        bare = event.action.replace("\ufe0f", "")
        score = next((n for known, n in voice.SCORE_EMOJIS.items()
                      if known.replace("\ufe0f", "") == bare), None)
        cr = await repo.awaiting_satisfaction(ctx.session, client.id, room.platform,
                                              room.platform_channel_id)
        if score is None or cr is None:
            return  # a reaction among people: nothing to say
    if score is None or cr is None or cr.client_id != client.id \
            or cr.satisfaction_asked_at is None:
        raise CommandError("There is nothing to rate here.")
    await _record(ctx, cr, score)


async def rated_in_words(ctx: Context, client: Client, room: Channel, text: str) -> bool:
    """Whether ``text`` is the rating of the room's request waiting for one (recorded)."""
    assert client.id is not None
    found = _SCORE.match(text)
    if found is None:
        return False
    cr = await repo.awaiting_satisfaction(ctx.session, client.id, room.platform,
                                          room.platform_channel_id)
    if cr is None:
        return False
    await _record(ctx, cr, int(found.group(1)))
    return True


async def _record(ctx: Context, cr: ClientRequest, score: int) -> None:
    request = await req_repo.get(ctx.session, cr.request_id)
    assert request is not None
    cr.satisfaction, cr.satisfaction_at = score, ctx.now
    ctx.session.add(cr)
    ctx.object_ref = request.ref
    ctx.out.append(voice.thanks_for_score(cr, request.ref, score))
    t = translator(ctx.coop.locale)
    ctx.in_thread(request.ref, para(t.t("{client} rated how {ref} was handled: {score}/5.",
                                        client=request.client, ref=request.ref, score=score)),
                  purpose=request.purpose)
