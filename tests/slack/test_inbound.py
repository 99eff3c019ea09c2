"""Slack payloads → neutral events: one stored payload per case (tests/data/slack/*.json)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bot.slack import inbound
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
    ("heart", ":heart:"),
])
def test_reaction_names_become_emojis(name: str, emoji: str) -> None:
    assert inbound.emoji(name) == emoji


def test_the_bot_reacts_with_slack_names() -> None:
    assert inbound.reaction_name("✅") == "white_check_mark"
    assert inbound.reaction_name("👍") == "+1"
    assert inbound.reaction_name("1️⃣") == "one"
    assert inbound.reaction_name("🦄") is None
