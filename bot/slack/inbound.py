"""Slack payloads → neutral inbound events. Pure functions, no I/O.

Each converter takes the payload exactly as Slack sends it (a slash command's
form fields, an Events API envelope, an interactivity payload) and returns a
``Command``, ``ThreadReply`` or ``Action`` (a ``HomeOpened`` for the Home tab, a
``RoomMessage`` for a message at the top of a Slack Connect channel: a client's room) — or
``None`` for what the bot ignores (its own messages, deletions, top-level chatter). Event ids are
stable across Slack's retries so that the dispatcher handles each event once.

An edit (``message_changed``: ``message`` is the message as it now reads, with the
original's ``ts`` and ``thread_ts``; ``previous_message`` as it read) is what the
original was, with its new words and ``edit_of`` the original's ts: a thread reply stays
one, a command stays a command (a mention of the bot in a channel made it one: its
``app_mention``, which Slack does not send again), a remark stays ignored. Edits that
leave the text as it was (a link unfolded, a reply counted under a message) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.slack.emoji import emoji
from bot.slack.modals import parse_submission
from bot.slack.render import ask_action, choice_action
from commands.events import (
    Action,
    Actor,
    Command,
    HomeOpened,
    Inbound,
    RoomMessage,
    Submission,
    Thread,
    ThreadReply,
)
from commands.prefixes import addressed, as_command

PLATFORM = "slack"
Payload = Mapping[str, Any]

# Message subtypes that are still a person writing; message_changed is read as the
# message it edits; every other subtype (message_deleted, bot_message, channel_join…) is
# ignored.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}
EDITED = "message_changed"

_MARKUP = re.compile(r"<([^<>]*)>")


def _markup(m: re.Match[str]) -> str:
    inner = m.group(1)
    target, _, label = inner.partition("|")
    if target[:1] in ("@", "#"):
        return f"{target[0]}{label.lstrip('@#')}" if label else target
    if target.startswith("!"):
        if label:
            return label
        word = target[1:].split("^", 1)[0]
        return f"@{word}"
    if label and label not in target:
        return f"{label} ({target})"
    return label or target


def plain_text(text: str) -> str:
    """What a person typed, as plain text: Slack's markup and entities undone.

    ``<@U1|camille>`` → ``@camille``, ``<!channel>`` → ``@channel``,
    ``<https://x.fr|site>`` → ``site (https://x.fr)``, ``&lt;`` → ``<``.
    Outbound rendering escapes everything again, so nothing here can ping.
    """
    text = _MARKUP.sub(_markup, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _actor(user_id: str) -> Actor:
    return Actor(PLATFORM, user_id)


def _text_to_bot(event: Payload, bot_user_id: str | None) -> str:
    """The event's text as plain text, without the mention of the bot itself."""
    text = event.get("text") or ""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return plain_text(text).strip()


def _command(body: Payload, user: str, text: str, *, place: str | None, mentioned: bool = False,
             direct: bool = False, name: str = "") -> Command | None:
    said = addressed(text, mentioned=mentioned, direct=direct)
    if said is None:
        return None
    return Command(actor=_actor(user), text=as_command(said), event_id=body["event_id"],
                   place=place, direct=direct, name=name)


# --- slash commands ------------------------------------------------------------------

def slash_command(body: Payload) -> Command:
    """``/grappe membres`` in a channel (or a DM: ``D…`` channel ids are kept as places)."""
    return Command(
        actor=_actor(body["user_id"]),
        text=as_command(plain_text(body.get("text") or "")),
        event_id=f"command:{body['trigger_id']}",
        place=body.get("channel_id") or None,
        forms=bool(body.get("trigger_id")),
    )


# --- Events API ----------------------------------------------------------------------

def _message(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    if event.get("subtype") == EDITED:
        return _edited(body, event, bot_user_id)
    return _written(body, event, bot_user_id)


def _person(event: Payload, bot_user_id: str | None) -> str | None:
    """The user who wrote a message, None for a bot's (ours included) or an event's."""
    user = event.get("user")
    if event.get("subtype") not in PERSON_SUBTYPES or event.get("bot_id") \
            or not user or user == bot_user_id:
        return None
    return str(user)


def _written(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    user = _person(event, bot_user_id)
    if user is None:
        return None
    text = _text_to_bot(event, bot_user_id)
    thread_ts = event.get("thread_ts")
    if thread_ts and thread_ts != event.get("ts"):
        return ThreadReply(
            actor=_actor(user),
            thread=Thread(channel=event.get("channel"), message_id=thread_ts),
            text=text,
            event_id=body["event_id"],
            message_id=event.get("ts"),
            direct=event.get("channel_type") == "im",
        )
    # a direct message to the bot is a command ("membres" or "grappe membres"); in a
    # channel, only what starts with a prefix (the mention comes as app_mention)
    if event.get("channel_type") == "im":
        return _command(body, user, text, place=None, direct=True)
    if body.get("is_ext_shared_channel") and event.get("channel"):
        # a Slack Connect channel (a client's room): the core reads what is written there
        profile = event.get("user_profile") or {}
        name = profile.get("real_name") or profile.get("display_name") or ""
        return (_command(body, user, text, place=event["channel"], name=name) or RoomMessage(
            actor=_actor(user), place=event["channel"], text=text, event_id=body["event_id"],
            message_id=event.get("ts"), name=name))
    return None  # chatter in a channel of the workspace, outside any thread


def _edited(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    """``message_changed``: what the original was, with the words it now has."""
    new, old = event.get("message") or {}, event.get("previous_message") or {}
    if (new.get("text") or "") == (old.get("text") or "") or not new.get("ts"):
        return None  # the same words: an unfurl, a thread's reply count, a pin
    if old and old.get("user") != new.get("user"):
        return None
    where = {"channel": event.get("channel"), "channel_type": event.get("channel_type")}
    now = _as_sent(body, {**new, **where}, bot_user_id)
    was = _as_sent(body, {**old, **where}, bot_user_id) if old else now
    if isinstance(was, ThreadReply):
        return replace(was, text=_text_to_bot(new, bot_user_id), edit_of=new["ts"])
    if isinstance(was, Command):
        return replace(was, text=now.text if isinstance(now, Command) else was.text,
                       edit_of=new["ts"])
    return None  # a remark stays one, whatever it now says


def _as_sent(body: Payload, message: Payload, bot_user_id: str | None) -> Inbound | None:
    """A message as Slack sent it: its ``message`` event, or its ``app_mention``."""
    found = _written(body, message, bot_user_id)
    user = _person(message, bot_user_id)
    in_thread = message.get("thread_ts") not in (None, message.get("ts"))
    if found is not None or user is None or message.get("channel_type") == "im" or in_thread \
            or not bot_user_id or f"<@{bot_user_id}" not in (message.get("text") or ""):
        return found
    return _command(body, user, _text_to_bot(message, bot_user_id),
                    place=message.get("channel"), mentioned=True)


def _mention(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    """``@grappe membres`` at the top of a channel; in a thread, the message event answers."""
    user = event.get("user")
    if not user or user == bot_user_id or event.get("bot_id") or event.get("thread_ts"):
        return None
    return _command(body, user, _text_to_bot(event, bot_user_id), place=event.get("channel"),
                    mentioned=True)


def _reaction(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    item = event.get("item") or {}
    user = event.get("user")
    if item.get("type") != "message" or not user or user == bot_user_id:
        return None
    return Action(
        actor=_actor(user),
        thread=Thread(channel=item.get("channel"), message_id=item.get("ts")),
        action=emoji(event.get("reaction") or ""),
        event_id=body["event_id"],
        reaction=True,
    )


def _home_opened(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    """The person opened the bot's Home tab (``tab: home``; the Messages tab is nothing)."""
    user = event.get("user")
    if event.get("tab") != "home" or not user or user == bot_user_id:
        return None
    return HomeOpened(actor=_actor(user), event_id=body["event_id"])


EventConverter = Callable[[Payload, Payload, "str | None"], "Inbound | None"]

EVENTS: dict[str, EventConverter] = {
    "message": _message,
    "app_mention": _mention,
    "reaction_added": _reaction,
    "app_home_opened": _home_opened,
}


def event_callback(body: Payload, bot_user_id: str | None = None) -> Inbound | None:
    """An Events API envelope (``type: event_callback``) → a neutral event, or None."""
    event = body.get("event") or {}
    convert = EVENTS.get(event.get("type", ""))
    return convert(body, event, bot_user_id) if convert else None


# --- interactivity ------------------------------------------------------------------

def block_action(body: Payload) -> Action | None:
    """A click on a card's button: an answer; for a choice that asks for text, the button's
    label goes with it (``Action.asks``: the core answers with a form)."""
    actions = body.get("actions") or []
    if not actions:
        return None
    clicked = actions[0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id")
    message_ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get(
        "message_ts")
    user = (body.get("user") or {}).get("id")
    ref = clicked.get("value") or None
    action_id = clicked.get("action_id", "")
    if not user or not ref:
        return None
    asked = ask_action(action_id)
    action = asked or choice_action(action_id)
    if action is None:
        return None
    label = (clicked.get("text") or {}).get("text") or action
    return Action(
        actor=_actor(user),
        thread=Thread(object_ref=ref, channel=channel, message_id=message_ts),
        action=action,
        event_id=f"action:{body.get('trigger_id') or clicked.get('action_ts')}",
        asks=label if asked is not None and body.get("trigger_id") else None,
    )


def view_submission(body: Payload) -> Submission | None:
    """A submitted modal: the neutral submission of its form."""
    user = (body.get("user") or {}).get("id")
    view = body.get("view") or {}
    if not user or not view.get("id"):
        return None
    return parse_submission(_actor(user), view)
