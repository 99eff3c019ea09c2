"""Accuracy tables: phrasings as members write them, each with its expected meaning.

Every module ``tests/accuracy/table_*.py`` is one table and exposes ``NAME``, ``TABLE``
(a tab-separated file, '#' lines are comments) and ``check(row) -> str | None`` (None when
the parser reads the row right, else a short description of what it read wrong).
``python -m tests.accuracy`` (``make accuracy``) prints the share right per table;
``tests/accuracy/test_tables.py`` holds ``make test`` to the same bar.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

BAR = 0.97  # the share of rows each table must read right
HERE = Path(__file__).resolve().parent


@dataclass
class Score:
    name: str
    total: int = 0
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (line, what was wrong)

    @property
    def right(self) -> int:
        return self.total - len(self.wrong)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    def line(self) -> str:
        return f"{self.name}: {self.right}/{self.total} ({100 * self.share:.1f} %)"


def tables() -> list[ModuleType]:
    """Every ``table_*`` module of this package, by name."""
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)])
                   if m.name.startswith("table_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    """The table's lines and their cells; blank and '#' lines are skipped."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line, line.split("\t")


def score(name: str, path: Path, check: Callable[[list[str]], str | None]) -> Score:
    result = Score(name)
    for line, cells in rows(path):
        result.total += 1
        try:
            wrong = check(cells)
        except Exception as e:  # noqa: BLE001 - a crash on a row is that row read wrong
            wrong = f"raised {type(e).__name__}: {e}"
        if wrong is not None:
            result.wrong.append((line, wrong))
    return result


def run_all() -> list[Score]:
    """Each table, then its held-out twin (same file name under ``tests/data/heldout/``)
    when there is one: measured and printed, never tuned against, not held to the bar."""
    return [score(m.NAME, m.TABLE, m.check) for m in tables()]


def heldout() -> list[Score]:
    found = []
    for m in tables():
        twin = m.TABLE.parent / "heldout" / m.TABLE.name
        if twin.exists():
            found.append(score(f"{m.NAME} (held out)", twin, m.check))
    return found
