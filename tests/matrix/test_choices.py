"""A message's choices on Matrix are the bot's reactions on it, whatever its role says it is
(a card, or a post in a room: a client's satisfaction question); no homeserver needed, the
adapter's sends are recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.adapters.base import Delivery
from bot.matrix.adapter import MatrixAdapter
from commands.messages import Choice, Choices, Message, Target, para
from storage.models import DeliveryRole

ROOM = "!mairie"
SCORES = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]


@dataclass
class RecordingSession:
    sent: list[tuple[str, str, dict[str, Any], str]] = field(default_factory=list)

    async def send(self, room_id: str, event_type: str, content: dict[str, Any],
                   txn: str) -> str:
        self.sent.append((room_id, event_type, content, txn))
        return f"$event-{len(self.sent)}"


def _question(choices: bool = True) -> Message:
    blocks: list[Any] = [para("Quelle note donneriez-vous au traitement de R-1 ?")]
    if choices:
        blocks.append(Choices(object_ref="R-1", options=[
            Choice(action=f"note-{n}", label=str(n), emoji=e) for n, e in enumerate(SCORES, 1)]))
    return Message(target=Target(kind="channel", purpose="client"), blocks=blocks)


@pytest.mark.parametrize(("role", "choices", "reactions"), [
    (DeliveryRole.POST, True, SCORES),  # the satisfaction question in a client's room
    (DeliveryRole.CARD, True, SCORES),
    (DeliveryRole.POST, False, []),
])
async def test_the_choices_of_a_message_posted_in_a_room_are_reactions_on_it(
        role: DeliveryRole, choices: bool, reactions: list[str]) -> None:
    session = RecordingSession()
    adapter = MatrixAdapter(session)  # type: ignore[arg-type]  # only its sends are used
    adapter._ready.set()
    posted: list[tuple[str, str]] = []

    async def record(channel: str, message_id: str) -> None:
        posted.append((channel, message_id))

    sent = await adapter.send(Delivery(
        row_id=1, role=role.value, item=_question(choices), channel=ROOM, recipient=None,
        object_ref=None, thread_root=None, edit_target=None, transaction_id="grappe-1",
        posted=record))
    assert (sent.channel, sent.message_id) == (ROOM, "$event-1")
    [message, *rest] = session.sent
    assert message[:2] == (ROOM, "m.room.message")
    assert [(room, kind, content["m.relates_to"]["event_id"], content["m.relates_to"]["key"])
            for room, kind, content, _txn in rest] == [
        (ROOM, "m.reaction", "$event-1", key) for key in reactions]
    # the message is known before its reactions, so a click on one is understood at once
    assert posted == ([(ROOM, "$event-1")] if reactions else [])
