"""Poll answers as people type them: a table kept as data (tests/data/ballots.tsv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.errors import CommandError
from commands.polls.ballots import add_to, parse_ballot

TABLE = Path(__file__).resolve().parent.parent / "data" / "ballots.tsv"
LETTERS = {"y": "yes", "m": "maybe", "n": "no"}


def _cases() -> list[tuple[str, int, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, count, expected = line.split("\t")
            rows.append((text, int(count), expected))
    return rows


CASES = _cases()


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("text", "count", "expected"), CASES, ids=[c[0] for c in CASES])
def test_ballot(text: str, count: int, expected: str) -> None:
    if expected == "ERROR":
        with pytest.raises(CommandError):
            parse_ballot(text, count)
        return
    want = {n: LETTERS[c] for n, c in enumerate(expected, start=1)}
    assert parse_ballot(text, count) == want


@pytest.mark.parametrize(("earlier", "clicked", "expected"), [
    ("", "2", "nyn"),  # a first click is the typed ballot exactly
    ("ynn", "2", "yyn"),  # clicks add up: 1 then 2 is "1 and 2"
    ("ymn", "3", "ymy"),  # an "if need be" typed before stays
    ("nyn", "2", "nyn"),  # the same click again changes nothing
])
def test_a_click_adds_its_option_to_the_earlier_ballot(earlier: str, clicked: str,
                                                      expected: str) -> None:
    before = {n: LETTERS[c] for n, c in enumerate(earlier, start=1)}
    assert add_to(before, parse_ballot(clicked, 3)) == {
        n: LETTERS[c] for n, c in enumerate(expected, start=1)}
