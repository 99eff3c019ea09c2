"""When a resource can be booked at all: its open days (the directory's ``days``; public
holidays closed unless it says ``holidays``) and its opening hours. The rules refuse
what falls outside; the suggestions only ever propose what falls inside."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.dates.business_hours import is_public_holiday
from commands.dates.day_parts import hhmm
from commands.dates.slots import Interval, local_instant
from commands.i18n import Translator
from storage.models import Resource

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DAYS = "mon,tue,wed,thu,fri"
HOLIDAYS = "holidays"
SEARCH_DAYS = 21  # how far to look for the next open moment


def _codes(resource: Resource) -> set[str]:
    return set((resource.days or DEFAULT_DAYS).split(","))


def is_open_on(resource: Resource, day: date) -> bool:
    codes = _codes(resource)
    if is_public_holiday(day) and HOLIDAYS not in codes:
        return False
    return WEEKDAYS[day.weekday()] in codes


def hours_of(resource: Resource, day: date, tz: ZoneInfo) -> Interval:
    """The opening hours of ``day``, in UTC."""
    return Interval(local_instant(day, hhmm(resource.opens), tz),
                    local_instant(day, hhmm(resource.closes), tz))


def next_open(resource: Resource, moment: datetime, tz: ZoneInfo) -> datetime:
    """The first instant from ``moment`` on at which ``resource`` is open."""
    day = moment.astimezone(tz).date()
    for n in range(SEARCH_DAYS):
        current = day + timedelta(days=n)
        if not is_open_on(resource, current):
            continue
        hours = hours_of(resource, current, tz)
        if moment < hours.end:
            return max(moment, hours.start)
    return moment


def describe_days(resource: Resource, t: Translator) -> str:
    """``du lundi au vendredi, hors jours fériés`` / ``Monday to Friday, not on public
    holidays``: the days a person may book it, as they read them."""
    from babel.dates import get_day_names

    codes = _codes(resource)
    names = get_day_names("wide", locale=t.locale)
    indices = [i for i, code in enumerate(WEEKDAYS) if code in codes]
    if len(indices) == 7:
        days = t.t("every day")
    elif len(indices) > 2 and indices == list(range(indices[0], indices[-1] + 1)):
        days = t.t("{first} to {last}", first=names[indices[0]], last=names[indices[-1]])
    else:
        days = ", ".join(names[i] for i in indices)
    if HOLIDAYS in codes:
        return t.t("{days}, public holidays included", days=days)
    return t.t("{days}, except public holidays", days=days)
