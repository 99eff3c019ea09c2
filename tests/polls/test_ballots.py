"""Poll answers as people type them: a table kept as data (tests/data/ballots.tsv), every
line of it read right (``make accuracy`` measures the same table and its held-out twin)."""

from __future__ import annotations

import pytest

from commands.polls.ballots import add_to, parse_ballot
from tests.accuracy import rows, table_ballots

LETTERS = {"y": "yes", "m": "maybe", "n": "no"}
CASES = [cells for _, cells in rows(table_ballots.TABLE)]


def test_the_table_is_big_enough() -> None:
    assert sum(1 for c in CASES if c[1] == "3") >= 80


@pytest.mark.parametrize("row", CASES, ids=[c[0] for c in CASES])
def test_ballot(row: list[str]) -> None:
    """Every line of the table, against the table's poll of three dated options."""
    assert table_ballots.check(row) is None


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
