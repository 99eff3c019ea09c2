"""Matrix with the database away: the event is not lost. The sync token stays before it
and the next sync replays it once the database is back; its sender is told once that it
waits (asking them to send it again would have it handled twice)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database
from tests.hardening import figures
from tests.hardening.faults_support import give_up_soon, locked
from tests.matrix.conftest import PEOPLE, SKIP_ENV, harness, members  # noqa: F401
from tests.matrix.harness import (
    BotHarness,
    count,
    eventually,
    from_bot,
    handled_events,
    open_room,
    password,
)
from tests.matrix.synapse import PYTHON, Synapse

WAITS = "votre message sera traité dès qu’elle sera de nouveau disponible"
MEMBERS = "entreprises membres de"  # the heading of /grappe membres


@pytest.fixture(scope="module")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    """A real Synapse for this module (tests/matrix's one is only visible there)."""
    if not PYTHON.exists():
        if SKIP_ENV in __import__("os").environ:
            pytest.skip(f"{PYTHON} is missing and {SKIP_ENV} is set")
        pytest.fail(f"{PYTHON} is missing: run `make synapse`")
    server = Synapse(tmp_path_factory.mktemp("synapse"))
    try:
        server.start()
        for name in PEOPLE:
            server.register(name, password(name))
        yield server
    finally:
        server.stop()


async def test_a_matrix_event_waits_for_the_database(harness: BotHarness,  # noqa: F811
                                                     members, coop_db: Database) -> None:  # noqa: F811
    give_up_soon(coop_db)
    await harness.start()
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    before = await handled_events(coop_db)
    async with locked(coop_db, "inbound_events"):
        await nadia.say(room, "!grappe membres")
        await nadia.wait_for(lambda s: from_bot(room)(s) and WAITS in s.body)
        assert await handled_events(coop_db) == before
    # back: the sync replays the event (no one sent it again)
    await nadia.wait_for(lambda s: from_bot()(s) and MEMBERS in s.body)
    await nadia.say(room, "!grappe moi")  # anything handled twice is answered before this
    await nadia.wait_for(lambda s: from_bot()(s) and "Nadia Benali" in s.body)
    assert len([s for s in nadia.seen if from_bot()(s) and WAITS in s.body]) == 1
    assert len([s for s in nadia.seen if from_bot()(s) and MEMBERS in s.body]) == 1
    assert await handled_events(coop_db) == before + 2
    await eventually(lambda: _all_sent(coop_db), what="every reply marked sent")
    figures.add("fault scenarios survived",
                f"database locked ({'sqlite' if coop_db.is_sqlite else 'postgresql'}), matrix")


async def _all_sent(db: Database) -> bool:
    return await count(db, "outbox", "status <> 'sent'") == 0
