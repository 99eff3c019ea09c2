"""Matrix deliveries go side by side on one HTTP session, each thread still in order."""

from __future__ import annotations

from commands.events import Actor, Command
from commands.messages import Heading, Message, Target, para
from commands.routing import plan
from storage.repo import outbox as repo
from tests.matrix.harness import BOT, from_bot, open_room, user

THREADS, POSTS = 4, 5


async def test_threads_are_delivered_side_by_side_each_in_its_order(
        harness, members, coop_db) -> None:
    adapter = await harness.start()
    assert adapter.concurrency > 1
    opened = adapter.session.client.client_session
    assert opened is not None  # opened at connect, before any send
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)

    messages = []
    for t in range(1, THREADS + 1):  # every card first, then the posts, interleaved
        messages.append(Message(target=Target(kind="channel", purpose="cooperation"),
                                blocks=[Heading(text=f"Z-{t} · fil {t}")], card_of=f"Z-{t}"))
    for p in range(POSTS):
        for t in range(1, THREADS + 1):
            messages.append(Message(target=Target(kind="thread", purpose="cooperation",
                                                  object_ref=f"Z-{t}"),
                                    blocks=[para(f"fil {t} message {p}")]))
    event = Command(actor=Actor("matrix", user("camille")), text="", event_id="e-conc",
                    place=room)
    async with coop_db.session() as s:
        await repo.enqueue(s, await plan(s, messages, event, ["matrix"]))
    assert harness.bot is not None
    harness.bot.loops["matrix"].notify()

    seen = await nadia.wait_for(from_bot(room), count=THREADS * (POSTS + 1))
    cards = {s.body.split(" ·")[0]: s.event.event_id for s in seen if "·" in s.body}
    assert sorted(cards) == [f"Z-{t}" for t in range(1, THREADS + 1)]
    for t in range(1, THREADS + 1):
        posts = [s for s in seen if s.body.startswith(f"fil {t} message")]
        assert [s.body for s in posts] == [f"fil {t} message {p}" for p in range(POSTS)]
        assert all(s.relates.get("rel_type") == "m.thread"
                   and s.relates.get("event_id") == cards[f"Z-{t}"] for s in posts)
    assert all(s.sender == BOT for s in seen)
    assert adapter.session.client.client_session is opened  # one session for every send
