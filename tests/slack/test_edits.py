"""Members edit their messages on Slack (``message_changed``), through the real Bolt app."""

from __future__ import annotations

import pytest

from tests.slack.conftest import COOP, NADIA, SlackHarness, statuses
from tests.slack.fake_slack import BOT_USER, FakeSlack
from tests.slack.payloads import payload

pytestmark = pytest.mark.both_backends

REQUEST = ("demande Mairie de Roubaix : accompagner la création d'une ressourcerie, il faut "
           "de la com et de la compta pour le 15 janvier")
TOLD = "Vous avez modifié une commande déjà traitée"


def chiffres(fake: FakeSlack) -> str:
    """Chiffres & Communs's line on the card's last edit (mrkdwn: ``&amp;``)."""
    edits = fake.delivered("chat.update")
    text = edits[-1].shown() if edits else ""
    return next((line for line in text.split("\n") if "Chiffres &amp; Communs" in line), "")


def cards(fake: FakeSlack) -> list[str]:
    return [c.text() for c in fake.delivered("chat.postMessage")
            if c.args["channel"] == COOP and not c.args.get("thread_ts")
            and "Mairie de Roubaix" in c.text()]


async def test_an_edited_thread_answer_replaces_the_answer_on_the_card(
        slack: SlackHarness) -> None:
    assert (await slack.command(REQUEST, user=NADIA))[0] == 200
    [card] = await slack.fake.wait_calls("chat.postMessage")
    await slack.settle()
    card_ts = card.response["ts"]

    sent = await slack.reply(card_ts, "Intéressés ! On peut piloter", NADIA)
    await slack.fake.wait_for(lambda f: "peut piloter" in chiffres(f))
    await slack.fake.wait_calls("reactions.add")

    await slack.edit(sent, "pas dispo finalement, désolés")
    await slack.fake.wait_for(lambda f: "décline (finalement, désolés)" in chiffres(f))
    assert "peut piloter" not in chiffres(slack.fake)  # replaced, not added to
    assert {c.args["ts"] for c in slack.fake.delivered("chat.update")} == {card_ts}
    # acknowledged like an answer, on the message people see: Slack has its ✅ already
    await slack.fake.wait_for(lambda f: len([c for c in f.calls if c.method == "reactions.add"])
                              == 2)
    acks = [c for c in slack.fake.calls if c.method == "reactions.add"]
    assert {c.args["timestamp"] for c in acks} == {sent["event"]["ts"]}
    assert [c.response.get("error") for c in acks] == [None, "already_reacted"]
    await slack.settle()  # every row before settle's own answer is dealt with
    assert [s for role, s, _ in await statuses(slack.db) if role == "react"] == ["sent", "sent"]


async def test_an_edited_command_is_not_run_twice(slack: SlackHarness) -> None:
    mention = payload("app_mention", event_id="Ev08MENTION1", **{
        "event.user": NADIA, "event.text": f"<@{BOT_USER}> {REQUEST}",
        "event.ts": "1700001500.000100", "event.event_ts": "1700001500.000100"})
    assert (await slack.send("event", mention))[0] == 200
    await slack.fake.wait_for(lambda f: len(cards(f)) == 1)

    edited = await slack.edit(mention, f"<@{BOT_USER}> {REQUEST.replace('ressourcerie', 'recyclerie')}")

    def told(fake: FakeSlack) -> list[str]:
        return [c.text() for c in fake.delivered("chat.postEphemeral")
                if c.args["user"] == NADIA and TOLD in c.text()]

    [said] = await slack.fake.wait_for(told)
    assert "elle n’est pas relancée. Envoyez-la de nouveau si besoin." in said
    await slack.edit(edited, f"<@{BOT_USER}> {REQUEST.replace('ressourcerie', 'matériauthèque')}")
    await slack.settle()  # every row queued so far, the second edit's included, is out
    assert len(told(slack.fake)) == 1  # told once
    assert len(cards(slack.fake)) == 1
    assert "ressourcerie" in cards(slack.fake)[0]
