"""A table of typed values written for a spreadsheet: CSV or ODS (odfpy).

The rows hold Python values — text, numbers, dates, moments, durations — so that each
format says them its own way:

- CSV for the spreadsheets people open it with (``Dialect.SPREADSHEET``, the default):
  a UTF-8 BOM (without it Excel reads the accents as Windows-1252), the separator and
  the decimal mark of the table's language (French: ``;`` and ``,``, since ``,`` is
  the decimal mark there and Excel splits a line on the list separator); or RFC 4180
  (``Dialect.RFC4180``: ``,``, ``.``, no BOM) for programs.
- ODS with typed cells: ``office:value-type`` float, date or time (a duration), with a
  display style, so that the spreadsheet sorts, sums and filters them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from commands.table import Table, Value

# a language's list separator and decimal mark in its spreadsheets
SEPARATORS = {"fr": (";", ","), "en": (",", ".")}


class Dialect(StrEnum):
    SPREADSHEET = "spreadsheet"
    RFC4180 = "rfc4180"


def hours(value: timedelta) -> float:
    return round(value.total_seconds() / 3600, 2)


def text(value: Value, decimal: str = ".") -> str:
    """A value as CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):  # a duration: hours, as a number
        value = hours(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", decimal)
    return str(value)


def csv_bytes(table: Table, dialect: Dialect = Dialect.SPREADSHEET) -> bytes:
    if dialect is Dialect.RFC4180:
        separator, decimal, bom = ",", ".", ""
    else:
        separator, decimal = SEPARATORS.get(table.locale, SEPARATORS["en"])
        bom = "\ufeff"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([text(v, decimal) for v in row] for row in table.rows)
    return (bom + out.getvalue()).encode("utf-8")


def write_ods(tables: Table | Sequence[Table], path: Path) -> None:
    """One sheet a table, in order."""
    from odf.number import DateStyle, Day, Hours, Minutes, Month, TimeStyle, Year
    from odf.number import Text as Literal
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import Table as Sheet
    from odf.table import TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    day = DateStyle(name="day")
    moment = DateStyle(name="moment")
    for style in (day, moment):
        for part in (Year(style="long"), Literal(text="-"), Month(style="long"),
                     Literal(text="-"), Day(style="long")):
            style.addElement(part)
    for part in (Literal(text=" "), Hours(style="long"), Literal(text=":"),
                 Minutes(style="long")):
        moment.addElement(part)
    duration = TimeStyle(name="duration", truncateonoverflow="false")
    for part in (Hours(), Literal(text=":"), Minutes(style="long")):
        duration.addElement(part)
    cells = {name: Style(name=f"cell-{name}", family="table-cell", datastylename=name)
             for name in ("day", "moment", "duration")}
    for element in (day, moment, duration, *cells.values()):
        doc.automaticstyles.addElement(element)

    def cell(value: Value) -> TableCell:
        shown = text(value)
        if isinstance(value, datetime):
            made = TableCell(valuetype="date", datevalue=f"{value:%Y-%m-%dT%H:%M:%S}",
                             stylename=cells["moment"])
        elif isinstance(value, date):
            made = TableCell(valuetype="date", datevalue=value.isoformat(),
                             stylename=cells["day"])
        elif isinstance(value, timedelta):
            minutes = round(value.total_seconds() / 60)
            made = TableCell(valuetype="time", timevalue=f"PT{minutes // 60}H{minutes % 60}M0S",
                             stylename=cells["duration"])
            shown = f"{minutes // 60}:{minutes % 60:02d}"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            made = TableCell(valuetype="float", value=value)
        else:
            made = TableCell(valuetype="string")
        if shown:
            made.addElement(P(text=shown))
        return made

    for table in [tables] if isinstance(tables, Table) else tables:
        sheet = Sheet(name=table.name)
        for values in [list(table.header), *table.rows]:
            row = TableRow()
            for value in values:
                row.addElement(cell(value))
            sheet.addElement(row)
        doc.spreadsheet.addElement(sheet)
    doc.save(str(path))
