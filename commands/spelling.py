"""Typos in the words that carry a meaning ("interssés", "seulment", "tusday"), mended
before a parser reads them: a word of five letters or more that a parser does not know
becomes the one of its keywords it is closest to, when at most a typo or two apart
(rapidfuzz's Levenshtein distance, cheap: a few microseconds a word). A word that only
adds or drops a prefix or an ending ("impossible", "indispo", "personne") is left as it
is."""

from __future__ import annotations

import re
from collections.abc import Collection

_WORD = re.compile(r"[a-z]{5,}")


def typos(word: str) -> int:
    """One typo in a word ("jeudy", "tusday", "interssés"), two in a long one
    ("eventuelement"); "partage" and "passante" are two letters from "partant(e)": words of
    their own."""
    return 1 if len(word) < 10 else 2


def mend(folded: str, keywords: Collection[str]) -> str:
    """``folded`` (lowercase, no accents) with its near-miss keywords spelled right."""
    from rapidfuzz import process  # C, ~2 MB: loaded at the first answer, not at start-up
    from rapidfuzz.distance import Levenshtein

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in keywords:
            return word
        found = process.extractOne(word, keywords, scorer=Levenshtein.distance,
                                   score_cutoff=typos(word))
        if found is None:
            return word
        # a prefix or an ending is a word of its own, no typo: "impossible", "indispo"
        return word if found[0] in word or word in found[0] else str(found[0])

    return _WORD.sub(fix, folded)
