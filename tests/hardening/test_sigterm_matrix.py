"""Issue #16, Matrix as deployed: SIGTERM while the homeserver hangs.

``grappe run`` on the real Synapse; a member asks for a request (a card, its reactions,
direct messages to the consulted people) and Synapse is frozen with SIGSTOP as soon as
the command is committed, so the bot's sends hang on open connections. SIGTERM must end
the bot within 10 s (the grace of Heroku or Kubernetes is 30 s): the sends in flight are
cut short and stay in the outbox. Synapse then continues (and may still carry out the
requests it had received), the bot starts again and delivers what was left: each row's
events reach Matrix exactly once, counted by transaction id as the crash campaign does.
The same bound holds when the homeserver hangs before the bot is even running.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage.db import Database
from storage.models import AdapterState
from tests.hardening import figures
from tests.hardening.crash import matrix_run
from tests.hardening.crash.campaign import prepare, sqlite_url
from tests.hardening.crash.process import GRAPPE, BotProcess, bot_env
from tests.hardening.crash.reference import Verdict
from tests.matrix.conftest import synapse  # noqa: F401 (a Synapse of this module's own)
from tests.matrix.harness import BOT, count, eventually, from_bot, open_room, password, user
from tests.matrix.members import Member
from tests.matrix.synapse import Synapse
from tests.matrix.test_request_flow import REQUEST

STOP_WITHIN = 10.0  # the bound, well under a platform's 30 s grace
CONSULTED = ("nadia", "marion", "olivia")  # the people REQUEST consults


async def _stored_token(db: Database) -> str:
    async with db.session(read_only=True) as s:
        row = await s.get(AdapterState, ("matrix", "access_token"))
    assert row is not None
    return row.value


async def _all_sent(db: Database) -> bool:
    return await count(db, "outbox", "status <> 'sent'") == 0


@pytest.fixture
async def bots(sqlite_template: Path, synapse: Synapse,  # noqa: F811
               tmp_path: Path) -> AsyncIterator[tuple[Database, Callable[[], BotProcess]]]:
    """The example cooperative in a SQLite file, and a function that starts ``grappe run``
    on it (its log in ``bot.log``); a bot still running at the end is killed."""
    path = tmp_path / "grappe.db"
    db = await prepare(sqlite_template, path)
    env = bot_env(sqlite_url(path), MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID=BOT,
                  MATRIX_PASSWORD=password("grappe"), GRAPPE_LOG_LEVEL="INFO")
    started: list[BotProcess] = []

    def start() -> BotProcess:
        bot = BotProcess([*GRAPPE, "run"], env, stdout=tmp_path / "bot.out",
                         log=tmp_path / "bot.log")
        bot.start()
        started.append(bot)
        return bot

    try:
        yield db, start
    finally:
        for bot in started:
            bot.kill()
        await db.dispose()


async def sigterm(bot: BotProcess) -> tuple[int, float, str]:
    """SIGTERM, then (exit code, seconds to exit, the bot's log)."""
    assert bot.process is not None
    sent = time.monotonic()
    bot.process.send_signal(signal.SIGTERM)
    code = await bot.wait(within=60)
    took = time.monotonic() - sent
    return code, took, bot.log_path.read_text(errors="replace")


async def test_sigterm_with_the_homeserver_frozen_exits_in_time_and_loses_nothing(
        bots: tuple[Database, Callable[[], BotProcess]], synapse: Synapse) -> None:  # noqa: F811
    db, start = bots
    await asyncio.to_thread(matrix_run.register_everyone, synapse)
    people = [Member(synapse.url, user(name), password(name)) for name in ("camille", *CONSULTED)]
    try:
        for member in people:
            await member.start()
        camille, nadia = people[0], people[1]
        bot = start()
        room = await open_room(camille, people[1:], db)
        await nadia.say(room, "!grappe moi")  # the bot syncs and answers
        await nadia.wait_for(lambda s: from_bot()(s) and "Nadia Benali" in s.body, within=30)
        await eventually(lambda: _all_sent(db), what="the first reply marked sent")
        before = await count(db, "outbox")

        await nadia.say(room, REQUEST)
        await _committed(db, before)
        with synapse.frozen():
            code, took, log = await sigterm(bot)
            left = await count(db, "outbox", "status = 'pending'")
        print(f"\nSIGTERM with Synapse frozen: exited in {took:.2f}s, {left} row(s) left")
        assert code == 0, log[-4000:]
        assert took < STOP_WITHIN, log[-4000:]
        assert "Traceback" not in log, log[-4000:]
        assert left > 0  # sends were cut short, not all done before the freeze
        assert await count(db, "outbox", "status = 'failed'") == 0

        bot = start()  # Synapse continued: what was left goes out, once
        await eventually(lambda: _all_sent(db), within=60, what="every row sent after restart")
        code, took, log = await sigterm(bot)
        assert code == 0, log[-4000:]
        verdict = Verdict()
        events = await matrix_run.bot_events(synapse.url, await _stored_token(db))
        counts = await matrix_run.check_sink(db, events, verdict)
        assert (verdict.lost, verdict.duplicates) == (0, 0), verdict.details
        assert counts["events"] == counts["distinct event ids"]
        assert counts["events without transaction id"] == 0
        figures.add("fault scenarios survived", "SIGTERM with the Matrix homeserver frozen")
    finally:
        await asyncio.gather(*(m.stop() for m in people))


async def test_sigterm_while_the_homeserver_hangs_at_start_exits_in_time(
        bots: tuple[Database, Callable[[], BotProcess]], synapse: Synapse) -> None:  # noqa: F811
    _, start = bots
    with synapse.frozen():
        bot = start()
        await _waiting_on(synapse.port)  # its login hangs on the frozen homeserver
        code, took, log = await sigterm(bot)
    print(f"\nSIGTERM while starting, Synapse frozen: exited in {took:.2f}s")
    assert code == 0, log[-4000:]
    assert took < STOP_WITHIN, log[-4000:]
    assert "Traceback" not in log, log[-4000:]
    assert "grappe is stopping before it was running on matrix" in log


async def _waiting_on(port: int, within: float = 60.0) -> None:
    """Wait until a connection to ``port`` on this machine is established (the bot's
    request to the frozen homeserver, accepted by the kernel, never answered)."""
    deadline = time.monotonic() + within
    while not _established_to(port):
        assert time.monotonic() < deadline, f"no connection to port {port}"
        await asyncio.sleep(0.05)


def _established_to(port: int) -> bool:
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    for line in lines:
        fields = line.split()
        if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
            return True
    return False


async def _committed(db: Database, before: int, within: float = 30.0) -> None:
    """Wait until the command's rows are committed, looking every few milliseconds (the
    bot sends them at once: Synapse must be frozen before they are all out)."""
    deadline = time.monotonic() + within
    while await count(db, "outbox") == before:
        assert time.monotonic() < deadline, "the request's rows were never committed"
        await asyncio.sleep(0.002)
