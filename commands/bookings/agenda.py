"""Reading bookings: the agenda, one's own bookings, what is free, the resources and
their rules, and the quotas."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from commands import lookup
from commands.bookings.free import busy, free_resources, free_windows, nearest
from commands.bookings.naming import KINDS, kind_of, resource_or_kind
from commands.bookings.opening import describe_days
from commands.bookings.rules import check, month_bounds, month_name, used_minutes
from commands.bookings.view import Fmt, Names, booking_line, find_resource
from commands.context import Context
from commands.dates.slots import Interval, day_bounds, parse_when
from commands.errors import CommandError, UsageError
from commands.i18n import N_
from commands.messages import Block, Heading, Span, bold, bullets, para, spans
from commands.registry import command
from commands.text import fold
from storage.models import Booking, Enterprise, Resource
from storage.repo import bookings as repo
from storage.repo import directory as dir_repo

HELP_ORDER = 41  # where these commands come in the help

MAX_LINES = 80
MINE_DAYS = 92
KIND_TITLES = {"salle": N_("Rooms"), "vehicule": N_("Vehicles"), "materiel": N_("Equipment"),
               "personnel": N_("Pooled staff time")}
_TODAY = ("jour", "aujourd'hui", "aujourdhui", "today", "day")
_WEEK = ("semaine", "week", "7j")
_MONTH = ("mois", "month")
_MINE = ("mes", "mine", "miennes", "moi", "me", "my")
_PENDING = ("attente", "pending", "valider", "approval")


def _period(ctx: Context, text: str) -> tuple[date, int]:
    """(first day, number of days) of "jour", "semaine", "mois" or a day."""
    today = ctx.now.astimezone(ctx.tz).date()
    word = fold(text).strip()
    if not word or word in _WEEK:
        return today, 7
    if word in _TODAY:
        return today, 1
    if word in _MONTH:
        return today, 31
    return parse_when(text, now=ctx.now, tz=ctx.tz).day, 1


@command(("reservations", "bookings"),
         usage=N_("/grappe bookings [mine|pending] [resource|kind] [day|week|month|<date>]"),
         summary=N_("The agenda of the shared resources."))

async def agenda(ctx: Context, args: str, *, mine: bool = False) -> None:
    words = args.split()
    resources: list[Resource] | None = None
    pending = False
    while words and fold(words[0]) in (*_MINE, *_PENDING, "en"):
        word = fold(words.pop(0))
        mine, pending = mine or word in _MINE, pending or word in _PENDING
    if words and (kind := kind_of(words[0])):
        words.pop(0)
        resources = [r for r in await dir_repo.resources(ctx.session) if r.kind == kind]
    elif words and fold(words[0]) not in (*_TODAY, *_WEEK, *_MONTH):
        try:
            resources = [await find_resource(ctx, words[0])]
            words.pop(0)
        except UsageError as unknown:
            try:  # "3/12", "2026-12-03": a day, not a resource
                _period(ctx, " ".join(words))
            except CommandError:
                raise unknown from None
    first, days = _period(ctx, " ".join(words))
    start = day_bounds(first, ctx.tz).start
    if (mine or pending) and not words:  # what is coming
        start, days = ctx.now, MINE_DAYS
    end = day_bounds(first + timedelta(days=days - 1), ctx.tz).end
    rows = await repo.between(
        ctx.session, start, end,
        resource_ids=[r.id or 0 for r in resources] if resources is not None else None,
        enterprise_id=ctx.person.enterprise_id if mine else None,
        person_id=ctx.person.id if mine and ctx.person.enterprise_id is None else None,
        statuses=("pending",) if pending else ("confirmed", "pending"))
    fmt = Fmt.of(ctx)
    title = _agenda_title(ctx, fmt, resources, mine, pending, first, days)
    ctx.reply(Heading(text=title), *await _by_day(ctx, fmt, rows, single=resources is not None
                                                   and len(resources) == 1))


@command(("mes reservations", "my bookings"), usage=N_("/grappe my bookings"),
         summary=N_("Your enterprise's coming bookings."))
async def my_bookings(ctx: Context, args: str) -> None:
    await agenda(ctx, args, mine=True)


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ctx.tz).date()


def _agenda_title(ctx: Context, fmt: Fmt, resources: list[Resource] | None, mine: bool,
                  pending: bool, first: date, days: int) -> str:
    last = first + timedelta(days=days - 1)
    span = fmt.day(first) if days == 1 else f"{fmt.day(first)} – {fmt.day(last)}"
    what = ctx.tr("Bookings")
    if pending:
        what = ctx.tr("Bookings awaiting approval")
    elif mine:
        what = ctx.tr("Your bookings")
    if resources is not None and len(resources) == 1:
        what = ctx.tr("{what} of {resource}", what=what, resource=resources[0].name)
    return f"{what}, {span}"


async def _by_day(ctx: Context, fmt: Fmt, rows: Sequence[Booking], *,
                  single: bool) -> list[Block]:
    if not rows:
        return [para(ctx.tr("No bookings in this period."))]
    names = await Names.load(ctx.session, rows)
    blocks: list[Block] = []
    current: date | None = None
    lines: list[list[Span]] = []
    for b in rows[:MAX_LINES]:
        day = b.starts_at.astimezone(ctx.tz).date()
        if day != current:
            if lines:
                blocks.append(bullets(lines))
            blocks.append(para(bold(fmt.day(day))))
            current, lines = day, []
        lines.append(booking_line(fmt, names, b, day=False, resource=not single))
    blocks.append(bullets(lines))
    if len(rows) > MAX_LINES:
        blocks.append(para(ctx.tr("… and {n} more: ask for a shorter period or one resource.",
                                  n=len(rows) - MAX_LINES)))
    return blocks


@command(("libre", "free"), usage=N_("/grappe free <kind|resource> <when>"),
         summary=N_("What is free: a resource's day, or the resources of a kind at a time."))
async def free(ctx: Context, args: str) -> None:
    words = args.split()
    if not words:
        raise UsageError("Say which resource or kind, and when.")
    resource, kind, used = resource_or_kind(words, await dir_repo.resources(ctx.session))
    parts = ctx.env.day_parts
    if resource is not None:
        parts = parts.with_day(resource.opens, resource.closes)
    text = " ".join(words[used:]) or "aujourd'hui"
    when = parse_when(text, now=ctx.now, tz=ctx.tz, parts=parts)
    if when.repeat is not None:
        raise UsageError("Ask for one day or one time slot at a time.")
    fmt = Fmt.of(ctx)
    if resource is not None and when.has_time:
        await _free_slot(ctx, fmt, resource, when.intervals(ctx.tz)[0])
        return
    if kind is not None and when.has_time:
        interval = when.intervals(ctx.tz)[0]
        found = await free_resources(ctx.session, kind, [interval], fmt)
        items = [spans(bold(r.name), f" ({r.slug})", _capacity(ctx, r)) for r in found]
        ctx.reply(para(ctx.tr("Free {when}:", when=fmt.range(interval))),
                  bullets(items) if items else para(ctx.tr("nothing of this kind.")))
        return
    pool = [resource] if resource is not None else [
        r for r in await dir_repo.resources(ctx.session) if r.kind == kind]
    items = []
    for r in pool:
        windows = free_windows(r, when.day, await busy(ctx.session, r, when.day, when.day, fmt),
                               fmt)
        hours = " · ".join(fmt.hours(w) for w in windows) or ctx.tr("nothing free")
        items.append(spans(bold(r.name), f" ({r.slug}) : " if fmt.locale == "fr"
                           else f" ({r.slug}): ", hours))
    ctx.reply(para(ctx.tr("Free on {day}:", day=fmt.day(when.day))), bullets(items))


async def _free_slot(ctx: Context, fmt: Fmt, resource: Resource, interval: Interval) -> None:
    check(resource, interval, fmt)
    taken = await repo.overlapping(ctx.session, [resource.id or 0], interval.start, interval.end)
    if not taken:
        ctx.reply(para("✅ ", ctx.tr("{resource} is free {when}.", resource=resource.name,
                                     when=fmt.range(interval))))
        return
    names = await Names.load(ctx.session, taken)
    proposals = await nearest(ctx.session, resource, interval, fmt)
    others = await free_resources(ctx.session, resource.kind, [interval], fmt, besides=resource)
    blocks: list[Block] = [
        para(ctx.tr("{resource} is taken {when}:", resource=resource.name,
                    when=fmt.range(interval))),
        bullets([booking_line(fmt, names, b, resource=False) for b in taken]),
        para(bold(ctx.tr("Free that day: ")), " · ".join(fmt.hours(p) for p in proposals.same_day)
             or ctx.tr("nothing long enough."))]
    if others:
        blocks.append(para(bold(ctx.tr("Free at that time: ")),
                           ", ".join(f"{r.name} ({r.slug})" for r in others)))
    ctx.reply(*blocks)


def _capacity(ctx: Context, r: Resource) -> str:
    if r.capacity and r.kind in ("salle", "vehicule"):
        return " — " + ctx.trn("{n} seat", "{n} seats", r.capacity)
    return ""


def _rules(ctx: Context, fmt: Fmt, r: Resource) -> str:
    rules = [describe_days(r, ctx.t),
             ctx.tr("{opens}–{closes}", opens=fmt.clock(r.opens), closes=fmt.clock(r.closes))]
    if r.max_minutes:
        rules.append(ctx.tr("{duration} at most", duration=fmt.duration(r.max_minutes)))
    if r.min_notice_minutes:
        rules.append(ctx.tr("book {notice} ahead", notice=fmt.duration(r.min_notice_minutes)))
    if r.needs_approval:
        rules.append(ctx.tr("approved by a coordinator"))
    if r.monthly_quota_minutes:
        rules.append(ctx.tr("{quota} a month per enterprise",
                            quota=fmt.duration(r.monthly_quota_minutes)))
    if r.needs_pickup:
        rules.append(ctx.tr("to pick up at the reception"))
    return " · ".join(rules)


@command(("ressources", "resources"), usage=N_("/grappe resources [kind|resource]"),
         summary=N_("The shared resources and their booking rules."))
async def resources_list(ctx: Context, args: str) -> None:
    fmt = Fmt.of(ctx)
    everything = await dir_repo.resources(ctx.session)
    wanted = kind_of(args.strip()) if args.strip() else None
    if args.strip() and wanted is None:
        r = await find_resource(ctx, args.strip())
        blocks: list[Block] = [Heading(text=f"{r.name} ({r.slug})")]
        if r.description:
            blocks.append(para(r.description))
        blocks.append(para(_rules(ctx, fmt, r), _capacity(ctx, r)))
        ctx.reply(*blocks)
        return
    blocks = [Heading(text=ctx.tr("Shared resources of {cooperative}",
                                  cooperative=ctx.coop.name))]
    for kind in KINDS:
        group = [r for r in everything if r.kind == kind and wanted in (None, kind)]
        if group:
            blocks.append(para(bold(ctx.tr(KIND_TITLES[kind]))))
            blocks.append(bullets([spans(bold(r.name), f" ({r.slug})", _capacity(ctx, r),
                                         " — ", _rules(ctx, fmt, r)) for r in group]))
    blocks.append(para(ctx.tr("Book: /grappe book <resource> <when> [: purpose]")))
    ctx.reply(*blocks)


@command(("quota", "quotas"), usage=N_("/grappe quota [enterprise]"),
         summary=N_("An enterprise's monthly quotas: booked and left."))
async def quota(ctx: Context, args: str) -> None:
    fmt = Fmt.of(ctx)
    if args.strip():
        enterprise: Enterprise | None = await lookup.enterprise(ctx, args.strip().split()[0])
    elif ctx.person.enterprise_id is not None:
        enterprise = await dir_repo.enterprise_by_id(ctx.session, ctx.person.enterprise_id)
    else:
        raise UsageError("You book for the cooperative's team, which has no quota; give an "
                         "enterprise's slug.")
    assert enterprise is not None
    assert enterprise.id is not None
    limited = [r for r in await dir_repo.resources(ctx.session) if r.monthly_quota_minutes]
    if not limited:
        raise CommandError("No resource has a monthly quota.")
    today = _today(ctx)
    months = [(today.year, today.month)]
    following = month_bounds(today.year, today.month, fmt).end.astimezone(ctx.tz).date()
    months.append((following.year, following.month))
    items = []
    for r in limited:
        for year, month in months:
            used = await used_minutes(ctx.session, r, enterprise.id, year, month, fmt)
            total = r.monthly_quota_minutes or 0
            items.append(spans(bold(r.name), " — ", month_name(year, month, fmt.locale), " : "
                               if fmt.locale == "fr" else ": ",
                               ctx.tr("{used} booked of {quota}, {left} left",
                                      used=fmt.duration(used), quota=fmt.duration(total),
                                      left=fmt.duration(max(total - used, 0)))))
    ctx.reply(Heading(text=ctx.tr("Quotas of {enterprise}", enterprise=enterprise.name)),
              bullets(items))

