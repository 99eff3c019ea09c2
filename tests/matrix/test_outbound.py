"""Neutral messages → Matrix contents: escaped text, pills, explicit m.mentions, relations."""

from __future__ import annotations

import pytest

from bot.matrix import outbound
from commands.messages import (
    Attachment,
    Bullets,
    Choice,
    Choices,
    Heading,
    Link,
    Mention,
    Message,
    Target,
    bold,
    para,
    spans,
)
from commands.render import plain
from storage.models import DeliveryRole

NADIA = Mention(handle="nadia", name="Nadia Benali", ids={"matrix": "@nadia:grappe.example",
                                                          "slack": "U1"})
SLACK_ONLY = Mention(handle="leo", name="Léo", ids={"slack": "U2"})


def _message(*blocks, locale: str = "fr") -> Message:  # type: ignore[no-untyped-def]
    return Message(target=Target(kind="channel", purpose="cooperation"), blocks=list(blocks),
                   locale=locale)


def test_peoples_text_is_escaped_and_pings_nobody() -> None:
    content = outbound.content_of(outbound.render(_message(
        para("Besoin urgent @room <b>x</b> <a href='javascript:alert(1)'>clic</a> & co"))))
    assert content["m.mentions"] == {"user_ids": []}
    assert "<b>" not in content["formatted_body"]
    assert "&lt;b&gt;x&lt;/b&gt;" in content["formatted_body"]
    assert "&lt;a href=&#x27;javascript" in content["formatted_body"]
    assert "&amp; co" in content["formatted_body"]
    assert content["body"] == "Besoin urgent @room <b>x</b> <a href='javascript:alert(1)'>clic</a> & co"


def test_mentions_are_pills_and_the_only_people_pinged() -> None:
    rendered = outbound.render(_message(
        para("Pour ", NADIA, " et ", SLACK_ONLY, " et encore ", NADIA, "."),
        Bullets(items=[spans(bold("<Chiffres>"), " : ", NADIA)])))
    content = outbound.content_of(rendered)
    assert content["msgtype"] == "m.text"  # notices never notify anyone (push rules)
    assert content["m.mentions"] == {"user_ids": ["@nadia:grappe.example"]}
    assert '<a href="https://matrix.to/#/@nadia:grappe.example">Nadia Benali</a>' in (
        content["formatted_body"])
    assert "Léo" in content["body"]
    assert "matrix.to/#/Léo" not in content["formatted_body"]
    assert "<li><strong>&lt;Chiffres&gt;</strong>" in content["formatted_body"]
    assert content["body"].splitlines()[-1] == "• <Chiffres> : Nadia Benali"


NOTIFIES = [  # (role, shown where the person acted, notifies)
    (DeliveryRole.DM, False, True), (DeliveryRole.CARD, False, True),
    (DeliveryRole.POST, False, True), (DeliveryRole.EDIT, False, True),
    (DeliveryRole.EPHEMERAL, False, True),  # moved to their direct room: they are not there
    (DeliveryRole.EPHEMERAL, True, False),  # the answer where they typed: they are looking
]


@pytest.mark.parametrize(("role", "in_place", "expected"), NOTIFIES)
def test_only_an_answer_shown_where_the_person_typed_is_a_notice(
        role: DeliveryRole, in_place: bool, expected: bool) -> None:
    assert outbound.notifies(role, in_place=in_place) is expected
    rendered = outbound.render(_message(para("R-1 : Bonne nouvelle")))
    msgtype = outbound.content_of(rendered, notify=expected)["msgtype"]
    assert msgtype == ("m.text" if expected else "m.notice")


def test_a_named_mention_is_one_pill_where_the_console_adds_the_name() -> None:
    named = NADIA.model_copy(update={"named": True})
    message = _message(Bullets(items=[spans(named, " (coordinatrice)")]))
    rendered = outbound.render(message)
    assert rendered.body == "• Nadia Benali (coordinatrice)"
    assert rendered.html.count("Nadia Benali") == 1
    assert plain(message.blocks) == "• @nadia Nadia Benali (coordinatrice)"
    assert plain(_message(para(NADIA)).blocks) == "@nadia"


def test_links_keep_only_safe_schemes() -> None:
    html = outbound.render(_message(para(
        Link(url="https://grappe.example/r/3", label="la fiche"), " ",
        Link(url="javascript:alert(1)", label="piège")))).html
    assert '<a href="https://grappe.example/r/3">la fiche</a>' in html
    assert "javascript" not in html
    assert "piège" in html


def test_choices_become_reactions_and_a_hint_in_the_message_locale() -> None:
    choices = Choices(object_ref="R-3", options=[
        Choice(action="interested", label="Intéressé", emoji="👍"),
        Choice(action="lead", label="Je peux piloter", emoji="🙋"),
        Choice(action="available", label="Disponibilités", asks_text=True)])
    rendered = outbound.render(_message(Heading(text="R-3 · Bilan"), choices))
    assert [c.emoji for c in rendered.choices] == ["👍", "🙋"]
    assert "Réagissez" in rendered.body
    assert "👍 Intéressé" in rendered.body
    assert rendered.html.startswith("<h4>R-3 · Bilan</h4>")
    english = outbound.render(_message(choices, locale="en"))
    assert english.body.startswith("React to this message or answer in its thread:")
    assert "Disponibilités" not in rendered.body  # no emoji: nothing to click on Matrix


def test_a_cards_hint_is_followed_by_the_reactions_never_by_buttons() -> None:
    choices = Choices(object_ref="P-1", hint="Répondez dans ce fil : « 1 et 3 ».", options=[
        Choice(action="1", label="1", emoji="1️⃣"), Choice(action="2", label="2", emoji="2️⃣")])
    rendered = outbound.render(_message(choices))
    assert rendered.body == ("Répondez dans ce fil : « 1 et 3 ». "
                             "Ou réagissez à ce message\u00a0: 1️⃣ 1 · 2️⃣ 2")
    assert "<em>Ou réagissez à ce message\u00a0:</em>" in rendered.html
    assert plain([choices]).splitlines() == [
        "Répondez dans ce fil : « 1 et 3 ».", "↳ P-1 : 1️⃣ 1 [1] · 2️⃣ 2 [2]"]


def test_thread_edit_and_reaction_relations() -> None:
    content = outbound.content_of(outbound.render(_message(para("Merci ", NADIA))))
    threaded = outbound.in_thread(content, "$card")
    assert threaded["m.relates_to"] == {"rel_type": "m.thread", "event_id": "$card",
                                        "is_falling_back": True,
                                        "m.in_reply_to": {"event_id": "$card"}}
    edit = outbound.edit(threaded, "$card")
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$card"}
    assert edit["m.mentions"] == {}  # an edit pings nobody again
    assert edit["m.new_content"]["m.mentions"] == {"user_ids": ["@nadia:grappe.example"]}
    assert "m.relates_to" not in edit["m.new_content"]
    assert edit["body"].startswith("* ")
    assert outbound.reaction("$card", "👍") == {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": "$card", "key": "👍"}}


def test_files_are_collected_and_sent_as_images() -> None:
    chart = Attachment(path="/tmp/chart.png", title="Synthèse", mime="image/png")
    rendered = outbound.render(_message(para("La synthèse"), chart))
    assert rendered.files == [chart]
    assert rendered.body == "La synthèse"
    image = outbound.file(chart, "mxc://grappe.example/abc", 1234)
    assert image["msgtype"] == "m.image"
    assert image["info"] == {"mimetype": "image/png", "size": 1234}
    assert outbound.file(Attachment(path="x.csv", title="x", mime="text/csv"), "mxc://a/b",
                         1)["msgtype"] == "m.file"


def test_command_hints_are_shown_as_typed_on_matrix() -> None:
    from bot.matrix.outbound import render
    from commands.messages import Message, Target, para

    rendered = render(Message(target=Target(kind="actor"), blocks=[para(
        "Annuler : /grappe annuler B-1 · voir https://x.example/grappe")]))
    assert "!grappe annuler B-1" in rendered.body
    assert "/grappe annuler" not in rendered.html
    assert "https://x.example/grappe" in rendered.body
