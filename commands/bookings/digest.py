"""The digest's parts on shared resources: the coming week's bookings as a compact agenda,
the occupancy chart (both drawn from one ``BookingsWeek.load``), and the pick-up reminder
the day before (keys, vehicle, equipment).

Bookings are read through ``storage.repo.bookings`` only; nothing here changes them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import parse_hours
from commands.dates.when import format_day, format_moment, format_time
from commands.digest import chart as digest_chart
from commands.digest.sections import DigestWeek, digest_section
from commands.i18n import Translator, translator
from commands.jobs import JobEnv
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.reminders import Reminder, dm, reminder_source
from storage.models import Booking, Cooperative, Enterprise, Person, Resource
from storage.repo import bookings as repo
from storage.repo import directory as dir_repo

MAX_PER_RESOURCE = 12


def _range(t: Translator, booking: Booking, tz: ZoneInfo, today: date) -> str:
    start, end = booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
    next_midnight = end.time() == time(0) and end.date() == start.date() + timedelta(days=1)
    if end.date() == start.date() or next_midnight:
        return f"{format_time(start.time(), t.locale)}–{format_time(end.time(), t.locale)}"
    return (f"{format_time(start.time(), t.locale)} → "
            f"{format_moment(end, tz, t.locale, today=today)}")


@dataclass(frozen=True)
class BookingsWeek:
    """The coming week's bookings, and who and what they name."""

    bookings: Sequence[Booking]
    resources: dict[int, Resource]  # every resource, inactive ones included (old bookings)
    enterprises: dict[int, Enterprise]
    people: dict[int, Person]

    @classmethod
    async def load(cls, s: AsyncSession, coop: Cooperative, week: DigestWeek) -> BookingsWeek:
        """One statement (the names from the directory's copy), whatever the number of
        bookings."""
        bookings = await repo.between(s, week.coming_start, week.coming_end)
        if not bookings:
            return cls(bookings, {}, {}, {})
        return cls(bookings, await repo.resources_by_id(s),
                   await dir_repo.enterprises_by_id(s, [b.enterprise_id for b in bookings]),
                   await dir_repo.people_by_id(s, [b.person_id for b in bookings]))


@digest_section(order=50, load=BookingsWeek.load, name="bookings.agenda")
def agenda(loaded: BookingsWeek, week: DigestWeek, t: Translator) -> list[Block] | None:
    bookings, resources = loaded.bookings, loaded.resources
    if not bookings:
        return None
    enterprises, people = loaded.enterprises, loaded.people
    by_resource: dict[int, list[Booking]] = defaultdict(list)
    for b in bookings:
        by_resource[b.resource_id].append(b)
    items: list[list[Span]] = []
    for resource_id, group in sorted(by_resource.items(),
                                     key=lambda kv: resources[kv[0]].name):
        days: dict[date, list[str]] = defaultdict(list)
        for b in group[:MAX_PER_RESOURCE]:
            who = (enterprises[b.enterprise_id].name if b.enterprise_id in enterprises
                   else people[b.person_id].display_name if b.person_id in people else "?")
            note = t.t(", to be confirmed") if b.status == "pending" else ""
            day = max(b.starts_at.astimezone(week.tz).date(), week.day)
            days[day].append(f"{_range(t, b, week.tz, week.day)} ({who}{note})")
        colon, semicolon = ("\u00a0: ", "\u202f; ") if t.locale == "fr" else (": ", "; ")
        line = semicolon.join(f"{format_day(d, t.locale, today=week.day)}{colon}"
                              + ", ".join(times) for d, times in days.items())
        if len(group) > MAX_PER_RESOURCE:
            line += " " + t.tn("… and {n} more.", "… and {n} more.",
                               len(group) - MAX_PER_RESOURCE)
        items.append(spans(bold(resources[resource_id].name), " — ", line))
    return [para(bold(t.tn("{n} booking in the coming week", "{n} bookings in the coming week",
                           len(bookings)))), bullets(items)]


def _hours(resources: Sequence[Resource]) -> range:
    opens = min((int(r.opens[:2]) for r in resources), default=8)
    closes = max((math.ceil(int(r.closes[:2]) + int(r.closes[3:5]) / 60) for r in resources),
                 default=20)
    return range(max(0, opens), min(24, max(closes, opens + 1)))


@digest_section(order=60, load=BookingsWeek.load, name="bookings.chart")
def chart(loaded: BookingsWeek, week: DigestWeek, t: Translator) -> list[Block] | None:
    bookings = loaded.bookings
    if week.files_dir is None or not bookings:
        return None
    resources = [r for r in loaded.resources.values() if r.active]
    hours, days = _hours(resources), week.coming_days
    occupancies = [digest_chart.Occupancy(r.name, digest_chart.hour_grid(
        [(b.starts_at, b.ends_at) for b in bookings if b.resource_id == r.id],
        days, hours, week.tz)) for r in resources]
    title = t.t("Occupancy of the shared resources, week of {day}",
                day=format_day(week.day, t.locale, today=week.day))
    return [digest_chart.to_draw(occupancies, days, hours, t.locale, title)]


@reminder_source("pickup")
async def pickup_reminders(s: AsyncSession, coop: Cooperative, now: datetime,
                           env: JobEnv) -> list[Reminder]:
    """The day before a booking of a resource to pick up, from the opening of business hours."""
    tz = ZoneInfo(coop.timezone)
    local = now.astimezone(tz)
    if local.time() < parse_hours(coop.business_hours)[0]:
        return []
    tomorrow = local.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=tz)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=tz)
    resources = await repo.resources_by_id(s)
    bookings = [b for b in await repo.between(s, start, end)
                if b.starts_at >= start and resources.get(b.resource_id, None) is not None
                and resources[b.resource_id].needs_pickup]
    people = await dir_repo.people_by_id(s, [b.person_id for b in bookings])
    due = []
    for b in bookings:
        person = people.get(b.person_id)
        if person is None or not person.active:
            continue
        t = translator(person.locale)
        text = t.t("Reminder: you booked {resource} tomorrow, {when} ({ref}). It has to be "
                   "picked up (keys or equipment): please plan for it.",
                   resource=resources[b.resource_id].name, ref=b.ref,
                   when=_range(t, b, tz, local.date()))
        due.append(Reminder("pickup", b.ref, tomorrow.isoformat(), [dm(person, text)]))
    return due
