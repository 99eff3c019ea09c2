"""A room the bot is not in yet: its rows wait (never failed), coordinators are told once,
and everything goes out at once when the bot comes in (issue #16)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import text

from bot.absence import ABSENT_RETRY
from bot.adapters.base import Delivery, DeliveryError, Sent
from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter
from commands import presence
from commands.events import Actor, Command, Joined
from commands.messages import Envelope, Message, Target, para
from commands.outcome import Result
from commands.render import plain
from commands.routing import queue
from storage.db import Database
from storage.models import DeliveryRole, Outbox, Person, utcnow
from storage.repo import outbox as repo
from tests.conftest import Clock

ROOM = "#cooperation"  # the console's cooperation channel in the example directory


class Outside(ConsoleAdapter):
    """The console, with rooms the bot has not been let into (as Matrix before an
    invitation): a send there is refused as ``absent``."""

    def __init__(self, *outside: str) -> None:
        super().__init__(io.StringIO())
        self.outside = set(outside)
        self.refused: list[int] = []

    def member_of(self, channel: str) -> bool | None:
        return channel not in self.outside

    async def send(self, delivery: Delivery) -> Sent:
        if delivery.channel in self.outside and delivery.role != "dm":
            self.refused.append(delivery.row_id)
            raise DeliveryError(f"not in room {delivery.channel}", absent=True)
        return await super().send(delivery)


async def _bot(db: Database, adapter: Outside) -> tuple[Bot, Clock]:
    bot = Bot(Settings(DATABASE_URL=db.url), db, [adapter])
    await bot.start(background_delivery=False)
    clock = Clock(utcnow() + timedelta(minutes=1))  # past what the test queues next
    bot.loops["console"].clock = clock
    return bot, clock


async def _post(db: Database, channel_purpose: str = "cooperation") -> None:
    """What the weekly digest queues: one post in the cooperation channel."""
    event = Command(actor=Actor("console", "grappe-scheduler"), text="", event_id="job:test")
    message = Message(target=Target(kind="channel", purpose=channel_purpose),
                      blocks=[para("Résumé de la semaine")])
    async with db.session() as s:
        await queue(s, [message], event, ["console"])


async def _rows(db: Database) -> list[tuple[str, str, str | None, int]]:
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(text(
            "SELECT role, status, coalesce(channel, recipient), attempts FROM outbox ORDER BY id"))
        return [(str(r[0]), str(r[1]), r[2], int(r[3])) for r in rows]


async def _next_try(db: Database) -> str:
    async with db.session(read_only=True) as s:
        found = await (await s.connection()).execute(text(
            "SELECT next_try_at FROM outbox WHERE role = 'post'"))
        return str(found.scalar_one())


async def test_a_post_waits_for_the_room_and_goes_once_when_the_bot_comes_in(
        coop_db: Database) -> None:
    adapter = Outside(ROOM)
    bot, clock = await _bot(coop_db, adapter)
    try:
        await _post(coop_db)
        bot.loops["console"].wake.clear()
        assert await bot.drain() == 0
        assert bot.loops["console"].wake.is_set()  # the running loop comes back for the DMs
        assert await bot.drain() == 3
        # waiting, not failed, not counted; each coordinator told once, in a DM
        assert await _rows(coop_db) == [
            ("post", "pending", ROOM, 0),
            ("dm", "sent", "camille", 0), ("dm", "sent", "karim", 0),
            ("dm", "sent", "sophie", 0)]
        told = adapter.out.getvalue()
        assert told.count("Je ne suis pas membre du canal #cooperation") == 3
        assert "Merci de m’y inviter" in told

        # tried again a few minutes later (the clock moved), still waiting, nobody told again
        first_wait = await _next_try(coop_db)
        clock.advance(seconds=ABSENT_RETRY.total_seconds() + 1)
        await bot.drain()
        assert len(adapter.refused) == 2
        assert await _next_try(coop_db) > first_wait
        assert [r[:2] for r in await _rows(coop_db)] == [("post", "pending")] + [
            ("dm", "sent")] * 3

        # the bot is let in: the platform says so, the row is due at once, sent once
        adapter.outside.clear()
        outcome = await bot.receive(Joined(Actor("console", ""), (ROOM, "#other"), "j1"))
        assert outcome.result is Result.OK
        assert outcome.due == 1
        assert await bot.drain() == 1
        assert await bot.drain() == 0
        assert (await _rows(coop_db))[0] == ("post", "sent", ROOM, 0)
        assert adapter.out.getvalue().count("Résumé de la semaine") == 1
    finally:
        await bot.stop()


async def test_coordinators_are_told_again_only_after_the_bot_was_in_the_room(
        coop_db: Database) -> None:
    """Told once per absence, remembered in the database (a restart, another replica):
    a second bot on the same database says nothing; a removal after the bot was in does."""
    adapter = Outside(ROOM)
    bot, _ = await _bot(coop_db, adapter)
    await _post(coop_db)
    await bot.drain()
    await bot.stop()
    assert [r[0] for r in await _rows(coop_db)].count("dm") == 3
    again, _ = await _bot(coop_db, Outside(ROOM))  # a restart
    try:
        await _post(coop_db)
        await again.drain()
        assert len(again.adapters[0].refused) == 1  # type: ignore[attr-defined]
        assert [r[0] for r in await _rows(coop_db)].count("dm") == 3
        await again.receive(Joined(Actor("console", ""), (ROOM,), "j1"))
        assert again.adapters[0].outside  # type: ignore[attr-defined]
        again.adapters[0].outside.clear()  # type: ignore[attr-defined]
        await again.drain()
        again.adapters[0].outside.add(ROOM)  # type: ignore[attr-defined]  # removed later
        await _post(coop_db)
        await again.drain()
        assert [r[0] for r in await _rows(coop_db)].count("dm") == 6
    finally:
        await again.stop()


async def test_a_refusal_in_a_room_outside_the_directory_stands(coop_db: Database) -> None:
    """No one is expected to invite the bot back into a room the directory does not list:
    the refusal is final, as before, and no coordinator is bothered."""
    adapter = Outside("#somewhere")
    bot, _ = await _bot(coop_db, adapter)
    try:
        message = Message(target=Target(kind="channel", purpose="elsewhere"), blocks=[para("ok")])
        async with coop_db.session() as s:
            await repo.enqueue(s, [Outbox(platform="console", role=DeliveryRole.POST,
                                          channel="#somewhere",
                                          payload=Envelope(item=message).model_dump_json())])
        await bot.drain()
        assert await _rows(coop_db) == [("post", "failed", "#somewhere", 0)]
    finally:
        await bot.stop()


def test_the_notice_is_in_the_coordinators_language() -> None:
    english = presence.notice(Person(handle="ann", display_name="Ann", locale="en"), "coop")
    french = presence.notice(Person(handle="anne", display_name="Anne", locale="fr"), "coop")
    assert (english.target.kind, english.target.handle) == ("dm", "ann")
    assert plain(english.blocks).startswith("I am not a member of the channel #coop (")
    assert plain(french.blocks).startswith("Je ne suis pas membre du canal #coop (")
    assert (english.locale, french.locale) == ("en", "fr")
