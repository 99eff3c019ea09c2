"""Answers to a request, in its thread: text, buttons or reactions."""

from __future__ import annotations

from collections.abc import Callable

from commands.context import Context
from commands.errors import CommandError
from commands.events import Action, ThreadReply
from commands.i18n import translator
from commands.registry import on_action, on_reply
from commands.requests.answers import ParsedAnswer, availability_of, parse_answer
from commands.requests.intake import refresh_card
from commands.requests.parsing import parse_ref
from commands.requests.view import EMOJIS, Standing, standing_text, tally
from storage.models import Answer, Request
from storage.repo import requests as repo

ACTIONS: dict[str, Callable[[Context, str], ParsedAnswer]] = {
    "interested": lambda ctx, value: ParsedAnswer(interested=True),
    "lead": lambda ctx, value: ParsedAnswer(interested=True, can_lead=True),
    "decline": lambda ctx, value: ParsedAnswer(declined=True, reason=value.strip()[:500]),
    "available": lambda ctx, value: ParsedAnswer(
        interested=True, availability=availability_of(value, now=ctx.now, tz=ctx.tz)),
}


async def _open_request(ctx: Context) -> Request:
    number = parse_ref(ctx.object_ref or "")
    request = await repo.get(ctx.session, number) if number is not None else None
    if request is None:
        raise CommandError("There is no request {ref}.", ref=ctx.object_ref or "?")
    if request.status != "open":
        raise CommandError("{ref} is no longer open for answers; your message was not "
                           "recorded. Write to the coordinators if something changed.",
                           ref=request.ref)
    return request


@on_reply("R")
async def answer_in_thread(ctx: Context, text: str) -> None:
    request = await _open_request(ctx)
    await record(ctx, request, parse_answer(text, now=ctx.now, tz=ctx.tz), source="text")


@on_action("R", emojis=EMOJIS)
async def answer_by_choice(ctx: Context, action: str) -> None:
    request = await _open_request(ctx)
    make = ACTIONS.get(action)
    if make is None:
        raise CommandError("Unknown choice “{action}” on {ref}.", action=action[:30],
                           ref=request.ref)
    value = ctx.event.value if isinstance(ctx.event, Action) else ""
    await record(ctx, request, make(ctx, value), source="button")


async def record(ctx: Context, request: Request, parsed: ParsedAnswer, *, source: str) -> None:
    """Keep this version of the enterprise's answer, acknowledge it, update the card.

    A text answer keeps the message it was written in: an edit of that message is a new
    version in place of the message's earlier ones (``view.current_versions``).
    """
    enterprise_id = ctx.person.enterprise_id
    message_id = ctx.event.message_id if isinstance(ctx.event, ThreadReply) else None
    answer = Answer(
        request_id=request.id or 0, enterprise_id=enterprise_id, person_id=ctx.person.id,
        created_at=ctx.now, interested=parsed.interested, can_lead=parsed.can_lead,
        declined=parsed.declined, availability=parsed.availability, capacity=parsed.capacity,
        reason=parsed.reason, comment=parsed.comment, source=source, message_id=message_id)
    ctx.session.add(answer)
    consultation = (await repo.consultation(ctx.session, request.id or 0, enterprise_id)
                    if enterprise_id else None)
    consulted = consultation is not None and consultation.active and consultation.consulted
    if parsed.classified and consulted and request.first_answer_at is None:
        request.first_answer_at = ctx.now
        ctx.session.add(request)
    await ctx.session.flush()
    t = translator(ctx.coop.locale)
    current = await tally(ctx.session, request)
    standing: Standing | None = current.of(enterprise_id) if enterprise_id else None
    colon = " : " if t.locale == "fr" else ": "
    if not parsed.classified:
        ctx.acknowledge("💬", t.t("{who}: comment kept", who=ctx.person.display_name))
    elif standing is not None:
        volunteer = "" if consulted else t.t(" (volunteer)")
        ctx.acknowledge("✅", f"{standing.enterprise.name}{colon}{standing_text(t, standing)}"
                              f"{volunteer}")
    else:
        ctx.acknowledge("✅", t.t("{who}: noted", who=ctx.person.display_name))
    await refresh_card(ctx, request)
