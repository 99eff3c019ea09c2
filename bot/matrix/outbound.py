"""Neutral messages → Matrix event contents (pure: no I/O).

A message has a plain ``body`` and an HTML ``formatted_body``. It is an ``m.text``,
which notifies, unless it is an answer shown where the person just typed: that one
is an ``m.notice`` (the person is looking at it, and other bots do not answer
notices). The default push rules silence every notice, mentions and direct rooms
included (``.m.rule.suppress_notices`` comes first), so a DM, a card, a reminder or a
decision sent as a notice would reach nobody (``notifies``). People's text is
HTML-escaped, mentions become matrix.to pills, and ``m.mentions`` is always set
explicitly: only the people the message really mentions are pinged, never ``@room``
typed by someone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from commands.i18n import translator
from commands.messages import (
    Attachment,
    Block,
    Bold,
    Bullets,
    Choice,
    Choices,
    Context,
    Fields,
    Heading,
    Link,
    Mention,
    Message,
    Paragraph,
    Span,
    Text,
)
from storage.models import DeliveryRole

Content = dict[str, Any]
SAFE_SCHEMES = ("https://", "http://", "mailto:")


@dataclass
class Rendered:
    """One message, ready to send: its text, the people it pings, its files and choices."""

    body: str = ""
    html: str = ""
    user_ids: list[str] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def matrix_id(mention: Mention) -> str | None:
    """The mention's Matrix id when it looks like one (``@local:server``)."""
    user_id = mention.ids.get("matrix", "")
    return user_id if user_id.startswith("@") and ":" in user_id else None


_COMMAND = re.compile(r"(?<![\w/])/grappe\b")


def pill(user_id: str, name: str) -> str:
    return f'<a href="https://matrix.to/#/{escape(user_id)}">{escape(name)}</a>'


def _span(span: Span, out: Rendered) -> tuple[str, str]:
    """(plain, html) of one span; mentions are collected in ``out``."""
    match span:
        case Text(text=text):
            return text, escape(text).replace("\n", "<br>")
        case Bold(text=text):
            return text, f"<strong>{escape(text)}</strong>"
        case Mention(name=name) as mention:
            user_id = matrix_id(mention)
            if user_id is None:
                return name, escape(name)
            if user_id not in out.user_ids:
                out.user_ids.append(user_id)
            return name, pill(user_id, name)
        case Link(url=url, label=label):
            if not url.lower().startswith(SAFE_SCHEMES):
                return label, escape(label)
            plain = label if label == url else f"{label} ({url})"
            return plain, f'<a href="{escape(url)}">{escape(label)}</a>'
    raise TypeError(span)  # pragma: no cover


def _spans(items: list[Span], out: Rendered) -> tuple[str, str]:
    parts = [_span(s, out) for s in items]
    return "".join(p for p, _ in parts), "".join(h for _, h in parts)


def _choices(block: Choices, locale: str) -> tuple[str, str]:
    """The card's hint, then its choices as the reactions to click (Matrix has no buttons)."""
    t = translator(locale)
    options = " · ".join(f"{o.emoji} {o.label}".strip() for o in block.options if o.emoji)
    if block.hint:
        react = t.t("Or react to this message:")
        plain = f"{block.hint} {react} {options}"
        return plain, f"<p>{escape(block.hint)} <em>{escape(react)}</em> {escape(options)}</p>"
    react = t.t("React to this message or answer in its thread:")
    return f"{react} {options}", f"<p><em>{escape(react)}</em> {escape(options)}</p>"


def _block(block: Block, out: Rendered, locale: str) -> tuple[str, str] | None:
    match block:
        case Heading(text=text):
            return text, f"<h4>{escape(text)}</h4>"
        case Paragraph(spans=items):
            plain, html = _spans(items, out)
            return plain, f"<p>{html}</p>"
        case Context(spans=items):  # Element shows no smaller text: a line in italics
            plain, html = _spans(items, out)
            return plain, f"<p><em>{html}</em></p>"
        case Fields() as fields:
            lines = [_spans(p.spans, out) for p in fields.as_paragraphs()]
            return "\n".join(p for p, _ in lines), "".join(f"<p>{h}</p>" for _, h in lines)
        case Bullets(items=items):
            rendered = [_spans(item, out) for item in items]
            plain = "\n".join(f"• {p}" for p, _ in rendered)
            return plain, "<ul>" + "".join(f"<li>{h}</li>" for _, h in rendered) + "</ul>"
        case Choices() as choices:
            out.choices.extend(o for o in choices.options if o.emoji)
            return _choices(choices, locale)
        case Attachment() as attachment:
            out.files.append(attachment)
            return None
    raise TypeError(block)  # pragma: no cover


def render(message: Message) -> Rendered:
    out = Rendered()
    plains, htmls = [], []
    for block in message.blocks:
        parts = _block(block, out, message.locale)
        if parts is not None:
            plains.append(parts[0])
            htmls.append(parts[1])
    # Matrix clients (Element) take "/…" as their own commands: show the form to type here
    out.body = _COMMAND.sub("!grappe", "\n".join(plains))
    out.html = _COMMAND.sub("!grappe", "".join(htmls))
    return out


def notifies(role: str, *, in_place: bool) -> bool:
    """Whether a message is sent to be noticed (``m.text``) or only read (``m.notice``).

    Everything the core sends to someone — a DM, a card, a post in a thread, a reminder —
    is there to be noticed. Only a reply to the person who acted (``EPHEMERAL``) that is
    shown where they acted (``in_place``: they typed in their direct room) is read as it
    comes. Matrix has no ephemeral messages, so a reply to a command typed in a shared
    room goes to the person's direct room: they are not looking there, it notifies.
    """
    return role != DeliveryRole.EPHEMERAL or not in_place


def content_of(rendered: Rendered, *, notify: bool = True) -> Content:
    """The content of a rendered message, with its explicit ``m.mentions``."""
    return {
        "msgtype": "m.text" if notify else "m.notice",
        "body": rendered.body,
        "format": "org.matrix.custom.html",
        "formatted_body": rendered.html,
        "m.mentions": {"user_ids": list(rendered.user_ids)},
    }


def in_thread(content: Content, root: str) -> Content:
    """Put a message in the thread rooted at ``root`` (with the reply fallback)."""
    return {**content, "m.relates_to": {
        "rel_type": "m.thread", "event_id": root, "is_falling_back": True,
        "m.in_reply_to": {"event_id": root},
    }}


def edit(content: Content, target: str) -> Content:
    """Replace ``target`` by ``content``; an edit pings nobody again."""
    new = {k: v for k, v in content.items() if k != "m.relates_to"}
    return {
        "msgtype": new["msgtype"],
        "body": "* " + new["body"],
        "format": new.get("format", "org.matrix.custom.html"),
        "formatted_body": "* " + new.get("formatted_body", escape(new["body"])),
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": target},
        "m.mentions": {},
    }


def reaction(event_id: str, key: str) -> Content:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


def file(attachment: Attachment, uri: str, size: int,
         keys: dict[str, Any] | None = None) -> Content:
    """An uploaded file: ``m.image`` for pictures (the digest chart), ``m.file`` otherwise.

    An encrypted file (``keys``: its key, iv and hashes, for an encrypted room) is named
    by ``file``, never ``url``: clients read ``url`` as a file in clear."""
    msgtype = "m.image" if attachment.mime.startswith("image/") else "m.file"
    where: Content = {"file": {**keys, "url": uri}} if keys else {"url": uri}
    return {
        "msgtype": msgtype,
        "body": attachment.title,
        **where,
        "info": {"mimetype": attachment.mime, "size": size},
        "m.mentions": {"user_ids": []},
    }

