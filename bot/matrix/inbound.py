"""nio events → neutral inbound events (pure, table-driven: no I/O).

- ``!grappe …`` (or ``/grappe …``) anywhere, a message that starts with a
  mention of the bot, and any text in a direct room → ``Command``;
- a message in a thread (``m.thread``) or a rich reply (``m.in_reply_to``)
  → ``ThreadReply`` on the root (the dispatcher keeps only the threads of cards);
- an ``m.reaction`` annotation → ``Action(reaction=True)`` with the emoji;
- an encrypted event → ``Unreadable``: the bot cannot read it and says so.

``direct`` on the events says the room has two members at most (the dispatcher tells
a directory channel apart); whether a text is addressed is ``commands.prefixes``'.

Edits (``m.replace``), notices (other bots) and the bot's own events are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nio import (
    Event,
    MegolmEvent,
    ReactionEvent,
    RoomMessageText,
    UnknownEncryptedEvent,
)

from commands.events import Action, Actor, Command, Inbound, Thread, ThreadReply, Unreadable
from commands.prefixes import addressed

PLATFORM = "matrix"
_PILL = re.compile(r'^\s*(?:<p>)?\s*<a href="https://matrix\.to/#/([^"]+)">([^<]*)</a>')


@dataclass(frozen=True)
class RoomView:
    """What a converter needs to know about the room and the bot."""

    room_id: str
    bot_id: str
    direct: bool = False  # a one-to-one room with the bot: any text is a command


Converted = Inbound | None


def _content(event: Event) -> dict[str, Any]:
    content = event.source.get("content")
    return content if isinstance(content, dict) else {}


def strip_reply_fallback(body: str) -> str:
    """Drop the quoted ``> <@user> …`` lines that clients put before a rich reply."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip()


def _after_mention(body: str, content: dict[str, Any], bot_id: str) -> str | None:
    """The text after a mention of the bot that starts the message, else None."""
    pill = _PILL.match(str(content.get("formatted_body", "")))
    if pill and pill.group(1) == bot_id:
        name = pill.group(2)
        for start in (name, "@" + name, bot_id):
            if start and body.startswith(start):
                return body[len(start) :].lstrip(" :,\u00a0").strip()
    if body.startswith(bot_id):
        return body[len(bot_id) :].lstrip(" :,\u00a0").strip()
    return None


def command_text(body: str, content: dict[str, Any], room: RoomView) -> str | None:
    """The command in a message, or None when the message is not addressed to the bot
    (a direct room's texts are found by the caller: a thread there may be a card's)."""
    text = body.strip()
    after = _after_mention(text, content, room.bot_id)
    if after is not None:
        return addressed(after, mentioned=True)
    return addressed(text)


def thread_root(relates: dict[str, Any]) -> str | None:
    """The event a message answers: its thread's root, or the message it replies to."""
    if relates.get("rel_type") == "m.thread":
        root = relates.get("event_id")
        return root if isinstance(root, str) else None
    reply = relates.get("m.in_reply_to")
    if isinstance(reply, dict) and isinstance(reply.get("event_id"), str):
        return str(reply["event_id"])
    return None


def _text(event: RoomMessageText, room: RoomView) -> Converted:
    content = _content(event)
    relates = content.get("m.relates_to")
    relates = relates if isinstance(relates, dict) else {}
    if relates.get("rel_type") == "m.replace":
        return None  # someone edited an earlier message: it was handled (or not) as sent
    actor = Actor(PLATFORM, event.sender)
    body = strip_reply_fallback(event.body)
    text = command_text(body, content, room)
    if text is not None:
        return Command(actor=actor, text=text, event_id=event.event_id, place=room.room_id,
                       direct=room.direct)
    root = thread_root(relates)
    if root is not None:
        return ThreadReply(actor=actor, thread=Thread(channel=room.room_id, message_id=root),
                           text=body, event_id=event.event_id, message_id=event.event_id,
                           direct=room.direct)
    said = addressed(body, direct=room.direct)
    if said is not None:
        return Command(actor=actor, text=said, event_id=event.event_id, place=room.room_id,
                       direct=True)
    return None


def _reaction(event: ReactionEvent, room: RoomView) -> Converted:
    return Action(actor=Actor(PLATFORM, event.sender),
                  thread=Thread(channel=room.room_id, message_id=event.reacts_to),
                  action=event.key, event_id=event.event_id, reaction=True)


def _encrypted(event: Event, room: RoomView) -> Converted:
    return Unreadable(actor=Actor(PLATFORM, event.sender), place=room.room_id,
                      event_id=event.event_id)


CONVERTERS: dict[type[Event], Callable[[Any, RoomView], Converted]] = {
    RoomMessageText: _text,
    ReactionEvent: _reaction,
    MegolmEvent: _encrypted,
    UnknownEncryptedEvent: _encrypted,
}


def convert(event: Event, room: RoomView) -> Converted:
    """The neutral event for one nio timeline event, or None when it is not for the bot."""
    if event.sender == room.bot_id:
        return None
    converter = CONVERTERS.get(type(event))
    return converter(event, room) if converter is not None else None
