"""A toy platform: the smallest adapter, written only against the port (bot/adapters/base.py)
and the neutral types, as docs/adapters.md describes.

Its payloads are tiny dicts: ``user``, ``room`` (absent: a direct conversation), ``text``,
``thread`` (the platform id of the message replied to, or reacted to with ``reaction``)
and ``id`` (the event's id; one is made up when absent).

It calls itself "console": the directory keys people's accounts and channels by a fixed
set of platform names (``commands/directory/file.py`` reads only console, slack and matrix
ids; ``commands/directory/admin.py`` has ``PLATFORMS``), so a new name would find no one
without a core change. Its user ids are therefore the people's handles, and its rooms the
console's channel ids (``#cooperation``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Sequence
from typing import Any

from bot.adapters.base import Delivery, DeliveryRole, Receive, Sent
from bot.http import Installer
from commands.events import Action, Actor, Command, Inbound, Thread, ThreadReply, where
from commands.messages import Message, Reaction
from commands.prefixes import addressed
from commands.render import plain

log = logging.getLogger(__name__)

PLATFORM = "console"  # see the module's docstring: the directory knows no other name
Payload = dict[str, str]
Record = dict[str, Any]


def inbound(payload: Payload, event_id: str) -> Inbound | None:
    """A payload → a neutral event; None when it is not for the bot (chatter)."""
    actor = Actor(PLATFORM, payload["user"])
    room = payload.get("room")
    direct = room is None
    replied = payload.get("thread")
    if replied is not None:
        thread = Thread(channel=room, message_id=replied)
        if reaction := payload.get("reaction"):
            return Action(actor=actor, thread=thread, action=reaction, event_id=event_id,
                          reaction=True)
        return ThreadReply(actor=actor, thread=thread, text=payload.get("text", ""),
                           event_id=event_id, message_id=event_id, direct=direct)
    command = addressed(payload.get("text", ""), direct=direct)
    if command is None:
        return None
    return Command(actor=actor, text=command, event_id=event_id, place=room, direct=direct)


def outbound(item: Message | Reaction) -> Record:
    """A neutral message → what the toy platform is given: plain text, or an emoji."""
    if isinstance(item, Reaction):
        return {"emoji": item.emoji, "on": item.message_id}
    return {"text": plain(item.blocks)}


class ToyPlatform:
    """Records what it is asked to send in ``sent``; ``queue`` holds incoming payloads."""

    platform = PLATFORM
    concurrency = 4  # threads side by side: each one still arrives in order
    duplicates_on_retry: frozenset[str] = frozenset()  # nothing is lost in a list
    redelivers = False

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Payload] = asyncio.Queue()
        self.sent: list[Record] = []
        self.changed = asyncio.Condition()  # notified after each record
        self._ids = itertools.count(1)
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._task is not None and not self._task.done()

    def serve(self, routes: Sequence[Installer]) -> bool:
        return False  # no HTTP server of its own: the runtime serves its routes

    def member_of(self, channel: str) -> bool | None:
        return None  # no rooms to be let into

    async def _record(self, record: Record) -> None:
        self.sent.append(record)
        async with self.changed:
            self.changed.notify_all()

    async def send(self, delivery: Delivery) -> Sent:
        """One outbox row: a card edit keeps its card's id; everything else gets a new one."""
        record = outbound(delivery.item) | {"role": delivery.role, "ref": delivery.object_ref}
        if delivery.role in (DeliveryRole.DM, DeliveryRole.EPHEMERAL):
            channel = delivery.channel or f"dm:{delivery.recipient}"
            record["to"] = delivery.recipient
        else:
            channel = delivery.channel or ""
        if delivery.role == DeliveryRole.EDIT:
            assert delivery.edit_target is not None  # the outbox holds edits until their card
            message_id = delivery.edit_target
        else:
            message_id = f"m{next(self._ids)}"
        record |= {"channel": channel, "id": message_id, "thread": delivery.thread_root}
        await self._record(record)
        return Sent(channel, message_id)

    async def send_direct(self, item: Message, event: Inbound) -> None:
        await self._record(outbound(item) | {"role": "direct", "to": event.actor.user_id,
                                             "channel": where(event)})

    async def start(self, receive: Receive) -> None:
        self._task = asyncio.create_task(self._run(receive), name="toy-runner")

    async def _run(self, receive: Receive) -> None:
        while True:
            payload = await self.queue.get()
            event = inbound(payload, payload.get("id") or f"in{next(self._ids)}")
            if event is not None:
                try:
                    await receive(event)
                except Exception:  # one bad event must not stop the platform
                    log.exception("toy: event %s failed", event.event_id)
            self.queue.task_done()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
