"""The sync loop's order (no server): the replies a batch handed to the delivery go out
before the next long poll starts, for ``REPLIES_FIRST`` seconds at most, and a stop ends
that wait at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from nio import RoomMessageText

from bot.matrix import sync
from bot.matrix.adapter import MatrixAdapter
from bot.matrix.client import Session
from bot.matrix.inbound import RoomView
from commands.events import Inbound
from commands.outcome import Outcome

BOT = "@grappe:grappe.example"
ROOM = "!direct:grappe.example"


class Homeserver:
    """Stands for ``Session.call``: records the long polls asked for; each one hangs."""

    def __init__(self) -> None:
        self.polled = asyncio.Event()

    async def call(self, request: Awaitable[Any], what: str, **_: Any) -> Any:
        assert what == "sync"
        request.close()  # type: ignore[attr-defined]  # never sent: nio's coroutine
        self.polled.set()
        await asyncio.Event().wait()


class Batch:
    """A batch of one command whose reply is being sent (``reply``), handled by a receiver
    on a homeserver that hangs; ``polling``: the receiver's next sync, asked for."""

    async def start(self) -> Batch:
        session = Session(object(), "http://127.0.0.1:9", BOT,  # type: ignore[arg-type]
                          access_token="syt_x")
        self.homeserver = Homeserver()
        session.call = self.homeserver.call  # type: ignore[method-assign, assignment]
        self.reply: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        async def receive(event: Inbound, **_: Any) -> Outcome:
            return Outcome(delivering=[self.reply])

        self.rx = sync.Receiver(MatrixAdapter(session), receive)  # type: ignore[arg-type]
        event = RoomMessageText.from_dict({
            "type": "m.room.message", "event_id": "$1", "sender": "@nadia:grappe.example",
            "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": "!grappe aide"}})
        await self.rx._event(event, RoomView(ROOM, BOT, direct=False))
        self.polling = asyncio.ensure_future(self.rx._next())
        return self

    async def stop(self) -> None:
        """The stop ends the receiver's wait at once; the reply's delivery is left alone."""
        self.rx._stop.set()
        assert await asyncio.wait_for(self.polling, 0.2) is None  # far before REPLIES_FIRST
        assert not self.reply.cancelled()
        await self.rx.session.client.close()


async def test_the_next_sync_waits_for_the_replies_of_the_batch() -> None:
    batch = await Batch().start()
    await asyncio.sleep(0.1)
    assert not batch.homeserver.polled.is_set()  # the reply is being sent: no long poll yet
    batch.reply.set_result(None)
    await asyncio.wait_for(batch.homeserver.polled.wait(), 1)
    await batch.stop()


async def test_a_reply_that_takes_long_does_not_hold_the_sync(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "REPLIES_FIRST", 0.05)
    batch = await Batch().start()
    await asyncio.wait_for(batch.homeserver.polled.wait(), 1)
    assert not batch.reply.done()  # still going: the wait gave up, the delivery did not
    await batch.stop()


async def test_a_stop_ends_the_wait_for_the_replies() -> None:
    batch = await Batch().start()
    await asyncio.sleep(0.05)
    await batch.stop()
    assert not batch.homeserver.polled.is_set()
