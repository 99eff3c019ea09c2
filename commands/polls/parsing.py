"""Reading ``/grappe dispo <titre> : <option> | <option> … [pour R-3] [avant <date>]
[membres=a,b|tous] [masque] [par entreprise]``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from commands.dates.day_parts import DayParts
from commands.dates.slots import Interval, day_bounds, parse_when
from commands.dates.when import parse_day
from commands.errors import CommandError, UsageError
from commands.text import fold, shorten

MAX_OPTIONS = 10
_REQUEST = re.compile(r"\s(?:pour|for)\s+[Rr]-?(\d{1,9})\b")
_MEMBERS = re.compile(r"\s(?:membres|members|invites|invited)\s*=\s*([\w,-]+)", re.UNICODE)
_HIDDEN = re.compile(r"\s(?:masque|masquee|cache|hidden)\b")
_PER_ENTERPRISE = re.compile(r"\s(?:par entreprise|per enterprise|by enterprise)\b")
_DEADLINE = re.compile(r"\s(?:avant|before|jusqu'au|until)\s+(?P<when>.+)$")


@dataclass(frozen=True)
class Option:
    interval: Interval
    all_day: bool
    said: str


@dataclass
class NewPoll:
    title: str
    options: list[Option]
    request_number: int | None = None
    deadline: date | None = None
    members: list[str] | None = None  # enterprise slugs or handles; ["*"] for everyone
    hidden: bool = False
    per_enterprise: bool = False
    merged: list[str] = field(default_factory=list)


def _cut(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    m = pattern.search(text)
    if m is None:
        return None, text
    return m, text[: m.start()] + text[m.end():]


def parse_poll(args: str, *, now: datetime, tz: ZoneInfo, parts: DayParts) -> NewPoll:
    if ":" not in args or "|" not in args.split(":", 1)[1] and not args.split(":", 1)[1].strip():
        raise UsageError("Give a title, a colon, then the options separated by “|”.")
    title, rest = (part.strip() for part in args.split(":", 1))
    if not title or not rest:
        raise UsageError("Give a title, a colon, then the options separated by “|”.")
    rest = " " + rest
    folded_rest = fold(rest)
    poll = NewPoll(title=shorten(title, 200), options=[])
    for pattern, apply in (
        (_REQUEST, lambda m: setattr(poll, "request_number", int(m.group(1)))),
        (_MEMBERS, lambda m: setattr(poll, "members", _members(m.group(1)))),
        (_HIDDEN, lambda m: setattr(poll, "hidden", True)),
        (_PER_ENTERPRISE, lambda m: setattr(poll, "per_enterprise", True)),
    ):
        m, folded_cut = _cut(pattern, folded_rest)
        if m is not None:
            apply(m)
            rest = rest[: m.start()] + rest[m.end():]
            folded_rest = folded_cut
    if m := _DEADLINE.search(rest.rsplit("|", 1)[-1] if "|" in rest else rest):
        poll.deadline = parse_day(m.group("when"), now=now, tz=tz)
        tail_start = rest.rfind(m.group(0))
        rest = rest[:tail_start]
    said = [o.strip() for o in rest.split("|") if o.strip()]
    if len(said) < 2:
        raise UsageError("Give at least two options, separated by “|”.")
    if len(said) > MAX_OPTIONS:
        raise UsageError("A poll has {max} options at most.", max=MAX_OPTIONS)
    seen: dict[Interval, str] = {}
    for text in said:
        option = _option(text, now=now, tz=tz, parts=parts)
        if option.interval in seen:
            poll.merged.append(text)
            continue
        seen[option.interval] = text
        poll.options.append(option)
    if len(poll.options) < 2:
        raise UsageError("Give at least two different options.")
    return poll


def _members(text: str) -> list[str]:
    names = [fold(n).strip() for n in text.split(",") if n.strip()]
    return ["*"] if any(n in ("tous", "toutes", "all", "everyone") for n in names) else names


def _option(text: str, *, now: datetime, tz: ZoneInfo, parts: DayParts) -> Option:
    """One option: a day, a slot, or a start that lasts ``parts.option_minutes``."""
    when = parse_when(text, now=now, tz=tz, parts=parts, default_minutes=parts.option_minutes)
    if when.repeat is not None:
        raise CommandError("An option is one date or slot, not a series: “{text}”.",
                           text=shorten(text, 40))
    if when.has_time:
        interval = when.intervals(tz)[0]
        all_day = False
    else:
        interval, all_day = day_bounds(when.day, tz), True
    if interval.end <= interval.start:
        raise CommandError("“{text}” ends before it starts.", text=shorten(text, 40))
    if interval.start <= now:
        raise CommandError("The option “{text}” is already past.", text=shorten(text, 40))
    return Option(interval=interval, all_day=all_day, said=text)
