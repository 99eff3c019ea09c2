"""The Slack campaign: ``grappe serve`` (the real Bolt app over real HTTP), killed and started
again, with Slack's Web API faked locally (``tests/slack/fake_slack.py``).

The driver plays Slack: it posts each step to the bot's events endpoint, signed as Slack
signs it — a slash command, a message in the card's thread (the card's ``ts`` is in
``message_refs``), a button click — and posts the same payload again until it is
acknowledged, as Slack retries an event its app did not acknowledge (the retry carries
``X-Slack-Retry-Num``; the event id is the same, so the dispatcher handles it once).

Slack's ``chat.postMessage`` has no idempotency key: after a kill between Slack taking a
message and the outbox recording it, the bot finds the post again by its metadata
(``conversations.history``/``replies``); an ephemeral reply cannot be found and is sent
again. The sink check counts, for each message the outbox sent, how many times the fake
received it:
``chat.postMessage`` and ``chat.postEphemeral`` received more often than sent are
duplicates (counted, and bounded by the kills); received less often, lost.
``chat.update`` and ``reactions.add`` repeat harmlessly (same edit, "already reacted").
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections import Counter
from typing import Any

import aiohttp

from bot.slack import inbound
from bot.slack.render import render
from commands.events import Action, Inbound, Thread, ThreadReply
from commands.messages import Envelope, Message
from storage.db import Database
from tests.hardening.crash.campaign import card_message
from tests.hardening.crash.reference import Verdict, sent_rows, tally
from tests.hardening.crash.script import Directory, Step
from tests.slack.fake_slack import BOT_USER, TEAM, FakeSlack, blocks_text
from tests.slack.payloads import body_of, payload, signed

COOP = "C01COOPERA"
POSTS = ("chat.postMessage", "chat.postEphemeral")


class Driver:
    """Slack, delivering the script's steps to the bot until each is acknowledged."""

    def __init__(self, url: str, db: Database):
        self.url, self.db = url, db
        self.ids = Directory.example().slack
        self.numbers = itertools.count(1)
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self.retries = 0

    async def close(self) -> None:
        await self.http.close()

    async def deliver(self, kind: str, data: dict[str, Any]) -> None:
        body, content_type = body_of(kind, data)
        for attempt in itertools.count():
            headers = {"Content-Type": content_type, **signed(body)}
            if attempt:
                headers["X-Slack-Retry-Num"] = str(attempt)
                headers["X-Slack-Retry-Reason"] = "http_error"
            try:
                async with self.http.post(self.url, data=body.encode(),
                                          headers=headers) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.retries += 1
            if attempt > 2000:
                raise AssertionError(f"the bot never acknowledged {data}")
            await asyncio.sleep(0.1)

    async def act(self, step: Step) -> Inbound:
        """Deliver one step; returns the event the bot makes of it."""
        n, user = next(self.numbers), self.ids[step.handle]
        if step.kind == "command":
            data = payload("slash_command", text=step.text, user_id=user, channel_id=COOP,
                           trigger_id=f"9{n:05d}.1.crash")
            await self.deliver("command", data)
            return inbound.slash_command(data)
        assert step.ref is not None
        ts = await card_message(self.db, "slack", step.ref)
        if step.kind == "reply":
            stamp = f"1800{n:06d}.000100"
            data = payload("message_in_thread", event_id=f"EvCRASH{n:05d}", **{
                "event.thread_ts": ts, "event.user": user, "event.text": step.text,
                "event.channel": COOP, "event.ts": stamp, "event.event_ts": stamp})
            await self.deliver("event", data)
            found = inbound.event_callback(data, BOT_USER)
        else:
            data = payload("block_actions", trigger_id=f"8{n:05d}.1.click", user={
                "id": user, "username": step.handle, "name": step.handle, "team_id": TEAM},
                **{"message.ts": ts, "container.message_ts": ts, "actions": [{
                    "action_id": f"grappe:choice:{step.text}", "block_id": f"grappe:{step.ref}",
                    "value": step.ref, "type": "button", "action_ts": f"1800{n:06d}.5"}]})
            await self.deliver("block_actions", data)
            found = inbound.block_action(data)
        assert found is not None
        assert isinstance(found, ThreadReply | Action)  # an answer, not a form to open
        return dataclasses.replace(found, thread=Thread(  # type: ignore[arg-type]
            object_ref=step.ref, channel=COOP, message_id=ts))


def posted(fake: FakeSlack) -> Counter[tuple[str, str, str]]:
    """Every message Slack took: (method, channel, what it shows)."""
    return Counter((c.method, str(c.args.get("channel")), c.shown() or str(c.args.get("text")))
                   for c in fake.delivered(*POSTS))


async def expected_posts(db: Database) -> Counter[tuple[str, str, str]]:
    """What each sent row posts (``bot/slack/outbound.py``); edits and reactions apart."""
    found: Counter[tuple[str, str, str]] = Counter()
    for row in await sent_rows(db, "slack"):
        item = Envelope.model_validate_json(row.payload).item
        if not isinstance(item, Message) or row.role == "edit":
            continue
        shown = render(item)
        text = blocks_text(shown.blocks) or shown.text or "…"
        if row.role == "dm" or (row.role == "ephemeral" and not row.channel):
            found[("chat.postMessage", "D" + str(row.recipient)[1:], text)] += 1
        elif row.role == "ephemeral":
            found[("chat.postEphemeral", str(row.channel), text)] += 1
        else:
            found[("chat.postMessage", str(row.channel), text)] += 1
    return found


def check_sink(seen: Counter[tuple[str, str, str]], expected: Counter[tuple[str, str, str]],
               verdict: Verdict) -> None:
    tally(seen, expected, verdict, lambda key: f"{key[0]} to {key[1]} {key[2][:80]!r}")
