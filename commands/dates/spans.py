"""Days and periods named in free text, resolved against today into spans: the
availabilities of an answer ("jeudi et vendredi matin", "du 7 au 11", "pas avant
avril", "next week", "fin janvier"). Every day is towards the future.

A span is written as a short language-neutral code, stored as is and drawn in the
reader's language by ``commands.requests.answer_values``:
``2026-12-03`` (a day), ``2026-12-04 am`` (its morning), ``2026-12-07..2026-12-11``,
``2027-04-01..`` (from), ``..2026-12-18`` (until), ``am`` / ``pm`` (mornings, afternoons).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from commands.dates.day_words import FILLER, MONTH_WORDS, WEEKDAY_WORDS, DayRef, part_of, scan

__all__ = ["DayRef", "Span", "read_spans"]


@dataclass(frozen=True)
class Span:
    start: date | None
    end: date | None
    part: str | None = None

    def code(self) -> str:
        tail = f" {self.part}" if self.part else ""
        if self.start is None and self.end is None:
            return self.part or ""
        if self.start == self.end:
            return f"{self.start}{tail}"
        return f"{self.start or ''}..{self.end or ''}{tail}"

    @classmethod
    def read(cls, code: str) -> Span | None:
        """The span of a code written by ``code()``; None for anything else."""
        m = re.fullmatch(r"(?:(\d{4}-\d\d-\d\d)?(\.\.)?(\d{4}-\d\d-\d\d)?)(?: ?(am|pm))?",
                         code.strip())
        if m is None or not code.strip():
            return None
        first, dots, last, part = m.groups()
        start = date.fromisoformat(first) if first else None
        end = date.fromisoformat(last) if last else None
        if dots is None:
            if last is not None or (start is None and part is None):
                return None
            end = start
        elif start is None and end is None:
            return None
        return cls(start, end, part)


def _month_span(month: int, today: date, third: str | None) -> Span:
    year = today.year + (month < today.month)
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {"debut": (1, 10), "early": (1, 10), "beginning of": (1, 10),
                           "mi": (11, 20), "mid": (11, 20), "fin": (21, last),
                           "late": (21, last), "end of": (21, last), "first half": (1, 15),
                           "second half": (16, last)}.get(third or "", (1, last))
    return Span(date(year, month, first_day), date(year, month, last_day))


def read_spans(folded: str, today: date) -> tuple[list[Span], str]:
    """The spans a folded text names, seen from ``today``, and the text without them."""
    items = scan(folded)
    spans: list[Span] = []
    used: list[tuple[int, int]] = []
    pending: list[tuple[str, object, int, int]] = []  # resolved items of the current group
    for kind, word, start, end in items:
        if pending and FILLER.match(folded[pending[-1][3]:start]) is None:
            spans += _close(pending, today)
            pending = []
        pending.append((kind, word, start, end))
    spans += _close(pending, today)
    for kind, _word, start, end in items:
        if kind not in ("range", "both"):
            used.append((start, end))
    rest = folded
    for start, end in sorted(used, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return _merge(spans), rest


def _close(group: list[tuple[str, object, int, int]], today: date) -> list[Span]:
    """One run of date words: refs built left to right, "au"/"-" making ranges."""
    units: list[tuple[str, Span | DayRef]] = []  # ("ref"|"span"|"from"|"until"|"range"|…)
    wants_next = False
    for kind, word, _s, _e in group:
        word = str(word).rstrip(".")
        last = units[-1] if units else None
        ref = last[1] if last is not None and isinstance(last[1], DayRef) else None
        if kind == "weekday":
            units.append(("ref", DayRef(weekday=WEEKDAY_WORDS[word], next=wants_next)))
            wants_next = False
        elif kind == "day":
            number = int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]
            if last is not None and last[0] == "monthspan" and isinstance(last[1], Span):
                month = last[1].start.month if last[1].start else None  # "dec 14"
                units[-1] = ("ref", DayRef(day=number, month=month))
            elif ref is not None and ref.day is None and ref.weekday is not None:
                units[-1] = ("ref", replace(ref, day=number))
            elif ref is not None and ref.day is None and ref.month is not None:
                units[-1] = ("ref", replace(ref, day=number))  # "dec 14"
            else:
                units.append(("ref", DayRef(day=number)))
        elif kind == "numdate":
            d, mo = (int(x) for x in re.split(r"[/.]", word)[:2])
            if 1 <= mo <= 12:
                units.append(("ref", DayRef(day=d, month=mo)))
        elif kind == "month":
            month = MONTH_WORDS[word]
            if ref is not None and ref.month is None and ref.day is not None:
                units[-1] = ("ref", replace(ref, month=month))
                for i in range(len(units) - 2, -1, -1):  # "du 14 au 18 décembre"
                    if units[i][0] not in ("ref", "range", "both"):
                        break
                    other = units[i][1]
                    if isinstance(other, DayRef) and other.month is None and other.day:
                        units[i] = ("ref", replace(other, month=month))
            else:
                third = units.pop()[1].part if units and units[-1][0] == "third" else None
                units.append(("monthspan", _month_span(month, today, third)))
        elif kind == "year" and ref is not None:
            units[-1] = ("ref", replace(ref, year=int(word)))
        elif kind == "part":
            if ref is not None and ref.part is None:
                units[-1] = ("ref", replace(ref, part=part_of(word)))
            else:
                units.append(("part", Span(None, None, part_of(word))))
        elif kind == "next" and ref is not None:
            for i, (k, v) in enumerate(units):  # "lundi et mardi prochains"
                if k == "ref" and isinstance(v, DayRef) and v.weekday is not None:
                    units[i] = ("ref", replace(v, next=True))
        elif kind == "next":
            wants_next = True  # "next Tuesday"
        elif kind == "rel":
            ahead = {"aujourd'hui": 0, "today": 0, "demain": 1, "tomorrow": 1,
                     "apres-demain": 2}[word]
            day = today + timedelta(days=ahead)
            units.append(("ref", DayRef(day=day.day, month=day.month, year=day.year)))
        elif kind == "week":
            monday = today - timedelta(days=today.weekday())
            if word in ("cette semaine", "this week"):
                units.append(("span", Span(today, monday + timedelta(days=4))))
            else:
                units.append(("weekspan", Span(monday + timedelta(days=7),
                                               monday + timedelta(days=11))))
        elif kind == "isoweek":
            number = int(re.search(r"\d+", word).group(0))  # type: ignore[union-attr]
            year = today.year + (number < today.isocalendar().week)
            monday = date.fromisocalendar(year, number, 1)
            units.append(("span", Span(monday, monday + timedelta(days=4))))
        elif kind == "monthend":
            last_day = date(today.year, today.month, calendar.monthrange(today.year,
                                                                         today.month)[1])
            units.append(("span", Span(max(today, last_day.replace(day=21)), last_day)))
        elif kind == "monthrel":
            first = today if word in ("ce mois-ci", "ce mois", "this month") else (
                date(today.year + (today.month == 12), today.month % 12 + 1, 1))
            units.append(("span", Span(first, date(first.year, first.month, calendar.monthrange(
                first.year, first.month)[1]))))
        elif kind == "third":
            if re.search(r"quinzaine|moitie|half", word):  # "2e quinzaine de janvier"
                key = "first half" if re.search(r"1|prem|first", word) else "second half"
            else:
                key = re.match(r"[a-z]+(?: of)?", word).group(0)  # type: ignore[union-attr]
            units.append(("third", Span(None, None, key)))
        elif kind in ("from", "until", "range", "both", "whole", "weekref", "between"):
            units.append((kind, Span(None, None)))
    return _with_part(_build(_in_week(_part_first(units)), today))


def _with_part(spans: list[Span]) -> list[Span]:
    """"les matins de la semaine prochaine": a part of the day said apart goes with the days."""
    bare = {s.part for s in spans if s.start is None and s.end is None}
    dated = [s for s in spans if s.start is not None or s.end is not None]
    if len(bare) == 1 and dated and all(s.part is None for s in dated):
        return [replace(s, part=next(iter(bare))) for s in dated]
    return spans


def _part_first(units: list[tuple[str, Span | DayRef]]) -> list[tuple[str, Span | DayRef]]:
    """"le matin du 9", "the morning of the 9th": the part goes with the day after it."""
    merged: list[tuple[str, Span | DayRef]] = []
    for kind, value in units:
        before = merged[-1] if merged else None
        if (isinstance(value, DayRef) and value.part is None and before is not None
                and before[0] == "part" and isinstance(before[1], Span)):
            merged[-1] = (kind, replace(value, part=before[1].part))
        else:
            merged.append((kind, value))
    return merged


def _in_week(units: list[tuple[str, Span | DayRef]]) -> list[tuple[str, Span | DayRef]]:
    """"lundi à mercredi la semaine prochaine": the weekdays of that week, not the week."""
    weeks = [u[1] for u in units if u[0] == "weekspan" and isinstance(u[1], Span)]
    named = [u for u in units if isinstance(u[1], DayRef) and u[1].weekday is not None
             and u[1].day is None]
    if not weeks or not named or weeks[0].start is None:
        return [("span", u[1]) if u[0] == "weekspan" else u for u in units]
    monday = weeks[0].start
    placed: list[tuple[str, Span | DayRef]] = []
    for kind, value in units:
        if kind == "weekspan":
            continue
        if isinstance(value, DayRef) and value.weekday is not None and value.day is None:
            day = monday + timedelta(days=value.weekday)
            value = DayRef(day=day.day, month=day.month, year=day.year, part=value.part)
        placed.append((kind, value))
    return placed


def _day(day: date, part: str | None = None) -> Span:
    return Span(day, day, part)


def _as_span(unit: tuple[str, Span | DayRef], today: date) -> Span | None:
    kind, value = unit
    if isinstance(value, DayRef):
        if value.day is None and value.weekday is None:
            return _month_span(value.month, today, None) if value.month else None
        day = value.resolve(today)
        return _day(day, value.part) if day else None
    return value if kind in ("span", "monthspan", "part") else None


def _build(units: list[tuple[str, Span | DayRef]], today: date) -> list[Span]:
    spans: list[Span] = []
    mode: str | None = None
    i = 0
    while i < len(units):
        kind = units[i][0]
        if kind in ("from", "until", "weekref", "between"):
            mode = kind
            i += 1
            continue
        if mode == "between" and i + 2 < len(units) and units[i + 1][0] == "both":
            units[i + 1] = ("range", units[i + 1][1])  # "entre le 7 et le 11"
        span = _as_span(units[i], today)
        if span is None:
            i += 1
            continue
        if i + 2 < len(units) and units[i + 1][0] == "range":
            first, other = units[i][1], units[i + 2][1]
            if (isinstance(first, DayRef) and isinstance(other, DayRef) and first.month
                    and other.month is None and other.day):  # "Dec 3-5"
                units[i + 2] = ("ref", replace(other, month=first.month))
            last = _as_span(units[i + 2], today)
            if last is not None and span.start and last.end:
                if last.end < span.start and isinstance(units[i + 2][1], DayRef):
                    last = _day(last.end + timedelta(days=7))
                spans.append(Span(span.start, last.end))
                i += 3
                mode = None
                continue
        if mode == "weekref" and span.start is not None:
            monday = span.start - timedelta(days=span.start.weekday())
            spans.append(Span(monday, monday + timedelta(days=4)))
        elif mode == "from":
            spans.append(Span(span.start, None))
        elif mode == "until":
            spans.append(Span(None, span.end))
        else:
            spans.append(span)
        mode = None
        i += 1
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    seen: list[Span] = []
    for s in spans:
        if s not in seen:
            seen.append(s)
    return seen
