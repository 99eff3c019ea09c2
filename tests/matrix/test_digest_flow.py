"""The weekly digest on a real Synapse: posted once with its chart; a preview for one person."""

from __future__ import annotations

from pathlib import Path

from bot import features
from commands.context import Environment
from commands.digest.sections import post_digest
from commands.jobs import JobEnv
from tests.matrix.harness import (
    NOW,
    all_sent,
    dm_from_bot,
    eventually,
    from_bot,
    open_room,
    start_at,
)
from tests.matrix.members import Member, Seen

TITLE = "Résumé de la semaine"


def digest_in(room: str):  # type: ignore[no-untyped-def]
    return lambda s: from_bot(room)(s) and s.body.startswith(TITLE)


async def barrier(member: Member, room: str) -> None:
    """Everything sent before now has reached ``member`` once its own new message has."""
    marker = await member.say(room, "(fin du test)")
    await member.wait_for(lambda s: s.event.event_id == marker)


def image_in(room: str):  # type: ignore[no-untyped-def]
    return lambda s: (from_bot(room)(s) and s.content.get("msgtype") == "m.image")


async def test_digest_flow(harness, members, coop_db, tmp_path: Path) -> None:
    await start_at(harness)
    assert harness.bot is not None
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    await nadia.say(room, "!grappe reserver salle-garance mar 1 déc 14h-16h : point compta")
    await nadia.wait_for(dm_from_bot(room, "B-1"))  # a booking in the coming week: a chart

    env = JobEnv(db=coop_db, registry=features.registry(), platforms=("matrix",), owner="test", environment=Environment(files_dir=tmp_path),
                 on_commit=harness.bot.loops["matrix"].notify)
    assert await post_digest(env, "cooperation", NOW)
    assert not await post_digest(env, "cooperation", NOW)  # once per week, however called
    digest, = await nadia.wait_for(digest_in(room))
    assert "Salle Garance" in digest.body
    chart, = await nadia.wait_for(image_in(room))
    assert chart.content["url"].startswith("mxc://")
    assert chart.content["info"]["mimetype"] == "image/png"
    await eventually(lambda: all_sent(coop_db), what="the outbox to be delivered")
    await barrier(nadia, room)
    assert len([s for s in nadia.seen if digest_in(room)(s)]) == 1
    assert len([s for s in nadia.seen if image_in(room)(s)]) == 1

    # a coordinator's preview reaches them alone, in their direct room
    await camille.say(room, "!grappe resume apercu")
    preview, = await camille.wait_for(dm_from_bot(room, TITLE))
    assert preview.body.startswith(TITLE)
    await eventually(lambda: all_sent(coop_db), what="the preview to be delivered")
    await barrier(nadia, room)
    assert not [s for s in nadia.seen if _digest_elsewhere(s, room)]
    assert len([s for s in camille.seen if digest_in(room)(s)]) == 1  # not posted again


def _digest_elsewhere(s: Seen, room: str) -> bool:
    return from_bot()(s) and s.room_id != room and TITLE in s.body
