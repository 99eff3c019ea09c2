"""The Slack adapter end to end: the real Bolt app over real HTTP on 127.0.0.1, a real
grappe Bot on the example cooperative, and a local fake of Slack's Web API.

A small test family ``X`` (a card with buttons, replies, reactions) exercises the
adapter's generic rendering without depending on any real command family.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.config import Settings
from bot.features import registry as load_all
from bot.slack import SlackAdapter
from commands.context import Context
from commands.events import Action, Actor, Command
from commands.messages import Choice, Choices, Heading, Message, Target, para
from commands.registry import Registry, command, on_action, on_reply
from commands.routing import plan
from storage.db import Database
from storage.models import utcnow
from storage.repo import outbox as repo
from tests.slack.fake_slack import TEAM, Call, FakeSlack
from tests.slack.payloads import SECRET, body_of, payload, signed

COOP = "C01COOPERA"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday 26 November 2026, 10:00 in Paris
HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: also run this Slack test on PostgreSQL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slack tests run on SQLite; those about storage (marked) also on PostgreSQL.

    The adapter's HTTP, signature and rendering paths do not depend on the
    database; a PostgreSQL schema per test costs about 1.5 s.
    """
    dropped = [item for item in items if item.path.is_relative_to(HERE)
               and "[postgresql" in item.nodeid and not item.get_closest_marker("both_backends")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]
CAMILLE, NADIA = "U01CAMILLE", "U07GRPE031"


def sample_registry() -> Registry:
    """Every real family, plus ``X``: ``/grappe xcard`` posts card X-1 with three choices."""
    base = load_all()
    registry = Registry(replies=dict(base.replies), actions=dict(base.actions),
                        choice_emojis={k: dict(v) for k, v in base.choice_emojis.items()},
                        extensions={k: dict(v) for k, v in base.extensions.items()})
    for spec in base.commands:
        registry.add(spec)

    @command(("xcard",), usage="/grappe xcard", summary="A test card.", registry=registry)
    async def xcard(ctx: Context, args: str) -> None:
        ctx.post(Heading(text="X-1 · essai"), para(args or "carte"), Choices(
            object_ref="X-1", options=[
                Choice(action="up", label="Pour", emoji="👍"),
                Choice(action="down", label="Contre", emoji="👎"),
                Choice(action="when", label="Quand…", emoji="📅", asks_text=True)]),
            card_of="X-1")

    @on_reply("X", registry=registry)
    async def reply(ctx: Context, text: str) -> None:
        ctx.acknowledge("✅", "noted")
        ctx.edit_card("X-1", Heading(text="X-1 · essai"), para(f"{ctx.person.handle}: {text}"))

    @on_action("X", emojis={"👍": "up", "👎": "down"}, registry=registry)
    async def act(ctx: Context, action: str) -> None:
        value = ctx.event.value if isinstance(ctx.event, Action) else ""
        ctx.edit_card("X-1", Heading(text="X-1 · essai"),
                      para(f"{ctx.person.handle}: {action} {value}".strip()))

    return registry


class Clock:
    """The delivery loop's clock, moved by hand when a test drains by itself."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)  # rows queued by the test are due

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 3600) -> None:
        self.now += timedelta(seconds=seconds)


def find_button(blocks: list[dict[str, Any]], which: int | str,
                ref: str | None = None) -> tuple[str, dict[str, Any]]:
    """The block id and the button: the ``which``-th of the first row (of ``ref``'s rows),
    or the button of action ``which`` (``2:maybe``) on any row."""
    rows = [b for b in blocks if b["type"] == "actions"
            and (ref is None or b.get("block_id", "").startswith(f"grappe:{ref}"))]
    if isinstance(which, int):
        return rows[0]["block_id"], rows[0]["elements"][which]
    return next((row["block_id"], e) for row in rows for e in row["elements"]
                if e["action_id"] == f"grappe:choice:{which}")


@dataclass
class SlackHarness:
    adapter: SlackAdapter
    bot: Bot
    fake: FakeSlack
    http: aiohttp.ClientSession
    db: Database
    clock: Clock = field(default_factory=Clock)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        assert self.adapter.http is not None
        return f"{self.adapter.http.url}/slack/events"

    async def send(self, kind: str, data: dict[str, Any], *, secret: str = SECRET,
                   timestamp: int | None = None,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
        """POST a payload signed as Slack signs it; returns the status and the body."""
        body, content_type = body_of(kind, data)
        sent = {"Content-Type": content_type, **signed(body, secret=secret, timestamp=timestamp),
                **(headers or {})}
        async with self.http.post(self.url, data=body.encode(), headers=sent) as response:
            return response.status, await response.text()

    async def command(self, text: str, user: str = CAMILLE, channel: str = COOP,
                      **kwargs: Any) -> tuple[int, str]:
        data = payload("slash_command", text=text, user_id=user, channel_id=channel,
                       trigger_id=f"7{next(self._ids):03d}.1.trigger")
        return await self.send("command", data, **kwargs)

    async def card(self, text: str = "") -> str:
        """Post card X-1 through the bot; returns its Slack ts."""
        before = len(self.fake.delivered("chat.postMessage"))
        status, _ = await self.command(f"xcard {text}".strip())
        assert status == 200
        calls = await self.fake.wait_calls("chat.postMessage", before + 1)
        await self.settle()  # the card's message reference is recorded: replies map to it
        return str(calls[-1].response["ts"])

    async def click(self, card: Call, which: int | str, user: str) -> tuple[int, str]:
        """``user`` clicks a button of a posted card (a block_actions payload): the
        ``which``-th of its first row, or the one of action ``which`` on any row."""
        block, button = find_button(card.args["blocks"], which)
        ts, trigger = card.response["ts"], f"8{next(self._ids):03d}.1.click"
        data = payload("block_actions", trigger_id=trigger, user={
            "id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}, **{
            "message.ts": ts, "container.message_ts": ts,
            "actions": [{**button, "type": "button", "block_id": block,
                         "action_ts": f"{trigger}.0"}]})
        return await self.send("block_actions", data)

    async def reply(self, thread_ts: str, text: str, user: str) -> dict[str, Any]:
        """``user`` writes ``text`` in the thread of ``thread_ts``; returns the event sent."""
        n = next(self._ids)
        data = payload("message_in_thread", event_id=f"Ev08REPLY{n:03d}", **{
            "event.thread_ts": thread_ts, "event.user": user, "event.text": text,
            "event.ts": f"1700009{n:03d}.000100", "event.event_ts": f"1700009{n:03d}.000100"})
        status, _ = await self.send("event", data)
        assert status == 200
        return data

    async def edit(self, sent: dict[str, Any], text: str) -> dict[str, Any]:
        """The author of ``sent`` (a payload sent before: a reply, a mention) changes its text
        to ``text``: Slack sends a ``message_changed``. Returns the message as it now reads
        (to be edited again)."""
        n, before = next(self._ids), sent["event"]
        kept = {k: before[k] for k in ("user", "ts", "thread_ts") if k in before}
        previous = {"type": "message", **kept, "text": before["text"]}
        now = {**previous, "text": text, "edited": {"user": before["user"],
                                                    "ts": f"1700010{n:03d}.000000"}}
        data = payload("message_changed", event_id=f"Ev08EDIT{n:03d}", **{
            "event.channel": before["channel"],
            "event.channel_type": before.get("channel_type", "channel"),
            "event.ts": f"1700010{n:03d}.000200", "event.event_ts": f"1700010{n:03d}.000200",
            "event.message": now, "event.previous_message": previous})
        status, _ = await self.send("event", data)
        assert status == 200
        return {**sent, "event": {**before, "text": text}}

    async def settle(self) -> None:
        """Every message queued so far has been handled (delivered, or set for a retry).

        One delivery loop sends rows in order, so once the answer to a later
        ``/grappe moi`` arrives, every earlier row has been dealt with.
        """
        def answers(fake: FakeSlack) -> int:  # only this answer: others may still arrive
            return sum(1 for c in fake.delivered("chat.postEphemeral")
                       if c.args["user"] == CAMILLE and f"slack {CAMILLE}" in c.text())

        before = answers(self.fake)
        status, _ = await self.command("moi")
        assert status == 200
        await self.fake.wait_for(lambda f: answers(f) > before)


StartSlack = Callable[..., Awaitable[SlackHarness]]

CHANNEL = Target(kind="channel", purpose="cooperation")


async def enqueue(db: Database, *messages: Message) -> None:
    """Queue messages as a command of Camille's on Slack would (routing, then the outbox)."""
    event = Command(actor=Actor("slack", CAMILLE), text="", event_id="test", place=COOP)
    async with db.session() as s:
        await repo.enqueue(s, await plan(s, messages, event, ["slack"]))


async def statuses(db: Database) -> list[tuple[str, str, str | None]]:
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(
            text("SELECT role, status, last_error FROM outbox ORDER BY id"))
        return [tuple(r) for r in rows]  # type: ignore[misc]




@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def start_slack(coop_db: Database, fake_slack: FakeSlack) -> AsyncIterator[StartSlack]:
    """Start the adapter (HTTP mode, any free port); ``background=False`` to drain by hand."""
    started: list[SlackHarness] = []
    http = aiohttp.ClientSession()

    async def start(*, background: bool = True, **overrides: Any) -> SlackHarness:
        settings = Settings(**{
            "DATABASE_URL": coop_db.url, "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.api_url,
            "GRAPPE_SERVE_HTTP": True, "GRAPPE_HOST": "127.0.0.1", "PORT": 0,
            "SLACK_TIMEOUT": 5, **overrides})
        adapter = SlackAdapter(settings)
        bot = Bot(settings, coop_db, [adapter], registry=sample_registry())
        harness = SlackHarness(adapter, bot, fake_slack, http, coop_db)
        bot.loops["slack"].clock = harness.clock if not background else utcnow
        await bot.start(background_delivery=background)
        await adapter.start(bot.receive)
        started.append(harness)
        return harness

    yield start
    for harness in started:
        await harness.adapter.stop()
        await harness.bot.stop()
    await http.close()


@pytest.fixture
async def slack(start_slack: StartSlack) -> SlackHarness:
    return await start_slack()


@pytest.fixture
async def slack_now(start_slack: StartSlack, tmp_path: Path) -> SlackHarness:
    """The harness with the commands' clock stopped at ``NOW``, charts written in tmp_path."""
    harness = await start_slack(GRAPPE_FILES_DIR=str(tmp_path / "files"))
    harness.bot.dispatcher.clock = lambda: NOW
    return harness


async def booking_rows(db: Database) -> list[tuple[int, str, str]]:
    """Every booking as ``(id, resource slug, status)``, in order."""
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(text(
            "SELECT b.id, r.slug, b.status FROM bookings b JOIN resources r "
            "ON r.id = b.resource_id ORDER BY b.id"))
        return [tuple(r) for r in rows]  # type: ignore[misc]
