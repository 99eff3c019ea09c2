"""The rules a booking must follow, each refused with a clear message.

In this order: a real range, not past, within the resource's opening hours, on
one of its open days (``commands.bookings.opening``), with the minimum notice, not
longer than the longest booking, and within the enterprise's monthly quota. A
refusal says what would fit: the earliest start that is open, a range of the
longest length. Whether it needs a
coordinator's approval is decided here too. The overlap itself is the
database's business (``storage.repo.bookings``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.bookings.opening import describe_days, hours_of, is_open_on, next_open
from commands.bookings.view import Fmt, interval_of
from commands.dates.slots import Interval, day_bounds
from commands.errors import CommandError
from storage.models import Enterprise, Person, PersonRole, Resource
from storage.models.bookings import BookingStatus
from storage.repo import bookings as repo


def check_shape(interval: Interval, fmt: Fmt) -> None:
    if interval.end < interval.start:
        raise CommandError("The booking would end ({end}) before it starts ({start}).",
                           start=fmt.moment(interval.start), end=fmt.moment(interval.end))
    if interval.end == interval.start:
        raise CommandError("A booking needs a length: this one starts and ends at {when}.",
                           when=fmt.moment(interval.start))
    if interval.start < fmt.now:
        raise CommandError("{when} is already past.", when=fmt.range(interval))


def check(resource: Resource, interval: Interval, fmt: Fmt) -> None:
    """Every rule of ``resource`` for one range; raises ``CommandError``."""
    check_shape(interval, fmt)
    day = interval.start.astimezone(fmt.tz).date()
    hours = hours_of(resource, day, fmt.tz)
    if interval.start < hours.start or interval.end > hours.end:
        raise CommandError("{resource} can be booked from {opens} to {closes}; {when} is outside "
                           "these hours.", resource=resource.name, opens=fmt.clock(resource.opens),
                           closes=fmt.clock(resource.closes), when=fmt.range(interval))
    if not is_open_on(resource, day):
        raise CommandError("{resource} cannot be booked on {day}: it is open {days}.",
                           resource=resource.name, day=fmt.day(day),
                           days=describe_days(resource, fmt.t))
    earliest = fmt.now + timedelta(minutes=resource.min_notice_minutes)
    if interval.start < earliest:
        raise CommandError("{resource} must be booked {notice} ahead: the earliest start is "
                           "{earliest}.", resource=resource.name,
                           notice=fmt.duration(resource.min_notice_minutes),
                           earliest=fmt.moment(next_open(resource, round_up(earliest), fmt.tz)))
    if resource.max_minutes and interval.minutes > resource.max_minutes:
        longest = Interval(interval.start,
                           interval.start + timedelta(minutes=resource.max_minutes))
        raise CommandError("{resource} can be booked for {max} at most; this booking lasts "
                           "{length}. For example: {proposal}.", resource=resource.name,
                           max=fmt.duration(resource.max_minutes),
                           length=fmt.duration(interval.minutes), proposal=fmt.range(longest))


def fits(resource: Resource, interval: Interval, fmt: Fmt) -> bool:
    """The rules hold (used to propose free slots that can really be booked)."""
    try:
        check(resource, interval, fmt)
    except CommandError:
        return False
    return True


def round_up(moment: datetime, step: int = 5) -> datetime:
    """The next whole ``step`` minutes: a start people can read and type."""
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += timedelta(minutes=1)
    return base + timedelta(minutes=(-base.minute) % step)


def month_bounds(year: int, month: int, fmt: Fmt) -> Interval:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Interval(day_bounds(first, fmt.tz).start, day_bounds(following, fmt.tz).start)


def month_name(year: int, month: int, locale: str) -> str:
    from babel.dates import format_date

    return format_date(date(year, month, 1), "LLLL y", locale=locale)


async def used_minutes(s: AsyncSession, resource: Resource, enterprise_id: int, year: int,
                       month: int, fmt: Fmt) -> int:
    """Minutes of active bookings of ``resource`` by the enterprise, starting in that month."""
    bounds = month_bounds(year, month, fmt)
    rows = await repo.between(s, bounds.start, bounds.end, resource_ids=[resource.id or 0],
                              enterprise_id=enterprise_id)
    return sum(interval_of(b).minutes for b in rows if b.starts_at >= bounds.start)


async def check_quota(s: AsyncSession, resource: Resource, enterprise: Enterprise | None,
                      intervals: Iterable[Interval], fmt: Fmt) -> None:
    """Refuse what would take the enterprise beyond its monthly quota, with the balance left."""
    quota = resource.monthly_quota_minutes
    if not quota or enterprise is None or enterprise.id is None:
        return
    needed: dict[tuple[int, int], int] = defaultdict(int)
    for interval in intervals:
        local = interval.start.astimezone(fmt.tz)
        needed[(local.year, local.month)] += interval.minutes
    for (year, month), minutes in sorted(needed.items()):
        used = await used_minutes(s, resource, enterprise.id, year, month, fmt)
        if used + minutes > quota:
            raise CommandError(
                "{enterprise} has {left} left of its {quota} of {resource} for {month} "
                "({used} already booked); this booking needs {needed}.",
                enterprise=enterprise.name, left=fmt.duration(max(quota - used, 0)),
                quota=fmt.duration(quota), resource=resource.name,
                month=month_name(year, month, fmt.locale), used=fmt.duration(used),
                needed=fmt.duration(minutes))


def initial_status(resource: Resource, person: Person) -> str:
    """Pending when the resource needs a coordinator's approval, unless one is booking."""
    if resource.needs_approval and person.role != PersonRole.COORDINATOR:
        return BookingStatus.PENDING.value
    return BookingStatus.CONFIRMED.value
