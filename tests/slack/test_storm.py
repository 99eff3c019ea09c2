"""A 429 storm: every message is delivered once it ends, each thread in its order."""

from __future__ import annotations

import pytest

from commands.messages import Message, Target, para
from tests.slack.conftest import CHANNEL, SlackHarness, enqueue

pytestmark = pytest.mark.both_backends


def _card(ref: str) -> Message:
    return Message(target=CHANNEL, blocks=[para(f"{ref} card")], card_of=ref)


def _post(ref: str, n: int) -> Message:
    return Message(target=Target(kind="thread", purpose="cooperation", object_ref=ref),
                   blocks=[para(f"{ref} post {n}")])


async def test_after_a_rate_limit_storm_everything_arrives_in_order(slack: SlackHarness) -> None:
    slack.fake.inject("429", "chat.postMessage", times=3, retry_after=1)
    queued = [_card("X-1"), _card("X-2"), _post("X-1", 1), _post("X-2", 1), _post("X-1", 2),
              _post("X-1", 3), _post("X-2", 2)]
    await enqueue(slack.db, *queued)
    slack.bot.loops["slack"].notify()
    delivered = await slack.fake.wait_calls("chat.postMessage", len(queued), within=30)
    assert len([c for c in slack.fake.calls if c.status == 429]) == 3
    texts = [c.args["text"] for c in delivered]
    assert sorted(texts) == sorted(m.blocks[0].spans[0].text for m in queued)  # type: ignore[union-attr]
    cards = {c.args["text"].split()[0]: c.response["ts"] for c in delivered if "card" in c.args["text"]}
    for ref in ("X-1", "X-2"):
        thread = [c for c in delivered if c.args["text"].startswith(ref)]
        assert [c.args["text"] for c in thread] == [
            f"{ref} card", *[f"{ref} post {n}" for n in range(1, 4 if ref == "X-1" else 3)]]
        assert {c.args.get("thread_ts") for c in thread[1:]} == {cards[ref]}
