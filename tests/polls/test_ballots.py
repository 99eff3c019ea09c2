"""Poll answers as people type them: a table kept as data (tests/data/ballots.tsv), every
line of it read right (``make accuracy`` measures the same table and its held-out twin)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.errors import CommandError
from commands.polls.ballots import add_to, parse_ballot
from commands.polls.view import EMOJIS
from tests.accuracy import rows, table_ballots
from tests.accuracy.table_ballots import OPTIONS, TZ

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


@pytest.mark.parametrize("emoji", sorted(EMOJIS))
def test_a_reaction_and_its_emoji_typed_mean_the_same(emoji: str) -> None:
    """The click's action ("2") and the keycap typed in the thread (2️⃣) are one ballot."""
    action = EMOJIS[emoji]
    if int(action) > len(OPTIONS):
        return
    assert parse_ballot(emoji, OPTIONS, tz=TZ) == parse_ballot(action, len(OPTIONS))


def test_an_option_day_that_no_option_falls_on_is_refused() -> None:
    with pytest.raises(CommandError) as refused:
        parse_ballot("dimanche", OPTIONS, tz=TZ)
    assert refused.value.params == {"day": "dimanche"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("mardi jeudi le 10 1 2 3 sauf pas ok§,-/?👍1️⃣")),
               max_size=40) | st.text(max_size=40))
def test_any_text_is_a_ballot_or_a_clear_refusal(text: str) -> None:
    try:
        ballot = parse_ballot(text, OPTIONS, tz=TZ)
    except CommandError:
        return
    assert set(ballot) == {1, 2, 3}
    assert set(ballot.values()) <= {"yes", "maybe", "no"}
