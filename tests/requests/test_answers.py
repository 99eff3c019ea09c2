"""How answers are read: a table of French and English phrasings (tests/data/answers.tsv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.requests.answers import parse_answer

TABLE = Path(__file__).resolve().parent.parent / "data" / "answers.tsv"


def _cases() -> list[tuple[str, list[str], str, str]]:
    cases = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, intents, availability, capacity = (line.split("\t") + ["", "", ""])[:4]
        cases.append((text, intents.split(","), availability, capacity))
    return cases


CASES = _cases()


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("text", "intents", "availability", "capacity"), CASES,
                         ids=[c[0][:40] for c in CASES])
def test_phrasing(text: str, intents: list[str], availability: str, capacity: str) -> None:
    parsed = parse_answer(text)
    assert parsed.intents == intents
    assert parsed.availability == availability
    assert parsed.capacity == capacity


def test_a_decline_keeps_its_reason() -> None:
    assert parse_answer("On passe notre tour car trop de charge").reason == "trop de charge"
    assert parse_answer("can't this time: fully booked").reason == "fully booked"


def test_unclassified_text_is_kept_as_a_comment_never_refused() -> None:
    parsed = parse_answer("Qui est le contact côté mairie ?")
    assert parsed.comment == "Qui est le contact côté mairie ?"
    assert not parsed.classified
