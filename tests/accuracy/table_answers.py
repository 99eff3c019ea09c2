"""Thread answers (tests/data/answers.tsv): intents, availabilities and capacities, read at
a fixed now in the example cooperative's time zone."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from commands.requests.answers import parse_answer

ROOT = Path(__file__).resolve().parents[2]
NAME = "answers"
TABLE = ROOT / "tests" / "data" / "answers.tsv"
MINIMUM = 200
DIRECTORY = tomllib.loads((ROOT / "examples" / "cooperative.toml").read_text(encoding="utf-8"))
TZ = ZoneInfo(DIRECTORY["cooperative"]["timezone"])
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # a Tuesday


def check(row: list[str]) -> str | None:
    text, intents, availability, capacity = (row + ["", "", ""])[:4]
    parsed = parse_answer(text, now=NOW, tz=TZ)
    got = (",".join(parsed.intents), parsed.availability, parsed.capacity)
    want = (intents, availability, capacity)
    return None if got == want else f"read {got}, expected {want}"
