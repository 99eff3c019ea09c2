"""Amounts and durations as members write them, and as a French reader expects them.

``24 000 €``, ``24000``, ``24 k€``, ``18 500,50 €``, ``€24,000.50`` are cents;
``1,5 j``, ``2 jours``, ``une demi-journée``, ``3 h 30``, ``half a day`` are hundredths of
a day (a day is ``HOURS_PER_DAY`` hours). Formatting goes through Babel:
``24 000,00 €`` in French, ``€24,000.00`` in English.
"""

from __future__ import annotations

import re

from commands.errors import CommandError
from commands.text import fold

HOURS_PER_DAY = 7
MAX_CENTS = 100_000_000_00  # 100 M€: beyond, a typo
MAX_ENTRY_DAYS = 31  # one entry of time: a month at most

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_CURRENCY = re.compile(r"(€|eur(?:os?)?\b|ht\b|hors taxes?)", re.IGNORECASE)
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)*)(k)?$", re.IGNORECASE)


def _decimal(digits: str) -> float | None:
    """``24.000,50`` / ``24,000.50`` / ``1,5`` / ``24.000`` → a number (a lone separator
    followed by three digits groups thousands)."""
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif digits.count(",") + digits.count(".") == 1:
        whole, frac = re.split(r"[.,]", digits)
        digits = whole + frac if len(frac) == 3 else f"{whole}.{frac}"
    elif "," in digits or "." in digits:
        digits = digits.replace(",", "").replace(".", "")
    try:
        return float(digits)
    except ValueError:
        return None


def parse_amount(text: str) -> int:
    """Cents, or a clear refusal naming what was written."""
    raw = _SPACES.sub("", _CURRENCY.sub("", text.strip()))
    if raw.startswith("-"):
        raise CommandError("An amount cannot be negative: “{text}”.", text=text.strip()[:40])
    m = _NUMBER.match(raw)
    value = _decimal(m.group(1)) if m else None
    if m is None or value is None:
        raise CommandError("I do not understand the amount “{text}”; write it like "
                           "“24 000 €”.", text=text.strip()[:40])
    cents = round(value * (1000 if m.group(2) else 1) * 100)
    if not 0 < cents <= MAX_CENTS:
        raise CommandError("The amount “{text}” is not plausible.", text=text.strip()[:40])
    return cents


_HALF = re.compile(r"^(?:une?\s+)?(?:demi[- ]?journee|demi[- ]?j|half(?: a)? day)s?$")
_DAYS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(j|jours?|jrs?|d|days?|jh|h|heures?|hours?|hrs?)"
                   r"(?:\s*(\d{1,2})(?:\s*(?:min|mn))?)?$")


def parse_days(text: str) -> int:
    """Hundredths of a day: ``1,5 j`` → 150, ``demi-journée`` → 50, ``3 h 30`` → 50."""
    folded = " ".join(fold(text).split())
    if _HALF.match(folded):
        return 50
    m = _DAYS.match(folded)
    if m is None:
        raise CommandError("I do not understand the time “{text}”; write it like “1,5 j”, "
                           "“une demi-journée” or “3 h”.", text=text.strip()[:40])
    number = float(m.group(1).replace(",", "."))
    if m.group(2).startswith(("h", "heure", "hour")):
        number = (number + int(m.group(3) or 0) / 60) / HOURS_PER_DAY
    elif m.group(3):
        raise CommandError("I do not understand the time “{text}”; write it like “1,5 j”, "
                           "“une demi-journée” or “3 h”.", text=text.strip()[:40])
    days = round(number * 100)
    if not 0 < days <= MAX_ENTRY_DAYS * 100:
        raise CommandError("The time “{text}” is not plausible for one entry.",
                           text=text.strip()[:40])
    return days


def format_amount(cents: int, locale: str) -> str:
    from babel.numbers import format_currency

    return format_currency(cents / 100, "EUR", locale="fr_FR" if locale == "fr" else "en_GB")


def format_days(days_x100: int, locale: str) -> str:
    from babel.numbers import format_decimal

    number = format_decimal(days_x100 / 100, format="#,##0.##",
                            locale="fr_FR" if locale == "fr" else "en_GB")
    return f"{number}\u00a0j" if locale == "fr" else f"{number} d"
