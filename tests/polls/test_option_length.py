"""A poll option given by its start only lasts the configured time (a setting, checked at
start-up like the other settings)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from commands.polls.parsing import parse_poll

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)


def _slots(settings: Settings) -> list[str]:
    poll = parse_poll("Point : lundi 10h | mardi 14h", now=NOW, tz=PARIS,
                      parts=settings.day_parts())
    return [f"{o.interval.start.astimezone(PARIS):%a %H:%M}-"
            f"{o.interval.end.astimezone(PARIS):%H:%M}" for o in poll.options]


def test_an_option_with_a_start_only_lasts_an_hour_by_default() -> None:
    assert _slots(Settings()) == ["Mon 10:00-11:00", "Tue 14:00-15:00"]


def test_the_length_of_an_option_is_a_setting() -> None:
    settings = Settings(GRAPPE_POLL_OPTION_MINUTES="90")
    assert _slots(settings) == ["Mon 10:00-11:30", "Tue 14:00-15:30"]


@pytest.mark.parametrize("value", ["0", "une heure", "2000"])
def test_a_wrong_length_is_refused_at_start_up(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(GRAPPE_POLL_OPTION_MINUTES=value)
