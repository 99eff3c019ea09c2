"""Booking and cancelling: ``reserver <ressource> <quand> [pour <objet|entreprise>] [: objet]``
(read by ``commands.bookings.reading``).

The check and the insert run after the resource's lock (PostgreSQL) inside the
dispatcher's write transaction (``BEGIN IMMEDIATE`` on SQLite), in the savepoint the
dispatcher gives every command: no second savepoint (two round trips) is needed, since a
taken slot is found before anything is written. If a writer that took no lock got there
first anyway, the database refuses the insert (exclusion constraint or trigger), the
command's savepoint is rolled back (``ExplainedAfterRollback``) and the person gets the
same clear conflict reply; nothing is written either way.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from commands.bookings import decide as booking_decide
from commands.bookings import rules as booking_rules
from commands.bookings.free import free_resources, nearest
from commands.bookings.reading import Reading, read_booking
from commands.bookings.view import (
    Fmt,
    Names,
    booking_line,
    can_manage,
    find_booking,
    interval_of,
    refs,
)
from commands.context import Context
from commands.dates.slots import Interval
from commands.errors import CommandError, ExplainedAfterRollback, UsageError
from commands.i18n import N_
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.registry import command
from commands.text import fold, shorten
from storage.models import Booking, BookingSeries, Enterprise, Resource
from storage.models.bookings import BookingStatus
from storage.repo import bookings as repo
from storage.repo import directory as dir_repo

HELP_ORDER = 40  # where these commands come in the help

async def _enterprise(ctx: Context, reading: Reading) -> Enterprise | None:
    """Whom the booking is for: the actor's enterprise, or the one named after "pour"."""
    own = ctx.person.enterprise_id
    target = reading.enterprise
    if target is None:
        return await dir_repo.enterprise_by_id(ctx.session, own) if own else None
    if target.id != own and not ctx.is_coordinator:
        raise CommandError("Only a coordinator can book for another enterprise.")
    return target


@command(("reserver", "book"),
         usage=N_("/grappe book <resource> <when> [: purpose] [for <enterprise>]"),
         summary=N_("Book a room, the vehicle, equipment or staff time; "
                    "“every tuesday 9h-11h x6” repeats it."))
async def book(ctx: Context, args: str) -> None:
    parsed = read_booking(args, await dir_repo.resources(ctx.session), now=ctx.now, tz=ctx.tz,
                          parts=ctx.env.day_parts)
    if parsed.needs_enterprises:
        parsed = parsed.naming(await dir_repo.all_enterprises(ctx.session))
    resource, when = parsed.resource, parsed.when
    enterprise = await _enterprise(ctx, parsed)
    fmt = Fmt.of(ctx)
    wanted = when.intervals(ctx.tz)
    for interval in wanted:
        booking_rules.check(resource, interval, fmt)
    s = ctx.session
    await repo.lock_resource(s, resource.id or 0)
    clashes = await _clashes(ctx, resource, wanted)
    free = [iv for iv in wanted if iv not in clashes]
    if clashes and (not parsed.skip_conflicts or not free):
        await _explain_conflicts(ctx, resource, wanted, clashes)  # nothing was written
        return
    await booking_rules.check_quota(s, resource, enterprise, free, fmt)
    try:
        made = await _insert(ctx, resource, enterprise, free, parsed, rule=parsed.said)
    except IntegrityError as exc:  # a writer that took no lock: the command's savepoint goes
        if not repo.is_overlap_violation(exc):
            raise

        async def explain(ctx: Context) -> None:
            await _explain_conflicts(ctx, resource, wanted, await _clashes(ctx, resource, wanted))

        raise ExplainedAfterRollback("{resource} is already booked then; nothing was booked.",
                                     explain, resource=resource.name) from exc
    await _confirm(ctx, resource, enterprise, made, [iv for iv in wanted if iv in clashes])


async def _clashes(ctx: Context, resource: Resource,
                   wanted: list[Interval]) -> dict[Interval, list[Booking]]:
    """The active bookings each wanted range meets (one query for a whole series)."""
    rows = await repo.overlapping(ctx.session, [resource.id or 0], wanted[0].start,
                                  max(iv.end for iv in wanted))
    found = {iv: [b for b in rows if iv.overlaps(interval_of(b))] for iv in wanted}
    return {iv: hits for iv, hits in found.items() if hits}


async def _insert(ctx: Context, resource: Resource, enterprise: Enterprise | None,
                  intervals: list[Interval], parsed: Reading, *, rule: str) -> list[Booking]:
    status = booking_rules.initial_status(resource, ctx.person)
    purpose = shorten(parsed.purpose, 500)
    enterprise_id = enterprise.id if enterprise else None
    made = [Booking(resource_id=resource.id or 0, enterprise_id=enterprise_id,
                    person_id=ctx.person.id or 0, starts_at=iv.start, ends_at=iv.end,
                    purpose=purpose, status=status) for iv in intervals]
    series = None
    if len(made) > 1:
        series = BookingSeries(resource_id=resource.id or 0, enterprise_id=enterprise_id,
                               person_id=ctx.person.id or 0, rule=shorten(rule, 200),
                               purpose=purpose)
    await repo.add(ctx.session, made, series)
    ctx.object_ref = made[0].ref
    return made


async def _confirm(ctx: Context, resource: Resource, enterprise: Enterprise | None,
                   made: list[Booking], skipped: list[Interval]) -> None:
    fmt = Fmt.of(ctx)
    first = made[0]
    pending = first.status == BookingStatus.PENDING
    for_whom = ctx.tr(" for {enterprise}", enterprise=enterprise.name) if enterprise else ""
    what = f" — {first.purpose}" if first.purpose else ""
    blocks: list[Block]
    if len(made) == 1:
        blocks = [para("✅ ", bold(first.ref), ctx.tr(": {resource}, {when}{for_whom}{what}.",
                                                       resource=resource.name,
                                                       when=fmt.range(interval_of(first)),
                                                       for_whom=for_whom, what=what))]
    else:
        blocks = [para("✅ ", bold(refs(made)), ctx.trn(
            ": {resource}, {n} booking{for_whom}{what}:", ": {resource}, {n} bookings"
            "{for_whom}{what}:", len(made), resource=resource.name, for_whom=for_whom, what=what)),
            bullets([spans(b.ref, " · ", fmt.range(interval_of(b))) for b in made])]
    if skipped:
        blocks.append(para(bold(ctx.tr("Not booked, already taken: ")),
                           ", ".join(fmt.range(iv) for iv in skipped)))
    if pending:
        blocks.append(para(ctx.tr("A coordinator must approve it first; I will tell you.")))
    if resource.needs_pickup:
        blocks.append(para(ctx.tr("Keys or equipment are to be picked up at the reception.")))
    cancel = ctx.tr("Cancel: /grappe cancel {ref}", ref=first.ref)
    if len(made) > 1:
        cancel = ctx.tr("Cancel one: /grappe cancel {ref}; all: /grappe cancel {ref} series",
                        ref=first.ref)
    blocks.append(para(cancel))
    ctx.reply(*blocks)
    if pending:  # the names are the card's (the confirmation has its own)
        await booking_decide.post_card(ctx, made, await Names.load(ctx.session, made))


async def _explain_conflicts(ctx: Context, resource: Resource, wanted: list[Interval],
                             clashes: dict[Interval, list[Booking]]) -> None:
    """Who has it, when and why; the nearest free slots; the other free resources."""
    fmt = Fmt.of(ctx)
    names = await Names.load(ctx.session, [b for hits in clashes.values() for b in hits])
    blocks: list[Block]
    if len(wanted) == 1:
        blocks = [para(ctx.tr("{resource} is already booked then; nothing was booked.",
                              resource=resource.name)),
                  bullets([booking_line(fmt, names, b, resource=False)
                           for b in clashes.get(wanted[0], [])])]
        proposals = await nearest(ctx.session, resource, wanted[0], fmt)
        blocks.append(para(bold(ctx.tr("Free that day: ")),
                           " · ".join(fmt.hours(p) for p in proposals.same_day)
                           or ctx.tr("nothing long enough.")))
        if proposals.next_days:
            blocks.append(para(bold(ctx.tr("Next days: ")),
                               " · ".join(fmt.range(p) for p in proposals.next_days)))
    else:
        taken = [iv for iv in wanted if iv in clashes]
        blocks = [para(ctx.trn("{n} of the {total} occurrences is already taken; nothing was "
                               "booked:", "{n} of the {total} occurrences are already taken; "
                               "nothing was booked:", len(taken), total=len(wanted))),
                  bullets([spans(fmt.range(iv), " — ", *_holders(fmt, names, clashes[iv]))
                           for iv in taken])]
        if len(taken) < len(wanted):
            blocks.append(para(ctx.tr("To book the {n} free ones, add “sauf conflits” (or “skip "
                                      "conflicts”) to the same command.",
                                      n=len(wanted) - len(taken))))
    taken_times = [iv for iv in wanted if iv in clashes]
    others = await free_resources(ctx.session, resource.kind, taken_times, fmt, besides=resource)
    if others:
        blocks.append(para(bold(ctx.tr("Free at that time: ")),
                           ", ".join(f"{r.name} ({r.slug})" for r in others)))
    ctx.reply(*blocks)


def _holders(fmt: Fmt, names: Names, hits: list[Booking]) -> list[Span]:
    text = "; ".join(f"{names.who(b)}{' — ' + b.purpose if b.purpose else ''} ({b.ref})"
                     for b in hits)
    return spans(text)


@command(("annuler", "cancel"), usage=N_("/grappe cancel B-7 [series]"),
         summary=N_("Cancel a booking, or what is left of its series."))
async def cancel(ctx: Context, args: str) -> None:
    words = args.split()
    if not words:
        raise UsageError("Give a booking's reference, like B-7.")
    booking = await find_booking(ctx, words[0])
    whole = any(fold(w) in ("serie", "series", "tout", "toute", "all") for w in words[1:])
    if not can_manage(ctx.person, booking):
        raise CommandError("Only the people of the enterprise that booked {ref}, or a "
                           "coordinator, can cancel it.", ref=booking.ref)
    if not booking.active:
        raise CommandError("{ref} is already cancelled or declined.", ref=booking.ref)
    if booking.starts_at <= ctx.now:
        raise CommandError("{ref} has already started; it can no longer be cancelled.",
                           ref=booking.ref)
    targets = [booking]
    if whole and booking.series_id is not None:
        targets = [b for b in await repo.of_series(ctx.session, booking.series_id)
                   if b.active and b.starts_at > ctx.now]
    was_pending = any(b.status == BookingStatus.PENDING for b in targets)
    for b in targets:
        booking_decide.set_status(b, BookingStatus.CANCELLED, ctx)
        b.cancelled_by_id = ctx.person.id
    ctx.object_ref = booking.ref
    fmt = Fmt.of(ctx)
    names = await Names.load(ctx.session, targets)
    resource = names.resource(booking).name
    if len(targets) == 1:
        ctx.reply(para(ctx.tr("{ref} is cancelled: {resource}, {when}.", ref=booking.ref,
                              resource=resource, when=fmt.range(interval_of(booking)))))
    else:
        ctx.reply(para(ctx.tr("The {n} coming bookings of the series are cancelled ({refs}, "
                              "{resource}).", n=len(targets), refs=refs(targets),
                              resource=resource)))
    await booking_decide.tell_booker(ctx, targets, names, "cancelled")
    if was_pending:
        await booking_decide.refresh_card(ctx, booking)
