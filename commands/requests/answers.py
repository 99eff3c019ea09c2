"""Reading an enterprise's answer to a request, in French or English, leniently.

One message may say several things ("intéressés, on peut piloter, dispo jeudi, 3
personnes"). It is read clause by clause (cut at punctuation and at "mais", "but" …), so
that a negation stays in its clause: "d'accord comme partenaires, le pilotage non" is
a partner that does not lead, "ça nous intéresse, mais pas avant avril" is interested
from April. A clause that asks a question says nothing. An answer is a decline when a
clause declines (no, overloaded, too tight a deadline) and no clause says yes.

Capacities and availabilities become structured values (``answer_values``), stored as
codes and drawn in the reader's language. What cannot be classified is kept as a
comment, never refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from commands.dates.spans import Span, read_spans
from commands.requests import answer_words as w
from commands.requests.answer_values import codes
from commands.spelling import mend
from commands.text import fold

DEFAULT_TZ = ZoneInfo("Europe/Paris")
_CLAUSE = re.compile(r"(?<!\d)[,;](?!\d)|[.!?\n]+|\s[-—–]\s|\b(?:mais|but|par contre|however"
                     r"|en revanche|though|sauf que|cependant|toutefois)\b|[()]")

_NOT_BEFORE = re.compile(r"\b(?:pas|not) (?:\w+ )?(?:avant|before|until)\b")


@dataclass(frozen=True)
class ParsedAnswer:
    interested: bool = False
    can_lead: bool = False
    declined: bool = False
    availability: str = ""  # span codes, ';' between them (commands.dates.spans)
    capacity: str = ""  # capacity codes (commands.requests.answer_values)
    reason: str = ""
    comment: str = ""

    @property
    def intents(self) -> list[str]:
        names = [("interested", self.interested), ("can_lead", self.can_lead),
                 ("declined", self.declined), ("available", bool(self.availability)),
                 ("capacity", bool(self.capacity))]
        found = [name for name, on in names if on]
        return found or (["comment"] if self.comment else [])

    @property
    def classified(self) -> bool:
        return self.intents not in ([], ["comment"])


@dataclass
class _Reading:
    lead: bool = False
    positive: bool = False
    declined: bool = False
    idiom: bool = False
    spans: list[Span] | None = None


def _words(text: str) -> str:
    """Folded text with emoji read as words: 👍 is "ok", 👎 is "non", others are dropped."""
    only_thanks = text.strip() and all(c in w.THANKS_EMOJI or not c.isalnum() for c in text) \
        and any(c in w.THANKS_EMOJI for c in text)
    out = []
    for c in text:
        if c in w.POSITIVE_EMOJI or (only_thanks and c in w.THANKS_EMOJI):
            out.append(" ok ")
        elif c in w.NEGATIVE_EMOJI:
            out.append(" non ")
        elif unicodedata.category(c) in ("So", "Sk", "Cf", "Mn", "Me") or 0xFE00 <= ord(c) <= \
                0xFE0F:
            out.append(" ")
        else:
            out.append(c)
    folded = fold("".join(out)).replace("’", "'").replace("`", "'").replace("⁄", "/")
    folded = w.NO_PROBLEM.sub(" ok ", folded)
    return " ".join(mend(folded, w.KEYWORDS).split())


def _clauses(folded: str) -> list[tuple[str, bool]]:
    """(clause, is a question) in order."""
    found, start = [], 0
    for m in _CLAUSE.finditer(folded):
        found.append((folded[start:m.start()], "?" in m.group(0)))
        start = m.end()
    found.append((folded[start:], False))
    return [(c.strip(), q) for c, q in found if c.strip()]


def _read(clause: str, today: datetime, reading: _Reading) -> None:
    spans, words = read_spans(clause, today.date())
    # a condition does not negate: "on peut piloter si personne d'autre ne le fait"
    negated = w.NEGATION.search(w.CONDITION.sub(" ", words)) is not None
    if w.LEAD.search(words):
        if not negated:
            reading.lead = reading.positive = True
        else:  # "en appui plutôt que piloter": what comes before the negation still counts
            before = words[:w.NEGATION.search(words).start()]  # type: ignore[union-attr]
            reading.positive = reading.positive or w.INTEREST.search(before) is not None
        return
    if w.OVERLOADED.search(words) or w.TOO_TIGHT.search(words):
        reading.declined = reading.idiom = True
        return
    if w.DECLINE.search(words):
        reading.declined = True
        return
    if negated:
        # "on ne participera pas", "we won't join": a yes denied is a no
        reading.declined = reading.declined or w.INTEREST.search(words) is not None
        return
    if w.INTEREST.search(words) or w.AVAILABLE.search(words) or (
            spans and w.ABLE.search(words)):  # "on peut jeudi après-midi"
        reading.positive = True
    if spans:
        reading.spans = (reading.spans or []) + spans
        if _NOT_BEFORE.search(clause):
            # "pas dispo avant avril": a decline, unless another clause says yes ("ça nous
            # intéresse, mais pas avant avril": interested, from April)
            reading.declined = reading.idiom = True


def _reason(original: str, *, idiom: bool) -> str:
    """Why, in the member's words: after "car", "because", ":" …; else what follows the
    no ("pas dispo finalement" → "finalement"); an idiom is its own reason ("on est sous
    l'eau"). Politeness alone ("non merci", "sorry") is no reason."""
    plain = fold(original).replace("’", "'")
    if m := w.REASON.search(original):
        reason = m.group("reason")
    elif idiom:
        reason = original
    elif (d := w.DECLINE.search(plain)) and len(plain) == len(original):
        reason = original[d.end():]
    else:
        reason = ""
    reason = reason.strip(" .,;:!")
    return "" if w.POLITE.fullmatch(fold(reason)) else reason[:500]


def parse_answer(text: str, *, now: datetime | None = None,
                 tz: ZoneInfo | None = None) -> ParsedAnswer:
    """An answer's meaning; dates are seen from ``now`` in ``tz`` (the cooperative's)."""
    original = " ".join(text.split())
    local = (now or datetime.now(UTC)).astimezone(tz or DEFAULT_TZ)
    capacities, rest = w.read_capacities(_words(original))
    reading = _Reading(positive=bool(capacities))
    for clause, question in _clauses(rest):
        if not question:
            _read(clause, local, reading)
    if reading.declined and not reading.positive:
        return ParsedAnswer(declined=True, reason=_reason(original, idiom=reading.idiom))
    spans = reading.spans if reading.positive and reading.spans else []
    if not reading.positive:
        return ParsedAnswer(comment=original[:2000])
    return ParsedAnswer(interested=True, can_lead=reading.lead,
                        availability=codes(spans, 500), capacity=codes(capacities, 200))



def availability_of(text: str, *, now: datetime, tz: ZoneInfo) -> str:
    """What a person typed in the "Available…" field: span codes when it is all days
    ("jeudi et vendredi matin"), else their own words, kept as theirs."""
    folded = _words(" ".join(text.split()))
    spans, rest = read_spans(folded, now.astimezone(tz).date())
    leftover = w.AVAILABLE.sub(" ", rest)
    if spans and not re.sub(r"[\W_]|\b(?:le|la|les|du|de|the|on|en|in|et|and)\b", "", leftover):
        return codes(spans, 500)
    return " ".join(text.split())[:500]
