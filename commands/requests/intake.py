"""Client requests: create one, show one, list them, change who is consulted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from commands import lookup
from commands.context import Context
from commands.dates.when import end_of_day, format_day
from commands.errors import CommandError, UsageError
from commands.i18n import N_
from commands.messages import Block, Heading, Span, bold, bullets, para, spans
from commands.registry import Role, command
from commands.requests.form import REQUEST_FORM
from commands.requests.history import history_blocks
from commands.requests.parsing import parse_new_request, parse_ref
from commands.requests.skills import Inference, Vocabulary, infer, suggestion
from commands.requests.skills import vocabulary as skill_vocabulary
from commands.requests.view import (
    RequestView,
    render,
    status_label,
    tallies,
    urgent_first,
    urgent_mark,
)
from commands.text import collation_key, fold, shorten
from storage.models import Consultation, Enterprise, Request, Skill
from storage.repo import directory as dir_repo
from storage.repo import requests as repo

HELP_ORDER = 30  # where these commands come in the help

OPEN = ("open",)
ACTIVE = ("open", "staffed")


async def get_request(ctx: Context, text: str) -> Request:
    """The request named ``R-3`` (or ``3``) in ``text``, or a clear refusal."""
    number = parse_ref(text)
    if number is None:
        raise UsageError("Name the request by its reference, like R-3.")
    request = await repo.get(ctx.session, number)
    if request is None:
        raise CommandError("There is no request R-{number}.", number=number)
    ctx.object_ref = request.ref
    return request


async def card(ctx: Context, request: Request) -> list[Block]:
    """The request's card as it stands now: loaded, then drawn."""
    return render(await RequestView.load(ctx.session, request), ctx.coop, today=ctx.now)


async def refresh_card(ctx: Context, request: Request) -> None:
    ctx.edit_card(request.ref, *await card(ctx, request), purpose=request.purpose)


@command(("demande", "request"), usage=N_("/grappe request <client> : <need> [#skill …] "
                                          "[by <date>]  ·  /grappe request R-3"),
         summary=N_("Relay a client's request to the enterprises whose skills match, "
                    "or show one request with its whole history."), form=REQUEST_FORM)
async def request_command(ctx: Context, args: str) -> None:
    if parse_ref(args) is not None:
        await show(ctx, await get_request(ctx, args))
        return
    if not args.strip():
        raise UsageError("Give the client, then a colon, then the need.")
    new = parse_new_request(args, now=ctx.now, tz=ctx.tz)
    client = await lookup.client(ctx, new.client)
    opened = await open_request(ctx, new.client, new.need, tags=new.tags, urgent=new.urgent,
                                deadline=end_of_day(new.deadline, ctx.tz) if new.deadline
                                else None, client_id=client.id if client else None)
    request, matches = opened.request, opened.matches
    names = ", ".join(sorted((e.name for e, _ in matches), key=collation_key))
    ctx.reply(para(ctx.trn("{ref} is relayed to {n} enterprise: {names}.",
                           "{ref} is relayed to {n} enterprises: {names}.",
                           len(matches), ref=request.ref, names=names)
                   if matches else ctx.tr("{ref} is recorded; no enterprise matches its skills, "
                                          "so the coordinators are asked to direct it.",
                                          ref=request.ref)),
              *_why(ctx, opened))


@dataclass(frozen=True)
class Opened:
    request: Request
    matches: list[tuple[Enterprise, int]]
    skills: list[Skill]
    inference: Inference
    vocabulary: Vocabulary


async def open_request(ctx: Context, client: str, need: str, *, tags: Sequence[str] = (),
                       urgent: bool = False, deadline: datetime | None = None,
                       client_id: int | None = None) -> Opened:
    """Record a request, consult the enterprises whose skills match and post its card:
    what a coordinator's ``/grappe demande`` does, and a client's message in their room."""
    vocabulary = await dir_repo.from_skills(ctx.session, skill_vocabulary)
    if tags:
        skills = await lookup.skills(ctx, list(tags))
        inference = Inference(ids=[k.id or 0 for k in skills])
    else:
        inference = infer(need, vocabulary)
        found = await dir_repo.skills_by_id(ctx.session, inference.ids)
        skills = [found[i] for i in inference.ids if i in found]
    request = Request(client=client, need=need, created_by=ctx.person.id, client_id=client_id,
                      created_at=ctx.now, urgent=urgent, deadline=deadline)
    await repo.add(ctx.session, request, [k.id or 0 for k in skills])
    matches = list(await repo.enterprises_with_skills(ctx.session, [k.id or 0 for k in skills]))
    consulted = [(Consultation(request_id=request.id or 0, enterprise_id=enterprise.id or 0,
                               added_at=ctx.now), enterprise) for enterprise, _count in matches]
    ctx.session.add_all([c for c, _ in consulted])
    await ctx.session.flush()
    ctx.object_ref = request.ref
    view = await RequestView.opened(ctx.session, request, consulted, skills)
    ctx.post(*render(view, ctx.coop, today=ctx.now), card_of=request.ref,
             purpose=request.purpose)
    return Opened(request, matches, skills, inference, vocabulary)


def _why(ctx: Context, opened: Opened) -> list[Block]:
    """Which words of the need matched which skill, and which matched none (with a #tag
    to add): the person sees why the request went where it went."""
    inference = opened.inference
    blocks: list[Block] = []
    found = [ctx.tr("{skill} (from “{words}”)", skill=_label(ctx, k),
                    words=", ".join(inference.because[k.id or 0]))
             if inference.because.get(k.id or 0) else _label(ctx, k)
             for k in opened.skills]
    if found:
        blocks.append(para(bold(ctx.tr("Skills: ")), " · ".join(found)))
    if inference.unmatched:
        words = ", ".join(inference.unmatched[:8])
        tag = suggestion(inference.unmatched, opened.vocabulary)
        blocks.append(para(
            ctx.tr("No skill for “{words}”. To direct it, add a #tag, for example #{tag}; "
                   "/grappe skills lists them.", words=words, tag=tag) if tag else
            ctx.tr("No skill for “{words}”. To direct it, add a #tag; /grappe skills lists "
                   "them.", words=words)))
    return blocks


def _label(ctx: Context, skill: Skill) -> str:
    return skill.label_en if ctx.t.locale == "en" and skill.label_en else skill.label


async def show(ctx: Context, request: Request) -> None:
    view = await RequestView.load(ctx.session, request)
    blocks: list[Block] = [b for b in render(view, ctx.coop, today=ctx.now)
                           if b.kind != "choices"]
    blocks += await history_blocks(ctx, request, view.tally)
    ctx.reply(*blocks)


FILTERS = {"ouvertes": "open", "open": "open", "miennes": "mine", "mine": "mine",
           "toutes": "all", "all": "all", "": "active"}


@command(("demandes", "requests"), usage=N_("/grappe requests [open|mine|all]"),
         summary=N_("List the requests: in progress (default), open, yours, or all."))
async def requests_list(ctx: Context, args: str) -> None:
    which = FILTERS.get(fold(args.strip()))
    if which is None:
        raise UsageError("Choose open, mine or all.")
    statuses = {"open": OPEN, "active": ACTIVE, "mine": None, "all": None}[which]
    mine = which == "mine"
    rows = await repo.listing(
        ctx.session, statuses=statuses,
        enterprise_id=ctx.person.enterprise_id if mine else None,
        created_by=ctx.person.id if mine else None)
    if not rows:
        ctx.reply(para(ctx.tr("No request to show.")))
        return
    today = ctx.now.astimezone(ctx.tz).date()
    items: list[list[Span]] = []
    for current in await tallies(ctx.session, urgent_first(rows, lambda r: r)):
        r = current.request
        answered = sum(1 for st in current.consulted if st.answered)
        line = spans(bold(r.ref), urgent_mark(ctx.t, r),
                     f" {r.client} — {shorten(r.need, 70)} — ",
                     status_label(ctx.t, r.status),
                     ctx.tr(" · {answered}/{total} answered", answered=answered,
                            total=len(current.consulted)) if current.consulted
                     else " · " + ctx.tr("no enterprise consulted yet"))
        if r.deadline:
            line += spans(ctx.tr(" · due {day}", day=format_day(
                r.deadline.astimezone(ctx.tz).date(), ctx.t.locale, today=today)))
        items.append(line)
    ctx.reply(Heading(text=ctx.tr("Requests")), bullets(items),
              para(ctx.tr("Details: /grappe request R-3")))


_CHANGE = re.compile(r"^([+-])([a-z0-9-]+)$")


@command(("relayer", "relay"), role=Role.COORDINATOR,
         usage=N_("/grappe relay R-3 +slug -slug"),
         summary=N_("Change which enterprises are consulted on a request."))
async def relay(ctx: Context, args: str) -> None:
    words = args.split()
    if len(words) < 2:
        raise UsageError("Name the request, then +slug to add or -slug to remove.")
    request = await get_request(ctx, words[0])
    if request.status not in ACTIVE:
        raise CommandError("{ref} is closed.", ref=request.ref)
    added, removed = [], []
    for word in words[1:]:
        m = _CHANGE.match(fold(word))
        if m is None:
            raise UsageError("“{word}”: write +slug to add or -slug to remove.",
                             word=shorten(word, 30))
        enterprise = await lookup.enterprise(ctx, m.group(2))
        existing = await repo.consultation(ctx.session, request.id or 0, enterprise.id or 0)
        if m.group(1) == "+":
            if existing is None:
                ctx.session.add(Consultation(request_id=request.id or 0,
                                             enterprise_id=enterprise.id or 0, added_at=ctx.now))
            else:
                existing.active, existing.consulted = True, True
                ctx.session.add(existing)
            added.append(enterprise)
        elif existing is not None:
            existing.active = False
            ctx.session.add(existing)
            removed.append(enterprise)
    await ctx.session.flush()
    await refresh_card(ctx, request)
    if added:
        people = await dir_repo.people_of(ctx.session, [e.id or 0 for e in added])
        pings: list[Span] = []
        for mention in await ctx.mentions([p for e in added for p in people.get(e.id or 0, [])]):
            pings += spans(mention, " ")
        ctx.in_thread(request.ref, para(*pings, ctx.tr(
            "you are now consulted on this request; please answer in this thread.")),
            purpose=request.purpose)
    ctx.reply(para(ctx.tr("{ref}: {added} added, {removed} removed.", ref=request.ref,
                          added=len(added), removed=len(removed))))
