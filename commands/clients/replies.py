"""The team speaks to the client on purpose: a public reply (``/grappe repondre``), the
status updates at the steps the client cares about, the letter, the satisfaction question.

Only the coordinators and the people of the request's lead enterprise speak to the client.
"""

from __future__ import annotations

from commands.clients import satisfaction, voice
from commands.context import Context
from commands.errors import CommandError, UsageError
from commands.i18n import N_, translator
from commands.messages import para
from commands.registry import command
from commands.requests.decisions import LetterOf, on_step
from commands.requests.intake import get_request
from commands.text import shorten
from storage.models import ClientRequest, Request
from storage.repo import client_rooms as repo

HELP_ORDER = 36  # after the decisions


async def _of(ctx: Context, request: Request) -> ClientRequest | None:
    return await repo.of_request(ctx.session, request.id or 0)


def _may_speak(ctx: Context, request: Request) -> None:
    lead = request.lead_enterprise_id is not None \
        and ctx.person.enterprise_id == request.lead_enterprise_id
    if not (ctx.is_coordinator or lead):
        raise CommandError("Only a coordinator or the people of the lead enterprise answer "
                           "the client on {ref}.", ref=request.ref)


@command(("repondre", "reply"), usage=N_("/grappe reply R-3 : <your answer to the client>"),
         summary=N_("Answer the client in their room, on a request they wrote there "
                    "(coordinators and the lead enterprise)."))
async def reply(ctx: Context, args: str) -> None:
    head, colon, text = args.partition(":")
    if not colon or not text.strip():
        raise UsageError("Name the request, then a colon, then your answer to the client.")
    request = await get_request(ctx, head.strip())
    cr = await _of(ctx, request)
    if cr is None:
        raise CommandError("{ref} was not written in a client's room: there is no room to "
                           "answer in.", ref=request.ref)
    _may_speak(ctx, request)
    text = text.strip()
    cr.first_reply_at = cr.first_reply_at or ctx.now
    ctx.session.add(cr)
    ctx.out.append(voice.public_reply(cr, request.ref, text, ctx.person.display_name,
                                      ctx.coop))
    t = translator(ctx.coop.locale)
    ctx.in_thread(request.ref, para(t.t("{name} answered the client: « {text} »",
                                        name=ctx.person.display_name,
                                        text=shorten(text, 300))), purpose=request.purpose)
    ctx.reply(para(ctx.tr("Sent to {client} in their room.", client=request.client)))


@on_step
async def tell_the_client(ctx: Context, request: Request, step: str,
                          letter: LetterOf | None) -> bool:
    """The client hears of the steps they care about, in their room."""
    cr = await _of(ctx, request)
    if cr is None:
        return False
    if step == "letter" and letter is not None:
        _may_speak(ctx, request)
        ctx.out.append(voice.letter(cr, request.ref, await letter(cr.locale)))
        cr.first_reply_at = cr.first_reply_at or ctx.now
        ctx.session.add(cr)
    elif step == "staffed" and request.staffed_at == ctx.now:  # the first time only
        ctx.out.append(voice.status_update(cr, request.ref, "staffed"))
    elif step == "closed" and cr.satisfaction_asked_at is None:
        ctx.out.append(voice.status_update(cr, request.ref, "closed"))
        satisfaction.ask(ctx, cr, request)
    else:
        return False
    return True
