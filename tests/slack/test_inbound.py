"""Slack payloads → neutral events: one stored payload per case (tests/data/slack/*.json)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bot.features import registry as load_all
from bot.slack import emoji as slack_emoji
from bot.slack import inbound
from commands.events import Action, Actor, Command, Thread
from commands.form_events import as_typed
from tests.slack.fake_slack import BOT_USER
from tests.slack.payloads import DATA, case

CONVERTERS = {
    "command": inbound.slash_command,
    "event": lambda body: inbound.event_callback(body, BOT_USER),
    "block_actions": inbound.block_action,
    "view_submission": inbound.view_submission,
}


def _as_data(event: Any) -> dict[str, Any] | None:
    if event is None:
        return None
    return {"type": type(event).__name__, **dataclasses.asdict(event)}


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.json")))
def test_payload_becomes_the_expected_event(name: str) -> None:
    stored = case(name)
    assert _as_data(CONVERTERS[stored["kind"]](stored["payload"])) == stored["expected"]


@pytest.mark.parametrize(("typed", "plain"), [
    ("&lt;!channel&gt;", "<!channel>"),
    ("<!here>", "@here"),
    ("<!subteam^S1|@graphistes>", "@graphistes"),
    ("<@U07GRPE031>", "@U07GRPE031"),
    ("<#C01COOPERA|cooperation>", "#cooperation"),
    ("<mailto:a@b.example|a@b.example>", "a@b.example"),
    ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
])
def test_slack_markup_becomes_plain_text(typed: str, plain: str) -> None:
    assert inbound.plain_text(typed) == plain


@pytest.mark.parametrize(("name", "emoji"), [
    ("+1", "👍"), ("thumbsup", "👍"), ("-1", "👎"), ("thumbsdown", "👎"),
    ("raising_hand", "🙋"), ("one", "1️⃣"), ("nine", "9️⃣"), ("+1::skin-tone-2", "👍"),
    ("heart", "❤️"), ("unicorn_face", "🦄"), ("grappe-logo", ":grappe-logo:"),
])
def test_reaction_names_become_emojis(name: str, emoji: str) -> None:
    assert slack_emoji.emoji(name) == emoji


def test_the_bot_reacts_with_slack_names() -> None:
    assert slack_emoji.reaction_name("✅") == "white_check_mark"
    assert slack_emoji.reaction_name("👍") == "+1"
    assert slack_emoji.reaction_name("1️⃣") == "one"
    assert slack_emoji.reaction_name("🦄") == "unicorn_face"  # any emoji, not a hand list
    assert slack_emoji.reaction_name("pas un emoji") is None


@pytest.mark.parametrize(("name", "typed"), [
    ("view_submission_request", Command(
        actor=Actor("slack", "U07GRPE031"), event_id="view:V07FORM0001", place="C01COOPERA",
        text="/grappe demande Mairie de Roubaix CCAS : Bilan de la subvention et plan de com "
             "#comptabilite #communication ; pour 15/1/2027")),
    ("view_submission_answer", Action(
        actor=Actor("slack", "U07GRPE031"), action="available", event_id="view:V07FORM0001",
        value="lundi matin et jeudi",
        thread=Thread(object_ref="R-1", channel="C01COOPERA", message_id="1700000001.000001"))),
])
def test_a_submitted_form_is_what_the_person_would_have_typed(name: str, typed: object) -> None:
    """The form's meaning is the core's: the command family reads the values as its text."""
    submission = inbound.view_submission(case(name)["payload"])
    assert submission is not None
    assert as_typed(submission, load_all()) == typed
