"""An answer's structured values, stored as language-neutral codes, drawn in the reader's
language: a French letter never carries "2 days a week", an English card never "2 jours".

``Answer.capacity`` holds capacity codes (``3 person``, ``2 day/week``, ``0.5 fte``) and
``Answer.availability`` span codes (``commands.dates.spans``), ';' between them. A value
that is no code (an answer recorded before codes, a button's free text) is the member's
own words: it is quoted as theirs, never pasted into a sentence.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from commands.dates.spans import Span
from commands.dates.when import format_day
from commands.i18n import N_, Translator

UNITS = ("person", "day", "halfday", "hour", "week", "month", "fte")
PER = ("day", "week", "month")
_CODE = re.compile(rf"(\d+(?:\.\d+)?) ({'|'.join(UNITS)})(?:/({'|'.join(PER)}))?")


@dataclass(frozen=True)
class Capacity:
    amount: float
    unit: str
    per: str | None = None

    def code(self) -> str:
        amount = f"{self.amount:g}"
        return f"{amount} {self.unit}" + (f"/{self.per}" if self.per else "")

    @classmethod
    def read(cls, code: str) -> Capacity | None:
        m = _CODE.fullmatch(code.strip())
        return cls(float(m.group(1)), m.group(2), m.group(3)) if m else None


def codes(values: list[Capacity] | list[Span], limit: int = 500) -> str:
    """The values' codes, ';' between them, as many whole ones as fit the column."""
    kept: list[str] = []
    for code in (v.code() for v in values):
        if len(";".join([*kept, code])) > limit:
            break
        kept.append(code)
    return ";".join(kept)


def quoted(t: Translator, words: str) -> str:
    """The member's own words, as theirs."""
    return f"« {words} »" if t.locale == "fr" else f"“{words}”"


def _read_all(value: str, read: type[Capacity] | type[Span]) -> list | None:  # type: ignore[type-arg]
    parts = [read.read(p) for p in value.split(";")] if value.strip() else []
    return None if not parts or any(p is None for p in parts) else parts


def capacity_text(t: Translator, value: str) -> str:
    """``2 jours par semaine`` / ``2 days a week``; other words quoted as the member's."""
    found = _read_all(value, Capacity)
    if found is None:
        return quoted(t, value)
    return ", ".join(_capacity(t, c) for c in found)


def _capacity(t: Translator, c: Capacity) -> str:
    from babel.numbers import format_decimal

    amount = format_decimal(c.amount, locale=t.locale)
    # the plural form: 0,5 jour and 1,5 jour in French, 0.5 days in English
    n = int(c.amount) if c.amount.is_integer() or t.locale == "fr" else 2
    text = {
        "person": lambda: t.tn("{amount} person", "{amount} people", n, amount=amount),
        "day": lambda: t.tn("{amount} day", "{amount} days", n, amount=amount),
        "halfday": lambda: t.tn("{amount} half-day", "{amount} half-days", n, amount=amount),
        "hour": lambda: t.tn("{amount} hour", "{amount} hours", n, amount=amount),
        "week": lambda: t.tn("{amount} week", "{amount} weeks", n, amount=amount),
        "month": lambda: t.tn("{amount} month", "{amount} months", n, amount=amount),
        "fte": lambda: t.t("{amount} FTE", amount=amount),
    }[c.unit]()
    if c.per == "day":
        return t.t("{capacity} a day", capacity=text)
    if c.per == "week":
        return t.t("{capacity} a week", capacity=text)
    if c.per == "month":
        return t.t("{capacity} a month", capacity=text)
    return text


def availability_text(t: Translator, value: str, *, today: date | None = None) -> str:
    """``jeu. 3 déc., ven. 4 déc. matin`` / ``Thu 3 Dec, Fri 4 Dec morning``; other words
    quoted as the member's."""
    found = _read_all(value, Span)
    if found is None:
        return quoted(t, value)
    return ", ".join(_span(t, s, today) for s in found)


def _day(t: Translator, day: date, today: date | None) -> str:
    # without a today the year is left out, rather than read from the machine's clock:
    # an availability is a day of the coming months
    return format_day(day, t.locale, today=today or day)


_PART_OF_DAY = {"am": N_("{when} morning"), "pm": N_("{when} afternoon")}
_PARTS_OF_DAYS = {"am": N_("mornings"), "pm": N_("afternoons")}


def _span(t: Translator, s: Span, today: date | None) -> str:
    from babel.dates import format_date

    part = _PART_OF_DAY
    if s.start is None and s.end is None:
        message = _PARTS_OF_DAYS[s.part or "am"]
        return t.t(message)
    if s.start is not None and s.start == s.end:
        when = _day(t, s.start, today)
    elif s.start is None:
        when = t.t("until {day}", day=_day(t, s.end, today))  # type: ignore[arg-type]
    elif s.end is None:
        when = t.t("from {day}", day=_day(t, s.start, today))
    elif (s.start.day == 1 and s.end.month == s.start.month
          and s.end.day == calendar.monthrange(s.end.year, s.end.month)[1]):
        when = t.t("in {month}", month=format_date(s.start, "LLLL y", locale=t.locale))
    else:
        when = t.t("from {first} to {last}", first=_day(t, s.start, today),
                   last=_day(t, s.end, today))
    return t.t(part[s.part], when=when) if s.part else when
