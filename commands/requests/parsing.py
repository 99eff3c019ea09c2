"""Reading ``/grappe demande <client> : <besoin> [#compétence …] [pour <date>]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from commands.dates.when import parse_day
from commands.errors import CommandError, UsageError
from commands.text import fold
from storage.models import Skill

_TAG = re.compile(r"(?:^|(?<=\s))#([\w-]+)")
_DEADLINE = re.compile(
    r"(?:^|\s)(?:pour|by|avant|before|d['’]ici|au plus tard|deadline:?|echeance:?|"
    r"échéance\s*:?)\s+(?P<when>[^,;]{1,40})$", re.IGNORECASE)
_REF = re.compile(r"^[Rr]-?(\d{1,9})$")
MAX_CLIENT, MAX_NEED = 200, 2000


@dataclass(frozen=True)
class NewRequest:
    client: str
    need: str
    tags: list[str]
    deadline: date | None


def parse_ref(text: str) -> int | None:
    m = _REF.match(text.strip())
    return int(m.group(1)) if m else None


def parse_new_request(args: str, *, now: datetime, tz: ZoneInfo) -> NewRequest:
    if ":" not in args:
        raise UsageError("Give the client, then a colon, then the need.")
    client, need = (part.strip() for part in args.split(":", 1))
    if not client or not need:
        raise UsageError("Give the client, then a colon, then the need.")
    if len(client) > MAX_CLIENT:
        raise UsageError("The client's name is too long ({limit} characters at most).",
                         limit=MAX_CLIENT)
    tags = _TAG.findall(need)
    need = " ".join(_TAG.sub(" ", need).split())
    deadline = None
    if m := _DEADLINE.search(need):
        try:
            deadline = parse_day(m.group("when"), now=now, tz=tz)
        except CommandError:
            if _looks_like_a_date(m.group("when")):
                raise
        else:
            need = need[: m.start()].rstrip(" ,;")
    if not need:
        raise UsageError("Give the client, then a colon, then the need.")
    if len(need) > MAX_NEED:
        raise UsageError("The need is too long ({limit} characters at most).", limit=MAX_NEED)
    return NewRequest(client=client, need=need, tags=tags, deadline=deadline)


def _looks_like_a_date(text: str) -> bool:
    """Whether a failed date was meant as one (so the person hears why it failed)."""
    return bool(re.search(r"\d", text)) or bool(re.search(
        r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday"
        r"|thursday|friday|saturday|sunday|demain|tomorrow|semaine|week)\b", fold(text)))


def infer_skills(need: str, index: dict[str, Skill]) -> list[Skill]:
    """Skills whose words appear in the need, as whole words (accents and case ignored)."""
    words = f" {' '.join(re.findall(r'[a-z0-9]+', fold(need)))} "
    found: list[Skill] = []
    for term, skill in sorted(index.items(), key=lambda kv: -len(kv[0])):
        key = " ".join(re.findall(r"[a-z0-9]+", term))
        if key and f" {key} " in words and skill not in found:
            found.append(skill)
    return found
