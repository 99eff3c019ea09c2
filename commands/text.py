"""Text rules shared by every parser: folding for matching, cleaning what people type."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

MAX_INPUT = 4000

_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


def fold(text: str) -> str:
    """Lowercase without accents, for matching keywords, slugs and synonyms."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def collation_key(text: str) -> tuple[str, str]:
    """Sort names as a French reader expects: accents and case do not count first
    ("Élan" among the E's, not after the Z's), then the text as written breaks ties.
    Sorting is done here rather than by the database, whose collation differs between
    SQLite and PostgreSQL."""
    return fold(text), text


def fold_in_place(text: str) -> str:
    """``fold`` character by character: a position in the result is one in ``text`` (to
    find words in the folded text and quote them as they were written)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


@cache
def _fold_char(c: str) -> str:
    return "'" if c == "’" else f if len(f := fold(c)) == 1 else c


def clean(text: str) -> str:
    """Drop control and invisible formatting characters, fold runs of spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _ANSI.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def shorten(text: str, limit: int = 60) -> str:
    """A person's text quoted back to them, kept short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:64].strip("-")
