"""The console adapter: the embedded default, and the scripted interface of tests and demos.

Input lines (ARCHITECTURE.md, "The console adapter")::

    <handle>: /grappe <command> …
    <handle> in <REF>: <text>
    <handle> clicks <REF> <action> [value]
    <handle> in #<channel>: <text>

Every output is ``[<channel>|DM:<handle>] <REF>|-`` and the plain-text
rendering; continuation lines are indented by two spaces.
"""

from __future__ import annotations

import itertools
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from bot.adapters.base import Delivery, Receive, Sent
from commands.events import Action, Actor, Command, Inbound, RoomMessage, Thread, ThreadReply
from commands.i18n import translator
from commands.messages import Message, Reaction
from commands.prefixes import addressed
from commands.render import plain
from storage.models import DeliveryRole

if TYPE_CHECKING:
    from bot.console_durable import Journal
    from bot.http import Installer  # aiohttp: loaded by the adapters that serve HTTP

PLATFORM = "console"
DEFAULT_CHANNEL = "#cooperation"

_COMMAND = re.compile(r"^(?:(?P<handle>[\w.@-]+)\s*:\s*)?(?P<text>.*)$", re.S)
_REPLY = re.compile(r"^(?P<handle>[\w.@-]+) in (?P<ref>[A-Za-z]+-\d+)\s*:\s?(?P<text>.*)$", re.S)
_ROOM = re.compile(r"^(?P<handle>[\w.@-]+) in (?P<room>#[\w.-]+)\s*:\s?(?P<text>.*)$", re.S)
_CLICK = re.compile(
    r"^(?P<handle>[\w.@-]+) clicks (?P<ref>[A-Za-z]+-\d+) (?P<action>\S+)(?:\s+(?P<value>.+))?$")


@dataclass(frozen=True)
class BadLine:
    line: str


def parse_line(line: str, default_handle: str | None = None,
               event_id: str | None = None) -> Inbound | BadLine | None:
    """One console line → a neutral event, ``None`` for blanks and comments.

    ``event_id`` is the line's stable id in a script file (``bot.console_durable``);
    a line typed or piped gets a random one.
    """
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    event_id = event_id or uuid.uuid4().hex
    if m := _REPLY.match(line):
        return ThreadReply(actor=Actor(PLATFORM, m["handle"].lower()),
                           thread=Thread(object_ref=m["ref"].upper(), channel=DEFAULT_CHANNEL),
                           text=m["text"], event_id=event_id, message_id=f"in-{event_id}")
    if m := _ROOM.match(line):  # a message written in a room (a client's): no thread
        return RoomMessage(actor=Actor(PLATFORM, m["handle"].lower()), place=m["room"].lower(),
                           text=m["text"], event_id=event_id, message_id=f"in-{event_id}",
                           name=m["handle"])
    if m := _CLICK.match(line):
        return Action(actor=Actor(PLATFORM, m["handle"].lower()),
                      thread=Thread(object_ref=m["ref"].upper(), channel=DEFAULT_CHANNEL),
                      action=m["action"], value=m["value"] or "", event_id=event_id)
    if (m := _COMMAND.match(line.strip())) and addressed(m["text"]) is not None:
        handle = m["handle"] or default_handle
        if handle:
            return Command(actor=Actor(PLATFORM, handle.lower()), text=m["text"],
                           event_id=event_id, place=DEFAULT_CHANNEL)
    return BadLine(line)


class ConsoleAdapter:
    """Prints what the bot says; every send succeeds at once.

    With a ``journal`` (the output is a regular file), each outbox row is written
    exactly once even across crashes (``bot.console_durable``).
    """

    platform = PLATFORM
    concurrency = 1  # one terminal: everything in the order it was queued
    duplicates_on_retry: frozenset[str] = frozenset()  # the journal writes each row once
    redelivers = False
    connected = True

    def __init__(self, out: TextIO | None = None, journal: Journal | None = None):
        self.out = out or sys.stdout
        self.journal = journal
        self._ids = itertools.count(1)
        self._run = f"{int(time.time() * 1000):x}"

    def member_of(self, channel: str) -> bool | None:
        return None  # a terminal has no rooms to be let into

    def _next_id(self) -> str:
        return f"c{self._run}-{next(self._ids)}"

    @staticmethod
    def block(where: str, ref: str | None, text: str) -> str:
        """What is printed for one message: its head line, then indented lines."""
        lines = text.split("\n") if text else [""]
        head = f"[{where}] {ref or '-'} {lines[0]}".rstrip()
        body = "".join(f"\n  {line}" if line else "\n" for line in lines[1:])
        return head + body + "\n"

    def _print(self, where: str, ref: str | None, text: str) -> None:
        if self.journal is not None:  # one way to the file, so that offsets stay true
            self.out.flush()
            self.journal.write_raw(self._encode(self.block(where, ref, text)))
            return
        self.out.write(self.block(where, ref, text))
        self.out.flush()

    def _encode(self, text: str) -> bytes:
        return text.encode(getattr(self.out, "encoding", None) or "utf-8", "replace")

    async def send(self, delivery: Delivery) -> Sent:
        item = delivery.item
        where = (f"DM:{delivery.recipient}"
                 if delivery.role in (DeliveryRole.DM, DeliveryRole.EPHEMERAL)
                 else delivery.channel or DEFAULT_CHANNEL)
        if isinstance(item, Reaction):
            ref, text = item.object_ref, f"{item.emoji} {item.note}".strip()
        else:
            assert isinstance(item, Message)
            ref = item.card_of or item.edit_of or delivery.object_ref
            text = ("✎ " if delivery.role == DeliveryRole.EDIT else "") + plain(item.blocks)
        if self.journal is not None:
            self.out.flush()
            return await self.journal.write(delivery.transaction_id, where, self._next_id(),
                                            self._encode(self.block(where, ref, text)))
        self._print(where, ref, text)
        return Sent(where, self._next_id())

    async def send_direct(self, item: Message, event: Inbound) -> None:
        self._print(f"DM:{event.actor.user_id}", None, plain(item.blocks))

    # --- the port's lifecycle: the console is driven by its lines (``run_lines``) ----
    def serve(self, routes: Sequence[Installer]) -> bool:
        return False

    async def start(self, receive: Receive) -> None:
        return None

    async def stop(self) -> None:
        return None

    def bad_line(self, line: str, locale: str | None = None) -> None:
        t = translator(locale)
        self._print("console", None, t.t(
            "I do not understand this line: {line}\nWrite “<handle>: /grappe <command>”, "
            "“<handle> in <REF>: <text>”, “<handle> clicks <REF> <action>” or "
            "“<handle> in #<channel>: <text>”.",
            line=line[:80]))




async def run_lines(
    lines: Iterable[str],
    adapter: ConsoleAdapter,
    receive: Receive,
    drain: Callable[[], Awaitable[int]],
    *,
    default_handle: str | None = None,
    event_ids: Callable[[int], str] | None = None,
) -> int:
    """Run scripted lines in order, each one delivered before the next; returns a count.

    ``event_ids`` gives the stable event id of line n (1-based) of a script file.
    """
    handled = 0
    for number, line in enumerate(lines, 1):
        event = parse_line(line, default_handle, event_ids(number) if event_ids else None)
        if event is None:
            continue
        if isinstance(event, BadLine):
            adapter.bad_line(event.line)
            continue
        await receive(event)
        await drain()
        handled += 1
    return handled
