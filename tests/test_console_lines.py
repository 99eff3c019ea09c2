"""The console's line contract (ARCHITECTURE.md)."""

from __future__ import annotations

import io

import pytest

from bot.adapters.base import Delivery
from bot.console import BadLine, ConsoleAdapter, parse_line
from commands.events import Action, Command, RoomMessage, ThreadReply
from commands.messages import Message, Reaction, Target, para


@pytest.mark.parametrize(("line", "kind", "fields"), [
    ("camille: /grappe membres", Command, {"text": "/grappe membres"}),
    ("camille:/grappe  aide help", Command, {"text": "/grappe  aide help"}),
    ("nadia in R-12: dispo jeudi", ThreadReply, {"text": "dispo jeudi"}),
    ("nadia in r-3: ok", ThreadReply, {"text": "ok"}),
    ("nadia clicks R-12 interested", Action, {"action": "interested", "value": ""}),
    ("nadia clicks P-3 available jeudi matin", Action, {"action": "available",
                                                        "value": "jeudi matin"}),
    ("agathe in #mairie-roubaix: Bonjour, une question", RoomMessage,
     {"place": "#mairie-roubaix", "text": "Bonjour, une question", "name": "agathe"}),
])
def test_lines_become_events(line: str, kind: type, fields: dict) -> None:
    event = parse_line(line)
    assert isinstance(event, kind)
    for key, value in fields.items():
        assert getattr(event, key) == value


def test_default_handle_for_bare_commands() -> None:
    event = parse_line("/grappe moi", default_handle="nadia")
    assert isinstance(event, Command)
    assert event.actor.user_id == "nadia"


@pytest.mark.parametrize("line", ["", "   ", "# a comment"])
def test_blank_and_comment_lines_are_skipped(line: str) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize("line", ["hello", "camille membres", "/grappe moi", "x clicks R-1"])
def test_malformed_lines_are_reported(line: str) -> None:
    assert isinstance(parse_line(line), BadLine)


def _delivery(item: Message | Reaction, role: str, **kw: object) -> Delivery:
    base = dict(row_id=1, role=role, item=item, channel="#cooperation", recipient=None,
                object_ref=None, thread_root=None, edit_target=None, transaction_id="t")
    base.update(kw)
    return Delivery(**base)  # type: ignore[arg-type]


async def test_output_format() -> None:
    out = io.StringIO()
    adapter = ConsoleAdapter(out)
    card = Message(target=Target(kind="channel"), blocks=[para("R-3\nligne 2")], card_of="R-3")
    await adapter.send(_delivery(card, "card", object_ref="R-3"))
    reply = Message(target=Target(kind="thread", object_ref="R-3"), blocks=[para("merci")])
    await adapter.send(_delivery(reply, "post", object_ref="R-3"))
    dm = Message(target=Target(kind="dm", handle="nadia"), blocks=[para("bonjour")])
    await adapter.send(_delivery(dm, "dm", channel=None, recipient="nadia"))
    await adapter.send(_delivery(Reaction(emoji="✅", message_id="x", object_ref="R-3",
                                          note="noté"), "react"))
    assert out.getvalue().splitlines() == [
        "[#cooperation] R-3 R-3", "  ligne 2", "[#cooperation] R-3 merci",
        "[DM:nadia] - bonjour", "[#cooperation] R-3 ✅ noté"]
