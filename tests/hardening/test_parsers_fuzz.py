"""Any text given to a parser yields a value or a CommandError, never another exception."""

from __future__ import annotations

import calendar
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.console import parse_line
from commands.dates.day_parts import DayParts
from commands.dates.slots import Interval, format_range, local_instant, parse_when
from commands.dates.when import MONTHS, dateparser_day, exact_day, format_day, parse_day
from commands.errors import CommandError
from commands.polls.ballots import parse_ballot
from commands.polls.parsing import parse_poll
from commands.requests.answers import parse_answer
from commands.requests.parsing import parse_new_request
from tests.hardening import figures
from tests.hardening.conftest import HARDENING
from tests.hardening.strategies import texts

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)  # a Thursday
TZ = ZoneInfo("Europe/Paris")

PARSERS: dict[str, Callable[[str], object]] = {
    "parse_answer": parse_answer,
    "parse_ballot": lambda text: parse_ballot(text, 4),
    "parse_when": lambda text: parse_when(text, now=NOW, tz=TZ, parts=DayParts()),
    "parse_day": lambda text: parse_day(text, now=NOW, tz=TZ),
    "parse_new_request": lambda text: parse_new_request(text, now=NOW, tz=TZ),
    "parse_poll": lambda text: parse_poll(text, now=NOW, tz=TZ, parts=DayParts()),
    "parse_line": parse_line,
}


@pytest.mark.parametrize("name", list(PARSERS))
def test_a_parser_gives_a_value_or_a_clear_error(name: str) -> None:
    parser = PARSERS[name]

    @settings(HARDENING, max_examples=figures.size(200, 2000))
    @given(text=texts)
    def check(text: str) -> None:
        figures.add("fuzz examples run", name)
        with contextlib.suppress(CommandError):  # a refusal shown to the person
            parser(text)

    check()



@settings(HARDENING, max_examples=figures.size(100, 1000))
@given(ahead=st.integers(min_value=1, max_value=700), locale=st.sampled_from(["fr", "en"]))
def test_a_day_shown_to_a_person_reads_back_as_the_same_day(ahead: int, locale: str) -> None:
    figures.add("fuzz examples run", "format_day → parse_day round trip")
    today = NOW.astimezone(TZ).date()
    day = today + timedelta(days=ahead)
    assert parse_day(format_day(day, locale, today=today), now=NOW, tz=TZ) == day


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_today_shown_to_a_person_reads_back_as_today(locale: str) -> None:
    today = NOW.astimezone(TZ).date()
    assert parse_day(format_day(today, locale, today=today), now=NOW, tz=TZ) == today


@settings(HARDENING, max_examples=figures.size(100, 1000))
@given(ahead=st.integers(min_value=1, max_value=400),
       start=st.integers(min_value=6 * 4, max_value=20 * 4),  # quarter hours, 6 h–20 h
       length=st.integers(min_value=1, max_value=12),
       locale=st.sampled_from(["fr", "en"]))
def test_a_slot_shown_to_a_person_reads_back_as_the_same_slot(
        ahead: int, start: int, length: int, locale: str) -> None:
    """What a booking card or a conflict shows ("jeu. 3 déc., 14 h–16 h 30") can be typed
    back into /grappe reserver and means the same slot."""
    figures.add("fuzz examples run", "format_range → parse_when round trip")
    today = NOW.astimezone(TZ).date()
    day = today + timedelta(days=ahead)
    begin, end = start * 15, min(start * 15 + length * 15, 23 * 60 + 45)
    slot = Interval(local_instant(day, begin, TZ), local_instant(day, end, TZ))
    shown = format_range(slot, TZ, locale, today=today)
    when = parse_when(shown, now=NOW, tz=TZ, parts=DayParts())
    assert (when.day, when.start, when.end) == (day, begin, end), shown


_NAMES = sorted(MONTHS)


@settings(HARDENING, max_examples=figures.size(100, 1000))
@given(ahead=st.integers(min_value=-400, max_value=800), day=st.integers(1, 31),
       month=st.integers(1, 12), year=st.sampled_from([None, 2026, 2027, 2028]),
       form=st.integers(0, 2), name=st.integers(0, len(_NAMES) - 1))
def test_a_plain_date_is_read_as_dateparser_reads_it(
        ahead: int, day: int, month: int, year: int | None, form: int, name: int) -> None:
    """The direct reading of "7/12/2026", "07.12.2026", "7 déc." gives dateparser's day,
    whatever today is (it saves ~1 ms of each booking command)."""
    figures.add("fuzz examples run", "exact_day = dateparser")
    now = (NOW + timedelta(days=ahead)).astimezone(TZ)
    words = [w for w in _NAMES if MONTHS[w] == month]
    said = [f"{day}/{month}" + (f"/{year}" if year else ""),
            f"{day:02d}.{month:02d}.{year or 2027}",
            f"{day} {words[name % len(words)]}" + (f" {year}" if year else "")][form]
    assume(day <= calendar.monthrange(2024, month)[1])  # an impossible day is refused before
    exact = exact_day(said, now.date())
    assert exact is not None or (day, month) == (29, 2), said  # dateparser decides that one
    assert exact is None or exact == dateparser_day(said, now), said
