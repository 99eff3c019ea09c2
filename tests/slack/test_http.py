"""Over real HTTP: signatures, acks, ephemeral answers, unknown people, retries, escaping."""

from __future__ import annotations

import json
import time

import pytest

from tests.slack.conftest import CAMILLE, COOP, NADIA, SlackHarness
from tests.slack.fake_slack import blocks_text
from tests.slack.payloads import case, payload
from tests.snapshots import ALL_TABLES, snapshot


async def test_url_verification_answers_the_challenge(slack: SlackHarness) -> None:
    data = case("url_verification")["payload"]
    status, body = await slack.send("event", data)
    assert status == 200
    assert json.loads(body) == {"challenge": data["challenge"]}


async def test_health(slack: SlackHarness) -> None:
    assert slack.adapter.http is not None
    async with slack.http.get(f"{slack.adapter.http.url}/healthz") as response:
        assert response.status == 200


async def test_members_is_acked_then_answered_only_to_the_person(slack: SlackHarness) -> None:
    status, body = await slack.command("membres")
    assert (status, body) == (200, "")
    [reply] = await slack.fake.wait_calls("chat.postEphemeral")
    assert (reply.args["channel"], reply.args["user"]) == (COOP, CAMILLE)
    assert reply.args["blocks"][0]["type"] == "header"
    assert "entreprises membres de La Grappe" in reply.args["blocks"][0]["text"]["text"]


@pytest.mark.both_backends
async def test_an_unknown_person_is_told_how_to_get_linked_and_nothing_is_written(
        slack: SlackHarness) -> None:
    before = await snapshot(slack.db, ALL_TABLES)
    status, body = await slack.command("membres", user="U0STRANGER")
    assert status == 200
    answer = json.loads(body)
    assert answer["response_type"] == "ephemeral"
    assert "\n" not in answer["text"]  # the notification: one line; the blocks say it all
    assert "U0STRANGER" in blocks_text(answer["blocks"])
    assert "annuaire" in blocks_text(answer["blocks"])
    assert await snapshot(slack.db, ALL_TABLES) == before
    assert [c.method for c in slack.fake.calls] == ["auth.test"]


async def test_an_unknown_person_asking_for_the_request_form_gets_the_same_answer(
        slack: SlackHarness) -> None:
    status, body = await slack.command("demande", user="U0STRANGER")
    assert status == 200
    assert "annuaire" in json.loads(body)["text"]
    assert [c.method for c in slack.fake.calls] == ["auth.test"]


@pytest.mark.both_backends
async def test_an_unknown_person_answering_in_a_card_thread_is_told_there_once(
        slack: SlackHarness) -> None:
    card_ts = await slack.card()
    before = await snapshot(slack.db, ALL_TABLES)
    event = payload("message_in_thread", **{"event.thread_ts": card_ts,
                                            "event.user": "U0STRANGER"})
    assert (await slack.send("event", event))[0] == 200
    [told] = await slack.fake.wait_for(
        lambda f: [c for c in f.delivered("chat.postEphemeral") if c.args["user"] == "U0STRANGER"])
    assert (told.args["channel"], told.args["thread_ts"]) == (COOP, card_ts)
    assert "annuaire" in told.text()
    retry = await slack.send("event", event, headers={"X-Slack-Retry-Num": "1"})
    assert retry[0] == 200
    await slack.settle()
    assert len([c for c in slack.fake.calls if c.args.get("user") == "U0STRANGER"]) == 1
    after = await snapshot(slack.db, ALL_TABLES)
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"outbox", "inbound_events"}  # only the later /grappe moi of settle()
    assert not [row for row in after["outbox"] if "U0STRANGER" in str(row)]
    assert not [row for row in after["inbound_events"] if event["event_id"] in str(row)]


@pytest.mark.parametrize(("secret", "age"), [
    pytest.param("not-the-secret", 0, id="forged"),
    pytest.param(None, 6 * 60, id="six-minutes-old"),
])
@pytest.mark.both_backends
async def test_forged_or_stale_requests_are_refused(slack: SlackHarness, secret: str | None,
                                                    age: int) -> None:
    before = await snapshot(slack.db, ALL_TABLES)
    kwargs = {"secret": secret} if secret else {}
    status, _ = await slack.command("membres", timestamp=int(time.time()) - age, **kwargs)
    assert status == 401
    assert await snapshot(slack.db, ALL_TABLES) == before
    assert [c.method for c in slack.fake.calls] == ["auth.test"]


@pytest.mark.parametrize("typed", ["&lt;!channel&gt;", "<!channel>", "&lt;@U123&gt;", "<@U123>",
                                   "&lt;!here|here&gt;"])
async def test_what_people_type_reaches_slack_escaped(slack: SlackHarness, typed: str) -> None:
    status, _ = await slack.command(f"{typed} hello")
    assert status == 200
    [reply] = await slack.fake.wait_calls("chat.postEphemeral")
    text = reply.text()
    assert "inconnue" in text
    assert "<!" not in text
    assert "<@U123" not in text


@pytest.mark.both_backends
async def test_a_reply_in_a_card_thread_is_acknowledged_once_despite_retries(
        slack: SlackHarness) -> None:
    card_ts = await slack.card()
    event = payload("message_in_thread", **{"event.thread_ts": card_ts, "event.text": "partants"})
    assert (await slack.send("event", event))[0] == 200
    [react] = await slack.fake.wait_calls("reactions.add")
    assert react.args == {"channel": COOP, "timestamp": event["event"]["ts"],
                          "name": "white_check_mark"}
    [edit] = await slack.fake.wait_calls("chat.update")
    assert edit.args["ts"] == card_ts
    assert "nadia: partants" in edit.text()
    for retry in ("1", "2"):
        status, _ = await slack.send("event", event, headers={
            "X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"})
        assert status == 200
    await slack.settle()
    assert len(slack.fake.delivered("reactions.add")) == 1
    assert len(slack.fake.delivered("chat.update")) == 1


async def test_chatter_outside_cards_is_ignored(slack: SlackHarness) -> None:
    await slack.card()
    stray = payload("message_in_thread", **{"event.thread_ts": "1699999999.000001"})
    assert (await slack.send("event", stray))[0] == 200
    thumbs = payload("reaction_added", **{"event.item.ts": "1699999999.000001"})
    assert (await slack.send("event", thumbs))[0] == 200
    await slack.settle()
    assert {c.method for c in slack.fake.calls} == {"auth.test", "chat.postMessage",
                                                    "chat.postEphemeral"}


async def test_buttons_and_reactions_answer_on_the_card(slack: SlackHarness) -> None:
    card_ts = await slack.card()
    [card] = slack.fake.delivered("chat.postMessage")
    buttons = [b for b in card.args["blocks"] if b["type"] == "actions"][0]["elements"]
    click = payload("block_actions", **{"message.ts": card_ts, "container.message_ts": card_ts,
                                        "actions": [{**buttons[0], "type": "button",
                                                     "block_id": "grappe:X-1",
                                                     "action_ts": "1700000600.1"}]})
    assert await slack.send("block_actions", click) == (200, "")
    [edit] = await slack.fake.wait_calls("chat.update")
    assert "nadia: up" in edit.text()
    thumbs_down = payload("reaction_added", **{"event.item.ts": card_ts, "event.reaction": "-1",
                                               "event.user": CAMILLE})
    assert (await slack.send("event", thumbs_down))[0] == 200
    edits = await slack.fake.wait_calls("chat.update", 2)
    assert "camille: down" in edits[-1].text()


async def test_a_choice_that_needs_text_opens_a_form(slack: SlackHarness) -> None:
    card_ts = await slack.card()
    [card] = slack.fake.delivered("chat.postMessage")
    ask = [b for b in card.args["blocks"] if b["type"] == "actions"][0]["elements"][2]
    assert ask["action_id"] == "grappe:ask:when"
    click = payload("block_actions", **{"message.ts": card_ts, "container.message_ts": card_ts,
                                        "actions": [{**ask, "type": "button",
                                                     "block_id": "grappe:X-1",
                                                     "action_ts": "1700000600.2"}]})
    assert await slack.send("block_actions", click) == (200, "")
    [opened] = await slack.fake.wait_calls("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == click["trigger_id"]
    assert view["title"]["text"] == "Votre réponse"
    submitted = payload("view_submission_answer", **{
        "view.private_metadata": view["private_metadata"],
        "view.callback_id": view["callback_id"],
        "view.state.values": {"answer": {"value": {"type": "plain_text_input",
                                                   "value": "jeudi 14 h"}}}})
    assert await slack.send("view_submission", submitted) == (200, "")
    [edit] = await slack.fake.wait_calls("chat.update")
    assert edit.args["ts"] == card_ts
    assert "nadia: when jeudi 14 h" in edit.text()


async def test_a_direct_message_to_the_bot_is_a_command(slack: SlackHarness) -> None:
    event = payload("message_im", **{"event.user": NADIA})
    assert (await slack.send("event", event))[0] == 200
    opened = await slack.fake.wait_calls("conversations.open")
    assert opened[0].args["users"] == NADIA
    [reply] = await slack.fake.wait_calls("chat.postMessage")
    assert reply.args["channel"] == "D07GRPE031"
    assert "entreprises membres" in reply.text()
