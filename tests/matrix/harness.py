"""Helpers of the Matrix end-to-end tests: the bot on the test server, rooms, waits."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from nio import AsyncClient, LoginResponse, RoomPreset
from sqlalchemy import text

from bot.app import Bot
from bot.cli_directory import import_directory, read_file
from bot.config import Settings
from bot.matrix import MatrixAdapter, create_adapter
from commands.i18n import translator
from commands.registry import Registry
from storage.db import Database
from storage.repo import adapter_state as state_repo
from tests.matrix.members import Member, Seen
from tests.matrix.synapse import SERVER_NAME, Synapse

BOT = f"@grappe:{SERVER_NAME}"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cooperative.toml"
EXAMPLE_ROOM = 'matrix = "!cooperation:grappe.example"'  # the example file's cooperation room
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday 26 November 2026, 10:00 in Paris


def user(name: str) -> str:
    return f"@{name}:{SERVER_NAME}"


def password(name: str) -> str:
    return f"pw-{name}-secret"


async def token_of(synapse: Synapse, name: str, device: str) -> str:
    """An access token of ``name``'s, as a person gets one from their client."""
    client = AsyncClient(synapse.url, user(name))
    try:
        resp = await client.login(password(name), device_name=device)
        assert isinstance(resp, LoginResponse), resp
        assert resp.device_id
        return str(resp.access_token)
    finally:
        await client.close()


# the client room of the example directory's Mairie de Roubaix, as a directory file adds it
# (``use_as_cooperation_room(..., more=CLIENT_ROOM.format(room=alias_or_id))``)
CLIENT_ROOM = """
[[channels]]
name = "mairie-roubaix"
purpose = "client"
client = "mairie-roubaix"
matrix = "{room}"
"""


class BotHarness:
    """The bot as ``grappe run`` starts it on Matrix, on the test's database."""

    def __init__(self, db: Database, synapse: Synapse, store: Path):
        self.db = db
        self.synapse = synapse
        self.bot_id = f"@grappe:{synapse.server_name}"
        self.settings = Settings(DATABASE_URL=db.url, MATRIX_HOMESERVER=synapse.url,
                                 MATRIX_USER_ID=self.bot_id, MATRIX_PASSWORD=password("grappe"),
                                 MATRIX_STORE_PATH=str(store))
        self.bot: Bot | None = None
        self.adapter: MatrixAdapter | None = None

    async def start(self, *, registry: Registry | None = None,
                    timeline_limit: int | None = None) -> MatrixAdapter:
        adapter = create_adapter(self.settings, self.db)
        if timeline_limit is not None:
            adapter.timeline_limit = timeline_limit
        bot = Bot(self.settings, self.db, [adapter], registry=registry)
        await bot.start()
        self.bot, self.adapter = bot, adapter
        await adapter.start(bot.receive)
        return adapter

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
        if self.bot is not None:
            await self.bot.stop()
        self.adapter = self.bot = None

    async def log_out(self) -> None:
        await log_out_bot(self.db, self.synapse.url)


async def log_out_bot(db: Database, homeserver: str) -> None:
    """The bot's device of this test (its session in ``db``) deleted with its keys, once it
    is stopped: the members' encrypting devices of later tests share their room keys with
    no stale device of the bot."""
    async with db.session(read_only=True) as s:
        token = await state_repo.get_state(s, "matrix", "access_token")
    if token is None:
        return
    async with aiohttp.ClientSession() as http, http.post(
            f"{homeserver}/_matrix/client/v3/logout",
            headers={"Authorization": f"Bearer {token}"}) as resp:
        await resp.read()


async def start_at(harness: BotHarness, now: datetime = NOW) -> MatrixAdapter:
    """Start the bot with its clock stopped at ``now`` (dates typed in tests stay meaningful)."""
    adapter = await harness.start()
    assert harness.bot is not None
    harness.bot.dispatcher.clock = lambda: now
    return adapter


async def use_as_cooperation_room(db: Database, room: str, homeserver: str,
                                  *, more: str = "", server_name: str = SERVER_NAME) -> None:
    """Make ``room`` (its id or an alias) the Matrix cooperation channel, as a person does:
    the example directory file with that room (and the entries ``more`` adds), loaded as
    ``grappe directory import`` loads it (aliases resolved by the homeserver). No room id
    is written by a test. ``server_name``: the people's server, when it is not the
    example's (their Matrix ids are moved there)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert EXAMPLE_ROOM in text
    text = text.replace(EXAMPLE_ROOM, f'matrix = "{room}"')
    if server_name != SERVER_NAME:
        text = text.replace(f':{SERVER_NAME}"', f':{server_name}"')
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cooperative.toml"
        path.write_text(text + more, encoding="utf-8")
        settings = Settings(DATABASE_URL=db.url, MATRIX_HOMESERVER=homeserver)
        data = await read_file(settings, path, translator("fr"))
    await import_directory(db, data)


def joined(user_id: str) -> Callable[[Seen], bool]:
    return lambda s: (s.event.source.get("type") == "m.room.member"
                      and s.event.source.get("state_key") == user_id
                      and s.content.get("membership") == "join")


def from_bot(room_id: str | None = None, bot: str = BOT) -> Callable[[Seen], bool]:
    """Messages (not reactions) the bot sent, in ``room_id`` or anywhere."""
    return lambda s: (s.sender == bot and s.event.source.get("type") == "m.room.message"
                      and (room_id is None or s.room_id == room_id))


def dm_from_bot(room_id: str, text: str) -> Callable[[Seen], bool]:
    """A bot message outside ``room_id`` (a member's direct room) containing ``text``."""
    return lambda s: from_bot()(s) and s.room_id != room_id and text in s.body


def bot_reactions_on(event_id: str, bot: str = BOT) -> Callable[[Seen], bool]:
    """The reactions the bot put on ``event_id`` (the choices a card offers)."""
    return lambda s: (s.sender == bot and s.relates.get("rel_type") == "m.annotation"
                      and s.relates.get("event_id") == event_id)


def bot_edit_of(card_id: str, text: str) -> Callable[[Seen], bool]:
    """The bot's edit (m.replace) of ``card_id`` whose new text contains ``text``."""
    return lambda s: (s.sender == BOT and s.relates.get("rel_type") == "m.replace"
                      and s.relates.get("event_id") == card_id
                      and text in s.content["m.new_content"]["body"])


async def open_room(creator: Member, others: list[Member], db: Database,
                    *, cooperation: bool = True, invite_bot: bool = True, **create: Any) -> str:
    """A room created as Element creates a private room (the server's default room
    version, the private preset, an alias a person can copy), joined by ``others``, then
    the bot invited (unless ``invite_bot`` is False: ``invite_bot_to`` later). A
    cooperation room is named by its alias in the directory file, imported before the bot
    is invited."""
    alias = f"salon-{uuid.uuid4().hex[:10]}"
    create.setdefault("preset", RoomPreset.private_chat)
    room_id = await creator.create_room(invite=[m.user_id for m in others], alias=alias,
                                        **create)
    await asyncio.gather(*(m.join(room_id) for m in others))
    if cooperation:
        await use_as_cooperation_room(db, f"#{alias}:{SERVER_NAME}",
                                      creator.client.homeserver)
    if invite_bot:
        await invite_bot_to(creator, room_id)
    return room_id


async def invite_bot_to(member: Member, room_id: str) -> None:
    """``member`` invites the bot into ``room_id`` and sees it join."""
    await member.invite(room_id, BOT)
    await member.wait_for(lambda s: s.room_id == room_id and joined(BOT)(s))


async def open_direct(member: Member, room_id: str) -> str:
    """The member's direct room with the bot, opened by a first command and joined.

    A message the bot sends to a room the person has not joined yet notifies no one
    (push rules are evaluated for members only; the invitation itself notifies)."""
    await member.say(room_id, "!grappe moi")
    reply, = await member.wait_for(dm_from_bot(room_id, ""))
    return reply.room_id


async def notified(member: Member, text: str, within: float = 20.0) -> dict[str, Any]:
    """The bot's message containing ``text`` among the member's notifications, of an event
    the member saw in this test (the server, and so the notifications, outlive a test)."""
    found: list[dict[str, Any]] = []

    async def listed() -> bool:
        seen = {s.event.event_id for s in member.seen}
        found[:] = [n for n in await member.notifications()
                    if n["event"]["sender"] == BOT and n["event"]["event_id"] in seen
                    and text in n["event"]["content"].get("body", "")]
        return bool(found)

    await eventually(listed, within, what=f"{member.user_id} to be notified of {text!r}")
    return found[0]


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0,
                     what: str = "condition") -> None:
    """Wait until ``check()`` holds, looking again every 50 ms, at most ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def outbox(db: Database) -> list[tuple[str, str, int]]:
    """(role, status, attempts) of every Matrix outbox row, oldest first."""
    async with db.session(read_only=True) as s:
        conn = await s.connection()
        rows = await conn.execute(text(
            "SELECT role, status, attempts FROM outbox WHERE platform = 'matrix' ORDER BY id"))
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


async def all_sent(db: Database) -> bool:
    """Every Matrix outbox row is sent."""
    return all(status == "sent" for _role, status, _attempts in await outbox(db))


async def count(db: Database, table: str, where: str = "1 = 1") -> int:
    async with db.session(read_only=True) as s:
        conn = await s.connection()
        rows = await conn.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"))
        return int(rows.scalar_one())


async def handled_events(db: Database) -> int:
    return await count(db, "inbound_events", "platform = 'matrix'")
