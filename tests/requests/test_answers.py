"""How answers are read: a table of French and English phrasings (tests/data/answers.tsv)."""

from __future__ import annotations

import pytest

from commands.requests.answers import parse_answer
from tests.accuracy import rows, table_answers

CASES = [cells for _, cells in rows(table_answers.TABLE)]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 200


@pytest.mark.parametrize("row", CASES, ids=[c[0][:40] for c in CASES])
def test_phrasing(row: list[str]) -> None:
    """Every line of the table: intents, availability and capacity codes, at the table's now."""
    assert table_answers.check(row) is None


def test_a_decline_keeps_its_reason() -> None:
    assert parse_answer("On passe notre tour car trop de charge").reason == "trop de charge"
    assert parse_answer("can't this time: fully booked").reason == "fully booked"


def test_unclassified_text_is_kept_as_a_comment_never_refused() -> None:
    parsed = parse_answer("Qui est le contact côté mairie ?")
    assert parsed.comment == "Qui est le contact côté mairie ?"
    assert not parsed.classified


@pytest.mark.parametrize(("text", "reason"), [
    ("pas dispo finalement, désolés", "finalement, désolés"),  # what follows the no
    ("Non merci", ""),  # politeness alone is no reason
    ("we'll pass, sorry", ""),
    ("on est sous l'eau", "on est sous l'eau"),  # an idiom is its own reason
])
def test_a_decline_keeps_the_members_reason(text: str, reason: str) -> None:
    parsed = parse_answer(text)
    assert parsed.declined
    assert parsed.reason == reason


@pytest.mark.parametrize("text", ["merci pour le partage", "plus de bande passante"])
def test_a_word_two_letters_from_a_keyword_is_not_mended_into_it(text: str) -> None:
    """"partage" and "passante" are not typos of "partant(e)": no yes is read into them."""
    assert not parse_answer(text).interested
