"""Days and periods named in free text ("jeudi et vendredi matin", "du 7 au 11",
"pas avant avril", "next week", "fin janvier"), read without dateparser.

Two readers share one scanner: ``read_refs`` gives what the text names (a weekday, a
day of the month, a month, a part of the day) for matching against known dates, as a
poll's options; ``read_spans`` resolves them against today into ``Span`` values, the
availabilities of an answer. Every day is towards the future.

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

from commands.dates.slots import WEEKDAYS
from commands.dates.when import MONTHS

PARTS = ("am", "pm")
_WEEKDAY_WORDS = {**WEEKDAYS, "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5,
                  "dim": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3,
                  "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTH_WORDS = {k: v for k, v in MONTHS.items() if k not in ("mar", "may")} | {"may": 5}
_PART_WORDS = (r"(?P<am>matins?|matinee|mornings?|am)"
               r"|(?P<pm>apres[- ]?midis?|aprem|aprems|apm|afternoons?|pm)")
def _w(pattern: str) -> str:
    """``pattern`` standing as whole words."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


_WEEKDAY_RE = "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True))
_MONTH_RE = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_ITEM = re.compile(
    r"(?P<numdate>(?<!\d)\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/]))"
    + "|(?P<weekref>" + _w(r"(?:toute )?(?:la |the )?semaine (?:du|of|commencant le)(?: the)?"
                           r"|(?:the )?week (?:of|starting|beginning)(?: on)?(?: the)?") + ")"
    + "|(?P<between>" + _w("entre|between") + ")"
    + "|(?P<week>" + _w(r"cette semaine|this week|(?:la |the )?semaine (?:prochaine|pro|suivante)"
                        r"|next week|the week after") + ")"
    + "|(?P<monthend>" + _w(r"(?:la )?fin (?:du|de ce) mois|(?:the )?end of (?:the|this) month")
    + ")"
    + "|(?P<monthrel>" + _w(r"ce mois-ci|ce mois|this month|le mois prochain|next month") + ")"
    + "|(?P<rel>" + _w(r"aujourd'hui|today|apres-demain|demain|tomorrow") + ")"
    + "|(?P<whole>" + _w(r"toute la journee|all day|journee entiere|full day") + ")"
    + "|(?P<from>" + _w(r"a partir (?:du|de)|des le|from|starting(?: on| from)?"
                        r"|pas (?:dispo\w* |libres? )?avant"
                        r"|not (?:available |free )?(?:before|until)"
                        r"|only from|apres le|after") + r"|a partir d'|des(?= (?:demain|\d|"
    + _WEEKDAY_RE + "|" + _MONTH_RE + r")\b))"
    + "|(?P<until>" + _w(r"jusqu'(?:au|a|en)|jusque|until|till|up to|through|avant le|before")
    + ")"
    + "|(?P<third>" + _w(r"debut|mi|fin|early|mid|late|end of|beginning of")
    + r"(?:-|\s+(?:de\s+|d')?)(?=[a-z]))"
    + "|(?P<part>" + _w(_PART_WORDS) + ")"
    + "|(?P<next>" + _w(r"prochaine?s?|next|suivante?s?") + ")"
    + "|(?P<weekday>" + _w(_WEEKDAY_RE) + r")\.?"
    + "|(?P<month>" + _w(_MONTH_RE) + r")\.?"
    + "|(?P<year>" + _w(r"20\d\d") + ")"
    + "|(?P<day>" + _w(r"(?:[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th|eme|e)?") + ")"
    + "|(?P<range>" + _w("au|to|a") + "|-|–)"
    + "|(?P<both>" + _w("et|and|ou|or") + "|&|,|/|\\+)")
_ARTICLE = re.compile(r"(?:\b(?:le|les|du|au|the|on|et|and|from|to|a|des|until|jusqu'au|avant)\s*"
                      r"|-\s*)$")
_FILLER = re.compile(r"^[\s.:]*(?:(?:le|la|les|l'|du|de|d'|the|on|en|in|of|from"
                     r"|plutot|surtout|que|only|uniquement|seulement)[\s.:]*)*$")


@dataclass(frozen=True)
class DayRef:
    """A day as a text names it; any part may be missing."""

    weekday: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    part: str | None = None
    next: bool = False

    def matches(self, when: date, part: str | None) -> bool:
        """Whether ``when`` (a poll option's day, its part of the day) is the day named."""
        return ((self.weekday is None or self.weekday == when.weekday())
                and (self.day is None or self.day == when.day)
                and (self.month is None or self.month == when.month)
                and (self.year is None or self.year == when.year)
                and (self.part is None or part is None or self.part == part))

    def resolve(self, today: date) -> date | None:
        if self.day is None:
            if self.weekday is None:
                return None
            ahead = (self.weekday - today.weekday()) % 7
            return today + timedelta(days=ahead or (7 if self.next else 0))
        year, month = self.year or today.year, self.month or today.month
        for _ in range(13):
            if self.day <= calendar.monthrange(year, month)[1]:
                candidate = date(year, month, self.day)
                if candidate >= today or self.year is not None:
                    return candidate
            if self.month is not None:
                year += 1
            else:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None


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


@dataclass
class _Group:
    """Refs joined by "et", "au", "-" … with the markers before them."""

    items: list[tuple[str, DayRef | Span]]


def _month_span(month: int, today: date, third: str | None) -> Span:
    year = today.year + (month < today.month)
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {"debut": (1, 10), "early": (1, 10), "beginning of": (1, 10),
                           "mi": (11, 20), "mid": (11, 20), "fin": (21, last),
                           "late": (21, last), "end of": (21, last)}.get(third or "", (1, last))
    return Span(date(year, month, first_day), date(year, month, last_day))


def _scan(folded: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of every date word standing as a whole word."""
    found = []
    for m in _ITEM.finditer(folded):
        word = m.group(0)
        kind = m.lastgroup or ""
        if kind in ("am", "pm"):
            kind = "part"
        found.append((kind, word, m.start(), m.end()))
    return [item for i, item in enumerate(found) if item[0] != "day" or _a_day(folded, found, i)]


def _a_day(folded: str, items: list[tuple[str, str, int, int]], i: int) -> bool:
    """Whether a number is a day of the month: "le 15", "15th", "14-18", "mardi 8",
    "8 déc" — not the "3" of "3 personnes" (capacities are read before days)."""
    _kind, word, start, end = items[i]
    if _ARTICLE.search(folded[:start]) or not word.isdigit():
        return True
    if re.match(r"\s*-\s*\d", folded[end:]):
        return True
    before = items[i - 1] if i else None
    after = items[i + 1] if i + 1 < len(items) else None
    return (before is not None and before[0] in ("weekday", "month", "range")
            and _FILLER.match(folded[before[3]:start]) is not None) or (
        after is not None and after[0] == "month" and _FILLER.match(folded[end:after[2]])
        is not None)


def _part(word: str) -> str:
    m = re.fullmatch(_PART_WORDS, word.rstrip("."))
    return "am" if m is not None and m.group("am") else "pm"


def read_refs(folded: str) -> tuple[list[DayRef], list[tuple[int, int]]]:
    """The days a folded text names, and where: "mardi", "le 10", "8 déc", "10/12",
    "jeudi matin"; a day number alone ("10") is left to the caller, who knows whether it
    is an option's number, unless "le" or a month goes with it."""
    refs: list[DayRef] = []
    where: list[tuple[int, int]] = []
    items = _scan(folded)
    for i, (kind, word, start, end) in enumerate(items):
        prev = items[i - 1] if i else None
        joined = prev is not None and _FILLER.match(folded[prev[3]:start]) is not None
        current = refs[-1] if refs and joined and where[-1][1] == prev[3] else None  # type: ignore[index]
        if kind == "weekday":
            ref = DayRef(weekday=_WEEKDAY_WORDS[word.rstrip(".")])
        elif kind == "numdate":
            d, mo = (int(x) for x in word.split("/")[:2])
            ref = DayRef(day=d, month=mo) if 1 <= mo <= 12 else None  # type: ignore[assignment]
        elif kind == "day" and (current is not None or re.search(
                r"(?:\ble |\bles |\bthe |\bon the |\bdu )$", folded[:start]) or re.search(
                r"\d(?:er|st|nd|rd|th|eme|e)$", word) or _month_follows(folded, items, i)):
            number = int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]
            if current is not None and current.day is None:
                refs[-1], where[-1] = replace(current, day=number), (where[-1][0], end)
                continue
            ref = DayRef(day=number)
        elif kind == "month" and current is not None and current.month is None:
            refs[-1] = replace(current, month=_MONTH_WORDS[word.rstrip(".")])
            where[-1] = (where[-1][0], end)
            continue
        elif kind == "part" and current is not None:
            refs[-1], where[-1] = replace(current, part=_part(word)), (where[-1][0], end)
            continue
        elif kind == "next" and current is not None:
            refs[-1], where[-1] = replace(current, next=True), (where[-1][0], end)
            continue
        else:
            continue
        if ref is not None:
            refs.append(ref)
            where.append((start, end))
    return refs, where


def _month_follows(folded: str, items: list[tuple[str, str, int, int]], i: int) -> bool:
    after = items[i + 1] if i + 1 < len(items) else None
    return after is not None and after[0] == "month" and \
        _FILLER.match(folded[items[i][3]:after[2]]) is not None


def read_spans(folded: str, today: date) -> tuple[list[Span], str]:
    """The spans a folded text names, seen from ``today``, and the text without them."""
    items = _scan(folded)
    spans: list[Span] = []
    used: list[tuple[int, int]] = []
    pending: list[tuple[str, object, int, int]] = []  # resolved items of the current group
    for kind, word, start, end in items:
        if pending and _FILLER.match(folded[pending[-1][3]:start]) is None:
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
            units.append(("ref", DayRef(weekday=_WEEKDAY_WORDS[word], next=wants_next)))
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
            d, mo = (int(x) for x in word.split("/")[:2])
            if 1 <= mo <= 12:
                units.append(("ref", DayRef(day=d, month=mo)))
        elif kind == "month":
            month = _MONTH_WORDS[word]
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
            if ref is not None:
                units[-1] = ("ref", replace(ref, part=_part(word)))
            else:
                units.append(("part", Span(None, None, _part(word))))
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
                units.append(("span", Span(monday + timedelta(days=7),
                                           monday + timedelta(days=11))))
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
            base = re.match(r"[a-z]+(?: of)?", word)
            units.append(("third", Span(None, None, base.group(0) if base else word)))
        elif kind in ("from", "until", "range", "both", "whole", "weekref", "between"):
            units.append((kind, Span(None, None)))
    return _build(units, today)


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
