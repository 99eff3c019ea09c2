"""An availability poll through Slack payloads only: the card, answers, closing and booking.

The commands' clock is stopped at ``NOW`` (Thursday 26 November 2026, 10:00 in Paris).
"""

from __future__ import annotations

import pytest

from tests.slack.conftest import COOP, NADIA, SlackHarness, booking_rows
from tests.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.both_backends

HUGO = "U07GRPE112"
POLL = "dispo Réunion de lancement : mar 1 déc 14h-16h | ven 4 déc 9h-11h | lun 7 déc matin"


def option(text: str, n: int) -> str:
    """The line of option ``n`` in a card's notification text."""
    return next(line for line in text.splitlines() if line.lstrip("• 👉*").startswith(f"{n}."))


def card_shows(*texts: str):  # type: ignore[no-untyped-def]
    """A wait condition: the card's latest edit shows every text; returns its fallback text."""
    def check(fake: FakeSlack) -> str | None:
        edits = fake.delivered("chat.update")
        shown = edits[-1].shown() if edits else ""
        return shown if edits and all(t in shown for t in texts) else None
    return check


async def test_poll_answers_by_reply_and_button_then_close_and_book(
        slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake
    assert await slack.command(POLL, user=NADIA) == (200, "")
    [card] = await fake.wait_calls("chat.postMessage")
    assert card.args["channel"] == COOP
    assert card.args["blocks"][0]["text"]["text"] == "P-1 · Réunion de lancement"
    rows = [b for b in card.args["blocks"] if b["type"] == "actions"]
    assert [row["block_id"] for row in rows] == ["grappe:P-1:1", "grappe:P-1:2", "grappe:P-1:3"]
    assert [(e["text"]["text"], e["action_id"], e["value"]) for e in rows[1]["elements"]] == [
        ("2️⃣ ven. 4 déc., 9\u00a0h–11\u00a0h", "grappe:choice:2", "P-1"),
        ("🤷 si besoin", "grappe:choice:2:maybe", "P-1"), ("❌ non", "grappe:choice:2:no", "P-1")]
    [opened] = await fake.wait_calls("chat.postEphemeral")
    assert opened.args["user"] == NADIA
    assert "P-1" in opened.text()
    await slack.settle()  # the card's message reference is recorded: replies map to it
    ts = card.response["ts"]

    # a reply in the card's thread: a ✅ on the reply, the card edited in place
    reply = await slack.reply(ts, "1 et 2", HUGO)
    [ack] = await fake.wait_calls("reactions.add")
    assert ack.args == {"channel": COOP, "timestamp": reply["event"]["ts"],
                        "name": "white_check_mark"}
    shown = await fake.wait_for(card_shows("1 réponse"))
    assert "✅ 1 · 🤷 0 · ❌ 0 — hugo" in option(shown, 1)
    assert "✅ 1 · 🤷 0 · ❌ 0 — hugo" in option(shown, 2)
    assert "✅ 0 · 🤷 0 · ❌ 1" in option(shown, 3)

    # a button: option 2 for Nadia, acknowledged to her alone; then option 3 "if need be"
    assert await slack.click(card, "2", NADIA) == (200, "")
    shown = await fake.wait_for(card_shows("2 réponses"))
    assert "✅ 2 · 🤷 0 · ❌ 0" in option(shown, 2)
    assert await slack.click(card, "3:maybe", NADIA) == (200, "")
    shown = await fake.wait_for(card_shows("2 réponses", "✅ 0 · 🤷 1 · ❌ 1"))
    assert "✅ 2 · 🤷 0 · ❌ 0" in option(shown, 2)  # her "yes" to 2 stays
    assert "nadia (si besoin)" in option(shown, 3)
    await fake.wait_for(lambda f: len([c for c in f.delivered("chat.postEphemeral")
                                       if c.args["user"] == NADIA]) == 3)
    assert {c.args["ts"] for c in fake.delivered("chat.update")} == {ts}

    # closing on the best option and booking it: the result in the thread, the booking made
    assert await slack.command("dispo clore P-1 et reserver salle-garance",
                               user=NADIA) == (200, "")
    shown = await fake.wait_for(card_shows("— clos", "Réservé\u00a0: B-1."))
    assert "👉" in option(shown, 2)
    assert not [b for b in fake.delivered("chat.update")[-1].args["blocks"]
                if b["type"] == "actions"]
    await slack.settle()
    announced = [c for c in fake.delivered("chat.postMessage") if c.args.get("thread_ts") == ts]
    assert len(announced) == 1
    assert announced[0].args["channel"] == COOP
    said = str(announced[0].args["text"]).replace("\u00a0", " ")
    assert said == "Le sondage P-1 est clos : Réunion de lancement — ven. 4 déc., 9 h–11 h. " \
                   "Réservé : B-1."
    assert await booking_rows(slack.db) == [(1, "salle-garance", "confirmed")]
    told = [c for c in fake.delivered("chat.postMessage") if c.args["channel"] == "D" + HUGO[1:]]
    assert len(told) == 1  # the other participant is told by DM
