"""Milestones of a won request: ``/grappe jalon R-3 rapport intermédiaire le 15 février``,
a reminder to the lead's people and the coordinators within business hours before the
day, done by a click on the reminder or ``/grappe jalon fait J-4``; the digest lists the
coming week's."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.context import Context
from commands.dates.business_hours import business_duration, is_business_day, parse_hours
from commands.dates.when import end_of_day, format_day, parse_day
from commands.digest.sections import DigestWeek, digest_section
from commands.errors import CommandError, UsageError
from commands.i18n import N_, Translator, translator
from commands.jobs import JobEnv
from commands.messages import Block, Choice, Choices, Message, Target, bold, bullets, para, spans
from commands.projects.handlers import won_request
from commands.registry import command, on_action
from commands.reminders import Reminder, reminder_source
from commands.text import shorten
from storage.models import Cooperative, Milestone, Person, Request
from storage.repo import directory as dir_repo
from storage.repo import projects as repo
from storage.repo import requests as req_repo

_WHEN = re.compile(r"\s+(?:au plus tard le|avant le|d['’]ici le|pour le|le|avant|d['’]ici|"
                   r"pour|on|by|due)\s+|\s*:\s*", re.IGNORECASE)
_REF = re.compile(r"^J-?(\d+)$", re.IGNORECASE)


def title_and_day(text: str, ctx: Context) -> tuple[str, datetime]:
    """``rapport intermédiaire le 15 février`` → the title, and the day's last instant."""
    tz = ZoneInfo(ctx.coop.timezone)
    words = text.split()  # after "le", "pour", ":"…, the last first; else the last words
    cuts = sorted(((m.start(), m.end()) for m in _WHEN.finditer(text)), reverse=True) + [
        (len(" ".join(words[:-k])), len(" ".join(words[:-k])) + 1)
        for k in (3, 2, 1) if len(words) > k]
    for start, end in cuts:
        title, when = text[:start].strip(), text[end:].strip()
        if not title or not when:
            continue
        try:
            return title[:200], end_of_day(parse_day(when, now=ctx.now, tz=tz), tz)
        except CommandError:
            continue
    raise UsageError("Name the milestone and its day, like “rapport intermédiaire le 15 "
                     "février”.")


@command(("jalon", "milestone"), usage=N_("/grappe milestone R-3 <what> on <day>"),
         summary=N_("Add a milestone to a won request; “/grappe milestone done J-4” marks "
                    "it done."))
async def milestone(ctx: Context, args: str) -> None:
    words = args.split()
    if words[:1] and words[0].lower() in ("fait", "done", "faite"):
        await _done(ctx, " ".join(words[1:]))
        return
    request, rest = await won_request(ctx, args)
    await _team_or_coordinators(ctx, request)
    if not rest:
        raise UsageError("Name the milestone and its day, like “rapport intermédiaire le 15 "
                         "février”.")
    title, due = title_and_day(rest, ctx)
    tz = ZoneInfo(ctx.coop.timezone)
    item = Milestone(request_id=request.id or 0, title=title, due_on=due.astimezone(tz).date(),
                     created_by=ctx.person.id)
    ctx.session.add(item)
    await ctx.session.flush()
    t = translator(ctx.coop.locale)
    day = format_day(item.due_on, t.locale, today=ctx.now.astimezone(tz).date())
    ctx.in_thread(request.ref, para(t.t("Milestone {ref} of {request}: {title}, {day}.",
                                        ref=item.ref, request=request.ref, title=title,
                                        day=day)), purpose=request.purpose)
    ctx.reply(para(ctx.tr("Milestone {ref} of {request}: {title}, {day}.", ref=item.ref,
                          request=request.ref, title=title,
                          day=format_day(item.due_on, ctx.t.locale,
                                         today=ctx.now.astimezone(tz).date()))))


async def _milestone(ctx: Context, text: str) -> Milestone:
    m = _REF.match(text.strip())
    found = await ctx.session.get(Milestone, int(m.group(1))) if m else None
    if found is None:
        raise CommandError("There is no milestone “{ref}”.", ref=shorten(text.strip(), 20))
    ctx.object_ref = found.ref
    return found


async def _team_or_coordinators(ctx: Context, request: Request) -> None:
    if not (ctx.is_coordinator or ctx.person.enterprise_id in {
            c.enterprise_id for c in await repo.team(ctx.session, request.id or 0)}):
        raise CommandError("Only the coordinators and the team of {ref} can set its "
                           "milestones.", ref=request.ref)


async def _done(ctx: Context, text: str) -> None:
    item = await _milestone(ctx, text)
    request = await req_repo.get(ctx.session, item.request_id)
    assert request is not None
    await _team_or_coordinators(ctx, request)
    if item.done_at is None:
        item.done_at = ctx.now
        ctx.session.add(item)
        t = translator(ctx.coop.locale)
        ctx.in_thread(request.ref, para(t.t("Milestone {ref} done: {title} ({who}).",
                                            ref=item.ref, title=item.title,
                                            who=ctx.person.display_name)),
                      purpose=request.purpose)
    ctx.reply(para(ctx.tr("Milestone {ref} is done.", ref=item.ref)))


@on_action("J")
async def done_by_click(ctx: Context, action: str) -> None:
    if action != "done":
        return
    await _done(ctx, ctx.object_ref or "")


def _reminder(person: Person, item: Milestone, request: Request, coop: Cooperative,
              now: datetime) -> Message:
    t = translator(person.locale)
    tz = ZoneInfo(coop.timezone)
    day = format_day(item.due_on, t.locale, today=now.astimezone(tz).date())
    target = Target(kind="dm", handle=person.handle, object_ref=request.ref)
    return Message(target=target, locale=t.locale, blocks=[
        para(t.t("Milestone {ref} of {request} ({client}) is due {day}: {title}.",
                 ref=item.ref, request=request.ref, client=request.client, day=day,
                 title=item.title)),
        Choices(object_ref=item.ref, options=[Choice(action="done", label=t.t("Done"),
                                                     emoji="✅", style="positive")],
                hint=t.t("Or: /grappe milestone done {ref}", ref=item.ref))])


def _in_business_hours(now: datetime, coop: Cooperative) -> bool:
    local = now.astimezone(ZoneInfo(coop.timezone))
    opens, closes = parse_hours(coop.business_hours)
    return is_business_day(local.date()) and opens <= local.time() < closes


@reminder_source("milestones")
async def milestone_reminders(s: AsyncSession, coop: Cooperative, now: datetime,
                              env: JobEnv) -> list[Reminder]:
    """A milestone not done, within ``nudge_hours`` business hours of its day's end: one
    reminder to the lead's people and the coordinators, sent within business hours."""
    if not _in_business_hours(now, coop):
        return []
    tz = ZoneInfo(coop.timezone)
    today = now.astimezone(tz).date()
    lead_time = timedelta(hours=env.environment.nudge_hours)
    due: list[Reminder] = []
    coordinators = list(await dir_repo.coordinators(s))
    for item, request in await repo.milestones_due(s, today, today + timedelta(days=14)):
        if request.status != "won" or business_duration(
                now, end_of_day(item.due_on, tz), tz, coop.business_hours) > lead_time:
            continue
        lead = (await dir_repo.people_of(s, [request.lead_enterprise_id or 0])).get(
            request.lead_enterprise_id or 0, [])
        people = {p.id: p for p in [*lead, *coordinators]}.values()
        due.append(Reminder("milestone", item.ref, "due",
                            [_reminder(p, item, request, coop, now) for p in people]))
    return due


async def _coming(s: AsyncSession, coop: Cooperative, week: DigestWeek
                  ) -> list[tuple[Milestone, Request]]:
    today = week.at.astimezone(week.tz).date()
    return [(item, request) for item, request in
            await repo.milestones_due(s, today, today + timedelta(days=6))
            if request.purpose == week.purpose]


@digest_section(order=45, load=_coming, name="projects.milestones")
def coming_milestones(loaded: list[tuple[Milestone, Request]], week: DigestWeek,
                      t: Translator) -> list[Block] | None:
    if not loaded:
        return None
    today = week.at.astimezone(week.tz).date()
    return [para(bold(t.t("Milestones of the coming week"))), bullets([
        spans(bold(format_day(item.due_on, t.locale, today=today)),
              f" · {request.ref} ({request.client}) — {item.title} · {item.ref}")
        for item, request in loaded])]
