"""Booking expressions as members write them → resource, intervals, purpose and enterprise,
or the refusal, with the rules of the example directory (issue #18)."""

from __future__ import annotations

from commands.bookings import rules
from commands.bookings.reading import read_booking
from commands.bookings.view import Fmt
from commands.dates.day_parts import DayParts
from commands.errors import CommandError
from commands.i18n import translator
from tests.accuracy.example import DATA, NOW, TZ, enterprises, resources

NAME = "bookings"
TABLE = DATA / "bookings.tsv"


def check(row: list[str]) -> str | None:
    """None when the expression reads as the row expects, else what differs."""
    text, expected = row[0], [cell.strip() for cell in (row[1:] + ["-"] * 6)[:6]]
    fmt = Fmt(translator("en"), NOW, TZ)
    try:
        reading = read_booking(text, resources(), now=NOW, tz=TZ,
                               parts=DayParts()).naming(enterprises())
        intervals = reading.when.intervals(TZ)
        for interval in intervals:
            rules.check(reading.resource, interval, fmt)
    except CommandError as refused:
        if expected[0] == "ERROR":
            return None if expected[1] in refused.message else f"refused: {refused.message}"
        return f"refused: {refused.message} {refused.params}"
    except Exception as crash:  # noqa: BLE001 - a crash is a wrong reading, said as such
        return f"crashed: {crash!r}"
    if expected[0] == "ERROR":
        return f"accepted ({reading.resource.slug} {fmt.range(intervals[0])})"
    slug, start, end, count, purpose, for_slug = expected
    first = intervals[0]
    got = [reading.resource.slug, first.start.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
           first.end.astimezone(TZ).strftime("%H:%M"), str(len(intervals)),
           reading.purpose or "-", reading.enterprise.slug if reading.enterprise else "-"]
    wrong = [f"{name} {g!r} (expected {e!r})" for name, g, e in zip(
        ("resource", "start", "end", "occurrences", "purpose", "for"), got, expected,
        strict=True) if g != e]
    return "; ".join(wrong) or None
