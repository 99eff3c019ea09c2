"""The Matrix campaign: ``grappe run`` on the real Synapse, killed and started again.

People of the example cooperative (real accounts on the test server) write the script's
steps in the cooperation room, one after the other, as Matrix clients: commands as
``!grappe …`` messages, answers as replies in the thread of the card (whose event id the
bot recorded in ``message_refs``), clicks as reactions. Meanwhile the bot process is
killed with SIGKILL at seeded random points and started again at once; it catches up on
what was written while it was down through its stored sync token.

The sink check reads every event the bot sent, in every room it is in, with the bot's
own stored session: Synapse shows that device the transaction id of each of its sends.
Each sent outbox row must have its events (its transaction id, and ``<txn>-r<n>`` /
``<txn>-f<n>`` for a card's reactions and a message's files) exactly once; an event the
bot sent with no transaction id of this device is a send that was not deduplicated.
"""

from __future__ import annotations

import asyncio
import urllib.error
from collections import Counter
from typing import Any

import aiohttp

from commands.events import Action, Actor, Command, Inbound, Thread, ThreadReply
from storage.db import Database
from tests.hardening.crash.campaign import card_message
from tests.hardening.crash.reference import Verdict, sent_rows
from tests.hardening.crash.script import Directory, Step
from tests.matrix.harness import BOT, password, user
from tests.matrix.members import Member
from tests.matrix.synapse import Synapse

EMOJI = {"interested": "👍", "approve": "✅"}


def register_everyone(synapse: Synapse) -> None:
    """An account for every person of the directory (DMs need someone to invite)."""
    for handle in Directory.example().people:
        try:
            synapse.register(handle, password(handle))
        except urllib.error.HTTPError as exc:
            if exc.code != 400:  # 400: the name is taken (registered by the session)
                raise


def transaction_id(row_id: int, created_at: Any) -> str:
    """The outbox's transaction id of a row (``bot/outbox.py``)."""
    return f"grappe-{row_id}-{int(created_at.timestamp() * 1_000_000)}"


class Driver:
    """The people of the script, writing in the cooperation room."""

    def __init__(self, synapse: Synapse, db: Database, room: str):
        self.synapse, self.db, self.room = synapse, db, room
        self.people: dict[str, Member] = {}

    async def person(self, handle: str) -> Member:
        if handle not in self.people:
            member = Member(self.synapse.url, user(handle), password(handle))
            await member.client.login(member.password, device_name="crash")
            self.people[handle] = member
        return self.people[handle]

    async def close(self) -> None:
        await asyncio.gather(*(m.client.close() for m in self.people.values()))

    async def act(self, step: Step) -> Inbound:
        """Write one step; returns the event the bot must make of it."""
        member = await self.person(step.handle)
        actor = Actor("matrix", member.user_id)
        if step.kind == "command":
            body = f"!grappe {step.text}"
            event_id = await member.say(self.room, body)
            return Command(actor=actor, text=body, event_id=event_id, place=self.room)
        assert step.ref is not None
        root = await card_message(self.db, "matrix", step.ref)
        thread = Thread(object_ref=step.ref, channel=self.room, message_id=root)
        if step.kind == "reply":
            event_id = await member.reply_in_thread(self.room, root, step.text)
            return ThreadReply(actor=actor, thread=thread, text=step.text, event_id=event_id,
                               message_id=event_id)
        emoji = EMOJI[step.text]
        event_id = await member.react(self.room, root, emoji)
        return Action(actor=actor, thread=thread, action=emoji, event_id=event_id,
                      reaction=True)


# --- what the bot sent -----------------------------------------------------------------

async def bot_events(homeserver: str, token: str, since_ms: int = 0) -> list[dict[str, Any]]:
    """Every event the bot sent, in every room it is in, as its own device sees them (from
    ``since_ms`` on: not the earlier tests' of the same server, by other devices)."""
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{homeserver}/_matrix/client/v3"
    found: list[dict[str, Any]] = []
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{base}/joined_rooms") as resp:
            rooms = (await resp.json())["joined_rooms"]
        for room in rooms:
            since: str | None = None
            while True:
                params = {"dir": "b", "limit": "1000", **({"from": since} if since else {})}
                async with http.get(f"{base}/rooms/{room}/messages", params=params) as resp:
                    page = await resp.json()
                found.extend({**e, "room_id": room} for e in page.get("chunk", [])
                             if e.get("sender") == BOT and e.get("type") in
                             ("m.room.message", "m.room.encrypted", "m.reaction")
                             and e.get("origin_server_ts", 0) >= since_ms)
                since = page.get("end")
                if not page.get("chunk") or not since:
                    break
    return found


def _content_key(event: dict[str, Any]) -> tuple[str, ...]:
    content = event.get("content", {})
    relates = content.get("m.relates_to") or {}
    return (event["room_id"], event["type"], str(content.get("body", "")),
            str(relates.get("event_id", "")), str(relates.get("key", "")))


async def check_sink(db: Database, events: list[dict[str, Any]], verdict: Verdict) -> dict[str,
                                                                                          int]:
    """Each sent row's events once (see the module's docstring); returns counts."""
    txns = Counter(str(e.get("unsigned", {}).get("transaction_id", "")) for e in events)
    anonymous = [e for e in events if not e.get("unsigned", {}).get("transaction_id")]
    for txn, n in txns.items():
        if txn and n > 1:
            verdict.duplicates += n - 1
            where = sorted({(e["room_id"], str(e.get("content", {}).get("body", ""))[:40])
                            for e in events if e.get("unsigned", {}).get("transaction_id") == txn})
            verdict.note(f"transaction {txn} sent {n} times: {where}")
    known = Counter(_content_key(e) for e in events if e.get("unsigned", {}).get(
        "transaction_id"))
    for event in anonymous:  # sent by another session: a retry Synapse could not dedupe
        if known[_content_key(event)]:
            verdict.duplicates += 1
            verdict.note(f"sent again by another session: {_content_key(event)[:3]}")
    prefixes = {t.rsplit("-", 1)[0] for t in txns if t.count("-") == 3}
    rows = await sent_rows(db, "matrix")
    for row in rows:
        assert row.id is not None
        txn = transaction_id(row.id, row.created_at)
        if not txns.get(txn) and txn not in prefixes:
            verdict.lost += 1
            verdict.note(f"row {row.id} ({row.role}) marked sent, never seen on Matrix")
    return {"events": len(events), "distinct event ids": len({e["event_id"] for e in events}),
            "distinct transaction ids": len([t for t in txns if t]),
            "events without transaction id": len(anonymous)}
