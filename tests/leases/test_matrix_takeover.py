"""Issue #19, one owner of the device: two ``grappe run`` replicas on one PostgreSQL
database and a real Synapse. One holds the Matrix lease and answers a member; it is killed
with SIGKILL right after she sent a command; the other takes over once the lease expires
and answers the next one; the command sent before the kill is answered exactly once, and
every message the bot sent is on the server once (one transaction id each). Stopped by
SIGTERM, the new holder gives the lease back.

In an encrypted room, the two replicas share one ``MATRIX_STORE_PATH`` (the persistent
volume of ``docs/matrix.md``): the new holder is the same device (no new one in the
members' ``/keys/query``), reads the members' messages with the room keys the first one
received (kept in that store), and its own messages decrypt on their devices."""

from __future__ import annotations

import contextlib
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.matrix.crypto import ENCRYPTION
from storage.db import Database
from storage.models import AdapterState, utcnow
from storage.repo import leases
from tests.conftest import PG_URL, PgTemplates
from tests.hardening.crash import matrix_run
from tests.hardening.crash.process import GRAPPE, BotProcess, bot_env
from tests.matrix.harness import (
    BOT,
    all_sent,
    eventually,
    from_bot,
    log_out_bot,
    open_room,
    password,
)
from tests.matrix.members import Member, Seen
from tests.matrix.synapse import Synapse
from tests.matrix.test_encryption import barrier, private

pytestmark = pytest.mark.skipif(not PG_URL, reason="GRAPPE_TEST_DATABASE_URL is not set")

LEASE = 4  # seconds: a takeover within a few seconds of the kill
WITHIN = 45.0  # generous: the conditions are waited for, never a time


@pytest.fixture
async def pg(pg_templates: PgTemplates | None,
             synapse: Synapse) -> AsyncIterator[tuple[str, Database]]:
    """The example cooperative in a database of its own, by URL for the processes; the
    bot's device of the test deleted at its end."""
    assert pg_templates is not None
    name, db = await pg_templates.clone("coop")
    try:
        yield pg_templates.url_of(name), db
    finally:
        await log_out_bot(db, synapse.url)
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


async def _stored(db: Database, key: str) -> str:
    async with db.session(read_only=True) as s:
        row = await s.get(AdapterState, ("matrix", key))
    assert row is not None
    return row.value


@contextlib.asynccontextmanager
async def _replicas(url: str, db: Database, synapse: Synapse,
                    tmp_path: Path) -> AsyncIterator[tuple[BotProcess, BotProcess]]:
    """Two ``grappe run`` on one database and one store folder: the first holds the lease,
    the second stands by; both killed on the way out, whatever happened."""
    env = bot_env(url, MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID=BOT,
                  MATRIX_PASSWORD=password("grappe"), MATRIX_LEASE_SECONDS=str(LEASE),
                  MATRIX_STORE_PATH=str(tmp_path / "matrix-store"))
    first, second = (BotProcess([*GRAPPE, "run"], env, stdout=tmp_path / f"{n}.out",
                                log=tmp_path / f"{n}.log") for n in ("first", "second"))
    try:
        first.start()
        await eventually(_holds(db, first), within=WITHIN, what="the first replica's lease")
        second.start()
        await eventually(lambda: _async("stands by" in _log(second)), within=WITHIN,
                         what="the second replica standing by")
        yield first, second
    finally:
        first.kill()
        second.kill()


async def _takeover(db: Database, first: BotProcess, second: BotProcess) -> None:
    """SIGKILL the holder; the other holds the lease (once the dead one's has expired)."""
    first.kill()
    await eventually(_holds(db, second), within=WITHIN, what="the takeover")
    assert second.returncode is None


def _whoami(s: Seen) -> bool:
    return _answer("")(s) and "Nadia Benali" in s.body and not s.body.startswith(
        "Chiffres & Communs (")


async def _sent_once(db: Database, synapse: Synapse, since: float) -> Counter[str]:
    """The bot's events on the server since ``since`` (``time.time()``), each outbox row
    once; their bodies (the clear ones)."""
    sent = await matrix_run.bot_events(synapse.url, await _stored(db, "access_token"),
                                       since_ms=int(since * 1000))
    txns = Counter(str(e.get("unsigned", {}).get("transaction_id", "")) for e in sent)
    assert "" not in txns, "a message the bot sent outside its session"
    assert max(txns.values()) == 1, txns  # each outbox row on the server once
    return Counter(str(e["content"].get("body", ""))[:20] for e in sent
                   if e["type"] == "m.room.message")


async def test_the_other_replica_takes_the_device_over_and_answers_once(
        pg: tuple[str, Database], synapse: Synapse,
        members: Callable[[str], Awaitable[Member]], tmp_path: Path) -> None:
    url, db = pg
    began, since = time.monotonic(), time.time()
    async with _replicas(url, db, synapse, tmp_path) as (first, second):
        camille, nadia = await members("camille"), await members("nadia")
        room = await open_room(camille, [nadia], db)  # the holder joins it
        await nadia.say(room, "!grappe competences")
        await nadia.wait_for(_answer("Compétences de la coopérative"), within=WITHIN)

        await nadia.say(room, "!grappe membre chiffres-et-communs")  # then the holder dies
        await _takeover(db, first, second)
        await nadia.say(room, "!grappe moi")
        await nadia.wait_for(_whoami, within=WITHIN)
        await nadia.wait_for(_answer("Chiffres & Communs ("), within=WITHIN)
        await eventually(lambda: all_sent(db), within=WITHIN, what="every row sent")
        assert second.process is not None
        second.process.send_signal(signal.SIGTERM)  # given back on the way out
        assert await second.wait(WITHIN) == 0
        assert await _holder(db) is None
    elapsed = time.monotonic() - began
    bodies = await _sent_once(db, synapse, since)
    assert bodies[next(b for b in bodies if b.startswith("Chiffres & Communs ("))] == 1
    assert sum(n for b, n in bodies.items() if b.startswith("Compétences")) == 1
    print(f"\ntakeover flow: {elapsed:.1f}s")


async def test_in_an_encrypted_room_the_device_and_its_keys_pass_over(
        pg: tuple[str, Database], synapse: Synapse,
        members: Callable[..., Awaitable[Member]], tmp_path: Path) -> None:
    url, db = pg
    since = time.time()
    async with _replicas(url, db, synapse, tmp_path) as (first, second):
        camille, nadia = await members("camille", e2e=True), await members("nadia", e2e=True)
        room = await open_room(camille, [nadia], db, initial_state=[ENCRYPTION])
        await nadia.say(room, "!grappe competences")  # answered in her encrypted DM
        skills, = await nadia.wait_for(_answer("Compétences de la coopérative"), within=WITHIN)
        assert private(nadia, skills)
        devices = set((await camille.keys_of(BOT))["device_keys"][BOT])
        assert nadia.client.olm is not None
        room_key = nadia.client.olm.outbound_group_sessions[room].id  # the bot's device has it

        await nadia.say(room, "!grappe membre chiffres-et-communs")  # then the holder dies
        await _takeover(db, first, second)
        await nadia.say(room, "!grappe moi")  # read by the new holder with the same room key
        whoami, = await nadia.wait_for(_whoami, within=WITHIN)
        member, = await nadia.wait_for(_answer("Chiffres & Communs ("), within=WITHIN)
        assert private(nadia, whoami)
        assert private(nadia, member)
        assert nadia.client.olm.outbound_group_sessions[room].id == room_key  # not shared again
        assert set((await camille.keys_of(BOT))["device_keys"][BOT]) == devices  # no new
        assert await _stored(db, "device_id") in devices  # (earlier tests leave theirs)
        await eventually(lambda: all_sent(db), within=WITHIN, what="every row sent")
        await barrier(nadia, room)
        assert len([s for s in nadia.seen if _answer("Chiffres & Communs (")(s)]) == 1
        for bot in (first, second):  # the new holder's keys as the homeserver has them
            assert "upload the device's keys failed" not in _log(bot), bot.log_tail()
    await _sent_once(db, synapse, since)


def _log(bot: BotProcess) -> str:
    return bot.log_path.read_text(errors="replace") if bot.log_path.exists() else ""


async def _async(value: bool) -> bool:
    return value
