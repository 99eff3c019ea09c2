"""Bookings through Slack payloads only: a booking, a conflict, an approval card and its button.

The commands' clock is stopped at ``NOW`` (Thursday 26 November 2026, 10:00 in
Paris): "jeudi" is Thursday 3 December.
"""

from __future__ import annotations

import pytest

from tests.slack.conftest import CAMILLE, COOP, NADIA, SlackHarness, booking_rows
from tests.slack.fake_slack import Call, FakeSlack

pytestmark = pytest.mark.both_backends

OLIVIA = "U07GRPE092"  # Sobre & Clair, in English


def ephemeral_to(user: str, count: int = 1):  # type: ignore[no-untyped-def]
    """A wait condition: ``user`` has received ``count`` ephemeral messages; returns the last."""
    def check(fake: FakeSlack) -> Call | None:
        seen = [c for c in fake.delivered("chat.postEphemeral") if c.args["user"] == user]
        return seen[-1] if len(seen) >= count else None
    return check


async def test_book_conflict_approval_card_and_button(slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake

    # a booking: confirmed, shown only to the booker where they typed the command
    assert await slack.command("reserver salle-garance jeudi 14h-16h : point compta",
                               user=NADIA) == (200, "")
    confirmed = await fake.wait_for(ephemeral_to(NADIA))
    assert confirmed.args["channel"] == COOP
    assert "*B-1*" in confirmed.text()
    assert "Salle Garance" in confirmed.text()
    assert "point compta" in confirmed.text()

    # an overlapping booking by someone else: a clear refusal naming B-1, nothing booked
    assert await slack.command("book salle-garance thursday 3pm-5pm : design review",
                               user=OLIVIA) == (200, "")
    refused = await fake.wait_for(ephemeral_to(OLIVIA))
    assert "Salle Garance is already booked then; nothing was booked." in refused.text()
    assert "B-1" in refused.text()
    assert "point compta" in refused.text()
    assert await booking_rows(slack.db) == [(1, "salle-garance", "confirmed")]
    assert not fake.delivered("chat.postMessage")  # neither booking posts in the channel

    # the training room needs approval: pending, and a card with buttons in the channel
    assert await slack.command("reserver salle-treille mardi 9h-12h : formation",
                               user=NADIA) == (200, "")
    [card] = await fake.wait_calls("chat.postMessage")
    assert card.args["channel"] == COOP
    assert "thread_ts" not in card.args
    assert "Salle de formation La Treille" in card.args["blocks"][0]["text"]["text"]
    [buttons] = [b for b in card.args["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in buttons["elements"]] == [
        ("grappe:choice:approve", "B-2"), ("grappe:ask:reject", "B-2")]
    pending = await fake.wait_for(ephemeral_to(NADIA, 2))
    assert "*B-2*" in pending.text()
    assert "La coordination doit d’abord la valider" in pending.text()
    await slack.settle()  # the card's message reference is recorded: clicks map to it

    # a booker cannot approve; a coordinator's click approves, edits the card, tells the booker
    assert await slack.click(card, 0, NADIA) == (200, "")
    denied = await fake.wait_for(ephemeral_to(NADIA, 3))
    assert "Seule la coordination" in denied.text()
    assert await slack.click(card, 0, CAMILLE) == (200, "")
    [edit] = await fake.wait_calls("chat.update")
    assert (edit.args["channel"], edit.args["ts"]) == (COOP, card.response["ts"])
    assert "validée" in edit.text()
    assert not [b for b in edit.args["blocks"] if b["type"] == "actions"]  # no more buttons
    [opened] = await fake.wait_calls("conversations.open")
    assert opened.args["users"] == NADIA
    dm = await fake.wait_for(lambda f: [c for c in f.delivered("chat.postMessage")
                                        if c.args["channel"] == "D" + NADIA[1:]])
    assert len(dm) == 1
    assert "Votre réservation B-2 (Salle de formation La Treille) est validée" in dm[0].text()
    told = await fake.wait_for(ephemeral_to(CAMILLE))
    assert "B-2" in told.text()
    assert [status for _, _, status in await booking_rows(slack.db)] == [
        "confirmed", "confirmed"]
