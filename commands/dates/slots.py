"""Time slots as people write them, in French or English: "jeudi 14h-16h", "demain
matin", "le 3/12 de 9h à 17h", "2026-12-03 09:00-12:00", "chaque mardi 9h-11h x6".

The day itself is read by :func:`commands.dates.when.parse_day` (one place for the
rules of days); this module takes out the times, the parts of the day and the
recurrence around it. Times are wall-clock times in the cooperative's zone:
every occurrence of a series keeps its local time across the DST changes, and
is stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from commands.dates.day_parts import DayParts
from commands.dates.when import format_day, format_time, parse_day
from commands.errors import CommandError, UsageError
from commands.text import fold

MAX_OCCURRENCES = 52
DAY_MINUTES = 24 * 60

WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}
_WD = "|".join(WEEKDAYS)
_NUMBERS = {"deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4}


def _clock(n: str) -> str:
    """A time of day: ``14h``, ``14 h 30``, ``09:00``, ``2pm``, ``midi``; groups named ``n…``."""
    return (rf"(?:(?P<{n}w>midi|noon|minuit|midnight)|(?P<{n}h>\d{{1,2}})"
            rf"(?:\s*(?P<{n}k>h(?:eures?)?|:)\s*(?P<{n}m>\d{{2}})?)?"
            rf"(?:\s*(?P<{n}ap>[ap])\.?m\b\.?)?)")


_EDGE = r"(?<![\w/.:-])"
_RANGE = re.compile(
    rf"{_EDGE}(?:(?:de|from|entre|between)\s+)?{_clock('a')}"
    rf"(?:\s*-\s*|\s+(?:a|au|to|till|until|et|and|jusqu'a|jusqu'au)\s+){_clock('b')}(?![\w/])")
_SINGLE = re.compile(
    rf"{_EDGE}(?:(?:a partir de|a|at|des|from|starting at)\s+)?{_clock('a')}(?![\w/])")
_DURATION = re.compile(
    r"(?:(?<!\w)(?:pendant|durant|during|for|pour)\s+|\(\s*)(?:"
    r"(?P<h>\d{1,2})\s*(?:h|heures?|hours?|hrs?)(?:\s*(?P<m>\d{1,2})(?:\s*min(?:utes?)?)?)?"
    r"|(?P<min>\d{1,3})\s*(?:min|mn|minutes?)"
    r"|(?P<word>une heure et demie|an hour and a half|une demi-heure|half an hour|une heure"
    r"|an hour|one hour))(?!\w)\s*\)?")
_WORD_MINUTES = {"une heure et demie": 90, "an hour and a half": 90, "une demi-heure": 30,
                 "half an hour": 30, "une heure": 60, "an hour": 60, "one hour": 60}
_PART = re.compile(
    r"(?<!\w)(?:(?:ce|cet|cette|this|toute|tout|en|dans|in|all|the whole)\s+)?"
    r"(?:(?:la|le|the)\s+|l')?"
    r"(?P<part>matinee|matin|morning|apres[- ]?midi|aprem|afternoon|soiree|soir|evening|tonight"
    r"|toute la journee|journee entiere|la journee|journee|all day|all-day|full day|the whole day"
    r"|whole day)(?!\w)")
_COUNT = re.compile(r"(?:(?<!\w)x|×)\s*(?P<n>\d{1,3})(?!\w)"
                    r"|(?<!\w)(?P<n2>\d{1,3})\s*(?:fois|times|occurrences?|seances|sessions)(?!\w)")
_SPAN = re.compile(r"(?<!\w)(?:pendant|durant|during|for)\s+(?P<k>\d{1,2})\s*"
                   r"(?P<unit>semaines?|weeks?)(?!\w)")
_UNTIL = re.compile(r"(?<!\w)(?:jusqu'?(?:au|a|en)|jusque|until|till|through|thru)\s+(?P<u>.+)$")
_FREQ = re.compile(
    rf"(?<!\w)(?:(?:chaque|tous les|toutes les|every|each)\s+(?P<other>other\s+)?"
    rf"(?:(?P<n>[2-4]|deux|two|trois|three|quatre|four)\s+)?(?P<unit>(?:{_WD})s?|semaines?|weeks?"
    r"|jours? ouvres|jours? ouvrables|weekdays?|working days?|business days?|jours?|days?)"
    r"|(?P<word>weekly|hebdomadaire|hebdo|daily|quotidien(?:ne)?|biweekly|fortnightly"
    rf"|une semaine sur deux)|(?:(?:les|on)\s+)?(?P<plural>{_WD})s)(?!\w)")
_NOISE = re.compile(r"(?<!\w)(?:a partir du|a partir de|a partir d'|starting|from|des le|des"
                    r"|le|la|les|du|de|on|the|at|a|et|and|pour|for)(?!\w)|[,;]")
_DAY_OF_MONTH = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th)?$")
_ISO_T = re.compile(r"(\d{4}-\d{2}-\d{2})t(\d)")


class Interval(NamedTuple):
    """A time range in UTC, ``[start, end)``."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Repeat:
    step_days: int = 7
    count: int | None = None
    until: date | None = None
    weeks: int | None = None  # "pendant 6 semaines"
    workdays_only: bool = False


@dataclass(frozen=True)
class When:
    """A parsed ``quand``: a first day, local start and end (minutes), and a recurrence."""

    day: date
    start: int | None = None
    end: int | None = None
    repeat: Repeat | None = None

    @property
    def has_time(self) -> bool:
        return self.start is not None and self.end is not None

    def days(self) -> list[date]:
        if self.repeat is None:
            return [self.day]
        r, current = self.repeat, self.day
        found: list[date] = []
        last = r.until
        if r.weeks is not None:
            end = self.day + timedelta(weeks=r.weeks, days=-1)
            last = end if last is None else min(last, end)
        while r.count is None or len(found) < r.count:
            if last is not None and current > last:
                break
            if not r.workdays_only or current.weekday() < 5:
                found.append(current)
            if len(found) > MAX_OCCURRENCES:
                raise CommandError("A series is limited to {max} occurrences.",
                                   max=MAX_OCCURRENCES)
            current += timedelta(days=r.step_days)
        return found

    def intervals(self, tz: ZoneInfo) -> list[Interval]:
        assert self.start is not None
        assert self.end is not None
        return [Interval(local_instant(d, self.start, tz), local_instant(d, self.end, tz))
                for d in self.days()]


def local_instant(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time; refuses a time skipped by the spring change."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        raise CommandError("{time} does not exist on {day}: the clocks change that night.",
                           time=naive.strftime("%H:%M"), day=day)
    return instant


def day_bounds(day: date, tz: ZoneInfo) -> Interval:
    """From local midnight to the next local midnight, in UTC (23 or 25 hours at DST)."""
    return Interval(datetime.combine(day, time(), tz).astimezone(UTC),
                    datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC))


def _minutes(m: re.Match[str], n: str, raw: str) -> int | None:
    """The minutes after midnight of clock group ``n``; ``None`` when it has no marker."""
    word = m.group(f"{n}w")
    if word:
        return 12 * 60 if word in ("midi", "noon") else DAY_MINUTES
    hour, minute = int(m.group(f"{n}h")), int(m.group(f"{n}m") or 0)
    ampm = m.group(f"{n}ap")
    if ampm:
        if not 1 <= hour <= 12:
            raise CommandError("“{text}” is not a real time.", text=raw)
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise CommandError("“{text}” is not a real time.", text=raw)
    return hour * 60 + minute if m.group(f"{n}k") or ampm else None


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    m = pattern.search(text)
    if m is None:
        return None, text
    return m, text[: m.start()] + " " + text[m.end():]


def _times(text: str, default_minutes: int | None = None) -> tuple[int | None, int | None, str]:
    """The start and end found in ``text`` (minutes), and the text without them; a start
    alone lasts ``default_minutes`` when given (a poll's option), else it is refused."""
    for m in _RANGE.finditer(text):
        raw = m.group(0).strip()
        a, b = _minutes(m, "a", raw), _minutes(m, "b", raw)
        if a is None and b is None:
            continue  # "12-03" is a date, not hours
        a_ap, b_ap = m.group("aap"), m.group("bap")
        if b is None:
            b = int(m.group("bh")) * 60 + int(m.group("bm") or 0)
        if a is None:
            a = int(m.group("ah")) * 60 + int(m.group("am") or 0)
            if b_ap == "p" and not a_ap and a < 12 * 60 and a + 12 * 60 <= b:
                a += 12 * 60  # "2-4pm"
        if b_ap == "a" and b < 60 and 0 < a < 12 * 60:
            b += 12 * 60  # "10-12am", "11am-12:30am": a morning that ends at noon
        return a, b, text[: m.start()] + " " + text[m.end():]
    for m in _SINGLE.finditer(text):
        start = _minutes(m, "a", m.group(0).strip())
        if start is not None:
            rest = text[: m.start()] + " " + text[m.end():]
            duration, rest = _take(_DURATION, rest)
            if duration is None and default_minutes:
                return start, start + default_minutes, rest
            if duration is None:
                raise UsageError("Say when it ends too, for example “14h-16h” or "
                                 "“14h pendant 2h”.")
            return start, start + _duration_minutes(duration), rest
    return None, None, text


def _duration_minutes(m: re.Match[str]) -> int:
    if m.group("word"):
        return _WORD_MINUTES[m.group("word")]
    if m.group("min"):
        return int(m.group("min"))
    return int(m.group("h")) * 60 + int(m.group("m") or 0)


def _frequency(m: re.Match[str]) -> tuple[int, bool, int | None]:
    """(step in days, workdays only, weekday) of "chaque mardi", "every week", "daily"…"""
    unit = m.group("unit") or m.group("word") or ""
    name = m.group("plural") or unit.rstrip("s")
    step, workdays, weekday = 7, False, WEEKDAYS.get(name)
    if weekday is None and unit.startswith(("weekday", "working", "business")):
        step, workdays = 1, True
    elif weekday is None and unit.startswith(("jour", "day", "daily", "quotidien")):
        step, workdays = 1, "ouvr" in unit
    if unit in ("biweekly", "fortnightly", "une semaine sur deux") or m.group("other"):
        step = 14
    if m.group("n"):
        step *= int(m.group("n")) if m.group("n").isdigit() else _NUMBERS[m.group("n")]
    return step, workdays, weekday


def _repeat(text: str, *, now: datetime, tz: ZoneInfo) -> tuple[Repeat | None, int | None, str]:
    """The recurrence in ``text``, the weekday it names if any, and the text without it."""
    count_m, text = _take(_COUNT, text)
    span_m, text = _take(_SPAN, text)
    freq_m, text = _take(_FREQ, text)
    until_m, text = _take(_UNTIL, text)
    if not (count_m or span_m or until_m or freq_m):
        return None, None, text
    step, workdays, weekday = _frequency(freq_m) if freq_m else (7, False, None)
    count = None
    if count_m is not None:
        count = int(count_m.group("n") or count_m.group("n2"))
        if not 1 <= count <= MAX_OCCURRENCES:
            raise CommandError("A series is limited to {max} occurrences.", max=MAX_OCCURRENCES)
    until = None
    if until_m is not None:
        until = parse_day(until_m.group("u").strip(" ,."), now=now, tz=tz)
    weeks = int(span_m.group("k")) if span_m else None
    if count is None and until is None and weeks is None:
        raise UsageError("Say how many times (“x6”) or until when (“jusqu’au 31 janvier”).")
    return Repeat(step, count, until, weeks, workdays), weekday, text


def _day(text: str, weekday: int | None, *, now: datetime, tz: ZoneInfo) -> date:
    rest = " ".join(_NOISE.sub(" ", text).split())
    today = now.astimezone(tz).date()
    if not rest:
        if weekday is None:
            return today
        rest = next(k for k, v in WEEKDAYS.items() if v == weekday)
    m = _DAY_OF_MONTH.match(rest)
    if m is not None:
        day = day_of_month(int(m.group(1)), today)
    else:
        day = parse_day(rest, now=now, tz=tz)
    named = re.findall(rf"(?<!\w)({_WD})(?!\w)", rest)
    if named and re.search(r"\d", rest) and WEEKDAYS[named[0]] != day.weekday():
        _refuse_if_past(day, WEEKDAYS[named[0]], today)
        raise CommandError("{day} is not a {weekday}.", day=day, weekday=named[0])
    if weekday is not None:
        day += timedelta(days=(weekday - day.weekday()) % 7)
    return day


def _refuse_if_past(day: date, weekday: int, today: date) -> None:
    """"lundi 23 novembre" said on the 26th: the date is past, not next year's Monday."""
    try:
        this_year = day.replace(year=today.year)
    except ValueError:
        return
    if this_year < today and this_year.weekday() == weekday:
        raise CommandError("{day} is already past.", day=this_year)


def day_of_month(number: int, today: date) -> date:
    """"le 15": the next 15th, this month or the next one."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, number)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise CommandError("“{text}” is not a real date.", text=str(number))


def normalize(text: str) -> str:
    text = fold(text).replace("’", "'").replace("–", "-").replace("—", "-")
    return _ISO_T.sub(r"\1 \2", " ".join(text.split()))


def parse_when(text: str, *, now: datetime, tz: ZoneInfo,
               parts: DayParts | None = None, default_minutes: int | None = None) -> When:
    """Read a ``quand``; a missing day is today, a missing time stays ``None``; a start with
    no end lasts ``default_minutes`` when given."""
    parts = parts or DayParts()
    folded = normalize(text)
    if not folded:
        raise UsageError("Say when, for example “jeudi 14h-16h” or “demain matin”.")
    part_m, rest = _take(_PART, folded)
    start, end, rest = _times(rest, default_minutes)
    if part_m is not None and start is None:
        start, end = parts.of(part_m.group("part").replace(" ", "-"))
    repeat, weekday, rest = _repeat(rest, now=now, tz=tz)
    day = _day(rest, weekday, now=now, tz=tz)
    implicit = weekday is None and not _NOISE.sub(" ", rest).strip()
    if implicit and start is not None and local_instant(day, start, tz) <= now:
        day += timedelta(days=1)  # "14h-16h" said at 17h: tomorrow
    if repeat is not None and repeat.until is not None and repeat.until < day:
        raise CommandError("The series would end ({until}) before it starts ({day}).",
                           until=repeat.until, day=day)
    when = When(day=day, start=start, end=end, repeat=repeat)
    if repeat is not None and len(when.days()) < 2:
        return replace(when, repeat=None)
    return when


def format_range(interval: Interval, tz: ZoneInfo, locale: str, *,
                 today: date | None = None) -> str:
    """``jeu. 3 déc., 14 h–16 h``; both days when the range spans midnight."""
    start, end = interval.start.astimezone(tz), interval.end.astimezone(tz)
    first = f"{format_day(start.date(), locale, today=today)}, {format_time(start.time(), locale)}"
    if end.date() == start.date():
        return f"{first}–{format_time(end.time(), locale)}"
    last = f"{format_day(end.date(), locale, today=today)}, {format_time(end.time(), locale)}"
    return f"{first} – {last}"


def format_hours(interval: Interval, tz: ZoneInfo, locale: str) -> str:
    """``14 h–16 h``: the times only, for lists grouped by day."""
    start, end = interval.start.astimezone(tz), interval.end.astimezone(tz)
    return f"{format_time(start.time(), locale)}–{format_time(end.time(), locale)}"


def format_minutes(minutes: int, locale: str) -> str:
    """A duration: ``3 h 30`` (French), ``3 h 30 min`` (English), ``45 min``, ``8 h``."""
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours}\u00a0h"
    if not hours:
        return f"{rest}\u00a0min"
    return f"{hours}\u00a0h\u00a0{rest:02d}" + ("" if locale == "fr" else "\u00a0min")
