"""A table for a spreadsheet: a header and rows of typed values, in one language.

A neutral type, like ``commands.messages``: a feature fills it (``commands/requests/
export.py``), the runtime writes it as CSV or ODS (``bot/spreadsheet.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# a cell: text, a count, a number, a day, a moment (naive, in the cooperative's time
# zone), a duration; None is an empty cell
Value = str | int | float | date | datetime | timedelta | None


@dataclass(frozen=True)
class Table:
    """``header`` and ``rows`` in ``locale``'s words; ``name`` names the sheet."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    locale: str = "fr"
