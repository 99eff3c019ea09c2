"""``python -m tests.accuracy [-v]``: the share of each table read right; exit 1 under the bar.

Held-out tables (``tests/data/heldout/``) are printed too, for information only.
"""

from __future__ import annotations

import sys

from tests.accuracy import BAR, Score, heldout, run_all


def _print(score: Score, verbose: bool) -> None:
    print(score.line())
    if verbose:
        for line, wrong in score.wrong:
            print(f"    {line!r}: {wrong}")


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    scores = run_all()
    for s in scores:
        _print(s, verbose)
    for s in heldout():
        _print(s, verbose)
    under = [s.name for s in scores if s.share < BAR]
    if under:
        print(f"under {100 * BAR:.0f} %: {', '.join(under)}")
    return 1 if under else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
