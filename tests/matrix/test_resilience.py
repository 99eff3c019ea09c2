"""Restarts and outages: no event handled twice, none missed, no message lost or doubled."""

from __future__ import annotations

import asyncio

from nio import AsyncClient, LogoutResponse

from bot.adapters.base import Delivery
from commands.events import Actor, Command
from commands.messages import Message, Target, para
from commands.routing import plan
from storage.repo import adapter_state as state_repo
from storage.repo import outbox as repo
from tests.matrix.harness import (
    BOT,
    count,
    eventually,
    from_bot,
    handled_events,
    open_room,
    outbox,
    user,
)
from tests.matrix.test_request_flow import REQUEST


async def test_a_restart_mid_flow_handles_every_event_once_and_misses_none(
        harness, members, coop_db) -> None:
    adapter = await harness.start()
    device = adapter.session.client.device_id
    camille, nadia = await members("camille"), await members("nadia")
    marion, olivia = await members("marion"), await members("olivia")
    room = await open_room(camille, [nadia, marion, olivia], coop_db)

    def direct(s):  # type: ignore[no-untyped-def]
        return from_bot()(s) and s.room_id != room

    await nadia.say(room, REQUEST)
    card, = await nadia.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)
    relayed, = await nadia.wait_for(direct)
    await harness.stop()
    # while the bot is down: two answers in the thread, one reaction on the card
    answers = [await nadia.reply_in_thread(room, card.event.event_id, "Intéressés, on pilote"),
               await marion.reply_in_thread(room, card.event.event_id, "Partants")]
    await olivia.react(room, card.event.event_id, "👎")
    # a timeline of 2 events per sync: the gap of 3 must be fetched, not skipped
    adapter = await harness.start(timeline_limit=2)
    assert adapter.session.client.device_id == device  # the stored session, not a new login
    for answer in answers:
        await nadia.wait_for(lambda s, answer=answer: s.sender == BOT
                             and s.relates.get("event_id") == answer
                             and s.relates.get("key") == "✅")
    await nadia.say(room, "!grappe moi")  # anything handled twice would be answered before this
    me, = await nadia.wait_for(lambda s: direct(s) and "Nadia Benali" in s.body)
    assert me.room_id == relayed.room_id  # the remembered direct room
    assert len([s for s in nadia.seen if direct(s)]) == 2
    assert len([s for s in nadia.seen if s.sender == BOT and s.relates.get("key") == "✅"]) == 2
    assert await handled_events(coop_db) == 5
    assert await count(coop_db, "answers") == 3


def _card(ref: str) -> Message:
    return Message(target=Target(kind="channel", purpose="cooperation"),
                   blocks=[para(f"card {ref}")], card_of=ref)


def _post(ref: str, n: int) -> Message:
    return Message(target=Target(kind="thread", purpose="cooperation", object_ref=ref),
                   blocks=[para(f"{ref} post {n}")])


async def test_pending_rows_survive_a_homeserver_outage(harness, members, coop_db, synapse) -> None:
    await harness.start()
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    await asyncio.to_thread(synapse.stop)
    try:
        event = Command(actor=Actor("matrix", user("camille")), text="", event_id="e-outage",
                        place=room)
        messages = [m for ref in ("T-1", "T-2")
                    for m in (_card(ref), *(_post(ref, n) for n in (1, 2, 3)))]
        async with coop_db.session() as s:
            await repo.enqueue(s, await plan(s, messages, event, ["matrix"]))
        assert harness.bot is not None
        harness.bot.loops["matrix"].notify()

        async def tried() -> bool:
            return any(attempts > 0 for _, _, attempts in await outbox(coop_db))

        await eventually(tried, what="a delivery attempt while Synapse is down")
    finally:
        await asyncio.to_thread(synapse.start)
    seen = await nadia.wait_for(from_bot(room), count=8, within=40)
    cards = {s.body: s.event.event_id for s in seen if s.body.startswith("card")}
    assert set(cards) == {"card T-1", "card T-2"}
    for ref in ("T-1", "T-2"):
        thread = [s for s in seen if s.relates.get("event_id") == cards[f"card {ref}"]]
        assert [s.body for s in thread] == [f"{ref} post {n}" for n in (1, 2, 3)]
        assert all(s.relates["rel_type"] == "m.thread" for s in thread)

    async def all_sent() -> bool:
        return all(status == "sent" for _, status, _ in await outbox(coop_db))

    await eventually(all_sent, what="every row marked sent")
    assert len([s for s in nadia.seen if from_bot(room)(s)]) == 8

    # a retry of a send whose answer was lost reuses its transaction id: no second message
    assert harness.adapter is not None
    delivery = Delivery(row_id=1, role="card", item=_card("T-1"), channel=room, recipient=None,
                        object_ref="T-1", thread_root=None, edit_target=None,
                        transaction_id="grappe-again-1")
    once = await harness.adapter.send(delivery)
    again = await harness.adapter.send(delivery)
    assert once == again
    await nadia.wait_for(lambda s: s.event.event_id == once.message_id)
    await nadia.say(room, "fin")
    await nadia.wait_for(lambda s: s.body == "fin")
    assert len([s for s in nadia.seen if s.body == "card T-1"]) == 2  # the outage's and this one


async def test_a_revoked_token_is_replaced_by_a_new_login(harness, members, coop_db,
                                                         synapse) -> None:
    adapter = await harness.start()
    old = adapter.session.client.access_token
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    intruder = AsyncClient(synapse.url, BOT)  # someone logs the bot's device out
    intruder.restore_login(BOT, adapter.session.client.device_id or "", old)
    try:
        assert isinstance(await intruder.logout(), LogoutResponse)
    finally:
        await intruder.close()
    await nadia.say(room, "!grappe moi")
    await nadia.wait_for(lambda s: from_bot()(s) and "Nadia Benali" in s.body)
    async with coop_db.session(read_only=True) as s:
        stored = await state_repo.get_state(s, "matrix", "access_token")
    assert stored == adapter.session.client.access_token != old
