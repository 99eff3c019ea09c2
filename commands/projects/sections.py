"""The neutral shape of a report: sections, each a typed table, how its columns read, and
the bar charts drawn from it. A feature fills it (``commands/projects/report.py``); the
runtime writes it as ODS (one sheet a section) or as one HTML page (``bot/report_html.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from commands.dates.business_hours import format_hours
from commands.projects.amounts import format_amount, format_days
from commands.table import Table, Value


class Kind(StrEnum):
    """What a column's numbers are, so that each format says them its own way."""

    TEXT = "text"
    COUNT = "count"
    MONEY = "money"  # euros excluding tax
    PERCENT = "percent"
    DAYS = "days"
    HOURS = "hours"  # a business duration (timedelta)


@dataclass(frozen=True)
class Chart:
    """Horizontal bars: one per row, labelled by column ``label``, as long as ``value``."""

    title: str
    label: int
    value: int


@dataclass(frozen=True)
class Section:
    """A table of the report. ``transposed``: one row of figures, read as a list of
    (figure, value) lines; ``detail``: the rows behind the figures, for the spreadsheet."""

    table: Table
    kinds: Sequence[Kind]
    charts: Sequence[Chart] = ()
    transposed: bool = False
    detail: bool = False
    headings: tuple[str, str] = ("", "")  # a transposed table's two column names

    def sheet(self) -> Table:
        """The table as a sheet holds it."""
        if not self.transposed:
            return self.table
        (row,) = self.table.rows
        return Table(self.table.name, list(self.headings),
                     [[name, value] for name, value in zip(self.table.header, row, strict=True)],
                     self.table.locale)

    def lines(self) -> list[tuple[str, Value, Kind]]:
        """A transposed table's (figure, value, kind) lines."""
        (row,) = self.table.rows
        return list(zip(self.table.header, row, self.kinds, strict=True))


@dataclass(frozen=True)
class Report:
    title: str
    intro: str  # where the figures come from
    locale: str
    sections: Sequence[Section]


def magnitude(value: Value) -> float:
    """A value as a bar's length."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600
    return float(value) if isinstance(value, int | float) else 0.0


def shown(value: Value, kind: Kind, locale: str) -> str:
    """A value as a reader of ``locale`` expects it: ``24 000,00 €``, ``1,5 j``, ``3 h 15``,
    ``40 %``; an empty cell is a dash."""
    loc = "fr_FR" if locale == "fr" else "en_GB"
    if value is None:
        return "–"
    if isinstance(value, timedelta):
        return format_hours(value, locale)
    if not isinstance(value, int | float):
        return str(value)
    if kind is Kind.MONEY:
        return format_amount(round(value * 100), locale)
    if kind is Kind.DAYS:
        return format_days(round(value * 100), locale)
    from babel.numbers import format_decimal

    if kind is Kind.PERCENT:
        number = format_decimal(value, format="#,##0.#", locale=loc)
        return f"{number}\u00a0%" if locale == "fr" else f"{number}%"
    return format_decimal(value, format="#,##0.##", locale=loc)
