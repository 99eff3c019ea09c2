"""A client request from start to staffing, through Slack payloads only.

The form of ``/grappe demande``, the card with its buttons, answers by thread
reply, button, free-text form and reaction, the card edited in place, the
coordinator's decision and the DMs it sends.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.slack.conftest import CAMILLE, COOP, NADIA, SlackHarness
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.payloads import payload

pytestmark = pytest.mark.both_backends


MARION, THOMAS, HUGO = "U07GRPE041", "U07GRPE101", "U07GRPE112"


def _user(user_id: str, name: str) -> dict[str, str]:
    return {"id": user_id, "username": name, "name": name, "team_id": "T01GRAPPE"}


def _click(card: Call, index: int, user: dict[str, str], trigger: str) -> dict[str, Any]:
    button = next(b for b in card.args["blocks"] if b["type"] == "actions")["elements"][index]
    ts = card.response["ts"]
    return payload("block_actions", user=user, trigger_id=trigger, **{
        "message.ts": ts, "container.message_ts": ts,
        "actions": [{**button, "type": "button", "block_id": f"grappe:{button['value']}",
                     "action_ts": f"{trigger}.0"}]})


def _card_shows(*texts: str):  # type: ignore[no-untyped-def]
    def check(fake: FakeSlack) -> bool:
        edits = fake.delivered("chat.update")
        return bool(edits) and all(t in edits[-1].text() for t in texts)
    return check


async def test_request_form_card_answers_and_assignment(slack: SlackHarness) -> None:
    # /grappe demande alone opens the form, built from the directory's skills
    assert await slack.command("demande", user=NADIA) == (200, "")
    [opened] = await slack.fake.wait_calls("views.open")
    form = opened.args["view"]
    skills = next(b for b in form["blocks"] if b["block_id"] == "skills")
    assert len(skills["element"]["options"]) == 14
    due = date.today() + timedelta(days=40)
    submitted = payload("view_submission_request", user=_user(NADIA, "nadia"), **{
        "view.private_metadata": form["private_metadata"],
        "view.state.values": {
            "client": {"value": {"type": "plain_text_input", "value": "Mairie de Roubaix"}},
            "need": {"value": {"type": "plain_text_input",
                               "value": "accompagner la création d'une ressourcerie"}},
            "skills": {"value": {"type": "multi_static_select", "selected_options": [
                {"value": "comptabilite"}, {"value": "communication"}]}},
            "deadline": {"value": {"type": "datepicker", "selected_date": due.isoformat()}}}})
    assert await slack.send("view_submission", submitted) == (200, "")

    # the card: in the cooperation channel, mentioning the people, with buttons
    [card] = await slack.fake.wait_calls("chat.postMessage")
    assert card.args["channel"] == COOP
    assert card.args["blocks"][0]["text"]["text"] == "R-1 · Mairie de Roubaix"
    context = card.args["blocks"][1]  # under the header: who relayed it, and when
    assert context["type"] == "context"
    assert context["elements"][0]["text"].startswith("Relayée par Nadia")
    assert f"<@{NADIA}>" in card.text()
    assert f"<@{HUGO}>" in card.text()
    [relayed] = await slack.fake.wait_calls("chat.postEphemeral")
    assert (relayed.args["channel"], relayed.args["user"]) == (COOP, NADIA)
    await slack.settle()
    card_ts = card.response["ts"]

    # a reply in the thread: a ✅ on the reply, the card edited in place
    reply = payload("message_in_thread", **{
        "event.thread_ts": card_ts, "event.user": NADIA,
        "event.text": "Intéressés ! On peut piloter, dispo jeudi matin"})
    assert (await slack.send("event", reply))[0] == 200
    [ack] = await slack.fake.wait_calls("reactions.add")
    assert ack.args == {"channel": COOP, "timestamp": reply["event"]["ts"],
                        "name": "white_check_mark"}
    await slack.fake.wait_for(_card_shows("peut piloter"))
    assert {c.args["ts"] for c in slack.fake.delivered("chat.update")} == {card_ts}

    # a button, a button asking for text (a form), a reaction
    assert await slack.send("block_actions", _click(card, 0, _user(MARION, "marion"),
                                                    "7101.1.m")) == (200, "")
    await slack.fake.wait_for(lambda f: any(c.args["user"] == MARION
                                            for c in f.delivered("chat.postEphemeral")))
    assert await slack.send("block_actions", _click(card, 3, _user(THOMAS, "thomas"),
                                                    "7102.1.t")) == (200, "")
    [_, asked] = await slack.fake.wait_calls("views.open", 2)
    assert asked.args["trigger_id"] == "7102.1.t"
    answer = payload("view_submission_answer", user=_user(THOMAS, "thomas"), **{
        "view.id": "V07FORM0002", "view.private_metadata": asked.args["view"]["private_metadata"],
        "view.state.values": {"answer": {"value": {"type": "plain_text_input",
                                                   "value": "jeudi 14 h"}}}})
    assert await slack.send("view_submission", answer) == (200, "")
    thumbs_down = payload("reaction_added", **{"event.item.ts": card_ts, "event.reaction": "-1",
                                               "event.user": HUGO})
    assert (await slack.send("event", thumbs_down))[0] == 200
    await slack.fake.wait_for(_card_shows("jeudi 14 h", "décline", "(4/5"))

    # the coordinator decides: a post in the thread, the card, DMs to the people concerned
    status, _ = await slack.command("attribuer R-1 pilote=chiffres-et-communs "
                                    "partenaires=le-grand-livre : expérience des ressourceries")
    assert status == 200
    await slack.fake.wait_for(_card_shows("attribuée"))
    await slack.settle()
    decision = [c for c in slack.fake.delivered("chat.postMessage")
                if c.args.get("thread_ts") == card_ts]
    assert len(decision) == 1
    assert "expérience des ressourceries" in decision[0].text()
    dm_users = {c.args["users"] for c in slack.fake.delivered("conversations.open")}
    assert {NADIA, "U07GRPE032", MARION, "U07GRPE042", "U07GRPE043", THOMAS} <= dm_users
    assert not {HUGO, "U07GRPE111", "U07GRPE091", "U07GRPE092"} & dm_users
    dm_channels = {c.args["channel"] for c in slack.fake.delivered("chat.postMessage")
                   if c.args["channel"].startswith("D")}
    assert dm_channels == {"D" + u[1:] for u in dm_users}
    assert CAMILLE not in dm_users
