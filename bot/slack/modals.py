"""Slack modals: the request form and the free-text answer. Pure functions, no I/O.

A modal only gathers what a person would have typed: its submission becomes
the same neutral event as the typed command (``/grappe demande …``) or the
same action with a value (``available`` + "lundi matin"). The form is built
from the directory's skills, so the adapter knows nothing of requests beyond
the command's keyword and its written form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from commands.dispatcher import strip_prefix
from commands.events import Action, Actor, Command, Inbound, Thread
from commands.i18n import Translator
from commands.text import fold

REQUEST_FORM = "grappe:request"
ANSWER_FORM = "grappe:answer"
REQUEST_KEYWORDS = ("demande", "request")  # `/grappe demande` alone opens the form
MAX_OPTIONS = 100
TITLE_LIMIT = 24


@dataclass(frozen=True)
class AnswerPrompt:
    """A click on a choice that needs free text (dates…): open a small form first."""

    actor: Actor
    object_ref: str
    action: str
    label: str
    channel: str | None
    message_ts: str | None
    trigger_id: str


def wants_request_form(command_text: str) -> str | None:
    """The keyword when the command is ``/grappe demande`` with nothing after it."""
    words = strip_prefix(command_text).split()
    if len(words) == 1 and fold(words[0]) in REQUEST_KEYWORDS:
        return words[0]
    return None


def _plain(text: str, limit: int = 2000) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def _input(block_id: str, label: str, element: dict[str, Any], *,
           optional: bool = False) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": _plain(label),
            "optional": optional, "element": {"action_id": "value", **element}}


def _modal(callback_id: str, title: str, submit: str, t: Translator,
           blocks: list[dict[str, Any]], metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, TITLE_LIMIT),
        "submit": _plain(submit, TITLE_LIMIT),
        "close": _plain(t.t("Cancel"), TITLE_LIMIT),
        "private_metadata": json.dumps(dict(metadata)),
        "blocks": blocks,
    }


def request_form(skills: Sequence[tuple[str, str]], t: Translator, *,
                 channel: str | None, keyword: str) -> dict[str, Any]:
    """The form of ``/grappe demande``; ``skills`` are ``(slug, label)`` pairs."""
    options = [{"text": _plain(label, 75), "value": slug[:150]}
               for slug, label in skills[:MAX_OPTIONS]]
    blocks = [
        _input("client", t.t("Client's name"), {
            "type": "plain_text_input", "max_length": 200,
            "placeholder": _plain(t.t("e.g. Town hall of Roubaix, social services"), 150)}),
        _input("need", t.t("Client's need"), {
            "type": "plain_text_input", "multiline": True, "max_length": 2000,
            "placeholder": _plain(t.t("What the client asks for, in a few lines"), 150)}),
    ]
    if options:
        blocks.append(_input("skills", t.t("Skills wanted"), {
            "type": "multi_static_select", "options": options,
            "placeholder": _plain(t.t("Found from the need when left empty"), 150)},
            optional=True))
    blocks.append(_input("deadline", t.t("Due date"), {"type": "datepicker"}, optional=True))
    return _modal(REQUEST_FORM, t.t("New client request"), t.t("Relay"), t, blocks,
                  {"channel": channel, "keyword": keyword})


def answer_form(prompt: AnswerPrompt, t: Translator) -> dict[str, Any]:
    """A one-field form for a choice that needs text ("Available…" → when)."""
    blocks = [_input("answer", prompt.label, {"type": "plain_text_input", "max_length": 500})]
    return _modal(ANSWER_FORM, t.t("Your answer"), t.t("Record"), t, blocks, {
        "ref": prompt.object_ref, "action": prompt.action,
        "channel": prompt.channel, "ts": prompt.message_ts})


def request_text(keyword: str, client: str, need: str, skills: Sequence[str],
                 deadline: date | None) -> str:
    """The command a person would have typed for the same request."""
    client = " ".join(client.replace(":", " ").split())
    parts = [f"/grappe {keyword} {client} : {' '.join(need.split())}"]
    parts += [f"#{slug}" for slug in skills]
    if deadline is not None:
        parts.append(f"; pour {deadline.day}/{deadline.month}/{deadline.year}")
    return " ".join(parts)


def _field(values: Mapping[str, Any], block_id: str) -> Mapping[str, Any]:
    return (values.get(block_id) or {}).get("value") or {}


def _text(values: Mapping[str, Any], block_id: str) -> str:
    return str(_field(values, block_id).get("value") or "")


def _day(values: Mapping[str, Any], block_id: str) -> date | None:
    raw = _field(values, block_id).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse_submission(actor: Actor, view: Mapping[str, Any]) -> Inbound | None:
    """A submitted form → the command or the action it stands for."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    values = (view.get("state") or {}).get("values") or {}
    event_id = f"view:{view['id']}"
    if view.get("callback_id") == REQUEST_FORM:
        skills = [o["value"] for o in _field(values, "skills").get("selected_options") or []]
        text = request_text(meta.get("keyword") or REQUEST_KEYWORDS[0], _text(values, "client"),
                            _text(values, "need"), skills, _day(values, "deadline"))
        return Command(actor=actor, text=text, event_id=event_id, place=meta.get("channel"))
    if view.get("callback_id") == ANSWER_FORM and meta.get("ref") and meta.get("action"):
        return Action(
            actor=actor,
            thread=Thread(object_ref=meta["ref"], channel=meta.get("channel"),
                          message_id=meta.get("ts")),
            action=meta["action"],
            value=_text(values, "answer"),
            event_id=event_id,
        )
    return None
