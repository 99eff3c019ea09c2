"""Neutral messages → Block Kit. Pure functions, no I/O.

Every neutral block has one generic rendering, so a new command never needs
an adapter change: a heading is a ``header``, a paragraph or a bullet list a
``section`` in mrkdwn, choices an ``actions`` block of buttons, files are
uploaded beside the message. People's text is escaped (``&``, ``<``, ``>``)
so that it can never become ``<!channel>``, ``<!here>`` or a fake mention;
only mentions and links built here produce Slack markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from commands import messages as msg

SECTION_LIMIT = 3000  # characters of a section's text
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
MAX_BLOCKS = 50
MAX_BUTTONS = 25
NOTIFICATION_LIMIT = 200  # the notification ``text``: one line, what a phone shows

CHOICE_PREFIX = "grappe:choice:"
ASK_PREFIX = "grappe:ask:"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s<>|]+$", re.IGNORECASE)

SlackBlock = dict[str, Any]


@dataclass
class Rendered:
    """What one neutral message becomes: blocks, the one-line notification text, files to
    upload."""

    blocks: list[SlackBlock] = field(default_factory=list)
    text: str = ""
    files: list[msg.Attachment] = field(default_factory=list)


def escape(text: str) -> str:
    """Slack's three control characters, so that people's text stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def choice_action_id(choice: msg.Choice) -> str:
    return (ASK_PREFIX if choice.asks_text else CHOICE_PREFIX) + choice.action


def choice_action(action_id: str) -> str | None:
    """``grappe:choice:interested`` → ``interested``."""
    return action_id.removeprefix(CHOICE_PREFIX) if action_id.startswith(CHOICE_PREFIX) else None


def ask_action(action_id: str) -> str | None:
    """``grappe:ask:available`` → ``available`` (the button opens a small form)."""
    return action_id.removeprefix(ASK_PREFIX) if action_id.startswith(ASK_PREFIX) else None


def _bold(text: str) -> str:
    core = text.strip()
    if not core:
        return escape(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}*{escape(core)}*{trail}"


def mrkdwn_span(span: msg.Span) -> str:
    match span:
        case msg.Text(text=text):
            return escape(text)
        case msg.Bold(text=text):
            return _bold(text)
        case msg.Mention(ids=ids, name=name, handle=handle):
            user_id = ids.get("slack", "")
            if _USER_ID.match(user_id):
                return f"<@{user_id}>"
            return escape(name or f"@{handle}")
        case msg.Link(url=url, label=label):
            if not _SAFE_URL.match(url):
                return escape(f"{label} ({url})" if label and label != url else url)
            url = url.replace("&", "&amp;")
            return f"<{url}|{escape(label)}>" if label else f"<{url}>"
    raise TypeError(span)  # pragma: no cover


def mrkdwn(items: list[msg.Span]) -> str:
    return "".join(mrkdwn_span(s) for s in items)


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit``, never leaving half a mention or entity behind."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]
    if head.rfind("&") > head.rfind(";"):
        head = head[: head.rfind("&")]
    return head + "…"


def _chunks(lines: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Lines packed into texts of at most ``limit`` characters."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = cut(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def _sections(lines: list[str]) -> list[SlackBlock]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in _chunks(lines)]


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit) or "…", "emoji": True}


STYLES = {"positive": "primary", "negative": "danger"}
FIELDS_PER_SECTION, FIELD_LIMIT = 10, 2000  # Block Kit's limits


def _confirm(confirm: msg.Confirm, style: str) -> SlackBlock:
    """Block Kit's confirmation dialog (its title and buttons are plain text, 30 and 30)."""
    dialog: SlackBlock = {"title": _plain(confirm.title, 100),
                          "text": {"type": "mrkdwn", "text": cut(escape(confirm.text), 300)},
                          "confirm": _plain(confirm.yes, 30), "deny": _plain(confirm.no, 30)}
    if style in STYLES:
        dialog["style"] = STYLES[style]
    return dialog


def _fields(fields: msg.Fields) -> tuple[list[SlackBlock], list[str]]:
    texts = [cut(f"{_bold(item.label.strip())}\n{mrkdwn(item.value)}", FIELD_LIMIT)
             for item in fields.items]
    blocks = [{"type": "section", "fields": [{"type": "mrkdwn", "text": text}
                                             for text in texts[i:i + FIELDS_PER_SECTION]]}
              for i in range(0, len(texts), FIELDS_PER_SECTION)]
    return blocks, [f"{_bold(item.label.strip())} {mrkdwn(item.value)}" for item in fields.items]


def _buttons(choices: msg.Choices) -> list[SlackBlock]:
    """One ``actions`` block, or one per group of choices (a poll's option and its "if need
    be" and "no" on a row of their own)."""
    groups: dict[str, list[msg.Choice]] = {}
    for choice in choices.options:
        groups.setdefault(choice.group, []).append(choice)
    return [_actions(choices.object_ref, group, options) for group, options in groups.items()]


def _actions(ref: str, group: str, options: list[msg.Choice]) -> SlackBlock:
    seen: set[str] = set()
    elements = []
    for choice in options:
        action_id = choice_action_id(choice)
        if action_id in seen:
            continue
        seen.add(action_id)
        label = f"{choice.emoji} {choice.label}".strip()
        button: SlackBlock = {"type": "button", "action_id": action_id[:255],
                              "text": _plain(label, BUTTON_LIMIT), "value": ref}
        if choice.style != "default":
            button["style"] = STYLES[choice.style]
        if choice.confirm is not None:
            button["confirm"] = _confirm(choice.confirm, choice.style)
        elements.append(button)
    block_id = f"grappe:{ref}" + (f":{group}" if group else "")
    return {"type": "actions", "block_id": block_id[:255], "elements": elements[:MAX_BUTTONS]}


def block_kit(block: msg.Block) -> tuple[list[SlackBlock], list[str]]:
    """One neutral block → Slack blocks and the lines of its notification text."""
    match block:
        case msg.Heading(text=text):
            return [{"type": "header", "text": _plain(text, HEADER_LIMIT)}], [_bold(text)]
        case msg.Paragraph(spans=items):
            lines = mrkdwn(items).split("\n")
            return _sections(lines), lines
        case msg.Context(spans=items):
            line = cut(mrkdwn(items).replace("\n", " "), SECTION_LIMIT)
            return [{"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}], [line]
        case msg.Fields() as fields:
            return _fields(fields)
        case msg.Bullets(items=items):
            lines = ["• " + mrkdwn(item).replace("\n", " ") for item in items]
            return _sections(lines), lines
        case msg.Choices(hint=hint):
            buttons = _buttons(block)
            hint_lines = [escape(hint)] if hint else []  # the buttons follow: no word for them
            return _sections(hint_lines) + buttons, hint_lines
        case msg.Attachment():
            return [], []
    raise TypeError(block)  # pragma: no cover


def render(message: msg.Message, *, max_blocks: int = MAX_BLOCKS) -> Rendered:
    """``max_blocks``: what the surface takes (a message 50, a Home tab 100)."""
    out = Rendered()
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, msg.Attachment):
            out.files.append(block)
            continue
        slack_blocks, text_lines = block_kit(block)
        out.blocks.extend(slack_blocks)
        lines.extend(text_lines)
    if len(out.blocks) > max_blocks:
        out.blocks = [*out.blocks[: max_blocks - 1],
                      {"type": "context", "elements": [{"type": "mrkdwn", "text": "…"}]}]
    # the notification: the first line alone (a card's title); the blocks hold the rest
    out.text = cut(next((line for line in lines if line.strip()), ""), NOTIFICATION_LIMIT)
    if not out.text and out.files:
        out.text = escape(", ".join(f.title for f in out.files))
    return out
