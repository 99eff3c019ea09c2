"""Poll ballots (tests/data/ballots.tsv), against a poll of three dated options when the
row says 3 (1 = Tue 8 Dec 14:00-16:00, 2 = Thu 10 Dec morning, 3 = Fri 11 Dec), made from the
example cooperative's time zone at a fixed now."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from commands.dates.day_parts import DayParts
from commands.errors import CommandError
from commands.polls.ballots import parse_ballot
from commands.polls.parsing import parse_poll
from storage.models import PollOption

ROOT = Path(__file__).resolve().parents[2]
NAME = "ballots"
TABLE = ROOT / "tests" / "data" / "ballots.tsv"
MINIMUM = 80
DIRECTORY = tomllib.loads((ROOT / "examples" / "cooperative.toml").read_text(encoding="utf-8"))
TZ = ZoneInfo(DIRECTORY["cooperative"]["timezone"])
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # a Tuesday
POLL = parse_poll("Comité de pilotage : mardi 8 décembre 14h-16h | jeudi 10 décembre matin "
                  "| vendredi 11 décembre", now=NOW, tz=TZ, parts=DayParts())
OPTIONS = [PollOption(poll_id=0, position=n, label=o.said, starts_at=o.interval.start,
                      ends_at=o.interval.end, all_day=o.all_day)
           for n, o in enumerate(POLL.options, start=1)]
LETTERS = {"yes": "y", "maybe": "m", "no": "n"}


def check(row: list[str]) -> str | None:
    text, count, expected = row
    options = OPTIONS if count == "3" else int(count)
    try:
        ballot = parse_ballot(text, options, tz=TZ)
    except CommandError:
        return None if expected == "ERROR" else f"refused, expected {expected}"
    got = "".join(LETTERS[ballot[n]] for n in sorted(ballot))
    return None if got == expected else f"read {got}, expected {expected}"
