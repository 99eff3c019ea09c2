"""Reading ``reserver <ressource> <quand> [pour <objet|entreprise>] [: objet]`` as members
write it, with no I/O: the directory's resources and enterprises are handed in.

- The resource is named first, as people name it: its slug, its name or a part of it
  ("Salle Garance", "garance", "la grande salle"), a word of its kind ("camion" for the
  only vehicle), with a typo ("garence"). Only a name that fits several resources equally
  is asked about ("salle").
- "pour <x>" (or "for", "pr") after the time is whom the booking is for when x names a
  member enterprise, and its purpose otherwise ("pour formation", "pour la sortie au
  musée"); a "pour" that says a length or a day ("pour 2h", "pour demain") stays in the
  time. Words after the time that are no time ("… 10h-12h réunion d'équipe") are the
  purpose too.
- The time is read by ``commands.dates.slots.parse_when`` with the parts of the day taken
  within the resource's hours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from commands.bookings.naming import find_in, key_of
from commands.dates.day_parts import DayParts
from commands.dates.slots import WEEKDAYS, When, parse_when
from commands.dates.when import MONTHS, NotADate
from commands.errors import CommandError, UsageError
from commands.text import fold, shorten
from storage.models import Enterprise, Resource

_PURPOSE = re.compile(r"\s+:\s*|\s*:\s+")  # "14h-16h : objet"; never the colon of "09:00"
_FOR = re.compile(r"(?<!\w)(?:pour|for|pr)\s+", re.I)
_FOR_AT_END = re.compile(r"(?:^|\s)(?:pour|for|pr)\s+(?P<x>\S.*?)\s*$", re.I)
_SKIP = re.compile(r"(?:^|\s)(?:sauf|hors|skip|skipping|except|ignore|ignorer)\s+(?:les\s+|the\s+)?"
                   r"conflicts?(?=\s|$)|(?:^|\s)(?:sauf|hors)\s+(?:les\s+)?conflits(?=\s|$)", re.I)
_LENGTH = re.compile(r"^(?:\d{1,3}\s*(?:h|heures?|hours?|hrs?|min|mn|minutes?)\b|une heure|an hour"
                     r"|une demi-heure|half an hour|one hour)", re.I)


_NEAR_ENTERPRISE = 88
_TIME_WORDS = [*WEEKDAYS, *MONTHS, "demain", "tomorrow", "aujourd'hui", "today", "hier",
               "yesterday", "matin",
               "matinee", "morning", "apres-midi", "afternoon", "soir", "soiree", "evening"]


@dataclass(frozen=True)
class Reading:
    """A booking command read; whom "pour <x>" names is settled by :meth:`naming`, with
    the directory's enterprises, only when there is such an x."""

    resource: Resource
    when: When
    said: str  # the time as written (a series keeps it as its rule)
    skip_conflicts: bool = False
    extra: str = ""  # words after the time that are no time
    for_text: str = ""  # x of "pour x" after the time
    purpose_said: str = ""  # after the colon
    purpose_for: str = ""  # y of a final "pour y" after the colon
    purpose_cut: str = ""  # after the colon, without that "pour y"
    enterprise: Enterprise | None = None  # named with "pour <entreprise>"

    @property
    def needs_enterprises(self) -> bool:
        return bool(self.for_text or self.purpose_for)

    @property
    def purpose(self) -> str:
        return " : ".join(p for p in (self.extra, self.for_text, self.purpose_said) if p)

    def naming(self, enterprises: Sequence[Enterprise]) -> Reading:
        """The reading with the enterprise that an x of "pour x" names taken out of the
        purpose (x stays the purpose otherwise)."""
        reading = self
        if self.purpose_for and (named := enterprise_named(self.purpose_for, enterprises)):
            reading = replace(reading, purpose_said=self.purpose_cut, purpose_for="",
                              enterprise=named)
        if self.for_text and (named := enterprise_named(self.for_text, enterprises)):
            reading = replace(reading, for_text="", enterprise=named)
        return reading


def read_booking(args: str, resources: Sequence[Resource], *, now: datetime, tz: ZoneInfo,
                 parts: DayParts) -> Reading:
    text = " ".join(args.split())
    pieces = _PURPOSE.split(text, maxsplit=1)
    head, purpose = (pieces[0], pieces[1]) if len(pieces) == 2 else (text, "")
    skip = bool(_SKIP.search(head) or _SKIP.search(purpose))
    head, purpose = _SKIP.sub(" ", head).strip(), _SKIP.sub(" ", purpose).strip()
    words = head.split()
    if not words or (len(words) < 2 and not purpose):
        raise UsageError("Say which resource and when, for example "
                         "“salle-garance jeudi 14h-16h : point compta”.")
    resource, used = find_in(words, resources)
    rest = " ".join(words[used:])
    if not rest:
        raise UsageError("Say which resource and when, for example "
                         "“salle-garance jeudi 14h-16h : point compta”.")
    day_parts = parts.with_day(resource.opens, resource.closes)
    purpose_for = purpose_cut = ""
    if m := _FOR_AT_END.search(purpose):
        purpose_cut, purpose_for = purpose[: m.start()].strip(), m.group("x")
    rest, for_text = _split_for(rest, now=now, tz=tz, parts=day_parts)
    when, extra = _when(rest, now=now, tz=tz, parts=day_parts)
    if not when.has_time:
        raise UsageError("Say the time too, for example “jeudi 14h-16h” or “demain matin”.")
    return Reading(resource, when, rest, skip, extra, for_text, purpose, purpose_for, purpose_cut)


def _is_time(text: str, *, now: datetime, tz: ZoneInfo, parts: DayParts) -> bool:
    if _LENGTH.match(fold(text)):
        return True
    try:
        parse_when(text, now=now, tz=tz, parts=parts)
    except CommandError:
        return False
    return True


def _split_for(rest: str, *, now: datetime, tz: ZoneInfo,
               parts: DayParts) -> tuple[str, str]:
    """The time, and what the first "pour" that says no time introduces."""
    for m in _FOR.finditer(rest):
        tail = rest[m.end():].strip()
        if m.start() and tail and not _is_time(tail, now=now, tz=tz, parts=parts):
            return rest[: m.start()].strip(), tail
    return rest, ""


def _when(rest: str, *, now: datetime, tz: ZoneInfo, parts: DayParts) -> tuple[When, str]:
    """The time, and the words around it that are no time (the purpose said without ":",
    after the time or before it: "garance réunion CA jeudi 14h-16h")."""
    try:
        return parse_when(rest, now=now, tz=tz, parts=parts), ""
    except NotADate as refused:  # a past or impossible day is refused as it is
        words = rest.split()
        for cut in range(len(words) - 1, 0, -1):
            extra = " ".join(words[cut:])
            if re.search(r"\d", extra) or _time_word(words[cut]):
                break
            try:
                return parse_when(" ".join(words[:cut]), now=now, tz=tz, parts=parts), extra
            except NotADate:
                continue
        for cut in range(1, len(words)):
            extra = " ".join(words[:cut])
            if re.search(r"\d", extra) or _time_word(words[cut - 1]):
                break
            try:
                return parse_when(" ".join(words[cut:]), now=now, tz=tz, parts=parts), extra
            except NotADate:
                continue
        raise refused


def _time_word(word: str) -> bool:
    """A word that is, or is a typo of, a day or a month ("lundii"): never a purpose."""
    from rapidfuzz.process import extractOne

    word = fold(word)
    return len(word) >= 4 and extractOne(word, _TIME_WORDS, score_cutoff=80) is not None


def enterprise_named(text: str, enterprises: Sequence[Enterprise]) -> Enterprise | None:
    """The active member enterprise ``text`` names (slug or name), if any; one it nearly
    names is asked about."""
    key = key_of(text)
    active = [e for e in enterprises if e.active]
    for e in active:
        if key in (e.slug, key_of(e.name)):
            return e
    from rapidfuzz.fuzz import ratio

    close = [e for e in active if ratio(key, e.slug) >= _NEAR_ENTERPRISE]
    if close:  # "pour terreaux": ask, rather than book for an enterprise or not
        raise UsageError("No member enterprise “{slug}”. Did you mean “{close}”?",
                         slug=shorten(text, 40), close=close[0].slug)
    return None


