"""Neutral inbound events: what a converter makes of a platform event.

A converter says only what the platform says (who, where, which message, whether the
conversation is one-to-one with the bot, whether the platform can show a form now);
the dispatcher decides the rest once for every platform: whether a reply or a reaction
is on one of our objects, who the person is, whether a reply in a direct conversation
is a command, and what an edit means.

An edit (a person corrects a message already sent: Matrix's ``m.replace``, Slack's
``message_changed``) is the message as it now reads, with ``edit_of`` the platform id of
the original message: a ``ThreadReply`` then answers again in place of the original (its
``message_id`` is the original's, where the acknowledgement goes), a ``Command`` is never
run a second time. An edit that leaves the text as it was is no event at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    platform: str
    user_id: str


@dataclass(frozen=True)
class Thread:
    """Where a reply was made: an object ref, or a platform message to map to one."""

    object_ref: str | None = None
    channel: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class Command:
    """``/grappe <text>`` typed by ``actor`` in ``place`` (a platform channel id, None for DMs).

    ``direct``: written in a one-to-one conversation with the bot, as the platform says
    (the dispatcher ignores an unprefixed text there when the room is a directory
    channel after all); ``forms``: the platform can open a form in answer (Slack, with a
    trigger id), so a command that declares one opens it when given no arguments.
    ``name``: the author's name as the platform gives it, when it does (as on a
    ``RoomMessage``: a client's agent met in their room is named from it).
    """

    actor: Actor
    text: str
    event_id: str
    place: str | None = None
    direct: bool = False
    forms: bool = False
    edit_of: str | None = None  # an edit of the message with this platform id
    name: str = ""


@dataclass(frozen=True)
class ThreadReply:
    """A message in a thread (or a reply to a message): an answer when the thread is one
    of our objects' cards, people's chatter otherwise (ignored), and a command when it
    was written in a direct conversation with the bot (``direct``)."""

    actor: Actor
    thread: Thread
    text: str
    event_id: str
    message_id: str | None = None  # the reply itself, for an acknowledgement
    direct: bool = False
    edit_of: str | None = None  # an edit of this reply: the original's id (= message_id)


@dataclass(frozen=True)
class Action:
    """A button or a reaction on a card.

    For a reaction, ``action`` is the emoji and ``reaction`` is True: the
    dispatcher maps it to the action the card's family declared for that emoji
    (see ``registry.choice_emojis``) and ignores any other emoji silently.
    ``asks`` is the label of a choice that asks for text (``Choice.asks_text``) on a
    platform that can show a form: the dispatcher answers with a one-field form.
    """

    actor: Actor
    thread: Thread
    action: str
    event_id: str
    value: str = ""
    reaction: bool = False
    asks: str | None = None


@dataclass(frozen=True)
class Submission:
    """A form filled in (``commands.forms``): ``form`` is the form's key, ``values`` its
    fields by name (a text, a list of chosen values, an ISO date, or None)."""

    actor: Actor
    form: str
    values: dict[str, Any]
    event_id: str
    place: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class RoomMessage:
    """A message written at the top of a room, addressed to no one in particular: the
    bot reads it only in a client's room, where a client's words open or follow a
    request. ``name`` is the author's name as the platform's profile gives it (a person
    met there for the first time becomes a contact under it)."""

    actor: Actor
    place: str
    text: str
    event_id: str
    message_id: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Invitation:
    """The bot is invited to ``place`` by ``actor``: the dispatcher says whether to join."""

    actor: Actor
    place: str
    event_id: str
    direct: bool = False


@dataclass(frozen=True)
class Joined:
    """The bot is in ``places`` now, as the platform says (it joined after an invitation,
    it was added, or it is there at start-up): what waited for a directory room among them
    goes out at once (``commands.presence``). ``actor`` is the platform, with no user —
    but with ``direct``, the person who opened ``places`` as their direct room with the bot:
    what waited for one (``commands.presence.opened``) goes out."""

    actor: Actor
    places: tuple[str, ...]
    event_id: str
    direct: bool = False


@dataclass(frozen=True)
class Unreadable:
    """A message the bot cannot read (end-to-end encrypted): its author is told why.

    ``undecryptable``: the bot decrypts the room's messages, but this one's key never
    reached it (the author is asked to send it again)."""

    actor: Actor
    place: str
    event_id: str
    undecryptable: bool = False


@dataclass(frozen=True)
class HomeOpened:
    """The person's home is to be drawn: they opened it (Slack's Home tab) or acted while it
    was theirs to see. The dispatcher only reads: it answers with the home (``Outcome.home``)
    and records nothing, not even the event id (drawing it twice shows the same)."""

    actor: Actor
    event_id: str


Inbound = (Command | ThreadReply | Action | Submission | Invitation | Joined | Unreadable
           | HomeOpened | RoomMessage)
Answerable = ThreadReply | Action


def where(event: Inbound) -> str | None:
    """The platform channel where the person acted (None: a direct conversation unknown)."""
    if isinstance(event, ThreadReply | Action):
        return event.thread.channel
    if isinstance(event, Joined | HomeOpened):
        return None  # several places, or none: no one acted in a room
    return event.place
