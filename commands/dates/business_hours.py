"""Time measured in business hours: Monday to Friday, the cooperative's hours, no
French public holidays (the ``holidays`` package)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from commands.dates.slots import format_minutes


@cache
def _french_holidays(year: int) -> frozenset[date]:
    import holidays  # ~3.5 MB: loaded at the first business-hour question, not at start-up

    return frozenset(holidays.country_holidays("FR", years=year))


def is_public_holiday(day: date) -> bool:
    return day in _french_holidays(day.year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def parse_hours(spec: str) -> tuple[time, time]:
    """``"09:00-18:00"`` → (09:00, 18:00)."""
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-", 1))
    return start, end


def business_duration(start: datetime, end: datetime, tz: ZoneInfo,
                      hours: str = "09:00-18:00") -> timedelta:
    """The business time between two instants (zero when ``end`` is not after ``start``)."""
    if end <= start:
        return timedelta(0)
    open_at, close_at = parse_hours(hours)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    total = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if is_business_day(day):
            day_open = datetime.combine(day, open_at, tzinfo=tz)
            day_close = datetime.combine(day, close_at, tzinfo=tz)
            lo, hi = max(day_open, local_start), min(day_close, local_end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def add_business_hours(start: datetime, amount: timedelta, tz: ZoneInfo,
                       hours: str = "09:00-18:00") -> datetime:
    """The instant ``amount`` of business time after ``start``."""
    open_at, close_at = parse_hours(hours)
    moment = start.astimezone(tz)
    left = amount
    while True:
        day = moment.date()
        day_open = datetime.combine(day, open_at, tzinfo=tz)
        day_close = datetime.combine(day, close_at, tzinfo=tz)
        if is_business_day(day) and moment < day_close:
            moment = max(moment, day_open)
            if moment + left <= day_close:
                return moment + left
            left -= day_close - moment
        moment = datetime.combine(day + timedelta(days=1), open_at, tzinfo=tz)


def format_hours(duration: timedelta, locale: str) -> str:
    """A business duration as people read it (``3 h 15``); one rule, in commands.dates.slots."""
    return format_minutes(round(duration.total_seconds() / 60), locale)


def median_duration(values: list[timedelta]) -> timedelta | None:
    """The median of durations (the mean of the middle two for an even count), None for none."""
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
