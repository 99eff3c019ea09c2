"""Issue #16: a burst of answers on one card, on a Synapse with its default message limit.

Every other Matrix suite raises Synapse's ``rc_*`` limits; a real homeserver (Tchap
included) lets a user send 0.2 events/s with a burst of 10, and an edit or a reaction is
an event. Here the bot meets ``M_LIMIT_EXCEEDED`` for real: the outbox pauses for the
time the server gives, the card's edits replace each other while one is in flight, and
what people wait for (the card) goes before acknowledgements.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterator
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.matrix.outbound import render as matrix_render
from commands.messages import Message, Target
from commands.requests.view import RequestView, render
from storage.db import Database
from storage.models import Answer, Cooperative, Outbox, Request
from tests.hardening import figures
from tests.matrix.conftest import PEOPLE
from tests.matrix.harness import (
    BOT,
    NOW,
    BotHarness,
    eventually,
    from_bot,
    open_room,
    password,
    user,
)
from tests.matrix.members import Member, Seen
from tests.matrix.synapse import RATE_LIMITS, Synapse

# 'rc_message' at Synapse's default (0.2/s, burst 10); the test's own account creation and
# logins stay unlimited, they are not what a deployment meets
LIMITS = {k: v for k, v in RATE_LIMITS.items() if k != "rc_message"}
ANSWERING = ("nadia", "marion", "helene", "olivia", "gaelle", "amandine", "claire", "lucie",
             "antoine", "thomas")
ROUNDS = ("Intéressés, dispo jeudi", "pas dispo finalement, désolés",
          "dispo, on peut piloter")
REQUEST = ("!grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
           "il faut de la com et de la compta pour le 15 janvier")


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    server = Synapse(tmp_path_factory.mktemp("synapse-limited"), rate_limits=LIMITS)
    try:
        server.start()
        for name in {*PEOPLE, *ANSWERING}:
            server.register(name, password(name))
        yield server
    finally:
        server.stop()


@pytest.fixture
async def people(limited: Synapse) -> AsyncIterator[dict[str, Member]]:
    found = {name: Member(limited.url, user(name), password(name))
             for name in ("camille", *ANSWERING)}
    await asyncio.gather(*(m.start() for m in found.values()))
    try:
        yield found
    finally:
        await asyncio.gather(*(m.stop() for m in found.values()))


async def _equal(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


def edits_of(card_id: str) -> object:
    return lambda s: (s.sender == BOT and s.relates.get("rel_type") == "m.replace"
                      and s.relates.get("event_id") == card_id)


async def expected_card(db: Database) -> str:
    """The card as the database says it stands now, rendered as the bot renders it."""
    async with db.session(read_only=True) as s:
        request = (await s.exec(select(Request))).one()
        coop = (await s.exec(select(Cooperative))).one()
        blocks = render(await RequestView.load(s, request), coop, today=NOW)
    return matrix_render(Message(target=Target(kind="channel"), blocks=blocks)).body


# one backend: the server's budget is the bot account's and does not refill between tests
# (the outbox's storage side of a pause is tested on both, in tests/test_outbox.py)
@pytest.mark.parametrize("coop_db", ["sqlite"], indirect=True)
async def test_a_burst_of_answers_on_default_rate_limits(
        coop_db: Database, limited: Synapse, people: dict[str, Member],
        tmp_path: Path) -> None:
    harness = BotHarness(coop_db, limited, tmp_path / "bot-store")
    await harness.start()
    assert harness.bot is not None
    harness.bot.dispatcher.clock = lambda: NOW
    camille = people["camille"]
    try:
        room = await open_room(camille, [people[n] for n in ANSWERING], coop_db)
        await people["nadia"].say(room, REQUEST)
        card, = await camille.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body,
                                       within=60)
        card_id = card.event.event_id

        # thirty answers within ten seconds: each member answers, then corrects twice
        last: dict[str, str] = {}
        loop = asyncio.get_running_loop()
        began = loop.time()
        for index, round_text in enumerate(ROUNDS):  # a round every 3 s from the start,
            # however long the members' own sends took (a loaded machine makes them slow:
            # the burst is planned, the time it took is the test's figure, not a verdict)
            await asyncio.sleep(max(0.0, began + 3 * index - loop.time()))
            sent = await asyncio.gather(*(
                people[n].reply_in_thread(room, card_id, f"{round_text} ({n})")
                for n in ANSWERING))
            last.update(zip(ANSWERING, sent, strict=True))
        finished = loop.time()
        print(f"burst of {len(ANSWERING) * len(ROUNDS)} answers sent in {finished - began:.1f}s")

        async def recorded() -> int:
            async with coop_db.session(read_only=True) as s:
                return int((await s.exec(select(func.count()).select_from(Answer))).one())
        try:  # every answer kept, its earlier versions too
            await eventually(lambda: _equal(recorded(), len(ANSWERING) * len(ROUNDS)), 15)
        except AssertionError:
            async with coop_db.session(read_only=True) as s:
                rows = (await s.exec(select(Answer.person_id, Answer.comment, Answer.declined,
                                            Answer.interested))).all()
            raise AssertionError(f"{await recorded()} answers recorded: {rows}") from None

        final = await expected_card(coop_db)
        await camille.wait_for(
            lambda s: edits_of(card_id)(s) and s.content["m.new_content"]["body"] == final,
            within=15 - (loop.time() - finished))
        figures.put(figures.PLATFORM_LIMITS,
                    "matrix: ms from the last answer to the final card",
                    round((loop.time() - finished) * 1000))

        # each member's latest answer acknowledged; the ones they replaced while the bot
        # was asked to slow down gave way to it (a superseded answer needs no ✅ of its own)
        def acked(s: Seen) -> bool:
            return (s.sender == BOT and s.relates.get("rel_type") == "m.annotation"
                    and s.relates.get("key") == "✅" and s.relates.get("event_id") in
                    set(last.values()))
        await camille.wait_for(acked, count=len(ANSWERING), within=120)

        edits = [s for s in camille.seen if edits_of(card_id)(s)]
        since_card = [s for s in camille.seen if s.sender == BOT and s.room_id == room
                      and s.event.server_timestamp >= card.event.server_timestamp]
        figures.put(figures.PLATFORM_LIMITS, "matrix: events the bot sent after its card",
                    len(since_card) - 1)
        assert len(edits) <= 10, f"{len(edits)} card edits for {len(last) * 3} answers"
        assert edits[-1].content["m.new_content"]["body"] == final
        async with coop_db.session(read_only=True) as s:
            rows = (await s.exec(select(Outbox.status, func.count()).where(
                Outbox.platform == "matrix").group_by(Outbox.status))).all()
        assert dict(rows).get("failed", 0) == 0, rows
        assert dict(rows).get("pending", 0) == 0, rows
        async with coop_db.session(read_only=True) as s:  # the limit was really met
            throttled = (await s.exec(select(func.count()).select_from(Outbox).where(
                col(Outbox.last_error).contains("rate limited")))).one()
        figures.put(figures.PLATFORM_LIMITS, "matrix: messages paused by M_LIMIT_EXCEEDED",
                    throttled)
        assert throttled > 0
    finally:
        await harness.stop()
