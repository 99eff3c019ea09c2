"""How bookings read: times in the cooperative's zone, who booked, and finding a
resource or a ``B-7`` from what a person typed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.bookings.naming import find_in, unknown
from commands.context import Context
from commands.dates.day_parts import hhmm
from commands.dates.slots import Interval, format_hours, format_minutes, format_range
from commands.dates.when import format_day, format_moment, format_time
from commands.errors import CommandError, UsageError
from commands.i18n import Translator, translator
from commands.messages import Span, bold, spans
from commands.text import fold
from storage.models import Booking, Enterprise, Person, PersonRole, Resource
from storage.repo import bookings as repo
from storage.repo import directory as dir_repo

_REF = re.compile(r"^b-?(\d{1,9})$")


@dataclass(frozen=True)
class Fmt:
    """Formatting for one reader: their language, the cooperative's zone, today."""

    t: Translator
    now: datetime
    tz: ZoneInfo

    @classmethod
    def of(cls, ctx: Context, person: Person | None = None) -> Fmt:
        t = translator(person.locale) if person is not None else ctx.t
        return cls(t, ctx.now, ctx.tz)

    @property
    def locale(self) -> str:
        return self.t.locale

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def range(self, interval: Interval) -> str:
        return format_range(interval, self.tz, self.locale, today=self.today)

    def hours(self, interval: Interval) -> str:
        return format_hours(interval, self.tz, self.locale)

    def moment(self, moment: datetime) -> str:
        return format_moment(moment, self.tz, self.locale, today=self.today)

    def day(self, day: date) -> str:
        return format_day(day, self.locale, today=self.today)

    def clock(self, hh_mm: str) -> str:
        minutes = hhmm(hh_mm)
        if minutes >= 24 * 60:
            return "24\u00a0h" if self.locale == "fr" else "24:00"
        return format_time(time(minutes // 60, minutes % 60), self.locale)

    def duration(self, minutes: int) -> str:
        return format_minutes(minutes, self.locale)


def interval_of(booking: Booking) -> Interval:
    return Interval(booking.starts_at, booking.ends_at)


@dataclass
class Names:
    """The resources, people and enterprises that a list of bookings mentions."""

    resources: dict[int, Resource] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    enterprises: dict[int, Enterprise] = field(default_factory=dict)

    @classmethod
    async def load(cls, s: AsyncSession, bookings: Iterable[Booking]) -> Names:
        rows = list(bookings)
        return cls(await repo.resources_by_id(s),
                   await dir_repo.people_by_id(s, (b.person_id for b in rows)),
                   await dir_repo.enterprises_by_id(s, (b.enterprise_id for b in rows)))

    def resource(self, booking: Booking) -> Resource:
        return self.resources[booking.resource_id]

    def who(self, booking: Booking) -> str:
        person = self.people.get(booking.person_id)
        name = person.display_name if person else "?"
        enterprise = self.enterprises.get(booking.enterprise_id or 0)
        return f"{enterprise.name} ({name})" if enterprise else name


def status_note(fmt: Fmt, booking: Booking) -> str:
    notes = {"pending": fmt.t.t("awaiting approval"), "cancelled": fmt.t.t("cancelled"),
             "rejected": fmt.t.t("declined")}
    note = notes.get(booking.status)
    return f" ({note})" if note else ""


def booking_line(fmt: Fmt, names: Names, booking: Booking, *, day: bool = True,
                 resource: bool = True) -> list[Span]:
    """``jeu. 3 déc., 14 h–16 h · Salle Garance · Chiffres & Communs (Nadia) — objet · B-7``."""
    when = fmt.range(interval_of(booking)) if day else fmt.hours(interval_of(booking))
    parts: list[str | Span] = [when]
    if resource:
        parts += [" · ", bold(names.resource(booking).name)]
    parts.append(f" · {names.who(booking)}")
    if booking.purpose:
        parts.append(f" — {booking.purpose}")
    parts.append(f" · {booking.ref}{status_note(fmt, booking)}")
    return spans(*parts)


def resource_label(resource: Resource) -> str:
    return f"{resource.name} ({resource.slug})"


async def find_resource(ctx: Context, word: str) -> Resource:
    """A resource by what a person calls it (``commands.bookings.naming``)."""
    words = word.split()
    resource, used = find_in(words, await dir_repo.resources(ctx.session))
    if used < len(words):
        raise unknown(word, await dir_repo.resources(ctx.session))
    return resource


def booking_id(word: str) -> int:
    m = _REF.match(fold(word.strip()))
    if m is None:
        raise UsageError("Give a booking's reference, like B-7.")
    return int(m.group(1))


async def find_booking(ctx: Context, word: str) -> Booking:
    booking = await repo.get(ctx.session, booking_id(word))
    if booking is None:
        raise CommandError("There is no booking {ref}.", ref=f"B-{booking_id(word)}")
    return booking


def can_manage(person: Person, booking: Booking) -> bool:
    """The booker, their enterprise's people, and the coordinators."""
    if person.role == PersonRole.COORDINATOR or person.id == booking.person_id:
        return True
    return booking.enterprise_id is not None and person.enterprise_id == booking.enterprise_id


def refs(bookings: Sequence[Booking]) -> str:
    """``B-7`` or ``B-7 … B-12``."""
    if len(bookings) == 1:
        return bookings[0].ref
    return f"{bookings[0].ref} … {bookings[-1].ref}"
