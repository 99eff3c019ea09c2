"""Commands on a won request: its budget, its split, who invoices, the time logged, and
the project as it stands. The budget, the split and the invoicer are for the coordinators
and the lead's people; time is logged by a team member for their own enterprise."""

from __future__ import annotations

from commands import lookup
from commands.context import Context
from commands.errors import CommandError, UsageError
from commands.i18n import N_, translator
from commands.messages import Block, para
from commands.projects import invoicing, split
from commands.projects.amounts import format_amount, format_days, parse_amount, parse_days
from commands.projects.view import Line, ProjectView, render
from commands.registry import command
from commands.requests.decisions import on_close
from commands.requests.intake import get_request
from storage.models import Project, ProjectShare, Request, TimeEntry
from storage.repo import clients as clients_repo
from storage.repo import directory as dir_repo
from storage.repo import projects as repo

HELP_ORDER = 38
THRESHOLDS = (80, 100)  # the share of its planned days an enterprise is told it has spent


async def won_request(ctx: Context, args: str) -> tuple[Request, str]:
    ref, _, rest = args.strip().partition(" ")
    request = await get_request(ctx, ref)
    if request.status != "won":
        raise CommandError("{ref} is not a won request: close it as won first "
                           "(/grappe close {ref} won).", ref=request.ref)
    return request, rest.strip()


def _steer(ctx: Context, request: Request) -> None:
    if not (ctx.is_coordinator or (ctx.person.enterprise_id is not None
                                   and ctx.person.enterprise_id == request.lead_enterprise_id)):
        raise CommandError("Only the coordinators and the lead enterprise's people can "
                           "steer {ref}.", ref=request.ref)


async def _steered(ctx: Context, args: str, missing: UsageError
                   ) -> tuple[Request, Project, str]:
    """A won request the person may steer, its project (new if none), and the rest of
    the line (``missing`` when there is none)."""
    request, rest = await won_request(ctx, args)
    _steer(ctx, request)
    if not rest:
        raise missing
    project = await repo.get_or_new(ctx.session, request.id or 0)
    project.updated_at = ctx.now
    return request, project, rest


async def _team_member(ctx: Context, request: Request, slug: str) -> int:
    enterprise = await lookup.enterprise(ctx, slug)
    if enterprise.id not in {c.enterprise_id for c in await repo.team(ctx.session,
                                                                        request.id or 0)}:
        raise CommandError("{name} is not in the team of {ref}.", name=enterprise.name,
                           ref=request.ref)
    return enterprise.id or 0


@command(("budget",), usage=N_("/grappe budget R-3 24 000 €"),
         summary=N_("Set a won request's budget, excluding tax."))
async def budget(ctx: Context, args: str) -> None:
    request, project, rest = await _steered(ctx, args, UsageError(
        "Give the budget excluding tax, like “24 000 €”."))
    project.budget_cents = parse_amount(rest)
    ctx.session.add(project)
    shares = await repo.shares(ctx.session, request.id or 0)
    amount = format_amount(project.budget_cents, ctx.t.locale)
    ctx.reply(para(ctx.tr("Budget of {ref}: {amount} excluding tax.", ref=request.ref,
                          amount=amount)))
    if shares and sum(sh.amount_cents for sh in shares) != project.budget_cents:
        ctx.reply(para(ctx.tr("The split no longer adds up to the budget: set it again with "
                              "/grappe split {ref}.", ref=request.ref)))
    await ctx.audit("project:budget", request.ref, str(project.budget_cents))


@command(("repartition", "split"),
         usage=N_("/grappe split R-3 <slug>=60% <slug>=40% (or 14 400 €, or 12 j × 450 €)"),
         summary=N_("Split a won request's budget between its lead and partners."))
async def share_out(ctx: Context, args: str) -> None:
    request, rest = await won_request(ctx, args)
    _steer(ctx, request)
    project = await repo.get(ctx.session, request.id or 0)
    if project is None or not project.budget_cents:
        raise CommandError("Set the budget of {ref} first: /grappe budget {ref} 24 000 €.",
                           ref=request.ref)
    found = split.parts(split.entries(rest), project.budget_cents, ctx.t.locale)
    new: list[ProjectShare] = []
    for part in found:
        enterprise_id = await _team_member(ctx, request, part.slug)
        if any(sh.enterprise_id == enterprise_id for sh in new):
            raise UsageError("{slug} is named twice.", slug=part.slug)
        new.append(ProjectShare(request_id=request.id or 0, enterprise_id=enterprise_id,
                                amount_cents=part.cents, planned_days_x100=part.planned_days_x100))
    await repo.replace_shares(ctx.session, request.id or 0, new)
    view = await ProjectView.load(ctx.session, request)
    ctx.reply(*render(view, ctx.t))
    t = translator(ctx.coop.locale)
    ctx.in_thread(request.ref, para(t.t("{who} split the budget of {ref}.",
                                        who=ctx.person.display_name, ref=request.ref)),
                  *render(view, t, title=t.t("Split")), purpose=request.purpose)
    await ctx.audit("project:split", request.ref)


@command(("facturation", "invoicing"),
         usage=N_("/grappe invoicing R-3 [<slug>] [siret=…] [service=…] [commitment=…]"),
         summary=N_("Name the enterprise that invoices the client for the whole team, and "
                    "the client's SIRET, Chorus Pro service code and commitment number."))
async def invoicer(ctx: Context, args: str) -> None:
    request, project, rest = await _steered(ctx, args, UsageError(
        "Name the enterprise that invoices the client, or give siret=…, service=… or "
        "commitment=…."))
    given = invoicing.parse(rest)  # a bad SIRET is refused here, before anything is set
    if not given.slug and not given.fields:
        raise UsageError("Name the enterprise that invoices the client, or give siret=…, "
                         "service=… or commitment=….")
    if given.slug:
        project.invoicer_id = await _team_member(ctx, request, given.slug)
    for field, value in given.fields.items():
        setattr(project, field, value)
    ctx.session.add(project)
    if given.slug:
        ctx.reply(para(ctx.tr("{ref} is invoiced by {slug}.", ref=request.ref,
                              slug=given.slug)))
    client = (await clients_repo.client_by_id(ctx.session, request.client_id)
              if request.client_id else None)
    ids = invoicing.Identifiers.of(project, client)
    ctx.reply(para(ctx.tr("Invoicing identifiers of {ref}: {identifiers}.", ref=request.ref,
                          identifiers=invoicing.describe(ids, ctx.t))))
    await ctx.audit("project:invoicing", request.ref, " ".join(sorted(given.fields)))


@command(("temps", "time"), usage=N_("/grappe time R-3 1,5 j : what was done"),
         summary=N_("Log time your enterprise spent on a won request."))
async def log_time(ctx: Context, args: str) -> None:
    head, _, note = args.partition(":")
    request, amount = await won_request(ctx, head)
    if not amount:
        raise UsageError("Give the time spent, like “1,5 j” or “3 h”.")
    days = parse_days(amount)
    enterprise_id = ctx.person.enterprise_id
    team = {c.enterprise_id for c in await repo.team(ctx.session, request.id or 0)}
    if enterprise_id is None or enterprise_id not in team:
        raise CommandError("Your enterprise is not in the team of {ref}: only its lead and "
                           "partners log time on it.", ref=request.ref)
    ctx.session.add(TimeEntry(request_id=request.id or 0, enterprise_id=enterprise_id,
                              person_id=ctx.person.id, days_x100=days, note=note.strip()[:500],
                              logged_at=ctx.now))
    await ctx.session.flush()
    view = await ProjectView.load(ctx.session, request)
    line = view.line_of(enterprise_id)
    assert line is not None
    planned = line.share.planned_days_x100 if line.share else None
    said = ctx.tr("{days} logged for {name} on {ref}.", days=format_days(days, ctx.t.locale),
                  name=line.enterprise.name, ref=request.ref)
    if planned:
        said += " " + ctx.tr("{spent} of {planned} planned.",
                             spent=format_days(line.spent_x100, ctx.t.locale),
                             planned=format_days(planned, ctx.t.locale))
    ctx.reply(para(said))
    await _tell_thresholds(ctx, request, line)


async def _tell_thresholds(ctx: Context, request: Request, line: Line) -> None:
    """The lead's people and the coordinators are told once when an enterprise passes
    80 % and then 100 % of its planned days."""
    share, used = line.share, line.percent_used
    if share is None or used is None:
        return
    passed = max((th for th in THRESHOLDS if used >= th), default=0)
    if passed <= share.told_percent:
        return
    share.told_percent = passed
    ctx.session.add(share)
    lead_people = (await dir_repo.people_of(ctx.session, [request.lead_enterprise_id or 0])
                   ).get(request.lead_enterprise_id or 0, [])
    told = {p.id: p for p in [*lead_people, *await dir_repo.coordinators(ctx.session)]}
    for person in told.values():
        t = translator(person.locale)
        ctx.dm(person, para(t.t(
            "{name} has spent {percent} % of its planned days on {ref}: {spent} of {planned}.",
            name=line.enterprise.name, percent=used, ref=request.ref,
            spent=format_days(line.spent_x100, t.locale),
            planned=format_days(share.planned_days_x100 or 0, t.locale))))


@command(("projet", "project"), usage=N_("/grappe project R-3"),
         summary=N_("A won request's budget, shares and time, planned against spent."))
async def show(ctx: Context, args: str) -> None:
    request = await get_request(ctx, (args.split() or [""])[0])
    if request.status not in ("won", "delivered"):
        raise CommandError("{ref} is not a won request: close it as won first "
                           "(/grappe close {ref} won).", ref=request.ref)
    ctx.reply(*render(await ProjectView.load(ctx.session, request), ctx.t))


@on_close
async def delivered_summary(ctx: Context, request: Request) -> list[Block]:
    """At ``clore R-3 livre``: the budget, the shares, the time planned and spent."""
    if request.status != "delivered" or await repo.get(ctx.session, request.id or 0) is None:
        return []
    t = translator(ctx.coop.locale)
    return render(await ProjectView.load(ctx.session, request), t,
                  title=t.t("{ref} delivered: the summary", ref=request.ref))
