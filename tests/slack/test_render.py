"""Neutral messages → Block Kit: generic, and people's text can never ping anyone."""

from __future__ import annotations

import json

import pytest

from bot.slack.render import cut, escape, render
from commands import messages as m
from commands.i18n import translator
from commands.messages import bold, bullets, para, spans
from commands.requests.view import CHOICES, STYLES, confirm_of

CHANNEL = m.Target(kind="channel", purpose="cooperation")
NADIA = m.Mention(handle="nadia", name="Nadia Benali", ids={"slack": "U07GRPE031"})


def _message(*blocks) -> m.Message:  # type: ignore[no-untyped-def]
    return m.Message(target=CHANNEL, blocks=list(blocks))


@pytest.mark.parametrize("typed", [
    "<!channel>", "<!here>", "<!everyone>", "<@U123>", "<@U123|boss>", "<#C1|x>",
    "<https://evil.example|ma banque>", "&lt;!channel&gt;",
])  # plain_text (headers, buttons) is never parsed by Slack: only mrkdwn can ping
def test_people_text_cannot_produce_markup(typed: str) -> None:
    rendered = render(_message(m.Heading(text=typed), para(f"avant {typed} après"),
                               bullets([spans(bold(typed))])))
    mrkdwn = [b["text"]["text"] for b in rendered.blocks if b["text"]["type"] == "mrkdwn"]
    out = json.dumps([*mrkdwn, rendered.text])
    assert "<!" not in out
    assert "<@" not in out
    assert "<#" not in out
    assert "<http" not in out


def test_escape_keeps_every_character_readable() -> None:
    assert escape("Tom & Jerry <3 >_<") == "Tom &amp; Jerry &lt;3 &gt;_&lt;"


def test_spans_become_mrkdwn() -> None:
    rendered = render(_message(para("Pour ", NADIA, " et ", m.Mention(handle="x", name="X <Y>"),
                                    " : ", bold(" urgent "), " ",
                                    m.Link(url="https://grappe.example/r?a=1&b=2", label="fiche"))))
    assert rendered.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": (
        "Pour <@U07GRPE031> et X &lt;Y&gt; :  *urgent*  "
        "<https://grappe.example/r?a=1&amp;b=2|fiche>")}}]


def test_a_cards_hint_comes_before_its_buttons() -> None:
    choices = m.Choices(object_ref="P-1", hint="Répondez dans ce fil : « 1 et 3 ».",
                        options=[m.Choice(action="1", label="1", emoji="1️⃣")])
    rendered = render(_message(choices))
    assert [b["type"] for b in rendered.blocks] == ["section", "actions"]
    assert rendered.blocks[0]["text"]["text"] == "Répondez dans ce fil : « 1 et 3 »."
    assert rendered.text == "Répondez dans ce fil : « 1 et 3 »."


def test_a_named_mention_is_shown_once() -> None:
    named = NADIA.model_copy(update={"named": True})
    rendered = render(_message(bullets([spans(named, " (coordinatrice)")])))
    assert rendered.text == "• <@U07GRPE031> (coordinatrice)"  # Slack shows her name


def test_a_forged_slack_id_or_link_stays_text() -> None:
    rendered = render(_message(para(m.Mention(handle="x", name="x", ids={"slack": "U1>|<!channel"}),
                                    m.Link(url="javascript:alert(1)|<!here>", label="clic"))))
    text = rendered.blocks[0]["text"]["text"]
    assert "<" not in text.replace("&lt;", "")


def test_choices_become_buttons_carrying_the_card_reference() -> None:
    rendered = render(_message(m.Heading(text="R-1 · Mairie"), m.Choices(object_ref="R-1", options=[
        m.Choice(action="interested", label="Intéressé", emoji="👍"),
        m.Choice(action="available", label="Disponible…", emoji="📅", asks_text=True)])))
    header, actions = rendered.blocks
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "R-1 · Mairie",
                                                  "emoji": True}}
    assert actions["type"] == "actions"
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in actions["elements"]] == [
        ("grappe:choice:interested", "R-1", "👍 Intéressé"),
        ("grappe:ask:available", "R-1", "📅 Disponible…")]
    assert rendered.text == "*R-1 · Mairie*"


def test_long_texts_are_split_within_slack_limits() -> None:
    rendered = render(_message(m.Heading(text="T" * 400), para("\n".join(["ligne " * 100] * 30)),
                               bullets([spans(f"élément {i} " * 20) for i in range(200)])))
    assert len(rendered.blocks) <= 50
    assert len(rendered.blocks[0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in rendered.blocks if b["type"] == "section")
    assert len(rendered.text) <= 200
    assert "\n" not in rendered.text


def test_the_notification_is_one_line_and_the_blocks_hold_the_card() -> None:
    """Issue #17: a phone shows the card's title, not the whole card."""
    rendered = render(_message(m.Heading(text="R-1 · Mairie de Roubaix"), para("Besoin : des\naffiches"),
                               m.Context(spans=[m.Text(text="Relayée par Nadia")])))
    assert rendered.text == "*R-1 · Mairie de Roubaix*"
    assert [b["type"] for b in rendered.blocks] == ["header", "section", "context"]
    assert render(_message(para("", "Bonne nouvelle : vous pilotez R-1.\nDétails"))).text == \
        "Bonne nouvelle : vous pilotez R-1."


def test_a_poll_option_is_a_row_of_its_own_buttons() -> None:
    rendered = render(_message(m.Choices(object_ref="P-1", options=[
        m.Choice(action=f"{n}{suffix}", label=label, group=str(n))
        for n in (1, 2) for suffix, label in (("", f"option {n}"), (":maybe", "si besoin"))])))
    rows = [b for b in rendered.blocks if b["type"] == "actions"]
    assert [(r["block_id"], [e["action_id"] for e in r["elements"]]) for r in rows] == [
        ("grappe:P-1:1", ["grappe:choice:1", "grappe:choice:1:maybe"]),
        ("grappe:P-1:2", ["grappe:choice:2", "grappe:choice:2:maybe"])]


def test_cut_never_leaves_half_a_mention() -> None:
    assert cut("abc <@U07GRPE031>", 10) == "abc …"
    assert cut("abc &amp;&amp;", 11) == "abc &amp;…"


def test_files_are_kept_apart_for_upload() -> None:
    chart = m.Attachment(path="/tmp/chart.png", title="Semaine 48", mime="image/png")
    rendered = render(_message(para("Synthèse"), chart))
    assert rendered.files == [chart]
    assert len(rendered.blocks) == 1


def test_a_request_card_has_fields_and_styled_buttons_with_a_confirmed_decline() -> None:
    """Issue #17 (part): label/value pairs as section fields; the hoped-for answer
    ``primary``, the refusal ``danger`` behind a confirmation dialog, in French."""
    t = translator("fr")
    fields = m.Fields(items=[m.FieldItem(label="Besoin : ", value=[m.Text(text="des affiches")]),
                             m.FieldItem(label="Échéance : ", value=[m.Text(text="jeu. 10 déc.")])])
    choices = m.Choices(object_ref="R-1", options=[
        m.Choice(action=a, label=t.t(label), emoji=e, asks_text=asks,
                 style=STYLES.get(a, "default"), confirm=confirm_of(t, "R-1", a))
        for a, label, e, asks in CHOICES])
    rendered = render(m.Message(target=m.Target(kind="channel"),
                                blocks=[m.Heading(text="R-1 · Mairie"), fields, choices]))
    section = next(b for b in rendered.blocks if "fields" in b)
    assert [f["text"] for f in section["fields"]] == ["*Besoin :*\ndes affiches",
                                                      "*Échéance :*\njeu. 10 déc."]
    buttons = next(b for b in rendered.blocks if b["type"] == "actions")["elements"]
    styles = {b["action_id"].rsplit(":", 1)[1]: b.get("style") for b in buttons}
    assert styles == {"interested": "primary", "lead": None, "decline": "danger",
                      "available": None}
    [decline] = [b for b in buttons if "confirm" in b]
    assert decline["confirm"]["title"]["text"] == "Décliner cette demande ?"
    assert (decline["confirm"]["confirm"]["text"], decline["confirm"]["deny"]["text"]) == (
        "Décliner", "Annuler")
    assert decline["confirm"]["style"] == "danger"
