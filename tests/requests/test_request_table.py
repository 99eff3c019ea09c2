"""The requests table (tests/data/requests.tsv): skills, deadline and urgency as members
write them, at least 97 % right; the held-out table is measured too (never tuned on)."""

from __future__ import annotations

from tests.accuracy import table_requests
from tests.accuracy.example import DATA, rows
from tests.accuracy.scoring import score

HELD_OUT = DATA / "heldout" / "requests.tsv"


def test_the_table_has_80_requests_each_once() -> None:
    cases = rows(table_requests.TABLE)
    assert len(cases) >= 80
    assert len({r[0] for r in cases}) == len(cases)
    assert all(len(r) == 4 for r in cases)


def test_at_least_97_percent_of_the_requests_read_right() -> None:
    share, wrong = score(table_requests)
    assert share >= 0.97, "\n".join(wrong)


def test_the_held_out_requests_stay_mostly_right() -> None:
    """A floor against regressions, not a target: the held-out lines are not tuned on."""
    assert len(rows(HELD_OUT)) >= 40
    share, wrong = score(table_requests, HELD_OUT)
    assert share >= HELD_OUT_FLOOR, "\n".join(wrong)


HELD_OUT_FLOOR = 0.9  # measured 92.5 % when first run (90.0 % before two general fixes)
