"""Every kind of delivery error keeps the outbox row until it is delivered (issue #9).

The real Slack adapter sends through a TCP proxy to the local fake of Slack's Web
API (tests/slack), which answers 429, 500, an error code, or never. After each fault
the rows are read back from the database, then the fault clears and they are
delivered, each once. slack_sdk's own in-call retry is turned off so that every
fault reaches the outbox, the durable retry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from bot.adapters.base import Delivery, Sent
from commands.messages import Message, Target, para
from storage.db import Database
from tests.hardening import figures
from tests.hardening.faults_support import TcpProxy
from tests.slack.conftest import (  # noqa: F401
    CHANNEL,
    SlackHarness,
    StartSlack,
    enqueue,
    fake_slack,
    start_slack,
)
from tests.slack.fake_slack import FakeSlack

RETRY_AFTER = 30
KINDS = ("429", "500", "timeout", "refused", "reset", "unexpected", "channel_not_found")


@dataclass
class Row:
    role: str
    status: str
    attempts: int
    last_error: str | None


@pytest.fixture
async def proxy(fake_slack: FakeSlack) -> AsyncIterator[TcpProxy]:  # noqa: F811
    port = int(fake_slack.url.rsplit(":", 1)[1])
    proxy = TcpProxy(port)
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def manual(start_slack: StartSlack, proxy: TcpProxy) -> SlackHarness:  # noqa: F811
    """The adapter behind the proxy, a delivery loop drained by hand on a clock moved by
    hand (the rate-limit pause follows the same clock), no in-call retry."""
    harness = await start_slack(background=False, SLACK_TIMEOUT=1,
                                SLACK_API_URL=f"{proxy.url}/api/")
    harness.adapter.client.retry_handlers = []
    return harness


async def rows_after(db: Database, first_id: int) -> list[Row]:
    async with db.session(read_only=True) as s:
        found = await (await s.connection()).execute(text(
            "SELECT role, status, attempts, last_error FROM outbox WHERE id > :first "
            "ORDER BY id"), {"first": first_id})
        return [Row(*r) for r in found]


async def last_id(db: Database) -> int:
    async with db.session(read_only=True) as s:
        found = await (await s.connection()).execute(text("SELECT max(id) FROM outbox"))
        return int(found.scalar_one() or 0)


async def fault(kind: str, harness: SlackHarness, proxy: TcpProxy) -> None:
    """Make the next chat.postMessage fail with ``kind``."""
    if kind in ("refused", "reset"):
        await proxy.cut("refuse" if kind == "refused" else "reset")
    elif kind == "unexpected":  # a bug in an adapter: not a DeliveryError at all
        adapter = harness.adapter
        real = adapter.send

        async def broken(delivery: Delivery) -> Sent:
            adapter.send = real  # type: ignore[method-assign]
            raise KeyError("an adapter bug")

        adapter.send = broken  # type: ignore[method-assign]
    else:
        harness.fake.inject(kind, "chat.postMessage", retry_after=RETRY_AFTER)


async def survive(kind: str, harness: SlackHarness, proxy: TcpProxy) -> None:
    """A card and a post in its thread; the card's first send fails with ``kind``."""
    db, fake = harness.db, harness.fake
    first = await last_id(db)
    posted = len(fake.delivered("chat.postMessage"))
    ref = f"X-{KINDS.index(kind) + 10}"
    await fault(kind, harness, proxy)
    await enqueue(db, Message(target=CHANNEL, blocks=[para(f"card {kind}")], card_of=ref),
                  Message(target=Target(kind="thread", purpose="cooperation", object_ref=ref),
                          blocks=[para(f"in the thread of {kind}")]))
    await harness.bot.drain()
    card, post = await rows_after(db, first)
    assert card.last_error, kind
    if kind == "channel_not_found":  # permanent: kept for a person to look at, never deleted
        harness.clock.advance(RETRY_AFTER + 1)
        await harness.bot.drain()
        card, _ = await rows_after(db, first)
        assert (card.status, card.attempts, card.last_error) == (
            "failed", 0, "slack: channel_not_found")
        assert not any(c.text().startswith("card") for c in fake.delivered("chat.postMessage")[posted:])
        return
    assert (card.status, card.attempts) == ("pending", 1), (kind, card)
    assert (post.status, post.attempts) == ("pending", 0), (kind, post)  # waits for its card
    assert len(fake.delivered("chat.postMessage")) == posted, kind

    if kind == "429":  # not before Slack's Retry-After, even when drained
        harness.clock.advance(RETRY_AFTER - 1)
        assert await harness.bot.drain() == 0
    await proxy.restore()
    harness.clock.advance(RETRY_AFTER + 1)
    await harness.bot.drain()
    harness.clock.advance(RETRY_AFTER + 1)  # the thread's post may have waited for its card
    await harness.bot.drain()
    card, post = await rows_after(db, first)
    new = fake.delivered("chat.postMessage")[posted:]
    assert (card.status, post.status) == ("sent", "sent"), kind
    assert [c.text().split("\n")[0] for c in new] == [f"card {kind}", f"in the thread of {kind}"]
    assert new[1].args["thread_ts"] == new[0].response["ts"]


async def test_every_kind_of_delivery_error_keeps_the_row_until_delivered(
        manual: SlackHarness, proxy: TcpProxy) -> None:
    for kind in KINDS:
        await survive(kind, manual, proxy)
        figures.add("fault scenarios survived", f"delivery {kind} ({manual.db.dialect})")
