"""The Home tab through the real Bolt app: ``app_home_opened`` → ``views.publish`` with what
waits for the person, its buttons the cards' own, a click there the same answer as on the
card, the tab published again after the person acts — and never on the ack's path.

The commands' clock is stopped at ``NOW`` (Thursday 26 November 2026, 10:00 in Paris).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import pytest
from sqlalchemy import text

from commands.home import HOME_SECTIONS, HomeSection, Reader
from tests.slack.conftest import CAMILLE, COOP, NADIA, SlackHarness, find_button
from tests.slack.fake_slack import TEAM, Call, FakeSlack, blocks_text
from tests.slack.payloads import payload

HUGO = "U07GRPE112"  # Encre Verte
OLIVIA = "U07GRPE092"  # Sobre & Clair, in English
REQUEST = ("demande Mairie de Roubaix : accompagner la création d'une ressourcerie, il faut "
           "de la com et de la compta pour le 15 décembre")
POLL = "dispo Réunion de lancement : mar 1 déc 14h-16h | ven 4 déc 9h-11h members=all"
_ids = itertools.count(1)


def _text(view: dict[str, Any]) -> str:
    """What a person reads on a Home tab (Slack's entities undone, French spaces as plain
    ones)."""
    shown = blocks_text(view["blocks"])
    shown = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return shown.replace("\u00a0", " ").replace("\u202f", " ")


def _buttons(blocks: list[dict[str, Any]], ref: str) -> list[dict[str, Any]]:
    """Every button of ``ref``, its rows one after the other."""
    return [e for b in blocks if b["type"] == "actions"
            and b.get("block_id", "").startswith(f"grappe:{ref}") for e in b["elements"]]


async def open_home(slack: SlackHarness, user: str) -> tuple[int, float]:
    """``user`` opens the bot's Home tab; the status and how long the ack took."""
    data = payload("app_home_opened", event_id=f"Ev09HOME{next(_ids):03d}",
                   **{"event.user": user, "event.channel": "D" + user[1:]})
    started = time.perf_counter()
    status, _ = await slack.send("event", data)
    return status, time.perf_counter() - started


async def home_published(fake: FakeSlack, user: str, count: int) -> dict[str, Any]:
    """The ``count``-th Home tab published for ``user``."""
    return (await fake.wait_for(lambda f: f.homes(user) if len(f.homes(user)) >= count
                                else None))[count - 1]


async def click_home(slack: SlackHarness, view: dict[str, Any], ref: str, which: int | str,
                     user: str) -> tuple[int, str]:
    """``user`` clicks a button of ``ref`` on their Home tab (``find_button``): the payload
    has the home's view as its container, no channel and no message."""
    block, button = find_button(view["blocks"], which, ref)
    trigger = f"9{next(_ids):03d}.1.home"
    data = payload("block_actions_home", trigger_id=trigger, user={
        "id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}, **{
        "actions": [{**button, "type": "button", "block_id": block,
                     "action_ts": f"{trigger}.0"}]})
    return await slack.send("block_actions", data)


async def _cards(slack: SlackHarness) -> tuple[Call, Call]:
    """Request R-1 (Chiffres & Communs consulted) and poll P-1 (everyone invited), posted."""
    assert await slack.command(REQUEST) == (200, "")
    assert await slack.command(POLL) == (200, "")
    cards = await slack.fake.wait_calls("chat.postMessage", 2)
    await slack.settle()  # their message references are recorded
    by_ref = {c.args["blocks"][0]["text"]["text"][:3]: c for c in cards}
    assert {c.args["channel"] for c in by_ref.values()} == {COOP}
    return by_ref["R-1"], by_ref["P-1"]


async def _answers(slack: SlackHarness) -> list[tuple[Any, ...]]:
    async with slack.db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(text(
            "SELECT e.slug, a.interested, a.can_lead, a.declined, a.source FROM answers a "
            "JOIN enterprises e ON e.id = a.enterprise_id ORDER BY a.id"))
        return [tuple(r) for r in rows]


def _card_edited(ref: str, *texts: str):  # type: ignore[no-untyped-def]
    """A wait condition: the latest edit of ``ref``'s card shows every text."""
    def check(fake: FakeSlack) -> bool:
        edits = [c for c in fake.delivered("chat.update") if ref in c.text()]
        return bool(edits) and all(t in _text(edits[-1].args) for t in texts)
    return check


@pytest.mark.both_backends
async def test_the_home_shows_what_waits_and_a_click_there_is_the_cards_answer(
        slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake
    request_card, poll_card = await _cards(slack)
    assert await slack.command("reserver salle-garance lundi 14h-16h : point compta",
                               user=NADIA) == (200, "")
    await slack.settle()

    status, took = await open_home(slack, NADIA)
    assert status == 200
    home = await home_published(fake, NADIA, 1)
    assert home["type"] == "home"
    shown = _text(home)
    assert shown.startswith("La Grappe\nNadia Benali · Chiffres & Communs — mis à jour le "
                            "jeu. 26 nov., 10 h")
    assert "*R-1 · Mairie de Roubaix* — accompagner la création d'une ressourcerie" in shown
    assert "échéance : mar. 15 déc." in shown
    assert "lun. 30 nov., 14 h–16 h · *Salle Garance* · Chiffres & Communs (Nadia Benali) — " \
           "point compta · B-1" in shown
    assert "1️⃣ mar. 1 déc., 14 h–16 h" in shown  # each option a row of buttons
    # the cards' own buttons (the same ids, values, styles and confirmation), on the home
    assert _buttons(home["blocks"], "R-1") == _buttons(request_card.args["blocks"], "R-1")
    assert _buttons(home["blocks"], "P-1") == _buttons(poll_card.args["blocks"], "P-1")
    assert "Répondez dans ce fil" not in shown  # a home has no thread to answer in

    # "Intéressé" on the home, "Intéressé" on the card: the same answer, the card edited
    assert await click_home(slack, home, "R-1", 0, NADIA) == (200, "")
    await fake.wait_for(_card_edited("R-1", "Chiffres & Communs"))
    assert await slack.click(request_card, 0, HUGO) == (200, "")
    await fake.wait_for(_card_edited("R-1", "Chiffres & Communs", "Encre Verte", "(2/5"))
    assert await _answers(slack) == [("chiffres-et-communs", True, False, False, "button"),
                                     ("encre-verte", True, False, False, "button")]
    # the home is published again after the click, without what was answered
    again = _text(await fake.wait_for(
        lambda f: f.homes(NADIA)[-1] if "R-1" not in _text(f.homes(NADIA)[-1]) else None))
    assert "Aucune demande n’attend la réponse de votre entreprise." in again
    assert "P-1" in again

    # option 2 of the poll, on the home: the ballot a click on the card casts
    home = fake.homes(NADIA)[-1]
    assert await click_home(slack, home, "P-1", "2", NADIA) == (200, "")
    await fake.wait_for(lambda f: bool(f.delivered("chat.update")) and any(
        "2." in line and "✅ 1" in line and "nadia" in line
        for line in f.delivered("chat.update")[-1].shown().splitlines()))
    last = _text(await fake.wait_for(
        lambda f: f.homes(NADIA)[-1] if "P-1" not in _text(f.homes(NADIA)[-1]) else None))
    assert "Aucun sondage n’attend votre réponse." in last
    # a click on the home is acknowledged to the person alone, in their DMs (no channel)
    assert all(c.args["channel"] in (COOP, "D" + NADIA[1:])
               for c in fake.delivered("chat.postMessage", "chat.postEphemeral")
               if c.args.get("user") == NADIA)


async def test_the_home_in_english_and_a_form_answer_from_it(slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake
    await _cards(slack)
    assert (await open_home(slack, OLIVIA))[0] == 200
    home = await home_published(fake, OLIVIA, 1)
    shown = _text(home)
    assert "Requests waiting for your enterprise's answer" in shown
    assert "due Tue 15 Dec" in shown
    assert "Your enterprise has no booking in the next 7 days." in shown
    # "Available…" opens the same small form as on the card; its answer is recorded
    assert await click_home(slack, home, "R-1", 3, OLIVIA) == (200, "")
    [asked] = await fake.wait_calls("views.open")
    answer = payload("view_submission_answer", user={"id": OLIVIA, "username": "olivia",
                                                     "name": "olivia", "team_id": TEAM}, **{
        "view.id": "V09FORM0001", "view.private_metadata": asked.args["view"]["private_metadata"],
        "view.state.values": {"answer": {"value": {"type": "plain_text_input",
                                                   "value": "Thursday 2pm"}}}})
    assert await slack.send("view_submission", answer) == (200, "")
    await fake.wait_for(_card_edited("R-1", "Thursday 2pm"))
    await fake.wait_for(lambda f: "R-1" not in _text(f.homes(OLIVIA)[-1]))


def _held(started: asyncio.Event, release: asyncio.Event, loads: list[float]) -> HomeSection:
    """A part of the home whose first loading says it ``started`` and waits for ``release``
    (drawing held on purpose); it draws nothing."""

    async def load(s: Any, reader: Reader) -> None:
        loads.append(time.perf_counter())
        started.set()
        if len(loads) == 1:
            await asyncio.wait_for(release.wait(), 10)

    return HomeSection(99, "zz.held", load, lambda reader, data: [])


async def test_the_ack_never_waits_for_the_home_and_a_burst_costs_two_publishes(
        slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake
    request_card, poll_card = await _cards(slack)
    started, release, loads = asyncio.Event(), asyncio.Event(), []
    slack.bot.registry.extend(HOME_SECTIONS, "zz.held", _held(started, release, loads))

    status, took = await open_home(slack, NADIA)
    assert status == 200
    await asyncio.wait_for(started.wait(), 5)  # the home is being drawn, after the ack
    assert took < 1.0
    assert not fake.homes(NADIA)

    # clicks while the first home is still held: acknowledged at once, one publish pending
    for card, index in ((poll_card, 0), (poll_card, 1), (request_card, 1)):
        started = time.perf_counter()
        assert await slack.click(card, index, NADIA) == (200, "")
        assert time.perf_counter() - started < 1.0
    await fake.wait_for(_card_edited("R-1", "peut piloter"))
    release.set()
    last = await home_published(fake, NADIA, 2)
    assert "R-1" not in _text(last)
    assert "P-1" not in _text(last)
    await slack.settle()
    assert len(fake.homes(NADIA)) == 2  # the one in flight, and one for the three clicks
    assert len(loads) == 2


async def test_someone_not_in_the_directory_gets_a_short_home_saying_so(
        slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert (await open_home(slack, "U0STRANGER"))[0] == 200
    shown = _text(await home_published(slack.fake, "U0STRANGER", 1))
    assert shown.index("Vous n’êtes pas encore dans l’annuaire de La Grappe") < shown.index(
        "You are not in La Grappe's directory yet")
    assert "/grappe lier" in shown
    assert "U0STRANGER" in shown
    await slack.settle()
    assert not [c for c in slack.fake.calls if c.method != "views.publish"
                and "U0STRANGER" in str(c.args)]  # nothing else is said to them
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


async def test_a_home_nobody_opened_is_not_published_on_every_answer(
        slack_now: SlackHarness) -> None:
    slack, fake = slack_now, slack_now.fake
    request_card, _ = await _cards(slack)
    assert await slack.click(request_card, 0, HUGO) == (200, "")
    await fake.wait_for(_card_edited("R-1", "Encre Verte"))
    await slack.settle()
    assert not fake.delivered("views.publish")
    assert CAMILLE not in {c.args.get("user_id") for c in fake.calls}
