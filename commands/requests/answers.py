"""Reading an enterprise's answer to a request, in French or English, leniently.

One message may say several things ("intéressés, on peut piloter, dispo jeudi,
3 jours"). What cannot be classified is kept as a comment, never refused.
Declines are read first and cut out, so that "pas dispo" is never read as
"dispo".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.text import fold

_DECLINE = [
    r"pas (?:du tout )?(?:dispo(?:nible)?s?|libres?|interesse(?:e)?s?|pour nous|possible)",
    r"(?:on|nous) (?:passe|passons) (?:notre|son) tour", r"(?:on|nous) declin\w*",
    r"\bdeclin\w*", r"non merci", r"sans (?:nous|moi)", r"\bpas le temps\b",
    r"\bimpossible\b", r"\bcomplets?\b", r"\bindisponibles?\b", r"ne pourr\w+ pas",
    r"ne peu\w* pas", r"\bpas cette fois\b", r"\bon ne peut pas\b",
    r"not (?:interested|available|for us|this time)", r"\bunavailable\b",
    r"\b(?:we|i)(?: will|'ll)? pass\b", r"\bpass(?:ing)? on this\b", r"\bno capacity\b",
    r"\bcan ?not\b", r"\bcan't\b", r"\bcant\b", r"\bno thanks?\b", r"\bfully booked\b",
    r"^(?:non|no|pass|nope)\b",
]
_LEAD = [
    r"(?:on|nous|je) (?:peu\w*|pouv\w+|pourr\w+|sai\w+|veu\w+) (?:bien )?"
    r"(?:piloter|coordonner|porter|mener|prendre le lead)",
    r"(?:on|nous|je) (?:prend|prends|prenons) (?:le )?lead",
    r"\bon pilote\b", r"\bnous pilotons\b", r"\bchef de file\b", r"\bmandataire\b",
    r"\bpilotage\b", r"\bporter le projet\b",
    r"\bcan (?:take the )?lead\b", r"\bhappy to lead\b", r"\b(?:we|i)(?:'ll| will) lead\b",
    r"\btake the lead\b", r"\blead\b",
]
_INTEREST = [
    r"\binteresse(?:e)?s?\b", r"\bca nous interesse\b", r"\bpartante?s?\b",
    r"\bok pour (?:nous|moi)\b", r"\bon est (?:la|partants?|dedans|de la partie|ok)\b",
    r"\bavec plaisir\b", r"\bvolontiers\b", r"\bgo pour nous\b", r"\bon en est\b",
    r"\binterested\b", r"\bcount (?:us|me) in\b", r"\bwe(?:'re| are) in\b",
    r"\bsounds good\b", r"\bhappy to (?:help|join)\b", r"^(?:oui|yes|ok|okay|d'accord)\b",
    r"\bpartant pour\b", r"\bmotive(?:e)?s?\b", r"\bon y va\b",
]
_AVAILABLE = re.compile(
    r"\b(?:dispo(?:nible)?s?|libres?|available|free)\b[\s:,-]*(?P<when>[^.;!?\n]*)")
_NUMBER = (r"(?:\d+(?:[.,]\d+)?|un|une|deux|trois|quatre|cinq|six|sept|huit|dix|quinze|vingt"
           r"|demi|one|two|three|four|five|six|ten|half(?: a)?)")
_UNIT = (r"(?:j|jours?|jrs?|demi-journees?|demi journees?|heures?|h|semaines?|mois|etp"
         r"|days?|half-days?|hours?|hrs?|weeks?|months?|fte)")
_PER = r"(?:\s*(?:par|/|a|per|an?|each|chaque)\s*(?:semaine|mois|jour|week|month|day))?"
_CAPACITY = re.compile(rf"\b(?:{_NUMBER}\s*-?\s*{_UNIT}{_PER}|mi-temps|temps plein"
                       r"|half[- ]time|full[- ]time)\b")
_REASON = re.compile(r"(?:\b(?:car|parce que|because|since)\b|:|—|\s-\s)\s*(?P<reason>.+)$")


@dataclass(frozen=True)
class ParsedAnswer:
    interested: bool = False
    can_lead: bool = False
    declined: bool = False
    availability: str = ""
    capacity: str = ""
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


def _search(patterns: list[str], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        if m := re.search(pattern, text):
            return m
    return None


def _span(original: str, folded: str, m: re.Match[str]) -> str:
    """The original (accented) text of a match in the folded text."""
    # fold() keeps one character per character for Latin text, so spans align.
    if len(original) == len(folded):
        return original[m.start("when"):m.end("when")] if "when" in m.groupdict() else \
            original[m.start():m.end()]
    return m.group("when") if "when" in m.groupdict() else m.group(0)


def parse_answer(text: str) -> ParsedAnswer:
    original = " ".join(text.split())
    folded = fold(original).replace("’", "'")
    declined = _search(_DECLINE, folded)
    if declined:
        after = original[declined.end():] if len(original) == len(folded) else ""
        reason_match = _REASON.search(after)
        reason = (reason_match.group("reason") if reason_match else after).strip(" .,;:")
        return ParsedAnswer(declined=True, reason=reason[:500])
    can_lead = _search(_LEAD, folded) is not None
    interested = _search(_INTEREST, folded) is not None
    availability = ""
    if m := _AVAILABLE.search(folded):
        availability = _span(original, folded, m).strip(" .,;:-") or "✓"
    capacity = ""
    if m := _CAPACITY.search(folded):
        capacity = original[m.start():m.end()] if len(original) == len(folded) else m.group(0)
        if availability.endswith(capacity):
            availability = availability[: -len(capacity)].strip(" ,;:-") or "✓"
    classified = can_lead or interested or availability or capacity
    return ParsedAnswer(
        interested=bool(interested or can_lead or availability or capacity),
        can_lead=can_lead,
        availability="" if availability == "✓" else availability[:500],
        capacity=capacity[:200],
        comment="" if classified else original[:2000],
    )
