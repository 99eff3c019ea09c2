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

from bot.slack.modals import AnswerPrompt, parse_submission
from bot.slack.render import ask_action, choice_action
from commands.dispatcher import PREFIXES
from commands.events import Action, Actor, Command, Inbound, Thread, ThreadReply

PLATFORM = "slack"
Payload = Mapping[str, Any]

# Slack's reaction names for the emojis that cards declare (and that the bot reacts with).
EMOJI_BY_NAME: dict[str, str] = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎",
    "raising_hand": "🙋", "date": "📅", "calendar": "📆",
    "white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌",
    "speech_balloon": "💬", "eyes": "👀", "tada": "🎉", "warning": "⚠️",
    "one": "1️⃣", "two": "2️⃣", "three": "3️⃣", "four": "4️⃣", "five": "5️⃣",
    "six": "6️⃣", "seven": "7️⃣", "eight": "8️⃣", "nine": "9️⃣",
}
NAME_BY_EMOJI: dict[str, str] = {}
for _name, _emoji in EMOJI_BY_NAME.items():
    NAME_BY_EMOJI.setdefault(_emoji.replace("\ufe0f", ""), _name)

# Message subtypes that are still a person writing; every other subtype
# (message_changed, message_deleted, bot_message, channel_join…) is ignored.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}

_MARKUP = re.compile(r"<([^<>]*)>")


def emoji(name: str) -> str:
    """``thumbsup`` or ``+1::skin-tone-3`` → 👍; an unknown name stays ``:name:``."""
    base = name.split("::", 1)[0]
    return EMOJI_BY_NAME.get(base, f":{base}:")


def reaction_name(emoji_text: str) -> str | None:
    """The Slack name to react with ``emoji_text``, if the bot knows it."""
    return NAME_BY_EMOJI.get(emoji_text.replace("\ufe0f", ""))


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


def as_command_text(text: str) -> str:
    """``membres`` → ``/grappe membres``; text already starting with a prefix is kept."""
    stripped = text.strip()
    lowered = stripped.lower()
    if any(lowered == p or lowered.startswith(p + " ") for p in PREFIXES):
        return stripped
    return f"/grappe {stripped}".rstrip()


def _actor(user_id: str) -> Actor:
    return Actor(PLATFORM, user_id)


def _text_to_bot(event: Payload, bot_user_id: str | None) -> str:
    """The event's text as plain text, without the mention of the bot itself."""
    text = event.get("text") or ""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return plain_text(text).strip()


# --- slash commands ------------------------------------------------------------------

def slash_command(body: Payload) -> Command:
    """``/grappe membres`` in a channel (or a DM: ``D…`` channel ids are kept as places)."""
    return Command(
        actor=_actor(body["user_id"]),
        text=as_command_text(plain_text(body.get("text") or "")),
        event_id=f"command:{body['trigger_id']}",
        place=body.get("channel_id") or None,
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
        )
    if event.get("channel_type") == "im" and text.strip():
        # A direct message to the bot is a command ("membres" or "grappe membres").
        return Command(actor=_actor(user), text=as_command_text(text),
                       event_id=body["event_id"], place=None)
    return None  # chatter in a channel, outside any thread


def _mention(body: Payload, event: Payload, bot_user_id: str | None) -> Inbound | None:
    """``@grappe membres`` at the top of a channel; in a thread, the message event answers."""
    user = event.get("user")
    if not user or user == bot_user_id or event.get("bot_id") or event.get("thread_ts"):
        return None
    text = _text_to_bot(event, bot_user_id)
    if not text:
        return None
    return Command(actor=_actor(user), text=as_command_text(text),
                   event_id=body["event_id"], place=event.get("channel"))


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

def block_action(body: Payload) -> Action | AnswerPrompt | None:
    """A click on a card's button: an answer, or a prompt for text (a modal)."""
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
    if (asked := ask_action(action_id)) is not None:
        label = ((clicked.get("text") or {}).get("text") or asked)
        return AnswerPrompt(actor=_actor(user), object_ref=ref, action=asked, label=label,
                            channel=channel, message_ts=message_ts,
                            trigger_id=body.get("trigger_id", ""))
    action = choice_action(action_id)
    if action is None:
        return None
    return Action(
        actor=_actor(user),
        thread=Thread(object_ref=ref, channel=channel, message_id=message_ts),
        action=action,
        event_id=f"action:{body.get('trigger_id') or clicked.get('action_ts')}",
    )


def view_submission(body: Payload) -> Inbound | None:
    """A submitted modal: the request form (a command) or a free-text answer (an action)."""
    user = (body.get("user") or {}).get("id")
    view = body.get("view") or {}
    if not user or not view.get("id"):
        return None
    return parse_submission(_actor(user), view)
