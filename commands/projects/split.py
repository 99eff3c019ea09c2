"""The split of a budget between the team, as a coordinator or the lead writes it:
``chiffres-et-communs=60% le-grand-livre=40%``, ``a=14 400 € b=9 600 €`` or
``a=12 j × 450 €`` (planned days at a daily rate), mixed as needed (a percentage is of
the budget); it adds up to the budget or is refused with the difference."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.errors import CommandError, UsageError
from commands.projects.amounts import format_amount, parse_amount, parse_days

_ENTRY = re.compile(r"([a-z0-9][\w-]*)\s*=\s*", re.IGNORECASE)
_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
_RATE = re.compile(r"^(.+?)\s*(?:×|x|\*)\s*(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    slug: str
    cents: int
    planned_days_x100: int | None = None


def entries(text: str) -> list[tuple[str, str]]:
    """``a=60% b=40 %`` → [("a", "60%"), ("b", "40 %")]."""
    found = list(_ENTRY.finditer(text))
    if not found or text[:found[0].start()].strip():
        raise UsageError("Give each enterprise its share: <slug>=60% or <slug>=14 400 € or "
                         "<slug>=12 j × 450 €.")
    ends = [m.start() for m in found[1:]] + [len(text)]
    return [(m.group(1), text[m.end():end].strip().rstrip(",;")) for m, end in zip(found, ends,
                                                                                  strict=True)]


def parts(pairs: list[tuple[str, str]], budget_cents: int, locale: str) -> list[Part]:
    """Each share in cents; the whole equal to the budget, else a refusal naming the gap."""
    found: list[Part] = []
    percents: list[tuple[str, float]] = []
    for slug, value in pairs:
        if m := _PERCENT.match(value):
            percents.append((slug, float(m.group(1).replace(",", "."))))
        elif m := _RATE.match(value):
            days, rate = parse_days(m.group(1)), parse_amount(m.group(2))
            found.append(Part(slug, round(days * rate / 100), days))
        elif value:
            found.append(Part(slug, parse_amount(value)))
        else:
            raise UsageError("Give {slug} its share: 60%, 14 400 € or 12 j × 450 €.", slug=slug)
    if percents:
        total = sum(p for _, p in percents)
        if not found and abs(total - 100) > 0.001:
            raise CommandError("The percentages add up to {total} %, not 100 %.",
                               total=f"{total:g}")
        amounts = [round(budget_cents * p / 100) for _, p in percents]
        rounding = budget_cents - sum(p.cents for p in found) - sum(amounts)
        if abs(rounding) <= len(amounts):  # cents lost to rounding: the last one takes them
            amounts[-1] += rounding
        found += [Part(slug, cents) for (slug, _), cents in zip(percents, amounts, strict=True)]
    total_cents = sum(p.cents for p in found)
    if total_cents != budget_cents:
        gap = budget_cents - total_cents
        shown, whole = format_amount(total_cents, locale), format_amount(budget_cents, locale)
        if gap > 0:
            raise CommandError("The shares add up to {total}, the budget is {budget}: "
                               "{gap} is not shared.", total=shown, budget=whole,
                               gap=format_amount(gap, locale))
        raise CommandError("The shares add up to {total}, the budget is {budget}: they "
                           "exceed it by {gap}.", total=shown, budget=whole,
                           gap=format_amount(-gap, locale))
    return found
