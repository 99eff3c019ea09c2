"""Booking expressions and their rules as members meet them (issue #18): what "pour"
introduces, resources named as people name them, the open days, refusals that propose
what fits, and poll options with a start only."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings

from commands.bookings import rules
from commands.bookings.free import free_windows
from commands.bookings.opening import describe_days, is_open_on, next_open
from commands.bookings.reading import read_booking
from commands.bookings.view import Fmt
from commands.dates.day_parts import DayParts
from commands.errors import CommandError, UsageError
from commands.i18n import translator
from commands.polls.parsing import parse_poll
from tests.accuracy.example import NOW, TZ, enterprises, resources
from tests.bookings.conftest import set_clock
from tests.conftest import Console
from tests.hardening.strategies import texts


def _resource(slug: str):  # type: ignore[no-untyped-def]
    return next(r for r in resources() if r.slug == slug)


def _read(text: str):  # type: ignore[no-untyped-def]
    return read_booking(text, resources(), now=NOW, tz=TZ, parts=DayParts()).naming(enterprises())


def test_pour_is_the_purpose_unless_it_names_an_enterprise() -> None:
    assert _read("salle-garance lundi de 10h à 12h pour formation").purpose == "formation"
    named = _read("salle-garance lundi de 10h à 12h pour Voix Publiques")
    assert (named.purpose, named.enterprise and named.enterprise.slug) == ("", "voix-publiques")
    with pytest.raises(UsageError, match="Did you mean"):
        _read("salle-garance lundi 10h-12h pour voix-publique")
    named = _read("salle-garance lundi 10h-12h pour Chiffres & Communs")
    assert named.enterprise is not None
    assert named.enterprise.slug == "chiffres-et-communs"


def test_words_around_the_time_are_the_purpose_and_a_past_day_stays_refused() -> None:
    assert _read("salle garance réunion CA jeudi 14h-16h").purpose == "réunion CA"
    assert _read("garance jeudi 14h-16h réunion CA").purpose == "réunion CA"
    with pytest.raises(CommandError, match="already past"):
        _read("garance hier 10h-12h")


@pytest.mark.parametrize(("said", "slug"), [
    ("Salle Garance", "salle-garance"), ("salle garance", "salle-garance"),
    ("camion", "minibus"), ("la grande salle", "salle-pressoir"),
    ("salle de formation", "salle-treille"), ("videoproj", "videoprojecteur"),
    ("enceinte", "sono-portable"),
])
def test_a_resource_is_named_as_people_name_it(said: str, slug: str) -> None:
    assert _read(f"{said} lundi 10h-12h").resource.slug == slug


@pytest.mark.parametrize("said", ["salle", "materiel"])
def test_only_a_name_that_fits_several_resources_is_asked_about(said: str) -> None:
    with pytest.raises(UsageError, match="could be"):
        _read(f"{said} lundi 10h-12h")


def test_open_days_come_from_the_directory_and_holidays_are_closed() -> None:
    garance, sono, pressoir = (_resource(s) for s in ("salle-garance", "sono-portable",
                                                      "salle-pressoir"))
    assert not is_open_on(garance, date(2026, 11, 28))  # a Saturday
    assert is_open_on(pressoir, date(2026, 11, 28))
    assert not is_open_on(pressoir, date(2026, 11, 29))
    assert is_open_on(sono, date(2026, 11, 29))
    assert not is_open_on(sono, date(2026, 12, 25))  # Christmas: holidays closed unless said
    t = translator("fr")
    assert describe_days(garance, t) == "du lundi au vendredi, hors jours fériés"
    assert describe_days(sono, t) == "tous les jours, hors jours fériés"


def test_no_free_slot_is_proposed_on_a_closed_day() -> None:
    fmt = Fmt(translator("fr"), NOW, TZ)
    assert free_windows(_resource("salle-garance"), date(2026, 11, 28), [], fmt) == []
    assert free_windows(_resource("salle-pressoir"), date(2026, 11, 28), [], fmt)


def test_the_earliest_start_after_the_notice_is_within_the_opening_hours() -> None:
    """Said on Wednesday at 22:10, the minibus (24 h ahead, 7 h–21 h) is first free on
    Friday at 7 h, not on Thursday at 22 h 10."""
    late = datetime(2026, 11, 25, 21, 10, tzinfo=UTC)
    minibus = _resource("minibus")
    fmt = Fmt(translator("fr"), late, TZ)
    thursday = read_booking("minibus jeudi 8h-10h", resources(), now=late, tz=TZ,
                            parts=DayParts()).when.intervals(TZ)[0]
    with pytest.raises(CommandError) as refused:
        rules.check(minibus, thursday, fmt)
    assert refused.value.params["earliest"] == "ven. 27 nov., 7\u00a0h"
    saturday_night = datetime(2026, 11, 28, 20, 30, tzinfo=UTC)
    assert next_open(_resource("salle-garance"), saturday_night, TZ).astimezone(TZ) == datetime(
        2026, 11, 30, 8, tzinfo=TZ)


def test_a_too_long_day_is_refused_with_what_fits() -> None:
    day = _read("garance jeudi 3 décembre toute la journée").when.intervals(TZ)[0]
    with pytest.raises(CommandError) as refused:
        rules.check(_resource("salle-garance"), day, Fmt(translator("fr"), NOW, TZ))
    assert refused.value.params["proposal"] == "jeu. 3 déc., 9\u00a0h–17\u00a0h"


async def test_a_day_part_is_booked_within_the_resource_hours(console: Console) -> None:
    set_clock(console, NOW)
    out = await console.run("nadia: /grappe reserver Salle Pampre jeudi 3 décembre toute la "
                            "matinée pour point d'équipe")
    assert "Salle Pampre, jeu. 3 déc., 9 h–12 h 30" in out
    assert "point d'équipe" in out


@pytest.mark.parametrize(("options", "hours"), [
    ("lundi 10h | mardi 14h", [(10, 11), (14, 15)]),
    ("lundi matin | mardi après-midi", [(9, 12), (14, 18)]),
])
def test_a_poll_option_with_a_start_only_lasts_the_set_duration(
        options: str, hours: list[tuple[int, int]]) -> None:
    poll = parse_poll(f"Point : {options}", now=NOW, tz=TZ, parts=DayParts())
    assert [(o.interval.start.astimezone(TZ).hour, o.interval.end.astimezone(TZ).hour)
            for o in poll.options] == hours


@pytest.mark.parametrize("option", ["lundi 23 novembre 10h", "le 20/11 10h"])
def test_a_past_poll_option_is_said_to_be_past(option: str) -> None:
    with pytest.raises(CommandError, match="already past"):
        parse_poll(f"Point : {option} | mardi 1er décembre 10h", now=NOW, tz=TZ,
                   parts=DayParts())


async def test_free_reads_a_resource_named_in_words_or_a_kind(console: Console) -> None:
    set_clock(console, NOW)
    out = await console.run("nadia: /grappe libre salle garance demain",
                            "nadia: /grappe libre camion lundi 9h-12h")
    assert "Salle Garance (salle-garance) : 8 h–20 h" in out
    assert "Minibus 9 places (minibus)" in out


@settings(max_examples=300, deadline=None)
@given(texts)
def test_any_booking_text_is_read_or_refused_with_a_reason(text: str) -> None:
    with contextlib.suppress(CommandError):
        read_booking(text, resources(), now=NOW, tz=TZ, parts=DayParts()).naming(enterprises())
