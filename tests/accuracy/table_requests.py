"""Client requests as members write them → skills, deadline and urgency (issue #18)."""

from __future__ import annotations

from commands.errors import CommandError
from commands.requests.parsing import parse_new_request
from commands.requests.skills import infer, vocabulary_of
from tests.accuracy.example import DATA, NOW, TZ, skill_index

NAME = "requests"
TABLE = DATA / "requests.tsv"


def check(row: list[str]) -> str | None:
    """None when the request reads as the row expects, else what differs."""
    text, skills, deadline, urgent = (cell.strip() for cell in (row + ["-"] * 4)[:4])
    try:
        new = parse_new_request(text, now=NOW, tz=TZ)
    except CommandError as refused:
        return f"refused: {refused.message}"
    except Exception as crash:  # noqa: BLE001 - a crash is a wrong reading, said as such
        return f"crashed: {crash!r}"
    known = vocabulary_of(skill_index())
    found = sorted(new.tags) if new.tags else sorted(
        known.slugs[i] for i in infer(new.need, known).ids)
    expected = sorted(s for s in skills.split(",") if s and s != "-")
    wrong = []
    if found != expected:
        wrong.append(f"skills {','.join(found) or '-'} (expected {','.join(expected) or '-'})")
    said = new.deadline.isoformat() if new.deadline else "-"
    if said != deadline:
        wrong.append(f"deadline {said} (expected {deadline})")
    if new.urgent != (urgent == "urgent"):
        wrong.append(f"urgent {new.urgent}")
    return "; ".join(wrong) or None
