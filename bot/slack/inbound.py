"""Slack payloads → neutral inbound events. Pure functions, no I/O.

Each converter takes the payload exactly as Slack sends it (a slash command's
form fields, an Events API envelope, an interactivity payload) and returns a
``Command``, ``ThreadReply`` or ``Action`` — or ``None`` for what the bot
ignores (its own messages, edits, deletions, top-level chatter). Event ids are
stable across Slack's retries so that the dispatcher handles each event once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.slack.emoji import emoji
from bot.slack.modals import parse_submission
from bot.slack.render import ask_action, choice_action
from commands.events import Action, Actor, Command, Inbound, Submission, Thread, ThreadReply
from commands.prefixes import addressed, as_command

PLATFORM = "slack"
Payload = Mapping[str, Any]

# Message subtypes that are still a person writing; every other subtype
# (message_changed, message_deleted, bot_message, channel_join…) is ignored.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}

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
             direct: bool = False) -> Command | None:
    said = addressed(text, mentioned=mentioned, direct=direct)
    if said is None:
        return None
    return Command(actor=_actor(user), text=as_command(said), event_id=body["event_id"],
                   place=place, direct=direct)


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
    if event.get("subtype") not in PERSON_SUBTYPES or event.get("bot_id"):
        return None
    user = event.get("user")
    if not user or user == bot_user_id:
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
    return None  # chatter in a channel, outside any thread


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


EventConverter = Callable[[Payload, Payload, "str | None"], "Inbound | None"]

EVENTS: dict[str, EventConverter] = {
    "message": _message,
    "app_mention": _mention,
    "reaction_added": _reaction,
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
