"""Neutral inbound events: what an adapter makes of a platform event."""

from __future__ import annotations

from dataclasses import dataclass


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
    """``/grappe <text>`` typed by ``actor`` in ``place`` (a platform channel id, None for DMs)."""

    actor: Actor
    text: str
    event_id: str
    place: str | None = None


@dataclass(frozen=True)
class ThreadReply:
    actor: Actor
    thread: Thread
    text: str
    event_id: str
    message_id: str | None = None  # the reply itself, for an acknowledgement


@dataclass(frozen=True)
class Action:
    """A button or a reaction on a card.

    For a reaction, ``action`` is the emoji and ``reaction`` is True: the
    dispatcher maps it to the action the card's family declared for that emoji
    (see ``registry.choice_emojis``) and ignores any other emoji silently.
    """

    actor: Actor
    thread: Thread
    action: str
    event_id: str
    value: str = ""
    reaction: bool = False


Inbound = Command | ThreadReply | Action
