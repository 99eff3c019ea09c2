"""Availability polls: ask, answer, close (and book the chosen slot)."""

from __future__ import annotations

import re

from commands import lookup
from commands.context import Context
from commands.dates.when import end_of_day
from commands.errors import CommandError, UsageError
from commands.events import Action
from commands.i18n import N_, translator
from commands.messages import Block, para
from commands.polls.ballots import MAYBE, NO, YES, add_to, parse_ballot
from commands.polls.booking import book_chosen
from commands.polls.parsing import parse_poll
from commands.polls.view import EMOJIS, PollView, clicked, option_label, render, tally, voter_of
from commands.registry import command, on_action, on_reply
from commands.text import fold, shorten
from storage.models import Person, Poll, PollOption
from storage.repo import directory as dir_repo
from storage.repo import polls as repo
from storage.repo import requests as requests_repo

HELP_ORDER = 50  # where these commands come in the help

_REF = re.compile(r"^[Pp]-?(\d{1,9})$")


async def get_poll(ctx: Context, text: str) -> Poll:
    m = _REF.match(text.strip())
    if m is None:
        raise UsageError("Name the poll by its reference, like P-2.")
    poll = await repo.get(ctx.session, int(m.group(1)))
    if poll is None:
        raise CommandError("There is no poll P-{number}.", number=int(m.group(1)))
    ctx.object_ref = poll.ref
    return poll


async def card(ctx: Context, poll: Poll) -> list[Block]:
    """The poll's card as it stands now: loaded, then drawn."""
    today = ctx.now.astimezone(ctx.tz).date()
    return render(await PollView.load(ctx.session, poll), ctx.coop, today=today)


async def refresh_card(ctx: Context, poll: Poll) -> None:
    ctx.edit_card(poll.ref, *await card(ctx, poll), purpose=poll.purpose)


@command(("dispo", "poll"),
         usage=N_("/grappe poll <title> : <option> | <option> … [for R-3] [before <date>] "
                  "[members=a,b|all] [hidden] [per enterprise]"),
         summary=N_("Find a date together: a poll whose options are dates or slots."))
async def poll_command(ctx: Context, args: str) -> None:
    if _REF.match(args.strip()):
        poll = await get_poll(ctx, args)
        ctx.reply(*[b for b in await card(ctx, poll) if b.kind != "choices"])
        return
    new = parse_poll(args, now=ctx.now, tz=ctx.tz, parts=ctx.env.day_parts)
    request = None
    if new.request_number is not None:
        request = await requests_repo.get(ctx.session, new.request_number)
        if request is None:
            raise CommandError("There is no request R-{number}.", number=new.request_number)
    invitees = await _invitees(ctx, new.members, request.id if request else None)
    poll = Poll(title=new.title, author_id=ctx.person.id, request_id=request.id if request else
                None, deadline=end_of_day(new.deadline, ctx.tz) if new.deadline else None,
                hidden=new.hidden, per_enterprise=new.per_enterprise, created_at=ctx.now)
    options = [PollOption(poll_id=0, position=n, label=shorten(o.said, 200),
                          starts_at=o.interval.start, ends_at=o.interval.end, all_day=o.all_day)
               for n, o in enumerate(new.options, start=1)]
    await repo.add(ctx.session, poll, options, [p.id or 0 for p in invitees])
    ctx.object_ref = poll.ref
    blocks = await card(ctx, poll)
    if request is not None:
        ctx.in_thread(request.ref, *blocks, card_of=poll.ref)
    else:
        ctx.post(*blocks, card_of=poll.ref)
    merged = (ctx.tr(" Duplicate options were merged: {options}.",
                     options=", ".join(new.merged)) if new.merged else "")
    ctx.reply(para(ctx.trn("{ref} is open with {n} option.", "{ref} is open with {n} options.",
                           len(options), ref=poll.ref) + merged))


async def _invitees(ctx: Context, members: list[str] | None, request_id: int | None
                    ) -> list[Person]:
    people: dict[int, Person] = {}
    if members == ["*"]:
        people.update({p.id or 0: p for p in await dir_repo.people(ctx.session)})
    elif members:
        for name in members:
            enterprise = await dir_repo.enterprise_by_slug(ctx.session, name)
            if enterprise is not None and enterprise.active:
                for p in await dir_repo.people(ctx.session, enterprise_id=enterprise.id):
                    people[p.id or 0] = p
            else:
                person = await lookup.person(ctx, name)
                people[person.id or 0] = person
    if request_id is not None:
        consulted = [c.enterprise_id for c in await requests_repo.consultations(
            ctx.session, request_id) if c.active]
        for group in (await dir_repo.people_of(ctx.session, consulted)).values():
            people.update({p.id or 0: p for p in group})
    if people:
        people[ctx.person.id or 0] = ctx.person
    return list(people.values())


async def _open_poll(ctx: Context) -> Poll:
    poll = await get_poll(ctx, ctx.object_ref or "")
    if poll.status != "open":
        raise CommandError("{ref} is closed; your answer was not recorded.", ref=poll.ref)
    return poll


@on_reply("P")
async def answer_in_thread(ctx: Context, text: str) -> None:
    poll = await _open_poll(ctx)
    options = await repo.options(ctx.session, poll.id or 0)
    await _cast(ctx, poll, parse_ballot(text, options, tz=ctx.tz))  # "mardi" names an option


@on_action("P", emojis=EMOJIS)
async def answer_by_choice(ctx: Context, action: str) -> None:
    """A button or a reaction on option n: the ballot "n", read as if it were typed, added to
    what the voter answered before (clicks add up: ``ballots.add_to``)."""
    poll = await _open_poll(ctx)
    options = await repo.options(ctx.session, poll.id or 0)
    earlier = await repo.ballot(ctx.session, poll.id or 0, voter_of(poll, ctx.person))
    if (one := clicked(action)) is not None and one[0] <= len(options):
        position, value = one  # "if need be" or "no" on one option: the rest stays as it was
        await _cast(ctx, poll, {**{o.position: earlier.get(o.position, NO) for o in options},
                                position: value})
        return
    await _cast(ctx, poll, add_to(earlier, parse_ballot(action, len(options))))


async def _cast(ctx: Context, poll: Poll, values: dict[int, str]) -> None:
    """The one path of every answer, typed or clicked: the whole ballot replaces the voter's
    earlier one, the person is told, the card shows it."""
    await repo.replace_ballot(ctx.session, poll.id or 0, voter_of(poll, ctx.person), ctx.person.id,
                              values, ctx.now)
    # a click is answered to the clicker alone, a thread answer is noted where all read it
    t = ctx.t if isinstance(ctx.event, Action) else translator(ctx.coop.locale)
    said = [str(n) if v == YES else t.t("{n} (if need be)", n=n)
            for n, v in sorted(values.items()) if v in (YES, MAYBE)]
    ctx.acknowledge("✅", t.t("{who}: {options}", who=ctx.person.display_name,
                              options=", ".join(said) or t.t("no option")))
    await ctx.session.flush()
    await refresh_card(ctx, poll)


_CLOSE = re.compile(r"^(?P<ref>\S+)(?:\s+(?P<option>\d{1,2}))?"
                    r"(?:\s+(?:et reserver|and book|et réserver)\s+(?P<resource>\S+))?\s*$")


@command(("dispo clore", "poll close"),
         usage=N_("/grappe poll close P-2 [option] [and book <resource>]"),
         summary=N_("Close a poll on its best option (or the one given), and book it."))
async def poll_close(ctx: Context, args: str) -> None:
    m = _CLOSE.match(" ".join(args.split()))
    if m is None:
        raise UsageError("Name the poll, then optionally the option and “and book <resource>”.")
    poll = await get_poll(ctx, m.group("ref"))
    if poll.author_id != ctx.person.id and not ctx.is_coordinator:
        raise CommandError("Only the poll's author or a coordinator can close it.")
    if poll.status != "open":
        raise CommandError("{ref} is already closed.", ref=poll.ref)
    current = await tally(ctx.session, poll)
    if m.group("option"):
        wanted = int(m.group("option"))
        chosen = next((o for o in current.options if o.position == wanted), None)
        if chosen is None:
            raise CommandError("There is no option {n}: choose between 1 and {count}.",
                               n=wanted, count=len(current.options))
    else:
        chosen = current.best()
    poll.status, poll.closed_at, poll.chosen_position = "closed", ctx.now, chosen.position
    today = ctx.now.astimezone(ctx.tz).date()
    if m.group("resource"):
        poll.booking_note = await book_chosen(ctx, poll, chosen, fold(m.group("resource")))
    ctx.session.add(poll)
    await ctx.session.flush()
    t = translator(ctx.coop.locale)
    label = option_label(chosen, ctx.tz, t, all_day=chosen.all_day, today=today)
    announce = t.t("{ref} is closed: {title} — {when}.", ref=poll.ref, title=poll.title,
                   when=label)
    where = f"R-{poll.request_id}" if poll.request_id else poll.ref
    ctx.in_thread(where, para(announce + (f" {poll.booking_note}" if poll.booking_note else "")),
                  purpose=poll.purpose)
    participants: dict[int, Person] = {p.id or 0: p for p in current.invitees}
    people = await dir_repo.people_by_id(ctx.session, current.answered_people)
    participants.update(people)
    for person in participants.values():
        if person.id == ctx.person.id:
            continue
        tp = translator(person.locale)
        ctx.dm(person, para(tp.t("{title} ({ref}) will take place {when}.", title=poll.title,
                                 ref=poll.ref, when=option_label(
                                     chosen, ctx.tz, tp, all_day=chosen.all_day, today=today))))
    await refresh_card(ctx, poll)
    ctx.reply(para(announce + (f" {poll.booking_note}" if poll.booking_note else "")))
