"""nio events → neutral events, from the payload files in tests/data/matrix/ (one case a line)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from nio import Event

from bot.matrix.inbound import RoomView, convert, edited, strip_reply_fallback
from commands.events import Action, Command, RoomMessage, ThreadReply, Unreadable

DATA = Path(__file__).resolve().parents[1] / "data" / "matrix"
CASES = json.loads((DATA / "inbound.json").read_text())["cases"]
BOT = "@grappe:grappe.example"


def _event(case: dict[str, Any]) -> Event:
    raw = json.loads((DATA / "events" / case["event"]).read_text())
    raw = copy.deepcopy(raw)
    if "body" in case:
        raw["content"]["body"] = case["body"]
    if "new_body" in case:  # an edit's new text (and its fallback, as clients write it)
        raw["content"]["m.new_content"]["body"] = case["new_body"]
        raw["content"]["body"] = f"* {case['new_body']}"
    if "sender" in case:
        raw["sender"] = case["sender"]
    return Event.parse_event(raw)


def _original(case: dict[str, Any]) -> Event | None:
    """The message an edit replaces, as the runner fetches it from the homeserver."""
    if "original" not in case:
        return None
    changed = {key.removeprefix("original_"): value for key, value in case.items()
               if key in ("original_body", "original_sender")}
    return _event({"event": case["original"], **changed})


def _meaning(converted: object) -> dict[str, Any] | None:
    match converted:
        case None:
            return None
        case Command(text=text, edit_of=None):
            return {"type": "Command", "text": text}
        case Command(text=text, edit_of=edit_of):
            return {"type": "Command", "text": text, "edit_of": edit_of}
        case ThreadReply(text=text, thread=thread, edit_of=None):
            return {"type": "ThreadReply", "text": text, "root": thread.message_id}
        case ThreadReply(text=text, thread=thread, edit_of=edit_of):
            return {"type": "ThreadReply", "text": text, "root": thread.message_id,
                    "edit_of": edit_of}
        case Action(action=action, thread=thread):
            return {"type": "Action", "action": action, "root": thread.message_id}
        case Unreadable(actor=actor):
            return {"type": "Encrypted", "sender": actor.user_id}
        case RoomMessage(text=text):  # the core reads it in a client's room only
            return {"type": "RoomMessage", "text": text}
    raise AssertionError(converted)


@pytest.mark.parametrize("case", CASES, ids=[
    f"{c['event']}:{c.get('body', c.get('new_body', ''))[:24]}:"
    f"{c.get('original', '-')}:{c.get('original_body', '')[:16]}:"
    f"{c.get('sender', c.get('original_sender', ''))[:8]}:"
    f"{'direct' if c.get('direct') else 'room'}" for c in CASES])
def test_inbound_table(case: dict[str, Any]) -> None:
    event = _event(case)
    room = RoomView(event.source["room_id"], BOT, direct=case.get("direct", False))
    assert _meaning(convert(event, room, _original(case))) == case["expect"]


def test_an_edit_names_the_original_and_is_its_own_event() -> None:
    """The ✅ goes on the message people see (the original); the edit's id is recorded."""
    edit = convert(_event({"event": "edit_thread.json"}), RoomView("!coop:grappe.example", BOT),
                   _original({"original": "thread.json"}))
    assert isinstance(edit, ThreadReply)
    assert edit.event_id == "$edit-thread:grappe.example"
    assert edit.message_id == edit.edit_of == "$thread:grappe.example"
    assert edited(_event({"event": "edit_thread.json"})) == "$thread:grappe.example"
    assert edited(_event({"event": "thread.json"})) is None


def test_a_text_at_the_top_of_a_room_carries_its_author_s_name() -> None:
    """A person the directory does not know, in a client's room, becomes a contact under
    the name the room shows for them."""
    names = {"@nadia:grappe.example": "Nadia (Mairie de Roubaix)"}
    said = convert(_event({"event": "text.json", "body": "Bonjour, une question"}),
                   RoomView("!mairie:grappe.example", BOT, name_of=names.get))
    assert isinstance(said, RoomMessage)
    assert (said.name, said.place, said.message_id) == (
        "Nadia (Mairie de Roubaix)", "!mairie:grappe.example", said.event_id)


def test_a_text_in_a_room_of_two_carries_its_author_s_name_too() -> None:
    """A client's agent who made a room for the bot alone (two members: it reads as a direct
    room) writes to it on their own server: a command, named from the room's member list,
    the way a text at the top of a room shared with more people is."""
    agent = "@agathe:localhost:8449"  # another homeserver's id, with its port
    names = {agent: "Agathe Martin"}
    for body in ("Bonjour, nous aurions besoin d'affiches", "!grappe aide"):
        said = convert(_event({"event": "text.json", "body": body, "sender": agent}),
                       RoomView("!mairie", BOT, direct=True, name_of=names.get))
        assert isinstance(said, Command), body
        assert (said.actor.user_id, said.name, said.place) == (agent, "Agathe Martin",
                                                               "!mairie")


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
