"""``grappe serve`` without Slack: the health check and the iCal feeds, over real HTTP."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from icalendar import Calendar

from bot.config import Settings
from bot.runner import run_platforms
from storage.db import Database


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
