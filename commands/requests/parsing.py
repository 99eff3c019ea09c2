"""Reading ``/grappe demande <client> : <besoin> [#compétence …] [pour <date>] [urgent]``.

The deadline is taken only where it really is: after "avant", "d'ici", "au plus tard",
"by", "échéance" … (anywhere in the need), or as a trailing expression that reads wholly
as a day ("… pour le 10 décembre", "… le 8 décembre", "… vendredi"). Any other "pour" is
part of the need: "affiches pour le marché de Noël" is never refused for not being a
date. A day-shaped expression that is no real day ("pour le 31 février") is refused with
the reason. "urgent", "au plus vite", "ASAP" mark the request as urgent; said at the
start or the end, they are taken out of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.dates.slots import day_of_month
from commands.dates.when import MONTHS, NotADate, parse_day
from commands.errors import UsageError
from commands.text import fold_in_place

_TAG = re.compile(r"(?:^|(?<=\s))#([\w-]+)")
_REF = re.compile(r"^[Rr]-?(\d{1,9})$")
MAX_CLIENT, MAX_NEED = 200, 2000

_WD = ("lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday"
       "|friday|saturday|sunday")
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_UNIT = r"(?:jours?|semaines?|mois|days?|weeks?|months?)"
_NUM = r"\d{1,3}|un|une|deux|trois|quatre|cinq|six|huit|dix|quinze|a|an|one|two|three|four|five"
_DAY = (
    rf"(?:(?:le|the|on)\s+)?(?:(?:{_WD})\s+)?(?:\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:of\s+)?(?:{_MON})\.?"
    rf"(?:\s+\d{{4}})?|\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?)"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?:(?:on|the)\s+)?(?:(?:{_WD})\s+)?(?:{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|(?:(?:la|le|the)\s+)?(?:fin|end\s+of)\s+(?:{_MON}|(?:du|the)\s+(?:mois|month)"
    rf"|(?:de\s+la|the)\s+(?:semaine|week)|d'annee|de\s+l'annee|the\s+year)"
    rf"|(?:mi|mid)[-\s]?(?:{_MON})"
    rf"|(?:(?:le|ce|this|next|on)\s+)?(?:{_WD})(?:\s+(?:prochain|qui\s+vient|\d{{1,2}}(?:er)?))?"
    rf"|apres[-\s]demain|demain|aujourd'hui|tomorrow|today"
    rf"|(?:la\s+)?semaine\s+prochaine|next\s+week|cette\s+semaine|this\s+week"
    rf"|noel|christmas"
    rf"|(?:dans|sous|in|within)\s+(?:{_NUM})\s+{_UNIT}"
    rf"|sous\s+(?:huitaine|quinzaine)"
    rf"|le\s+\d{{1,2}}(?:er)?")
_STRONG = (r"avant(?:\s+le)?|before|d'ici(?:\s+le|\s+a)?|au\s+plus\s+tard(?:\s+le)?|by"
           r"|due(?:\s+by)?|no\s+later\s+than|deadline\s*:?|echeance\s*:?|a\s+rendre\s+(?:pour|avant)"
           r"|(?:pour|pr)\s+au\s+plus\s+tard")
_WEAK = r"pour|pr|for"
_END = r"[\s!.?)…]*$"
_DAY_RE = re.compile(_DAY)
_TAIL = 60
_STRONG_RE = re.compile(  # "d'ici 15 jours": a bare length only after such a word
    rf"(?<!\w)(?:{_STRONG})\s+(?P<when>{_DAY}|(?:{_NUM})\s+{_UNIT})(?!\w)")
_TRAILING_RE = re.compile(
    rf"(?:(?<!\w)(?:{_WEAK})\s+|(?:^|[,;:(—–-])\s*)(?P<when>{_DAY}){_END}")
_INTRODUCED_RE = re.compile(
    rf"(?<!\w)(?:le|the|on|ce|cette|this|next|sous|dans|within|{_WD})(?!\w)")
_WORD_NUMBERS = {"un": 1, "une": 1, "a": 1, "an": 1, "one": 1, "deux": 2, "two": 2,
                 "trois": 3, "three": 3, "quatre": 4, "four": 4, "cinq": 5, "five": 5,
                 "six": 6, "huit": 8, "dix": 10, "quinze": 15}
_MARK = (r"(?:tres\s+|super\s+)?urgent(?:e|s|es|issime)?|urgemment|en\s+urgence"
         r"|(?:c'est\s+)?une\s+urgence|(?:au|le)\s+plus\s+(?:vite|tot)\s+possible|au\s+plus\s+vite"
         r"|des\s+que\s+possible|asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+possible|prioritaire"
         r"|high\s+priority|🚨")
_URGENT = re.compile(rf"(?<!\w)(?:{_MARK})(?!\w)")
_URGENT_EDGE = re.compile(rf"^[\s\W]*(?:{_MARK})(?!\w)[\s,;:!.)—–-]*"
                          rf"|[\s,;:!.(—–-]*(?:c'est\s+)?(?:{_MARK})[\s!.)]*$")


@dataclass(frozen=True)
class NewRequest:
    client: str
    need: str
    tags: list[str]
    deadline: date | None
    urgent: bool = False


def parse_ref(text: str) -> int | None:
    m = _REF.match(text.strip())
    return int(m.group(1)) if m else None


def parse_new_request(args: str, *, now: datetime, tz: ZoneInfo) -> NewRequest:
    if ":" not in args:
        raise UsageError("Give the client, then a colon, then the need.")
    client, need = (part.strip() for part in args.split(":", 1))
    urgent = bool(_URGENT.search(fold_in_place(client)) or _URGENT.search(fold_in_place(need)))
    client, need = _without_urgency(client), _without_urgency(need)
    if not client or not need:
        raise UsageError("Give the client, then a colon, then the need.")
    if len(client) > MAX_CLIENT:
        raise UsageError("The client's name is too long ({limit} characters at most).",
                         limit=MAX_CLIENT)
    tags = _TAG.findall(need)
    need = " ".join(_TAG.sub(" ", need).split())
    deadline, need = _deadline(need, now=now, tz=tz)
    if not need:
        raise UsageError("Give the client, then a colon, then the need.")
    if len(need) > MAX_NEED:
        raise UsageError("The need is too long ({limit} characters at most).", limit=MAX_NEED)
    return NewRequest(client=client, need=need, tags=tags, deadline=deadline, urgent=urgent)


def _without_urgency(text: str) -> str:
    """The text without an urgency word said at its start or end ("URGENT :", ", asap")."""
    for _ in range(2):
        m = _URGENT_EDGE.search(fold_in_place(text))
        if m is None or m.end() - m.start() == len(text):
            break
        text = (text[: m.start()] + text[m.end():]).strip()
    return text


def _deadline(need: str, *, now: datetime, tz: ZoneInfo) -> tuple[date | None, str]:
    """The deadline said in the need, and the need without it."""
    folded = fold_in_place(need)
    spans = [(m.start(), m.end(), m.start("when")) for m in _STRONG_RE.finditer(folded)]
    tail = max(0, len(folded) - _TAIL)  # a trailing day is short: look at the end only
    if m := _TRAILING_RE.search(folded, tail):
        spans.append((m.start(), m.end(), m.start("when")))
    spans += _trailing_introduced(folded, tail)
    for start, end, said in spans:
        try:
            day = _day(folded[said:end], need[said:end], now=now, tz=tz)
        except NotADate:  # day-shaped, yet no day: the need's words, never a refusal
            continue
        rest = (need[:start] + " " + need[end:]).strip(" ,;:—–-")
        return day, " ".join(rest.split())
    return None, need


def _trailing_introduced(folded: str, tail: int) -> list[tuple[int, int, int]]:
    """A day at the end introduced by itself ("… sur le PLU le 8 décembre", "… samedi")."""
    for m in _INTRODUCED_RE.finditer(folded, tail):
        if _DAY_RE.fullmatch(folded[m.start():].rstrip(" !.?)…")):
            return [(m.start(), len(folded), m.start())]
    return []


def _day(text: str, said: str, *, now: datetime, tz: ZoneInfo) -> date:
    """The day of a day-shaped expression (``said`` as written, ``text`` folded); refused
    only when it is no real day."""
    text = " ".join(text.rstrip(" !.?)…").split())
    if m := re.match(rf"(?:ce|this|on|the)\s+(?=(?:{_WD})\b)", text):  # "ce vendredi"
        text, said = text[m.end():], said[m.end():]
    today = now.astimezone(tz).date()
    if m := re.fullmatch(r"le\s+(\d{1,2})(?:er)?", text):
        return day_of_month(int(m.group(1)), today)
    if re.fullmatch(r"(?:la\s+)?semaine\s+prochaine|next\s+week", text):
        return today + timedelta(days=7)
    if re.fullmatch(r"cette\s+semaine|this\s+week", text):
        return _end_of("semaine", today)
    if text in ("noel", "christmas"):
        return _next(date(today.year, 12, 25), today)
    if m := re.fullmatch(rf"(?:{_WD})\s+(\d{{1,2}})(?:er)?", text):  # "vendredi 11"
        said = f"{said.split()[0]} {day_of_month(int(m.group(1)), today).strftime('%d/%m/%Y')}"
    if m := re.fullmatch(r"sous\s+(huitaine|quinzaine)", text):
        return today + timedelta(days=8 if m.group(1) == "huitaine" else 15)
    if m := re.search(r"(?:fin|end\s+of)\s+(?:du\s+mois|the\s+month|(?:de\s+la|the)\s+"
                      r"(?:semaine|week)|d'annee|de\s+l'annee|the\s+year)$", text):
        return _end_of(m.group(0), today)
    if m := re.fullmatch(rf"(?:mi|mid)[-\s]?({_MON})", text):
        said = f"15 {m.group(1)}"
    if re.fullmatch(rf"(?:{_NUM})\s+{_UNIT}", text):
        text = f"dans {text}"
    if re.match(rf"(?:sous|within|dans|in)\s+(?:{_NUM})\s", text):
        text = re.sub(rf"^(?:sous|within)\s+(?=(?:{_NUM})\s)", "dans ", text)
        said = re.sub(rf"(?<=dans )({_NUM})(?=\s)",
                      lambda n: str(_WORD_NUMBERS.get(n.group(1), n.group(1))), text)
    return parse_day(said.rstrip(" !.?)…"), now=now, tz=tz)


def _next(day: date, today: date) -> date:
    return day if day >= today else day.replace(year=day.year + 1)


def _end_of(said: str, today: date) -> date:
    if "semaine" in said or "week" in said:
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if "mois" in said or "month" in said:
        following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(today.year, 12, 31)
