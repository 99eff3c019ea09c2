"""``grappe serve`` as the Procfile runs it: a real process, Slack's events over HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

import aiohttp
import pytest

from storage.db import Database
from tests.slack.conftest import CAMILLE
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import SECRET, body_of, payload, signed


async def _line_matching(stream: asyncio.StreamReader, pattern: str, within: float = 60) -> str:
    async def read() -> str:
        while line := (await stream.readline()).decode():
            if re.search(pattern, line):
                return line
        raise AssertionError(f"the process ended before printing {pattern!r}")
    return await asyncio.wait_for(read(), within)


async def test_grappe_serve_receives_slack_events_and_stops_cleanly(
        coop_db: Database, fake_slack: FakeSlack) -> None:
    if not coop_db.url.startswith("sqlite"):
        pytest.skip("the process opens the database by its URL")
    env = {**os.environ, "DATABASE_URL": coop_db.url, "SLACK_BOT_TOKEN": "xoxb-test-token",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.api_url}
    for name in ("SLACK_APP_TOKEN", "PORT", "GRAPPE_LOCALE"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0",
        env=env, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    try:
        line = await _line_matching(process.stderr, r"serves HTTP on http://127\.0\.0\.1:\d+")
        rest = asyncio.create_task(process.stderr.read())  # never let the pipe fill up
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)  # type: ignore[union-attr]
        body, content_type = body_of("command", payload("slash_command", text="membres"))
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/healthz") as health:
                assert health.status == 200
            async with http.get(f"{url}/readyz") as ready:
                assert ready.status == 200, await ready.text()
                assert (await ready.json())["adapters"] == {"slack": True}
            async with http.post(f"{url}/slack/events", data=body.encode(), headers={
                    "Content-Type": content_type, **signed(body)}) as response:
                assert response.status == 200
        [reply] = await fake_slack.wait_for(lambda f: [
            c for c in f.delivered("chat.postEphemeral") if c.args["user"] == CAMILLE], 30)
        assert "entreprises membres" in reply.text()
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 30)
    log = (await rest).decode()
    assert code == 0, log
    # the service logs at INFO: one line for the command, one for its delivery, no text
    assert re.search(r"inbound platform=slack event=\S+ kind=command actor=U\w+ "
                     r"command=membres outcome=ok", log), log
    assert re.search(r"delivery platform=slack row=\d+ role=ephemeral .*outcome=sent", log), log
    assert "entreprises membres" not in log
