"""Reading a poll answer ("1 et 3", "1 oui, 2 si besoin", "aucun", "tout sauf 2",
"yes 1, maybe 3") into a value per option: yes, maybe (if need be) or no."""

from __future__ import annotations

import re

from commands.errors import CommandError
from commands.text import fold

YES, MAYBE, NO = "yes", "maybe", "no"
_WORDS = [
    (MAYBE, r"si besoin|si necessaire|au besoin|eventuellement|peut[- ]etre|maybe|if need be"
            r"|if needed|perhaps|possibly|\(\?\)|\?|~|bof"),
    (NO, r"non|no|pas|impossible|x|nope|not|indispo(?:nible)?"),
    (YES, r"oui|yes|ok|dispo(?:nible)?|ca marche|parfait|\+|v|✓|✔|👍|yep"),
]
_NONE = re.compile(r"^(?:aucun|aucune|aucun creneau|rien|none|nothing|non|no|pas dispo|jamais"
                   r"|never)\W*$")
_ALL = re.compile(r"^(?:tous|toutes|tout|all|any|oui|yes|partout|n'importe)\W*$")
_ALL_BUT = re.compile(r"^(?:tous|toutes|tout|all|any|all options)\s+(?:sauf|but|except|excepte"
                      r"|hormis)\s+(?P<rest>.+)$")
_NUMBER = r"(\d{1,2})(?:\s*(?:-|a|à|to)\s*(\d{1,2}))?"
_TOKEN = re.compile(
    rf"(?P<num>{_NUMBER.replace('(', '(?:').replace('(?:?:', '(?:')})"
    r"|(?P<sep>[,;/&().!:]|\bet\b|\band\b|\bla\b|\ble\b|\bthe\b|\boption\b|\bchoix\b|"
    r"\bcreneau\b|\bn°|#)"
    rf"|(?P<word>{'|'.join(p for _, p in _WORDS)})"
    r"|(?P<space>\s+)")


def _tokens(folded: str) -> list[tuple[str, str]]:
    found, at = [], 0
    while at < len(folded):
        m = _TOKEN.match(folded, at)
        if m is None or m.end() == at:
            raise ValueError(folded[at:])
        kind = m.lastgroup or "space"
        if kind in ("num", "word"):
            found.append((kind, m.group(0)))
        at = m.end()
    return found


def _value(word: str) -> str:
    return next(v for v, pattern in _WORDS if re.fullmatch(pattern, word))


def _range(token: str, options: int) -> list[int]:
    m = re.fullmatch(_NUMBER, token)
    assert m is not None
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    numbers = list(range(first, last + 1))
    for n in numbers:
        if not 1 <= n <= options:
            raise CommandError("There is no option {n}: choose between 1 and {count}.",
                               n=n, count=options)
    return numbers


def parse_ballot(text: str, options: int) -> dict[int, str]:
    """A full ballot: a value per option (1-based); options not mentioned are "no".

    A value word written after a number applies to it ("1 oui, 2 si besoin");
    written first, it applies to the numbers that follow ("yes 1, maybe 3").
    Raises ``CommandError`` when the text cannot be read or names a missing option.
    """
    folded = " ".join(fold(text).replace("’", "'").split())
    everything = range(1, options + 1)
    if _NONE.match(folded):
        return {n: NO for n in everything}
    if _ALL.match(folded):
        return {n: YES for n in everything}
    if m := _ALL_BUT.match(folded):
        excluded = _positions(m.group("rest"), options)
        return {n: NO if n in excluded else YES for n in everything}
    try:
        tokens = _tokens(folded)
    except ValueError:
        raise _unreadable(text) from None
    if not any(kind == "num" for kind, _ in tokens):
        raise _unreadable(text)
    values: dict[int, str] = {}
    prefix = tokens[0][0] == "word"
    current: str | None = None
    last: list[int] = []
    for kind, token in tokens:
        if kind == "word":
            if prefix:
                current = _value(token)
            elif last:
                for n in last:
                    values[n] = _value(token)
                last = []
            else:
                raise _unreadable(text)
        else:
            last = _range(token, options)
            for n in last:
                values[n] = current or YES
    return {n: values.get(n, NO) for n in everything}


def add_to(earlier: dict[int, str], ballot: dict[int, str]) -> dict[int, str]:
    """``ballot`` with what ``earlier`` said of the options it leaves at "no".

    A button or a reaction names one option; several are clicked one after the
    other, so they add up: 1️⃣ then 2️⃣ is the ballot "1 and 2", and a first click
    on 2️⃣ is the ballot "2" exactly.
    """
    return {n: value if value != NO else earlier.get(n, NO) for n, value in ballot.items()}


def _positions(text: str, options: int) -> set[int]:
    found: set[int] = set()
    for first, last in re.findall(_NUMBER, text):
        for n in range(int(first), int(last or first) + 1):
            if not 1 <= n <= options:
                raise CommandError("There is no option {n}: choose between 1 and {count}.",
                                   n=n, count=options)
            found.add(n)
    if not found:
        raise _unreadable(text)
    return found


def _unreadable(text: str) -> CommandError:
    return CommandError("I cannot read this answer: “{text}”. Write for example “1 and 3”, "
                        "“1 yes, 2 if need be”, “none” or “all but 2”.", text=text.strip()[:60])
