"""Issue #9, crashes, on Matrix: ``grappe run`` against the real Synapse, killed with SIGKILL
at random points and started again while people keep writing.

Must hold: every step applied exactly once (0 half-applied commands), every message
delivered (0 lost), none posted twice (0 duplicates): each outbox row keeps its
transaction id across retries and the restarted bot reuses its stored session (the
same device), so Synapse recognises a send it already has.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage.db import Database
from storage.models import AdapterState
from tests.hardening import figures
from tests.hardening.crash import matrix_run
from tests.hardening.crash.campaign import SEED, YEAR, Campaign, copy_sqlite, sqlite_url
from tests.hardening.crash.process import LAUNCH, Killer, bot_env, starter
from tests.hardening.crash.script import generate
from tests.matrix.harness import BOT, open_room, password, user
from tests.matrix.members import Member
from tests.matrix.synapse import Synapse

ACTORS = {"camille", "karim", "sophie", "nadia", "marion", "helene", "olivia", "hugo",
          "anais", "thomas", "elodie", "lea"}


async def _stored_token(db: Database) -> str:
    """The bot's stored session: its sends show their transaction ids to it alone."""
    async with db.session(read_only=True) as s:
        row = await s.get(AdapterState, ("matrix", "access_token"))
    assert row is not None
    return row.value


async def test_matrix_survives_sigkills(start_db: tuple[Path, Database], synapse: Synapse,
                                        tmp_path: Path) -> None:
    path, db = start_db
    await asyncio.to_thread(matrix_run.register_everyone, synapse)
    steps = generate(figures.size(30, 1000), SEED, YEAR, ACTORS)
    campaign = Campaign("matrix", len(steps))
    env = bot_env(sqlite_url(path), MATRIX_HOMESERVER=synapse.url, MATRIX_USER_ID=BOT,
                  MATRIX_PASSWORD=password("grappe"))

    start = starter([*LAUNCH, "run"], env, tmp_path)

    driver = matrix_run.Driver(synapse, db, "")
    camille = Member(synapse.url, user("camille"), password("camille"))
    await camille.start()
    setup = start()  # the first start logs in and syncs once, before anyone writes
    try:
        others = [await driver.person(h) for h in sorted(ACTORS - {"camille"})]
        driver.room = await open_room(camille, others, db)
    finally:
        setup.kill()
        await camille.stop()
    ref_db = copy_sqlite(path, tmp_path / "reference.db")
    killer = Killer(SEED, kills=figures.size(3, 40), max_delay=figures.size(4.0, 6.0))
    try:
        events = await campaign.live(db, killer, start, driver.act, steps)
    finally:
        await driver.close()
    await campaign.judge(db, ref_db, events)
    sent = await matrix_run.bot_events(synapse.url, await _stored_token(db))
    counts = await matrix_run.check_sink(db, sent, campaign.verdict)
    campaign.extra.update({"bot events on the server": counts["events"],
                           "distinct transaction ids": counts["distinct transaction ids"]})
    assert counts["events"] == counts["distinct event ids"]
    assert counts["events without transaction id"] == 0, campaign.explain()  # one session
    campaign.conclude()
