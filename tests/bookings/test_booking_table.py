"""The bookings table (tests/data/bookings.tsv): resource, interval, purpose and
enterprise, or the refusal, as members write them, at least 97 % right; the held-out table
is measured too (never tuned on)."""

from __future__ import annotations

from tests.accuracy import table_bookings
from tests.accuracy.example import DATA, rows
from tests.accuracy.scoring import score

HELD_OUT = DATA / "heldout" / "bookings.tsv"


def test_the_table_has_120_expressions_each_once() -> None:
    cases = rows(table_bookings.TABLE)
    assert len(cases) >= 120
    assert len({r[0] for r in cases}) == len(cases)
    assert all(len(r) == (3 if r[1] == "ERROR" else 7) for r in cases)


def test_at_least_97_percent_of_the_expressions_read_right() -> None:
    share, wrong = score(table_bookings)
    assert share >= 0.97, "\n".join(wrong)


def test_the_held_out_expressions_stay_mostly_right() -> None:
    """A floor against regressions, not a target: the held-out lines are not tuned on."""
    assert len(rows(HELD_OUT)) >= 40
    share, wrong = score(table_bookings, HELD_OUT)
    assert share >= HELD_OUT_FLOOR, "\n".join(wrong)


HELD_OUT_FLOOR = 0.9  # measured 95.1 % when first run (92.7 % before one general fix)
