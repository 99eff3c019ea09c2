"""``grappe serve`` without Slack: the health check and the iCal feeds, over real HTTP."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from icalendar import Calendar

from bot.config import Settings
from bot.health import readiness
from bot.runner import run_platforms
from storage.db import Database
from storage.models import Outbox
from storage.repo import outbox as repo
from tests.conftest import Console


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_serve_carries_the_ical_feeds_without_any_platform(coop_db: Database) -> None:
    port = _free_port()
    settings = Settings(DATABASE_URL=coop_db.url, GRAPPE_SERVE_HTTP=True, GRAPPE_HOST="127.0.0.1",
                        PORT=port, GRAPPE_ICAL_TOKEN="s3cret")
    stop = asyncio.Event()
    task = asyncio.create_task(run_platforms(settings, stop, db=coop_db))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):  # wait until it listens (a condition, not a fixed sleep)
                try:
                    async with http.get(f"{base}/healthz") as health:
                        assert health.status == 200
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            async with http.get(f"{base}/readyz") as ready:
                assert ready.status == 200
                report = await ready.json()
                assert report["ready"] is True
                assert report["database"] == {"ok": True}
                assert report["adapters"] == {}
                assert isinstance(report["outbox"], dict)
            async with http.get(f"{base}/ical/all.ics?token=s3cret") as feed:
                assert feed.status == 200
                assert feed.content_type == "text/calendar"
                Calendar.from_ical(await feed.read())
            async with http.get(f"{base}/ical/all.ics?token=wrong") as refused:
                assert refused.status == 403
                assert "BEGIN:VCALENDAR" not in await refused.text()
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


class _Adapter:
    platform = "matrix"
    connected = True
    outside: frozenset[str] = frozenset()  # the rooms the bot is not in

    def member_of(self, channel: str) -> bool | None:
        return channel not in self.outside


async def test_ready_reports_the_backlog_and_a_disconnected_adapter(console: Console) -> None:
    db = console.bot.db
    await console.run("nadia: /grappe demande CCAS : un devis pour des chaises")  # delivered
    async with db.session() as s:  # and one row that waits on Matrix
        await repo.enqueue(s, [Outbox(platform="matrix", payload="{}", channel="!room")])
    adapter = _Adapter()
    ok, report = await readiness(db, [adapter])
    assert ok
    assert report["adapters"] == {"matrix": True}
    assert report["outbox"]["matrix"]["pending"] == 1
    assert report["outbox"]["matrix"]["oldest_pending_seconds"] >= 0
    assert "console" not in report["outbox"]  # everything there was delivered
    assert report["not_in_rooms"] == {}
    adapter.connected = False
    ok, report = await readiness(db, [adapter])
    assert not ok
    assert report["adapters"] == {"matrix": False}


async def test_ready_names_the_directory_rooms_the_bot_is_not_in(console: Console) -> None:
    """A room the bot waits to be invited to is named by its directory name; the replica
    stays ready (another one would not be let in either)."""
    adapter = _Adapter()
    adapter.outside = frozenset({"!cooperation:grappe.example", "!elsewhere:grappe.example"})
    ok, report = await readiness(console.bot.db, [adapter])
    assert ok
    assert report["not_in_rooms"] == {"matrix": ["cooperation"]}  # not a room of no channel


async def test_not_ready_when_the_database_does_not_answer() -> None:
    # nothing listens there (a SQLite file that cannot be opened would leave aiosqlite's
    # thread finishing its stop after the test's event loop is closed: a library race)
    db = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        ok, report = await readiness(db, [])
    finally:
        await db.dispose()
    assert not ok
    assert report["database"]["ok"] is False
    assert report["database"]["error"]
