"""nio events → neutral inbound events (pure, table-driven: no I/O).

- ``!grappe …`` (or ``/grappe …``) anywhere, a message that starts with a
  mention of the bot, and any text in a direct room → ``Command`` (named, like a
  ``RoomMessage``, from the sender's display name in the room: a room with only a client's
  agent and the bot has two members, and reads as a direct room);
- a message in a thread (``m.thread``) or a rich reply (``m.in_reply_to``)
  → ``ThreadReply`` on the root (the dispatcher keeps only the threads of cards);
- an ``m.reaction`` annotation → ``Action(reaction=True)`` with the emoji;
- any other text at the top of a room shared with others → ``RoomMessage`` (the core
  reads it only in a client's room, where a client's words open or follow a request;
  elsewhere it is the team's conversation and is dropped there), named from the
  sender's display name in the room;
- an encrypted event nio could not decrypt → ``Unreadable``: the bot cannot read it and
  says so (with a device that decrypts, the sync first asks for its key and waits for it:
  ``bot.matrix.crypto``; nio hands the converters the events it decrypted, as plain ones);
- an edit (``m.replace``) → what the original was, with its new text (``m.new_content``)
  and ``edit_of`` the original's id: a thread answer stays one, in the original's thread
  (an edit cannot move a message, so clients leave the relation out of ``m.new_content``;
  the runner fetches the original, see ``edited``), a command stays a command, a remark
  stays ignored. An edit whose text is unchanged, or not by the original's author, is
  ignored; without the original, the edit stands on its own content.

``direct`` on the events says the room has two members at most (the dispatcher tells
a directory channel apart); whether a text is addressed is ``commands.prefixes``'.

Notices (other bots) and the bot's own events (edits included) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from nio import (
    Event,
    MegolmEvent,
    ReactionEvent,
    RoomMessageText,
    UnknownEncryptedEvent,
)

from commands.events import (
    Action,
    Actor,
    Command,
    Inbound,
    RoomMessage,
    Thread,
    ThreadReply,
    Unreadable,
)
from commands.prefixes import addressed

PLATFORM = "matrix"
_PILL = re.compile(r'^\s*(?:<p>)?\s*<a href="https://matrix\.to/#/([^"]+)">([^<]*)</a>')


@dataclass(frozen=True)
class RoomView:
    """What a converter needs to know about the room and the bot."""

    room_id: str
    bot_id: str
    direct: bool = False  # a one-to-one room with the bot: any text is a command
    name_of: Callable[[str], str | None] = lambda _user: None  # a member's display name


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


def _relation(content: dict[str, Any]) -> dict[str, Any]:
    relates = content.get("m.relates_to")
    return relates if isinstance(relates, dict) else {}


def edited(event: Event) -> str | None:
    """The id of the message ``event`` edits (an ``m.replace``), for the runner to fetch."""
    if not isinstance(event, RoomMessageText):
        return None
    relates = _relation(_content(event))
    target = relates.get("event_id")
    return target if relates.get("rel_type") == "m.replace" and isinstance(target, str) else None


def _said(actor: Actor, body: str, content: dict[str, Any], relates: dict[str, Any],
          room: RoomView, event_id: str) -> Converted:
    """A person's text as sent: a command, a reply in a thread, or nothing for the bot."""
    body = strip_reply_fallback(body)
    name = room.name_of(actor.user_id) or ""
    text = command_text(body, content, room)
    if text is not None:
        return Command(actor=actor, text=text, event_id=event_id, place=room.room_id,
                       direct=room.direct, name=name)
    root = thread_root(relates)
    if root is not None:
        return ThreadReply(actor=actor, thread=Thread(channel=room.room_id, message_id=root),
                           text=body, event_id=event_id, message_id=event_id,
                           direct=room.direct)
    said = addressed(body, direct=room.direct)
    if said is not None:
        return Command(actor=actor, text=said, event_id=event_id, place=room.room_id,
                       direct=True, name=name)
    if room.direct:
        return None
    return RoomMessage(actor=actor, place=room.room_id, text=body, event_id=event_id,
                       message_id=event_id, name=name)


def _text(event: RoomMessageText, room: RoomView, original: Event | None = None) -> Converted:
    content = _content(event)
    relates = _relation(content)
    actor = Actor(PLATFORM, event.sender)
    if relates.get("rel_type") != "m.replace":
        return _said(actor, event.body, content, relates, room, event.event_id)
    target, new = relates.get("event_id"), content.get("m.new_content")
    if not isinstance(target, str) or not isinstance(new, dict) \
            or new.get("msgtype", "m.text") != "m.text" or not isinstance(new.get("body"), str):
        return None
    before = _content(original) if original is not None else {}
    body = strip_reply_fallback(new["body"])
    if original is not None and (original.sender != event.sender or strip_reply_fallback(
            str(before.get("body", ""))).strip() == body.strip()):
        return None  # someone else's message (clients ignore it too), or the same words
    # the thread is the original's: an edit cannot move a message (clients leave it out)
    now = _said(actor, body, new, _relation(new) or _relation(before), room, target)
    was = now if original is None else _said(
        actor, str(before.get("body", "")), before, _relation(before), room, target)
    if isinstance(was, ThreadReply):
        return replace(was, text=body, event_id=event.event_id, edit_of=target)
    if isinstance(was, Command):
        return replace(was, text=now.text if isinstance(now, Command) else was.text,
                       event_id=event.event_id, edit_of=target)
    return None  # a remark stays one, whatever it now says


def _reaction(event: ReactionEvent, room: RoomView, original: Event | None = None) -> Converted:
    return Action(actor=Actor(PLATFORM, event.sender),
                  thread=Thread(channel=room.room_id, message_id=event.reacts_to),
                  action=event.key, event_id=event.event_id, reaction=True)


def _encrypted(event: Event, room: RoomView, original: Event | None = None) -> Converted:
    return Unreadable(actor=Actor(PLATFORM, event.sender), place=room.room_id,
                      event_id=event.event_id)


CONVERTERS: dict[type[Event], Callable[[Any, RoomView, Event | None], Converted]] = {
    RoomMessageText: _text,
    ReactionEvent: _reaction,
    MegolmEvent: _encrypted,
    UnknownEncryptedEvent: _encrypted,
}


def convert(event: Event, room: RoomView, original: Event | None = None) -> Converted:
    """The neutral event for one nio timeline event, or None when it is not for the bot.

    ``original``: for an edit (``edited``), the message it edits, as the homeserver gives
    it (None when it could not be had: the edit then stands on its own content).
    """
    if event.sender == room.bot_id:
        return None
    converter = CONVERTERS.get(type(event))
    return converter(event, room, original) if converter is not None else None
