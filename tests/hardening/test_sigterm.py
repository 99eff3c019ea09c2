"""SIGTERM on a real ``grappe serve`` (Slack over HTTP, its Web API the local fake): the
command in flight finishes, is committed and acknowledged; the rows not delivered stay
pending; the scheduler stops; the process exits 0 with no traceback (issue #9)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import Bot
from bot.config import Settings
from bot.slack import SlackAdapter
from commands.directory.file import load
from commands.directory.importing import apply
from storage.db import Database
from tests.conftest import EXAMPLE
from tests.hardening import figures
from tests.hardening.faults_support import HoldingSlack, outbox_rows
from tests.matrix.harness import count
from tests.slack.conftest import CAMILLE, NADIA
from tests.slack.fake_socket import SocketSlack
from tests.slack.payloads import SECRET, body_of, payload, signed

ASK_A = "demande Mairie de Roubaix : une ressourcerie, de la com et de la compta"
ASK_B = "demande CCAS de Lille : un bilan comptable pour le 30 janvier"
SENDS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "reactions.add")


@pytest.fixture
async def sqlite_coop(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """The example cooperative in a SQLite file, which the process opens by its URL."""
    path = tmp_path / "grappe.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with db.session() as s:
        await apply(s, load(EXAMPLE))
    yield db
    await db.dispose()


@pytest.fixture
async def fake() -> AsyncIterator[HoldingSlack]:
    slack = HoldingSlack()
    await slack.start()
    yield slack
    await slack.stop()


class Stderr:
    """The process's stderr, read as it comes, so that a test can wait for a line."""

    def __init__(self, stream: asyncio.StreamReader):
        self.lines: list[str] = []
        self._new = asyncio.Event()
        self._task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.lines.append(line.decode(errors="replace"))
            self._new.set()
        self._new.set()

    async def wait_for(self, pattern: str, within: float = 30) -> str:
        async def find() -> str:
            while True:
                found = next((x for x in self.lines if re.search(pattern, x)), None)
                if found is not None:
                    return found
                if self._task.done():
                    raise AssertionError(f"the process ended before {pattern!r}:\n{self.text}")
                self._new.clear()
                await self._new.wait()
        return await asyncio.wait_for(find(), within)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    async def end(self) -> str:
        await self._task
        return self.text


async def command_in_flight(url: str, text_: str, user: str
                            ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    """Send a slash command's headers with ``Expect: 100-continue`` and wait for the
    server's go-ahead: the request is then in the server's hands, its handler running
    and waiting for the body, which is returned to be sent later."""
    body, content_type = body_of("command", payload(
        "slash_command", text=text_, user_id=user, trigger_id="7002.1.inflight"))
    raw = body.encode()
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    headers = {"Host": f"{host}:{port}", "Content-Type": content_type,
               "Content-Length": str(len(raw)), "Expect": "100-continue", "Connection": "close", **signed(body)}
    writer.write(("POST /slack/events HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode())
    await writer.drain()
    go = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    assert go.startswith(b"HTTP/1.1 100"), go
    return reader, writer, raw


async def test_sigterm_finishes_the_command_in_flight_and_keeps_the_outbox(
        sqlite_coop: Database, fake: HoldingSlack) -> None:
    env = {**os.environ, "DATABASE_URL": sqlite_coop.url, "SLACK_BOT_TOKEN": "xoxb-test-token",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "SLACK_TIMEOUT": "30", "GRAPPE_LOG_LEVEL": "INFO"}
    for name in ("SLACK_APP_TOKEN", "PORT", "GRAPPE_LOCALE", "MATRIX_HOMESERVER"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0",
        env=env, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    stderr = Stderr(process.stderr)
    try:
        line = await stderr.wait_for(r"serves HTTP on http://127\.0\.0\.1:\d+")
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)  # type: ignore[union-attr]
        fake.hold("chat.postMessage")  # Slack slow to answer: deliveries stay in flight
        body, content_type = body_of("command", payload(
            "slash_command", text=ASK_A, user_id=CAMILLE, trigger_id="7001.1.first"))
        async with aiohttp.ClientSession() as http, http.post(
                f"{url}/slack/events", data=body.encode(),
                headers={"Content-Type": content_type, **signed(body)}) as first:
            assert first.status == 200
        await fake.wait_held()  # R-1's card is being posted
        reader, writer, rest = await command_in_flight(url, ASK_B, NADIA)

        process.send_signal(signal.SIGTERM)
        await stderr.wait_for("grappe is stopping")
        writer.write(rest)  # the command in flight goes on after the signal
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)
        writer.close()
        fake.release()  # the sends in flight end; the loops stop before the next rows
        code = await asyncio.wait_for(process.wait(), 60)
        log = await stderr.end()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == 0, log
    assert "Traceback" not in log
    assert answer.startswith(b"HTTP/1.1 200"), answer  # acknowledged
    assert "Scheduler has been shut down" in log
    assert log.index("grappe is stopping") < log.index("event=command:7002.1.inflight")

    async with sqlite_coop.session(read_only=True) as s:
        titles = (await (await s.connection()).execute(text(
            "SELECT client FROM requests ORDER BY id"))).scalars().all()
    assert titles == ["Mairie de Roubaix", "CCAS de Lille"]  # the second one committed
    rows = await outbox_rows(sqlite_coop)
    statuses = {status for _, _, status, _ in rows}
    assert statuses <= {"sent", "pending"}, rows  # nothing failed, nothing lost
    assert await count(sqlite_coop, "outbox", "object_ref = 'R-2' AND status = 'pending'") > 0
    assert await count(sqlite_coop, "outbox", "object_ref = 'R-2' AND status <> 'pending'") == 0
    delivered = len(fake.delivered(*SENDS))
    assert delivered == await count(sqlite_coop, "outbox", "status = 'sent'")

    # the next start delivers what was pending, once each
    settings = Settings(DATABASE_URL=sqlite_coop.url, SLACK_BOT_TOKEN="xoxb-test-token",
                        SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url)
    adapter = SlackAdapter(settings)
    bot = Bot(settings, sqlite_coop, [adapter])
    await bot.start(background_delivery=False)
    try:
        while await bot.drain():
            pass
    finally:
        await bot.stop()
        await adapter.stop()
    assert {status for _, _, status, _ in await outbox_rows(sqlite_coop)} == {"sent"}
    assert len(fake.delivered(*SENDS)) == len(rows)
    figures.add("fault scenarios survived", "SIGTERM with a command and deliveries in flight")


async def test_socket_mode_sigterm_finishes_the_envelope_in_hand(sqlite_coop: Database) -> None:
    """Issue #17: in Socket Mode, SIGTERM while a command waits for its write turn (a slow
    database) — it commits and is acknowledged on the socket before the bot closes it and
    exits 0 (``bot.slack.socket``)."""
    fake = SocketSlack()
    await fake.start()
    env = {**os.environ, "DATABASE_URL": sqlite_coop.url, "SLACK_BOT_TOKEN": "xoxb-test-token",
           "SLACK_APP_TOKEN": "xapp-1-test", "SLACK_API_URL": fake.api_url,
           "GRAPPE_LOG_LEVEL": "DEBUG"}  # slack_sdk says at DEBUG when an envelope is in hand
    for name in ("SLACK_SIGNING_SECRET", "PORT", "GRAPPE_LOCALE", "MATRIX_HOMESERVER"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    stderr = Stderr(process.stderr)
    lock = sqlite3.connect(sqlite_coop.url.split("///", 1)[1], isolation_level=None)
    try:
        await stderr.wait_for("grappe is running on slack")
        await fake.connected()
        lock.execute("BEGIN IMMEDIATE")  # the database slow to give a write turn
        first = await fake.envelope("slash_commands", payload(
            "slash_command", text=ASK_B, user_id=NADIA, trigger_id="7101.1.socket"))
        await stderr.wait_for(rf"Message processing started \(type: slash_commands, "
                              rf"envelope_id: {first}")
        process.send_signal(signal.SIGTERM)
        await stderr.wait_for("grappe is stopping")
        lock.execute("ROLLBACK")  # the write turn comes: the command in hand goes on
        ack = await fake.ack_of(first)
        code = await asyncio.wait_for(process.wait(), 60)
        log = await stderr.end()
    finally:
        lock.close()
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()
    assert code == 0, log[-3000:]
    assert "Traceback" not in log
    assert ack == {"envelope_id": first}  # acknowledged at once; the answer is in the outbox
    async with sqlite_coop.session(read_only=True) as s:
        clients = (await (await s.connection()).execute(text(
            "SELECT client FROM requests ORDER BY id"))).scalars().all()
    assert clients == ["CCAS de Lille"]  # the command in hand committed
    assert await count(sqlite_coop, "inbound_events", "1 = 1") == 1
    rows = await outbox_rows(sqlite_coop)
    assert {status for _, _, status, _ in rows} <= {"sent", "pending"}, rows
    assert await count(sqlite_coop, "outbox", "object_ref = 'R-1'") > 0  # its card, its reply
    figures.add("fault scenarios survived", "SIGTERM in Socket Mode with a command in hand")
