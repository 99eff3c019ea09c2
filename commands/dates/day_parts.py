"""What "matin", "après-midi", "soir" and "journée" mean: the cooperative's parts of the
day, read from the settings at start-up (``GRAPPE_MORNING`` …) into the runtime's
``Environment`` and handed to the slot parser (commands.dates.slots) as an argument."""

from __future__ import annotations

from dataclasses import dataclass, replace

from commands.errors import SettingValueError

__all__ = ["DayParts", "hhmm"]


def hhmm(text: str) -> int:
    """``"09:30"`` → 570 minutes after midnight (the directory's opening hours)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class DayParts:
    """What "matin", "après-midi", "soir" and "journée" mean, in minutes after midnight.

    The morning is configurable (``GRAPPE_MORNING=08:30-12:00``, likewise
    ``GRAPPE_AFTERNOON`` and ``GRAPPE_EVENING``, checked with the other settings at
    start-up and carried by ``ctx.env.day_parts``). For a resource, every part is taken within
    its opening hours ("journée" of a room open 10 h–16 h is 10 h–16 h, of a minibus open
    7 h–21 h is still 9 h–18 h); a part outside them stays as it is, for the rules to refuse.
    ``option_minutes`` is how long a poll option said with a start only lasts ("lundi 10h").
    """

    morning: tuple[int, int] = (9 * 60, 12 * 60 + 30)
    afternoon: tuple[int, int] = (14 * 60, 18 * 60)
    evening: tuple[int, int] = (18 * 60, 21 * 60)
    day: tuple[int, int] = (9 * 60, 18 * 60)
    option_minutes: int = 60

    @classmethod
    def parse(cls, **ranges: str | None) -> DayParts:
        """``DayParts.parse(morning="08:30-12:00")``; ValueError names a bad range."""
        parts = cls()
        for name, value in ranges.items():  # morning, afternoon, evening
            if value:
                try:
                    start, end = (hhmm(v.strip()) for v in value.split("-"))
                except ValueError:
                    start = end = -1
                if not 0 <= start < end <= 24 * 60:
                    raise SettingValueError(
                        "“{value}” is not a range of the day like 08:30-12:00", value=value)
                parts = replace(parts, **{name: (start, end)})  # type: ignore[arg-type]
        return parts

    def with_day(self, opens: str, closes: str) -> DayParts:
        """The parts of the day of a resource open from ``opens`` to ``closes``."""
        lo, hi = hhmm(opens), hhmm(closes)

        def within(part: tuple[int, int]) -> tuple[int, int]:
            start, end = max(part[0], lo), min(part[1], hi)
            return (start, end) if start < end else part

        return replace(self, morning=within(self.morning), afternoon=within(self.afternoon),
                       evening=within(self.evening), day=within(self.day))

    def of(self, word: str) -> tuple[int, int]:
        if word in ("matin", "matinee", "morning"):
            return self.morning
        if word.startswith("apres") or word in ("aprem", "afternoon"):
            return self.afternoon
        if word in ("soir", "soiree", "evening", "tonight"):
            return self.evening
        return self.day
