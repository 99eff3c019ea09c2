"""Time expressions → intervals, from the table in tests/data/slots.tsv (one case a line)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from commands.dates.day_parts import DayParts
from commands.dates.slots import Interval, format_minutes, format_range, parse_when
from commands.errors import CommandError

TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday 26 November 2026, 10:00 in Paris
TABLE = Path(__file__).resolve().parent.parent / "data" / "slots.tsv"


def _rows() -> list[list[str]]:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


CASES = [r for r in _rows() if r[1] != "ERROR"]
ERRORS = [r for r in _rows() if r[1] == "ERROR"]


def test_the_table_has_at_least_40_expressions() -> None:
    assert len(CASES) >= 40
    assert len({r[0] for r in _rows()}) == len(_rows())


@pytest.mark.parametrize(("text", "start", "end", "count", "last"), CASES,
                         ids=[r[0] for r in CASES])
def test_expression(text: str, start: str, end: str, count: str, last: str) -> None:
    when = parse_when(text, now=NOW, tz=TZ)
    intervals = when.intervals(TZ)
    first = intervals[0]
    assert first.start.tzinfo is not None
    assert first.start.astimezone(TZ).strftime("%Y-%m-%d %H:%M") == start
    assert first.end.astimezone(TZ).strftime("%H:%M") == end
    assert len(intervals) == int(count)
    assert intervals[-1].start.astimezone(TZ).date() == date.fromisoformat(last)
    assert all(iv.start.astimezone(TZ).strftime("%H:%M") == start[-5:] for iv in intervals)


@pytest.mark.parametrize(("text", "marker", "message"), ERRORS, ids=[r[0] for r in ERRORS])
def test_refused_expression(text: str, marker: str, message: str) -> None:
    with pytest.raises(CommandError) as refused:
        parse_when(text, now=NOW, tz=TZ).intervals(TZ)
    assert message in refused.value.message


def test_a_series_keeps_its_local_time_across_the_spring_change() -> None:
    when = parse_when("chaque samedi 10h-12h x3 à partir du 20 mars 2027", now=NOW, tz=TZ)
    starts = [iv.start for iv in when.intervals(TZ)]
    assert [s.astimezone(UTC).hour for s in starts] == [9, 9, 8]  # UTC+1 until the 28th, then UTC+2
    assert {s.astimezone(TZ).hour for s in starts} == {10}


def test_the_morning_is_configurable() -> None:
    parts = Settings(GRAPPE_MORNING="08:30-12:00", GRAPPE_AFTERNOON="13:30-17:00").day_parts()
    morning = parse_when("mardi matin", now=NOW, tz=TZ, parts=parts).intervals(TZ)[0]
    afternoon = parse_when("mardi après-midi", now=NOW, tz=TZ, parts=parts).intervals(TZ)[0]
    assert morning.start.astimezone(TZ).strftime("%H:%M") == "08:30"
    assert morning.end.astimezone(TZ).strftime("%H:%M") == "12:00"
    assert afternoon.start.astimezone(TZ).strftime("%H:%M") == "13:30"
    assert Settings().day_parts().morning == (9 * 60, 12 * 60 + 30)


@pytest.mark.parametrize("bad", ["9h-12h", "12:00-09:00", "08:30", "25:00-26:00"])
def test_a_bad_part_of_the_day_is_refused_with_the_settings(bad: str) -> None:
    with pytest.raises(ValidationError, match="not a range of the day like 08:30-12:00"):
        Settings(GRAPPE_MORNING=bad)


@pytest.mark.parametrize(("opens", "closes", "said", "hours"), [
    ("07:00", "21:00", "vendredi toute la journée", (9, 18)),  # the day, not 14 h of minibus
    ("10:00", "16:00", "vendredi toute la journée", (10, 16)),
    ("08:00", "20:00", "vendredi soir", (18, 20)),
    ("09:00", "17:00", "vendredi après-midi", (14, 17)),
    ("09:00", "17:00", "vendredi soir", (18, 21)),  # outside: left for the rules to refuse
])
def test_the_parts_of_the_day_are_taken_within_the_resource_hours(
        opens: str, closes: str, said: str, hours: tuple[int, int]) -> None:
    parts = DayParts().with_day(opens, closes)
    day = parse_when(said, now=NOW, tz=TZ, parts=parts).intervals(TZ)[0]
    assert (day.start.astimezone(TZ).hour, day.end.astimezone(TZ).hour) == hours


def test_ranges_and_durations_read_the_french_way() -> None:
    iv = Interval(datetime(2026, 12, 3, 13, tzinfo=UTC), datetime(2026, 12, 3, 15, 30, tzinfo=UTC))
    assert format_range(iv, TZ, "fr", today=date(2026, 11, 26)) == "jeu. 3 déc., 14\u00a0h–16\u00a0h\u00a030"
    assert format_range(iv, TZ, "en", today=date(2026, 11, 26)) == "Thu 3 Dec, 14:00–16:30"
    assert [format_minutes(m, "fr") for m in (0, 45, 240, 210)] == [
        "0\u00a0h", "45\u00a0min", "4\u00a0h", "3\u00a0h\u00a030"]
