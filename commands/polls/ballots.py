"""Reading a poll answer into a value per option: yes, maybe (if need be) or no.

People answer with numbers ("1 et 3", "1 oui, 2 si besoin"), with the days of the
options ("mardi", "le 10", "jeudi matin", "thursday"), with "only", "any", "none",
hedges ("à la limite", "at a push") and exceptions ("tous sauf le 3", "all but 2"), in
French or English, with emoji (1️⃣ 3️⃣, 👍) and typos. A reaction is read as the typed
answer it stands for, so text and reactions mean the same.

Rules, in order: a value word written just after an option applies to it ("2 si
besoin"); written first in a clause or after "et", to the options that follow ("à la
limite le 3", "yes 1 2, no 3", "1 and maybe 3"); "sinon", "voire" make what follows
"if need be" ("jeudi sinon vendredi"); "sauf"/"all but" make every other option yes;
"pas le 2" alone means every option but 2. Options not mentioned are "no". A word that
is none of these makes the answer unreadable: it is refused with an example, never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from commands.dates.day_words import read_refs
from commands.errors import CommandError
from commands.polls import ballot_words as w
from commands.polls.ballot_words import MAYBE, NO, YES
from commands.spelling import mend
from commands.text import fold

__all__ = ["MAYBE", "NO", "YES", "add_to", "parse_ballot"]

DEFAULT_TZ = ZoneInfo("Europe/Paris")
_NUMBER = r"(\d{1,2})(?:\s*(?:-|a|to)\s*(\d{1,2}))?"
_TOKEN = re.compile(rf"(?P<ref>§\d+§)|(?P<num>(?<!\w){_NUMBER}(?!\w))|(?P<word>[A-Z]+)"
                    rf"|(?P<sep>{w.SEP.pattern})|(?P<join>{w.JOIN.pattern})|(?P<space>\s+)")


class Dated(Protocol):
    """A poll option as far as its day goes (``storage.models.PollOption``)."""

    position: int
    starts_at: datetime
    all_day: bool


def _folded(text: str) -> str:
    text = text.replace("§", " ")  # the mark of a named day (``_days``)
    for keycap, number in w.KEYCAPS.items():
        text = text.replace(keycap, number)
    out = []
    for c in text:
        out.append(" OUI " if c in w.YES_EMOJI else " NON " if c in w.NO_EMOJI else
                   " ? " if c in w.MAYBE_EMOJI else
                   c if c.isascii() or c.isalpha() or c in "’°" else " ")
    folded = w.CLOCK.sub(" ", fold("".join(out)).replace("’", "'"))  # "mardi 14h": the day
    return " ".join(mend(folded, w.KEYWORDS).split())


def _part(option: Dated, tz: tzinfo) -> tuple[datetime, str | None]:
    start = option.starts_at if option.starts_at.tzinfo else option.starts_at.replace(tzinfo=UTC)
    local = start.astimezone(tz)
    part = None if option.all_day else ("am" if (local.hour, local.minute) < (12, 30) else "pm")
    return local, part


def _days(folded: str, options: Sequence[Dated] | None, count: int, tz: tzinfo
          ) -> tuple[str, list[list[int]]]:
    """The text with each day that names options replaced by ``§k§``, and those options."""
    refs, where = read_refs(folded)
    named: list[list[int]] = []
    pieces, at = [], 0
    for ref, (start, end) in zip(refs, where, strict=True):
        if ref.weekday is None and ref.month is None and ref.day is not None and \
                ref.day <= count and ref.part is None:
            continue  # "le 2": option 2
        days = [(o.position, *_part(o, tz)) for o in options or []]
        found = [n for n, local, part in days if ref.matches(local.date(), part)]
        if not found and ref.weekday is None and ref.day is not None and ref.month and \
                max(ref.day, ref.month) <= count:
            continue  # "1/2": options 1 and 2, not the 1st of February
        if not found and len(folded[start:end].strip(".")) <= 3:
            continue  # "mon choix", "sam": a short word that is also a weekday's stub
        if not found:
            raise CommandError("No option of this poll falls on “{day}”.",
                               day=folded[start:end])
        pieces += [folded[at:start], f" §{len(named)}§ "]
        named.append(found)
        at = end
    folded = "".join(pieces) + folded[at:]
    return _days_of_month(folded, options, count, tz, named), named


def _days_of_month(folded: str, options: Sequence[Dated] | None, count: int, tz: tzinfo,
                   named: list[list[int]]) -> str:
    """A bare number that is no option's but an option's day of the month ("10 et 11")."""
    def day(m: re.Match[str]) -> str:
        n = int(m.group(0))
        found = [o.position for o in options or [] if n > count and _part(o, tz)[0].day == n]
        if not found:
            return m.group(0)
        named.append(found)
        return f" §{len(named) - 1}§ "

    return re.sub(r"(?<![\w/.:§-])\d{1,2}(?![\w/.:§-])", day, folded)


def _tokens(folded: str, named: list[list[int]], count: int) -> list[tuple[str, object]]:
    folded = re.sub(rf"(?<!\w){_NUMBER}(?!\w)", lambda m: f" {m.group(1)}-{m.group(2)} " if
                    m.group(2) else m.group(0), folded)  # "1 à 3" before "à" is a filler
    folded = w.NUMBER_MARK.sub(" ", folded)  # "n° 2", "no. 2"
    folded = w.NUMBERED.sub(lambda m: f" {w.NUMBER_WORDS[m.group('n')]} ", folded)  # "la trois"
    folded = w.FIRST_FEW.sub(lambda m: f" 1-{_small(m)} ", folded)
    folded = w.LAST_FEW.sub(lambda m: f" {max(count - _small(m) + 1, 1)}-{count} ", folded)
    for name, pattern in w.PHRASES:
        folded = re.sub(pattern, f" {name} ", folded)
    folded = re.sub(w.LAST, f" {count} ", folded)
    if count % 2:
        folded = re.sub(w.MIDDLE, f" {count // 2 + 1} ", folded)
    for word, n in w.ORDINALS.items():
        folded = re.sub(rf"\b{word}\b", f" {n} ", folded)
    folded = w.FILLER.sub(" ", folded)
    tokens: list[tuple[str, object]] = []
    at, refs = 0, iter(named)
    while at < len(folded):
        m = _TOKEN.match(folded, at)
        if m is None or m.end() == at:
            raise ValueError(folded[at:])
        kind = m.lastgroup or "space"
        if kind == "ref":
            tokens.append(("ref", next(refs)))
        elif kind == "num":
            tokens.append(("ref", _range(m.group(0), count)))
        elif kind == "word":
            tokens.append((m.group(0), None))
        elif kind in ("sep", "join"):
            tokens.append((kind, None))
        at = m.end()
    return tokens


def _small(m: re.Match[str]) -> int:
    word = m.group("n") or m.group("m")
    return w.SMALL.get(word) or int(word)


def parse_ballot(text: str, options: int | Sequence[Dated], *,
                 tz: tzinfo | None = None) -> dict[int, str]:
    """A full ballot: a value per option (1-based); options not mentioned are "no".

    ``options`` are the poll's options (their days can be named) or only their count.
    Raises ``CommandError`` when the text cannot be read or names a missing option.
    """
    dated = None if isinstance(options, int) else options
    count = options if isinstance(options, int) else len(options)
    everything = range(1, count + 1)
    folded, named = _days(_folded(text), dated, count, tz or DEFAULT_TZ)
    try:
        tokens = _tokens(folded, named, count)
    except ValueError:
        raise _unreadable(text) from None
    kinds = [k for k, _ in tokens]
    if "ref" not in kinds:
        words = {k for k in kinds if k not in ("sep", "join")}
        if words and words <= {"ALL", "YES"}:
            return {n: YES for n in everything}
        if words and words <= {"NONE", "NO"}:
            return {n: NO for n in everything}
        raise _unreadable(text)
    return _read(tokens, everything)


def _read(tokens: list[tuple[str, object]], everything: range) -> dict[int, str]:
    values: dict[int, str] = {}
    base = NO
    prefix: str | None = None
    excepting = negated = clause_has_ref = False
    last: list[int] = []
    after_sep = after_join = True
    value_of = {"YES": YES, "MAYBE": MAYBE, "NO": NO, "NONE": NO}
    for i, (kind, value) in enumerate(tokens):
        ends_clause = i + 1 == len(tokens) or tokens[i + 1][0] == "sep"
        if kind == "ELSE" and last and not after_sep and ends_clause:
            kind = "MAYBE"  # "3 en priorité, 2 sinon": the fallback said after it
        if kind == "ref":
            last = list(value)  # type: ignore[call-overload]
            for n in last:
                values[n] = NO if excepting else (prefix or YES)
            negated = negated or (prefix == NO and not excepting)
            after_sep, clause_has_ref = False, True
        elif kind == "ELSE":
            prefix, last, after_sep = MAYBE, [], True  # "jeudi sinon vendredi"
        elif kind in value_of:
            if last and not after_sep and not after_join:
                for n in last:
                    values[n] = value_of[kind]
                last = []
            else:
                prefix = value_of[kind]
        elif kind == "ALL" and not values:  # said after options, it is "any of these"
            base = YES
        elif kind == "REST":  # "pas jeudi, le reste ok"
            base = YES
        elif kind == "EXCEPT":
            base, excepting = YES, True
        elif kind == "sep":  # a value alone in its clause carries on: "at a push, friday"
            prefix = prefix if not clause_has_ref else None
            after_sep, excepting, clause_has_ref = True, False, False
        after_join = kind == "join"
    if negated and all(v == NO for v in values.values()):
        base = YES  # "pas le 2": every option but 2
    return {n: values.get(n, base) for n in everything}


def add_to(earlier: dict[int, str], ballot: dict[int, str]) -> dict[int, str]:
    """``ballot`` with what ``earlier`` said of the options it leaves at "no".

    A button or a reaction names one option; several are clicked one after the
    other, so they add up: 1️⃣ then 2️⃣ is the ballot "1 and 2", and a first click
    on 2️⃣ is the ballot "2" exactly.
    """
    return {n: value if value != NO else earlier.get(n, NO) for n, value in ballot.items()}


def _range(token: str, count: int) -> list[int]:
    m = re.fullmatch(_NUMBER, token)
    assert m is not None
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    numbers = list(range(first, last + 1))
    for n in numbers or [first]:
        if not 1 <= n <= count:
            raise CommandError("There is no option {n}: choose between 1 and {count}.",
                               n=n, count=count)
    return numbers


def _unreadable(text: str) -> CommandError:
    return CommandError("I cannot read this answer: “{text}”. Write for example “1 and 3”, "
                        "“1 yes, 2 if need be”, “none” or “all but 2”.", text=text.strip()[:60])
