"""The share of a table's rows that a table module reads right (``check`` returns None)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tests.accuracy.example import rows


def score(table: ModuleType, path: Path | None = None) -> tuple[float, list[str]]:
    """(share right, one line per wrong row) of ``table`` on its TSV or on ``path``."""
    cases = rows(path or table.TABLE)
    wrong = [f"{row[0]} → {why}" for row in cases if (why := table.check(row)) is not None]
    return 1 - len(wrong) / len(cases), wrong
