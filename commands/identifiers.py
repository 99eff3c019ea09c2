"""Public identifiers a French invoice carries, checked where a person gives them.

A SIRET is 14 digits whose Luhn sum is a multiple of 10 (INSEE); La Poste's
establishments (SIREN 356 000 000) are the one exception: the sum of their digits is a
multiple of 5. Spaces and dots, as people copy them from an avis de situation, are
dropped.
"""

from __future__ import annotations

import re

LA_POSTE = "356000000"


def siret(text: str) -> str | None:
    """The SIRET ``text`` writes (14 digits), or None when it is not one."""
    digits = re.sub(r"[\s.\u00a0\u202f-]", "", text)
    if not re.fullmatch(r"\d{14}", digits):
        return None
    if digits.startswith(LA_POSTE):
        return digits if sum(map(int, digits)) % 5 == 0 else None
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return digits if total % 10 == 0 else None
