"""The words that name a day in free text ("mardi", "le 10", "8 déc", "10/12", "jeudi
matin", "du 7 au 11", "pas avant avril", "semaine 51"), French and English, found in
folded text (``commands.text.fold``) without dateparser.

``scan`` lists them in order; ``read_refs`` builds the days they name (``DayRef``) for
matching against known days, as a poll's options; ``commands.dates.spans`` resolves
them against today into spans, the availabilities of an answer.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from commands.dates.slots import WEEKDAYS
from commands.dates.when import MONTHS

WEEKDAY_WORDS = {**WEEKDAYS, "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5,
                  "dim": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3,
                  "thurs": 3, "fri": 4, "sat": 5, "sun": 6, "lund": 0, "mard": 1, "merc": 2,
                  "jeud": 3, "vend": 4}
MONTH_WORDS = {k: v for k, v in MONTHS.items() if k not in ("mar", "may")} | {"may": 5}
_PART_WORDS = (r"(?:(?:au|le|du|dans la|en|in the|on the) )?(?:(?P<am>matins?|matinee|mornings?|am)"
               r"|(?P<pm>apres[- ]?midis?|aprem|aprems|apm|afternoons?|pm))")


def _w(pattern: str) -> str:
    """``pattern`` standing as whole words."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


_WEEKDAY_RE = "|".join(sorted(WEEKDAY_WORDS, key=len, reverse=True))
_MONTH_RE = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
_ITEM = re.compile(
    r"(?P<numdate>(?<![\d.,])\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?(?![\d/.,]))"
    + "|(?P<weekref>" + _w(r"(?:toute )?(?:la |the )?semaine (?:du|of|commencant le)(?: the)?"
                           r"|(?:the )?week (?:of|starting|beginning)(?: on)?(?: the)?") + ")"
    + "|(?P<between>" + _w("entre|between") + ")"
    + "|(?P<week>" + _w(r"cette semaine|this week|(?:la |the )?semaine (?:prochaine|pro|suivante)"
                        r"|next week|the week after") + ")"
    + "|(?P<isoweek>" + _w(r"(?:semaine|sem\.?|week|wk|s) ?(?:n° ?)?"
                           r"(?:[1-4]\d|5[0-3]|0?[1-9])") + ")"
    + "|(?P<monthend>" + _w(r"(?:la )?fin (?:du|de ce) mois|(?:the )?end of (?:the|this) month")
    + ")"
    + "|(?P<monthrel>" + _w(r"ce mois-ci|ce mois|this month|le mois prochain|next month") + ")"
    + "|(?P<rel>" + _w(r"aujourd'hui|today|apres-demain|demain|tomorrow") + ")"
    + "|(?P<whole>" + _w(r"toute la journee|all day|journee entiere|full day") + ")"
    + "|(?P<from>" + _w(r"a partir (?:du|de)|a compter (?:du|de)|as (?:from|of)|des le|from"
                        r"|starting(?: on| from)?"
                        r"|pas (?:dispo\w* |libres? )?avant"
                        r"|not (?:available |free )?(?:before|until)"
                        r"|only from|apres le|after") + r"|a partir d'|des(?= (?:demain|\d|"
    + _WEEKDAY_RE + "|" + _MONTH_RE + r")\b))"
    + "|(?P<until>" + _w(r"jusqu'(?:au|a|en)|jusque|until|till|up to|through|avant le|before")
    + ")"
    + "|(?P<third>" + _w(r"(?:la )?(?:1re|1ere|premiere|first|2e|2eme|deuxieme|seconde?)"
                         r" (?:quinzaine|moitie|half)(?: of)?|debut|mi|fin|early|mid|late|end of"
                         r"|beginning of")
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
FILLER = re.compile(r"^[\s.:]*(?:(?:le|la|les|l'|du|de|d'|the|on|en|in|of|from"
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
            if self.next:  # "mercredi prochain", "next Tuesday": in next week
                return today + timedelta(days=7 - today.weekday() + self.weekday)
            return today + timedelta(days=(self.weekday - today.weekday()) % 7)
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


def scan(folded: str) -> list[tuple[str, str, int, int]]:
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
            and FILLER.match(folded[before[3]:start]) is not None) or (
        after is not None and after[0] == "month" and FILLER.match(folded[end:after[2]])
        is not None)


def part_of(word: str) -> str:
    m = re.search(_PART_WORDS, word.rstrip("."))
    return "am" if m is not None and m.group("am") else "pm"


def read_refs(folded: str) -> tuple[list[DayRef], list[tuple[int, int]]]:
    """The days a folded text names, and where: "mardi", "le 10", "8 déc", "10/12",
    "jeudi matin"; a day number alone ("10") is left to the caller, who knows whether it
    is an option's number, unless "le" or a month goes with it."""
    refs: list[DayRef] = []
    where: list[tuple[int, int]] = []
    items = scan(folded)
    for i, (kind, word, start, end) in enumerate(items):
        prev = items[i - 1] if i else None
        joined = prev is not None and FILLER.match(folded[prev[3]:start]) is not None
        current = refs[-1] if refs and joined and where[-1][1] == prev[3] else None  # type: ignore[index]
        if (current is None and refs and joined and kind == "part" and prev is not None
                and prev[1] == "," and FILLER.match(folded[where[-1][1]:prev[2]])):
            current = refs[-1]  # "jeudi, matin"
        if kind == "weekday":
            ref = DayRef(weekday=WEEKDAY_WORDS[word.rstrip(".")])
        elif kind == "numdate":
            d, mo = (int(x) for x in re.split(r"[/.]", word)[:2])
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
            refs[-1] = replace(current, month=MONTH_WORDS[word.rstrip(".")])
            where[-1] = (where[-1][0], end)
            continue
        elif kind == "part" and current is not None:
            refs[-1], where[-1] = replace(current, part=part_of(word)), (where[-1][0], end)
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
        FILLER.match(folded[items[i][3]:after[2]]) is not None
