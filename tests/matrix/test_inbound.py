"""nio events → neutral events, from the payload files in tests/data/matrix/ (one case a line)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from nio import Event

from bot.matrix.inbound import RoomView, convert, strip_reply_fallback
from commands.events import Action, Command, ThreadReply, Unreadable

DATA = Path(__file__).resolve().parents[1] / "data" / "matrix"
CASES = json.loads((DATA / "inbound.json").read_text())["cases"]
BOT = "@grappe:grappe.example"


def _event(case: dict[str, Any]) -> Event:
    raw = json.loads((DATA / "events" / case["event"]).read_text())
    raw = copy.deepcopy(raw)
    if "body" in case:
        raw["content"]["body"] = case["body"]
    if "sender" in case:
        raw["sender"] = case["sender"]
    return Event.parse_event(raw)


def _meaning(converted: object) -> dict[str, Any] | None:
    match converted:
        case None:
            return None
        case Command(text=text):
            return {"type": "Command", "text": text}
        case ThreadReply(text=text, thread=thread):
            return {"type": "ThreadReply", "text": text, "root": thread.message_id}
        case Action(action=action, thread=thread):
            return {"type": "Action", "action": action, "root": thread.message_id}
        case Unreadable(actor=actor):
            return {"type": "Encrypted", "sender": actor.user_id}
    raise AssertionError(converted)


@pytest.mark.parametrize("case", CASES, ids=[
    f"{c['event']}:{c.get('body', '')[:24]}:{'direct' if c.get('direct') else 'room'}"
    for c in CASES])
def test_inbound_table(case: dict[str, Any]) -> None:
    event = _event(case)
    room = RoomView(event.source["room_id"], BOT, direct=case.get("direct", False))
    assert _meaning(convert(event, room)) == case["expect"]


def test_converted_events_carry_the_matrix_ids() -> None:
    event = _event({"event": "thread.json"})
    reply = convert(event, RoomView("!coop:grappe.example", BOT))
    assert isinstance(reply, ThreadReply)
    assert reply.actor.platform == "matrix"
    assert reply.actor.user_id == "@nadia:grappe.example"
    assert reply.event_id == reply.message_id == "$thread:grappe.example"
    assert reply.thread.channel == "!coop:grappe.example"
    reaction = convert(_event({"event": "reaction.json"}), RoomView("!coop:grappe.example", BOT))
    assert isinstance(reaction, Action)
    assert reaction.reaction is True
    assert reaction.event_id == "$reaction:grappe.example"
    command = convert(_event({"event": "text.json"}), RoomView("!coop:grappe.example", BOT))
    assert isinstance(command, Command)
    assert command.place == "!coop:grappe.example"


@pytest.mark.parametrize(("body", "text"), [
    ("> <@a:b> quoted\n\nanswer", "answer"),
    ("> <@a:b> one\n> two\n\nanswer\nmore", "answer\nmore"),
    ("no quote", "no quote"),
    (">not a fallback", ">not a fallback"),
])
def test_reply_fallback_is_dropped(body: str, text: str) -> None:
    assert strip_reply_fallback(body) == text
