"""An answer's capacities and availabilities are values, drawn in the reader's language:
on the card, in the client letter, in the export and in an English reader's view."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.dates.spans import Span
from commands.i18n import translator
from commands.requests.answer_values import Capacity, availability_text, capacity_text
from commands.requests.answers import availability_of, parse_answer
from commands.requests.export import COLUMNS, export_rows
from tests.conftest import Clock, Console
from tests.requests.test_request_flow import REQUEST

FR, EN = translator("fr"), translator("en")
TODAY = date(2026, 12, 1)
TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(("code", "fr", "en"), [
    ("3 person", "3 personnes", "3 people"),
    ("1 person", "1 personne", "1 person"),
    ("2 day/week", "2 jours par semaine", "2 days a week"),
    ("1 halfday/week", "1 demi-journée par semaine", "1 half-day a week"),
    ("0.5 fte", "0,5 ETP", "0.5 FTE"),
    ("1.5 day", "1,5 jour", "1.5 days"),
    ("10 hour/month", "10 heures par mois", "10 hours a month"),
    ("1 person;0.5 fte", "1 personne, 0,5 ETP", "1 person, 0.5 FTE"),
])
def test_a_capacity_is_drawn_in_the_readers_language(code: str, fr: str, en: str) -> None:
    assert Capacity.read(code.split(";")[0]) is not None
    assert capacity_text(FR, code) == fr
    assert capacity_text(EN, code) == en


@pytest.mark.parametrize(("code", "fr", "en"), [
    ("2026-12-03", "jeu. 3 déc.", "Thu 3 Dec"),
    ("2026-12-04 am", "ven. 4 déc. matin", "Fri 4 Dec morning"),
    ("2026-12-07..2026-12-11", "du lun. 7 déc. au ven. 11 déc.", "from Mon 7 Dec to Fri 11 Dec"),
    ("2027-04-01..", "à partir du jeu. 1 avr. 2027", "from Thu 1 Apr 2027"),
    ("..2026-12-18", "jusqu'au ven. 18 déc.", "until Fri 18 Dec"),
    ("2027-01-01..2027-01-31", "en janvier 2027", "in January 2027"),
    ("pm", "l'après-midi", "afternoons"),
])
def test_an_availability_is_drawn_in_the_readers_language(code: str, fr: str, en: str) -> None:
    assert Span.read(code) is not None
    assert Span.read(code).code() == code  # type: ignore[union-attr]
    assert availability_text(FR, code, today=TODAY) == fr
    assert availability_text(EN, code, today=TODAY) == en


def test_words_that_are_no_code_are_quoted_as_the_members() -> None:
    """Answers recorded before codes, or typed in the "Available…" field."""
    assert capacity_text(FR, "2 days a week") == "« 2 days a week »"
    assert availability_text(EN, "en soirée", today=TODAY) == "“en soirée”"


def test_the_available_field_keeps_days_as_spans_and_other_words_as_said() -> None:
    assert availability_of("jeudi et vendredi matin", now=NOW, tz=TZ) == \
        "2026-12-03;2026-12-04 am"
    assert availability_of("le soir, après 18h", now=NOW, tz=TZ) == "le soir, après 18h"


def test_a_negation_keeps_its_scope() -> None:
    partner = parse_answer("d'accord comme partenaires, le pilotage non", now=NOW, tz=TZ)
    assert (partner.interested, partner.can_lead, partner.declined) == (True, False, False)
    later = parse_answer("ça nous intéresse, mais pas avant avril", now=NOW, tz=TZ)
    assert (later.interested, later.availability) == (True, "2027-04-01..")


def test_an_idiom_declines_with_the_members_words_as_reason() -> None:
    parsed = parse_answer("on est sous l'eau", now=NOW, tz=TZ)
    assert parsed.declined
    assert parsed.reason == "on est sous l'eau"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_an_answer(text: str) -> None:
    parsed = parse_answer(text, now=NOW, tz=TZ)
    assert parsed.classified or parsed.comment == " ".join(text.split())[:2000]


async def test_an_english_answer_reads_in_french_in_the_letter_and_the_export(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-01 10:00")  # a Tuesday
    await console.run(REQUEST, "nadia in R-1: We're in, 2 people 2 days a week, "
                               "available next week")
    out = await console.run("camille: /grappe synthese R-1")
    letter = out[out.index("Madame, Monsieur"):] if "Madame, Monsieur" in out else out
    assert "Volume d’intervention : 2 personnes, 2 jours par semaine." in letter
    assert "Disponibilité : du lun. 7 déc. au ven. 11 déc." in letter
    assert "days a week" not in letter
    assert "next week" not in letter
    async with console.bot.db.session(read_only=True) as s:
        table = await export_rows(s)
    answers = table.rows[0][COLUMNS.index("Answers")]
    assert "2 personnes, 2 jours par semaine" in answers


async def test_a_french_answer_reads_in_english_for_an_english_reader(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-01 10:00")
    await console.run(REQUEST, "nadia in R-1: partants, on peut mobiliser 3 personnes, "
                               "dispo jeudi matin")
    out = await console.run("olivia: /grappe request R-1")  # olivia reads English
    history = out[out.index("History of the answers:"):]
    assert "3 people" in history
    assert "Thu 3 Dec morning" in history
    assert "personnes" not in history




def test_codes_keep_whole_values_within_the_column() -> None:
    from commands.requests.answer_values import codes

    many = [Span(date(2026, 12, d), date(2026, 12, d)) for d in range(1, 29)]
    kept = codes(many, 50)
    assert len(kept) <= 50
    assert all(Span.read(code) is not None for code in kept.split(";"))
