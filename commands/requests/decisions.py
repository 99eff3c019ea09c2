"""Coordinators decide: who leads a request, with whom, and how it ends; the client synthesis."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from commands import lookup
from commands.context import Context
from commands.errors import CommandError, UsageError
from commands.i18n import N_, Translator, translator
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.registry import Registry, Role, command, declare
from commands.requests.answer_values import availability_text, capacity_text
from commands.requests.intake import get_request, refresh_card
from commands.requests.view import Standing, status_label, tally
from commands.text import fold
from storage.models import Consultation, Enterprise, Request
from storage.repo import directory as dir_repo
from storage.repo import requests as repo

HELP_ORDER = 35  # where these commands come in the help
OUTCOMES = {"gagne": "won", "gagnee": "won", "won": "won", "perdu": "lost", "perdue": "lost",
            "lost": "lost", "livre": "delivered", "livree": "delivered",
            "delivered": "delivered", "annule": "cancelled", "annulee": "cancelled",
            "cancelled": "cancelled", "canceled": "cancelled"}
_FIELD = re.compile(r"(\w+)\s*=\s*([^\s]+)")


ClosingPart = Callable[[Context, Request], Awaitable[list[Block]]]
CLOSING = "requests.closing"  # the registry's extensions said in the thread at a close


def on_close(part: ClosingPart) -> ClosingPart:
    """Declare ``part``: its blocks go to the thread when a request is closed (none:
    nothing). Another feature (projects: the summary) says its word without this one
    importing it."""
    def add(registry: Registry, module: str) -> None:
        registry.extend(CLOSING, f"{module}.{part.__name__}", part)

    return declare(part, add)


LetterOf = Callable[[str], Awaitable[list[Block]]]  # the synthesis letter in a language
StepHook = Callable[[Context, Request, str, "LetterOf | None"], Awaitable[bool]]
STEPS = "requests.steps"  # the registry's extensions told of a request's steps


def on_step(hook: StepHook) -> StepHook:
    """Declare ``hook``: told when a request is staffed (``staffed``), closed (``closed``)
    or its synthesis letter is to be sent (``letter``, with the letter); True when it did
    something with it. Another feature (the client's room) follows a request's life
    without this one importing it."""
    def add(registry: Registry, module: str) -> None:
        registry.extend(STEPS, f"{module}.{hook.__name__}", hook)

    return declare(hook, add)


async def _step(ctx: Context, request: Request, step: str,
                letter: LetterOf | None = None) -> bool:
    told = False
    for hook in ctx.registry.extensions_of(STEPS):
        told |= await hook(ctx, request, step, letter)
    return told


def _split_reason(args: str) -> tuple[str, str]:
    head, _, reason = args.partition(":")
    return head.strip(), reason.strip()[:1000]


@command(("attribuer", "assign"), role=Role.COORDINATOR,
         usage=N_("/grappe assign R-3 lead=<slug> [partners=a,b] [: reason]"),
         summary=N_("Choose the enterprise that leads a request, and its partners."))
async def assign(ctx: Context, args: str) -> None:
    head, reason = _split_reason(args)
    words = head.split(maxsplit=1)
    if len(words) < 2:
        raise UsageError("Name the request and the lead: lead=<slug>.")
    request = await get_request(ctx, words[0])
    if request.status not in ("open", "staffed"):
        raise CommandError("{ref} is closed.", ref=request.ref)
    fields = {fold(k): v for k, v in _FIELD.findall(words[1])}
    unknown = set(fields) - {"lead", "pilote", "partenaires", "partners"}
    if unknown or not (fields.get("lead") or fields.get("pilote")):
        raise UsageError("Name the request and the lead: lead=<slug>.")
    lead = await lookup.enterprise(ctx, fields.get("lead") or fields["pilote"])
    partner_slugs = (fields.get("partenaires") or fields.get("partners") or "").split(",")
    partners: list[Enterprise] = []
    for slug in filter(None, (p.strip() for p in partner_slugs)):
        partner = await lookup.enterprise(ctx, slug)
        if partner.id == lead.id:
            raise UsageError("{name} cannot be both lead and partner.", name=lead.name)
        if partner not in partners:
            partners.append(partner)
    await _set_roles(ctx, request, lead, partners)
    request.status, request.lead_enterprise_id = "staffed", lead.id
    request.staffed_at = request.staffed_at or ctx.now
    request.decided_by, request.decision_reason = ctx.person.id, reason
    ctx.session.add(request)
    await ctx.session.flush()
    await _announce(ctx, request, lead, partners, reason)
    await refresh_card(ctx, request)
    await _step(ctx, request, "staffed")


async def _set_roles(ctx: Context, request: Request, lead: Enterprise,
                     partners: list[Enterprise]) -> None:
    roles = {lead.id: "lead", **{p.id: "partner" for p in partners}}
    for c in await repo.consultations(ctx.session, request.id or 0):
        c.role = roles.pop(c.enterprise_id, "")
        ctx.session.add(c)
    for enterprise_id, role in roles.items():
        ctx.session.add(Consultation(request_id=request.id or 0, enterprise_id=enterprise_id or 0,
                                     consulted=False, role=role, added_at=ctx.now))


async def _announce(ctx: Context, request: Request, lead: Enterprise,
                    partners: list[Enterprise], reason: str) -> None:
    t = translator(ctx.coop.locale)
    names = ", ".join(p.name for p in partners)
    text = (t.t("Decision: {lead} leads {ref}, with {partners}.", lead=lead.name,
                ref=request.ref, partners=names) if partners else
            t.t("Decision: {lead} leads {ref}.", lead=lead.name, ref=request.ref))
    if reason:
        text += " " + t.t("Reason: {reason}", reason=reason)
    ctx.in_thread(request.ref, para(text), purpose=request.purpose)
    chosen = {lead.id, *(p.id for p in partners)}
    current = await tally(ctx.session, request)
    not_chosen = [st.enterprise for st in current.standings
                  if st.answered and not st.declined and st.enterprise.id not in chosen]
    people = await dir_repo.people_of(ctx.session, [e.id or 0 for e in [lead, *partners,
                                                                      *not_chosen]])
    for person in people.get(lead.id or 0, []):
        tp = translator(person.locale)
        ctx.dm(person, para(tp.t(
            "Good news: {enterprise} leads {ref} for {client} ({need}). Partners: {partners}. "
            "Thank you for taking it on; the coordinators remain at your side.",
            enterprise=lead.name, ref=request.ref, client=request.client, need=request.need,
            partners=names or tp.t("none"))), about=request.ref)
    for partner in partners:
        for person in people.get(partner.id or 0, []):
            ctx.dm(person, para(translator(person.locale).t(
                "{enterprise} is a partner on {ref} for {client}, led by {lead}. "
                "Thank you!", enterprise=partner.name, ref=request.ref, client=request.client,
                lead=lead.name)), about=request.ref)
    for enterprise in not_chosen:
        for person in people.get(enterprise.id or 0, []):
            ctx.dm(person, para(translator(person.locale).t(
                "Thank you for answering {ref} for {client}. This time the coordinators chose "
                "{lead} to lead it. Your proposal is valued and we will keep {enterprise} in "
                "mind for the next requests.", ref=request.ref, client=request.client,
                lead=lead.name, enterprise=enterprise.name)), about=request.ref)
    ctx.reply(para(ctx.tr("{ref} is staffed: {lead} leads.", ref=request.ref, lead=lead.name)))


@command(("clore", "close"), role=Role.COORDINATOR,
         usage=N_("/grappe close R-3 won|lost|delivered|cancelled [: note]"),
         summary=N_("Close a request with its outcome."))
async def close(ctx: Context, args: str) -> None:
    head, note = _split_reason(args)
    words = head.split()
    if len(words) != 2 or fold(words[1]) not in OUTCOMES:
        raise UsageError("Name the request and its outcome: won, lost, delivered or cancelled.")
    request = await get_request(ctx, words[0])
    outcome = OUTCOMES[fold(words[1])]
    if request.status not in ("open", "staffed") and (request.status, outcome) != (
            "won", "delivered"):  # a won request is delivered later
        raise CommandError("{ref} is already closed ({status}).", ref=request.ref,
                           status=status_label(ctx.t, request.status))
    request.status, request.closed_at, request.close_note = outcome, ctx.now, note
    if outcome == "won":  # closed_at moves on at delivery: the win keeps its own date
        request.won_at = ctx.now
    elif outcome == "delivered":
        request.delivered_at = ctx.now
    ctx.session.add(request)
    t = translator(ctx.coop.locale)
    status = status_label(t, request.status)
    text = (t.t("{ref} is closed: {status}. Closing note: {note}", ref=request.ref,
                status=status, note=note) if note
            else t.t("{ref} is closed: {status}.", ref=request.ref, status=status))
    ctx.in_thread(request.ref, para(text), purpose=request.purpose)
    for part in ctx.registry.extensions_of(CLOSING):  # what other features say at a close
        if blocks := await part(ctx, request):
            ctx.in_thread(request.ref, *blocks, purpose=request.purpose)
    await refresh_card(ctx, request)
    await _step(ctx, request, "closed")
    ctx.reply(para(ctx.tr("{ref} is closed: {status}.", ref=request.ref,
                          status=status_label(ctx.t, request.status))))


@command(("synthese", "summary"), usage=N_("/grappe summary R-3 [send]"),
         summary=N_("A client-ready text presenting the proposed team; with “send”, sent "
                    "to the client in their room."))
async def summary(ctx: Context, args: str) -> None:
    words = args.split()
    send = len(words) == 2 and fold(words[1]) in ("envoyer", "send")
    request = await get_request(ctx, words[0] if send else args)
    current = await tally(ctx.session, request)
    team = [st for st in current.standings if st.role in ("lead", "partner")]
    draft = not team
    if draft:
        team = [st for st in current.standings if st.answered and not st.declined]
    if not team:
        raise CommandError("Nobody has offered to work on {ref} yet: there is no team to "
                           "present.", ref=request.ref)
    team.sort(key=lambda st: (st.role != "lead", not st.can_lead, st.enterprise.name))

    async def letter(locale: str) -> list[Block]:
        return _letter(ctx, request, team, translator(locale))

    if send:
        if draft:
            raise CommandError("Choose the team of {ref} first (/grappe assign): a draft is "
                               "not sent to the client.", ref=request.ref)
        if not await _step(ctx, request, "letter", letter):
            raise CommandError("{ref} was not written in a client's room: there is no room "
                               "to send the letter to.", ref=request.ref)
        ctx.reply(para(ctx.tr("The letter on {ref} is sent to {client}.", ref=request.ref,
                              client=request.client)))
        return
    blocks = await letter(ctx.coop.locale)
    if draft:
        blocks.insert(0, para(bold(ctx.tr("Draft: no lead chosen yet; these are the "
                                          "enterprises that offered to help."))))
    ctx.reply(*blocks)


def _letter(ctx: Context, request: Request, team: list[Standing], t: Translator) -> list[Block]:
    blocks: list[Block] = []
    blocks.append(para(t.t("Subject: {cooperative}'s proposal — {need}",
                           cooperative=ctx.coop.name, need=request.need)))
    blocks.append(para(t.t("Dear Sir or Madam,")))
    blocks.append(para(t.t(
        "To answer your request, {cooperative} — a cluster of social-economy enterprises of "
        "your territory — proposes a team of {n} complementary structures, coordinated as "
        "one single point of contact:", cooperative=ctx.coop.name, n=len(team))))
    items: list[list[Span]] = []
    for st in team:
        role = {"lead": t.t("lead"), "partner": t.t("partner")}.get(st.role, "")
        line = spans(bold(st.enterprise.name + (f" ({role})" if role else "")), " — ",
                     st.enterprise.description or "")
        if st.availability:
            line += spans(t.t(" Availability: {when}.", when=availability_text(
                t, st.availability, today=ctx.now.astimezone(ctx.tz).date())))
        if st.capacity:
            line += spans(t.t(" Commitment: {capacity}.", capacity=capacity_text(
                t, st.capacity)))
        items.append(line)
    blocks.append(bullets(items))
    blocks.append(para(t.t(
        "We would be glad to present this proposal to you in more detail. Your single point "
        "of contact: {name}, for {cooperative}.", name=ctx.person.display_name,
        cooperative=ctx.coop.name)))
    blocks.append(para(t.t("Yours faithfully,")))
    return blocks
