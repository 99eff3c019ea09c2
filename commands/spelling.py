"""Typos in the words that carry a meaning ("interssés", "seulment", "tusday"), mended
before a parser reads them: a word of five letters or more that a parser does not know
becomes the one of its keywords it is closest to, when at most a typo or two apart
(rapidfuzz's indel ratio, cheap: a few microseconds a word). A word that only adds or
drops a prefix or an ending ("impossible", "indispo", "personne") is left as it is."""

from __future__ import annotations

import re
from collections.abc import Collection

from rapidfuzz import fuzz, process

_WORD = re.compile(r"[a-z]{5,}")
CUTOFF = 80  # "jeudy" → "jeudi" (80), "interssés" → "intéressés" (95); "merci" ≠ "mardi" (60)


def mend(folded: str, keywords: Collection[str]) -> str:
    """``folded`` (lowercase, no accents) with its near-miss keywords spelled right."""

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in keywords:
            return word
        found = process.extractOne(word, keywords, scorer=fuzz.ratio, score_cutoff=CUTOFF)
        if found is None or abs(len(found[0]) - len(word)) > 2:
            return word
        # a prefix or an ending is a word of its own, no typo: "impossible", "indispo"
        return word if found[0] in word or word in found[0] else str(found[0])

    return _WORD.sub(fix, folded)
