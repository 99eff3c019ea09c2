"""The runtime's direct replies (``Bot.receive``): the author of an event the database could
not take is told once, however often the platform delivers it again, and what the bot
remembers for that stays bounded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import pytest

from bot import app
from bot.adapters.base import Delivery, DeliveryError, Receive, Sent
from bot.app import Bot
from bot.config import Settings
from bot.http import Installer
from commands.events import Actor, Command, Inbound
from commands.messages import Message
from storage.db import Database


@dataclass
class Telling:
    """An adapter that only records the direct replies it is asked to render."""

    platform: str = "console"
    concurrency: int = 1
    duplicates_on_retry: frozenset[str] = frozenset()
    redelivers: bool = True
    connected: bool = True
    told: list[str] = field(default_factory=list)

    def member_of(self, channel: str) -> bool | None:
        return None

    def serve(self, routes: Sequence[Installer]) -> bool:
        return False

    async def start(self, receive: Receive) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, delivery: Delivery) -> Sent:  # pragma: no cover
        raise DeliveryError("nothing is delivered here", permanent=True)

    async def send_direct(self, item: Message, event: Inbound) -> None:
        self.told.append(event.event_id)


@pytest.fixture
async def away() -> AsyncIterator[tuple[Bot, Telling]]:
    """A bot whose database does not answer (nothing listens there)."""
    adapter = Telling()
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    yield Bot(Settings(DATABASE_URL=broken.url), broken, [adapter]), adapter
    await broken.dispose()


def _event(n: int) -> Command:
    return Command(actor=Actor("console", "camille"), text="/grappe membres", event_id=f"e{n}")


async def test_the_database_away_is_said_once_per_event(away: tuple[Bot, Telling]) -> None:
    bot, adapter = away
    for n in range(3):
        for _ in range(3):  # the platform delivers it again while the database is away
            await bot.receive(_event(n))
    assert adapter.told == ["e0", "e1", "e2"]


async def test_the_events_remembered_as_told_are_bounded(
        away: tuple[Bot, Telling], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the ``TOLD_KEEP`` events seen last are remembered: an event forgotten is told
    again, one seen again lately is not."""
    monkeypatch.setattr(app, "TOLD_KEEP", 3)
    bot, adapter = away
    for n in range(4):
        await bot.receive(_event(n))
    await bot.receive(_event(1))  # seen again: now the latest, kept
    await bot.receive(_event(4))  # e0 went with the fourth; e2, seen least lately, goes now
    assert adapter.told == ["e0", "e1", "e2", "e3", "e4"]
    for n in (1, 3, 4):
        await bot.receive(_event(n))
    assert adapter.told == ["e0", "e1", "e2", "e3", "e4"]  # remembered: not told twice
    await bot.receive(_event(0))
    assert adapter.told == ["e0", "e1", "e2", "e3", "e4", "e0"]  # forgotten: told again
