"""Issue #19, one owner of the device: two ``grappe run`` replicas on one PostgreSQL
database and a real Synapse. One holds the Matrix lease and answers a member; it is killed
with SIGKILL right after she sent a command; the other takes over once the lease expires
and answers the next one; the command sent before the kill is answered exactly once, and
every message the bot sent is on the server once (one transaction id each). Stopped by
SIGTERM, the new holder gives the lease back."""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from storage.db import Database
from storage.models import AdapterState, utcnow
from storage.repo import leases
from tests.conftest import PG_URL, PgTemplates
from tests.hardening.crash import matrix_run
from tests.hardening.crash.process import GRAPPE, BotProcess, bot_env
from tests.matrix.harness import BOT, all_sent, eventually, from_bot, open_room, password
from tests.matrix.members import Member, Seen
from tests.matrix.synapse import Synapse

pytestmark = pytest.mark.skipif(not PG_URL, reason="GRAPPE_TEST_DATABASE_URL is not set")

LEASE = 4  # seconds: a takeover within a few seconds of the kill
WITHIN = 45.0  # generous: the conditions are waited for, never a time


@pytest.fixture
async def pg(pg_templates: PgTemplates | None) -> AsyncIterator[tuple[str, Database]]:
    """The example cooperative in a database of its own, by URL for the processes."""
    assert pg_templates is not None
    name, db = await pg_templates.clone("coop")
    try:
        yield pg_templates.url_of(name), db
    finally:
        await db.dispose()
        await pg_templates.drop(name)


async def _holder(db: Database) -> str | None:
    async with db.session(read_only=True) as s:
        return await leases.holder_of(s, "matrix", utcnow())


def _holds(db: Database, bot: BotProcess) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        holder = await _holder(db)
        assert bot.process is not None
        return holder is not None and f":{bot.process.pid}:" in holder
    return check


def _answer(text: str) -> Callable[[Seen], bool]:
    return lambda s: from_bot()(s) and s.body.startswith(text)


async def _stored_token(db: Database) -> str:
    async with db.session(read_only=True) as s:
        row = await s.get(AdapterState, ("matrix", "access_token"))
    assert row is not None
    return row.value


async def test_the_other_replica_takes_the_device_over_and_answers_once(
        pg: tuple[str, Database], synapse: Synapse,
        members: Callable[[str], Awaitable[Member]], tmp_path: Path) -> None:
    url, db = pg
    env = bot_env(url, MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID=BOT,
                  MATRIX_PASSWORD=password("grappe"), MATRIX_LEASE_SECONDS=str(LEASE))
    first, second = (BotProcess([*GRAPPE, "run"], env, stdout=tmp_path / f"{n}.out",
                                log=tmp_path / f"{n}.log") for n in ("first", "second"))
    began = time.monotonic()
    try:
        first.start()
        await eventually(_holds(db, first), within=WITHIN, what="the first replica's lease")
        second.start()
        await eventually(lambda: _async("stands by" in _log(second)), within=WITHIN,
                         what="the second replica standing by")
        camille, nadia = await members("camille"), await members("nadia")
        room = await open_room(camille, [nadia], db)  # the holder joins it
        await nadia.say(room, "!grappe competences")
        await nadia.wait_for(_answer("Compétences de la coopérative"), within=WITHIN)

        await nadia.say(room, "!grappe membre chiffres-et-communs")  # then the holder dies
        first.kill()
        await eventually(_holds(db, second), within=WITHIN, what="the takeover")
        assert second.returncode is None
        await nadia.say(room, "!grappe moi")
        await nadia.wait_for(lambda s: _answer("")(s) and "Nadia Benali" in s.body
                             and not s.body.startswith("Chiffres & Communs ("), within=WITHIN)
        await nadia.wait_for(_answer("Chiffres & Communs ("), within=WITHIN)
        await eventually(lambda: all_sent(db), within=WITHIN, what="every row sent")
        assert second.process is not None
        second.process.send_signal(signal.SIGTERM)  # given back on the way out
        assert await second.wait(WITHIN) == 0
        assert await _holder(db) is None
    finally:
        first.kill()
        second.kill()
    elapsed = time.monotonic() - began
    sent = await matrix_run.bot_events(synapse.url, await _stored_token(db))
    bodies = Counter(str(e["content"].get("body", ""))[:20] for e in sent
                     if e["type"] == "m.room.message")
    assert bodies[next(b for b in bodies if b.startswith("Chiffres & Communs ("))] == 1
    assert sum(n for b, n in bodies.items() if b.startswith("Compétences")) == 1
    txns = Counter(str(e.get("unsigned", {}).get("transaction_id", "")) for e in sent)
    assert "" not in txns, "a message the bot sent outside its session"
    assert max(txns.values()) == 1, txns  # each outbox row on the server once
    print(f"\ntakeover flow: {elapsed:.1f}s, {len(sent)} bot events")


def _log(bot: BotProcess) -> str:
    return bot.log_path.read_text(errors="replace") if bot.log_path.exists() else ""


async def _async(value: bool) -> bool:
    return value
