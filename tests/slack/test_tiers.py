"""Issue #17: a burst of answers on one card, with the fake Web API enforcing Slack's tiers.

``chat.update`` and ``reactions.add`` are Tier 3 (about 50 a minute, short bursts),
``chat.postMessage`` about one a second per channel; past them Slack answers 429 with a
``Retry-After``. The outbox pauses for that long, the card's edits replace each other
while one is in flight, and the card ends right.
"""

from __future__ import annotations

import asyncio
import functools
import json

from sqlmodel import col, func, select

from bot.slack.render import render as slack_render
from commands.messages import Message, Target
from commands.requests.view import RequestView, render
from storage.models import Answer, Cooperative, Outbox, Request
from tests.hardening import figures
from tests.matrix.harness import eventually
from tests.slack.conftest import NADIA, SlackHarness
from tests.slack.fake_slack import Call, FakeSlack

# the first person of ten enterprises of the example directory
ANSWERING = [f"U07GRPE{n:02d}1" for n in range(1, 11)]
ROUNDS = ("Intéressés, dispo jeudi", "pas dispo finalement, désolés", "dispo, on peut piloter")


async def expected_blocks(slack: SlackHarness) -> list[dict[str, object]]:
    async with slack.db.session(read_only=True) as s:
        request = (await s.exec(select(Request))).one()
        coop = (await s.exec(select(Cooperative))).one()
        blocks = render(await RequestView.load(s, request), coop)
    rendered = slack_render(Message(target=Target(kind="channel"), blocks=blocks))
    return json.loads(json.dumps(rendered.blocks))



async def _recorded(slack: SlackHarness, message_ids: list[str]) -> bool:
    """Every one of these thread replies is an answer in the database (the ack and the
    card's edit may wait for Slack's tiers; the next round need not)."""
    async with slack.db.session(read_only=True) as s:
        found = (await s.exec(select(func.count()).where(
            col(Answer.message_id).in_(message_ids)))).one()
    return found >= len(message_ids)


def _burst_figures(platform: str, seconds: float, calls: list[Call]) -> None:
    """What ``make bench`` reports of the burst (bench/burst.py): a figure, not a verdict."""
    put = functools.partial(figures.put, figures.PLATFORM_LIMITS)
    put(f"{platform}: ms from the last answer to the final card", round(seconds * 1000))
    put(f"{platform}: Web API calls until the final card", len(calls))
    put(f"{platform}: of them answered 429", sum(c.status == 429 for c in calls))


async def test_a_burst_of_answers_within_slacks_tiers(slack: SlackHarness) -> None:
    fake: FakeSlack = slack.fake
    fake.tiers = True
    status, _ = await slack.command("demande Mairie de Roubaix : accompagner la création "
                                    "d'une ressourcerie, de la com et de la compta", user=NADIA)
    assert status == 200
    [card] = await fake.wait_for(lambda f: [c for c in f.delivered("chat.postMessage")
                                            if "R-1" in c.text()] or None)
    card_ts = card.response["ts"]
    await slack.settle()
    loop = asyncio.get_running_loop()
    calls_before = len(fake.calls)

    latest: dict[str, str] = {}
    for round_text in ROUNDS:  # thirty answers, a round once the last one is recorded
        sent = await asyncio.gather(*(slack.reply(card_ts, f"{round_text} ({u})", u)
                                      for u in ANSWERING))
        latest.update({u: e["event"]["ts"] for u, e in zip(ANSWERING, sent, strict=True)})
        last_sent = loop.time()
        await eventually(lambda ids=[e["event"]["ts"] for e in sent]: _recorded(slack, ids))

    final = await expected_blocks(slack)
    await fake.wait_for(lambda f: [c for c in f.delivered("chat.update")
                                   if c.args["ts"] == card_ts and c.args["blocks"] == final]
                        or None, within=30)
    _burst_figures("slack", loop.time() - last_sent, fake.calls[calls_before:])
    acked = await fake.wait_for(
        lambda f: (ts := {c.args["timestamp"] for c in f.delivered("reactions.add")})
        >= set(latest.values()) and ts, within=60)
    assert set(latest.values()) <= acked  # each person's latest answer has its ✅

    edits = [c for c in fake.delivered("chat.update") if c.args["ts"] == card_ts]
    assert len(edits) <= 10, f"{len(edits)} chat.update for 30 answers"
    assert edits[-1].args["blocks"] == final
    assert [c for c in fake.calls if c.status == 429], "the tiers were never met"
    async with slack.db.session(read_only=True) as s:
        rows = dict((await s.exec(select(Outbox.status, func.count()).where(
            Outbox.platform == "slack").group_by(col(Outbox.status)))).all())
    assert rows.get("failed", 0) == 0, rows
