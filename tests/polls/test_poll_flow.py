"""Availability polls through the console: answers, ties, hidden results, closing and booking."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from commands.bookings import flow as booking_flow
from storage.db import Database
from tests.conftest import Clock, Console
from tests.snapshots import snapshot

POLL = ("nadia: /grappe dispo Réunion de lancement : mar 1 déc 14h-16h | ven 4 déc 9h-11h "
        "| lun 7 déc matin")


def last_card(out: str, ref: str = "P-1") -> str:
    starts = [m.start() for m in re.finditer(rf"^\[#cooperation\] {ref} (✎ )?{ref} ·", out,
                                             re.M)]
    return out[starts[-1]:].split("\n[", 1)[0]


def option_line(card: str, n: int) -> str:
    return next(line for line in card.splitlines() if line.startswith(f"  • {n}.")
                or line.startswith(f"  • 👉 {n}."))


async def _count(db: Database, table: str) -> int:
    async with db.session(read_only=True) as s:
        return (await (await s.connection()).execute(text(f"SELECT count(*) FROM {table}"))
                ).scalar_one()


async def test_answers_change_and_the_tie_goes_to_the_earliest(console: Console,
                                                              clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    out = await console.run(POLL)
    card = last_card(out)
    assert "mar. 1 déc., 14 h–16 h" in card
    assert "lun. 7 déc., 9 h–12 h 30" in card
    out = await console.run("nadia in P-1: 2 et 3", "olivia in P-1: 1 oui, 3 si besoin",
                            "hugo in P-1: 3", "olivia in P-1: 1 et 2")  # olivia changes
    card = last_card(out)
    assert "✅ 2 · 🤷 0 · ❌ 1" in option_line(card, 2)  # nadia, olivia; hugo no
    assert "✅ 2 · 🤷 0 · ❌ 1" in option_line(card, 3)  # nadia, hugo; olivia now no
    assert "✅ 1 · 🤷 0 · ❌ 2" in option_line(card, 1)
    assert "3 réponses" in card
    out = await console.run("nadia: /grappe dispo clore P-1")
    card = last_card(out)
    assert "clos" in card
    assert "👉 2." in card  # tie between 2 and 3 (2 yes each): the earliest wins
    assert "Retenu" in card
    assert re.search(r"^\[DM:olivia\] - .*P-1", out, re.M)  # participants are told


async def test_if_need_be_breaks_a_tie_and_an_option_can_be_forced(console: Console,
                                                                  clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run(POLL, "nadia in P-1: 1 et 3", "olivia in P-1: 1, 3 si besoin")
    out = await console.run("camille: /grappe dispo clore P-1")
    assert "👉 1." in last_card(out)
    await console.run(POLL.replace("Réunion de lancement", "Atelier"),
                      "nadia in P-2: 1")
    out = await console.run("camille: /grappe dispo clore P-2 3")
    assert "👉 3." in last_card(out, "P-2")


async def test_after_closing_answers_are_refused_politely(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run(POLL, "nadia: /grappe dispo clore P-1")
    before = await snapshot(console.bot.db)
    votes = await _count(console.bot.db, "poll_votes")
    out = await console.run("elodie in P-1: 1", "hugo clicks P-1 2")
    assert out.count("P-1 est clos") == 2
    assert "Traceback" not in out
    assert await snapshot(console.bot.db) == before
    assert await _count(console.bot.db, "poll_votes") == votes


async def test_past_options_are_refused_and_duplicates_merged(console: Console,
                                                             clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    before = await snapshot(console.bot.db)
    out = await console.run("nadia: /grappe dispo Point : 2026-11-20 14:00-16:00 | demain 9h-11h")
    assert "déjà passé" in out
    assert await snapshot(console.bot.db) == before
    assert await _count(console.bot.db, "polls") == 0
    out = await console.run("nadia: /grappe dispo Point : vendredi 9h-11h | ven 27 nov 9h-11h "
                            "| lundi 10h-12h")
    assert "fusionn" in out
    assert "3." not in last_card(out)


async def test_hidden_results_until_closed(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    out = await console.run(POLL + " masque", "nadia in P-1: 1", "olivia in P-1: 2")
    card = last_card(out)
    assert "✅" not in card.split("\n", 1)[1].replace("✅ 1", "")  # no tally shown
    assert "2 réponses" in card
    assert "olivia" not in card
    out = await console.run("nadia: /grappe dispo clore P-1")
    assert "✅ 1 · 🤷 0 · ❌ 1" in last_card(out)


async def test_one_answer_per_enterprise_when_asked(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    out = await console.run(POLL + " par entreprise", "olivia in P-1: 1", "elodie in P-1: 2")
    card = last_card(out)
    assert "1 réponse" in card
    assert "Sobre & Clair" in option_line(card, 2)
    assert "✅ 0" in option_line(card, 1)


async def test_a_poll_for_a_request_invites_its_enterprises_in_its_thread(console: Console,
                                                                         clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run("camille: /grappe demande Mairie : un atelier de compta")
    out = await console.run(POLL + " pour R-1 avant 30/11")
    card = last_card(out)
    assert "R-1" in card
    assert "@nadia" in card  # consulted enterprises' people are invited
    assert "@olivia" not in card  # Sobre & Clair is not consulted on an accounting need
    out = await console.run("nadia in R-1: P-1 : 2")  # a reply in the request's thread
    assert "✅ 1" in option_line(last_card(out), 2)
    assert "@nadia" not in last_card(out).split("Pas encore répondu", 1)[-1]


async def test_only_the_author_or_a_coordinator_closes(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run(POLL)
    before = await snapshot(console.bot.db)
    out = await console.run("olivia: /grappe dispo clore P-1")
    assert "author" in out or "auteur" in out
    assert await snapshot(console.bot.db) == before


async def test_close_and_book_the_chosen_slot(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    out = await console.run(POLL, "nadia in P-1: 2",
                            "nadia: /grappe dispo clore P-1 et reserver salle-garance")
    card = last_card(out)
    assert "Réservé : B-1" in card
    out = await console.run("nadia: /grappe reservations salle-garance 4/12")
    assert "B-1" in out


@pytest.mark.parametrize("checked", [True, False], ids=["seen", "refused-by-the-database"])
async def test_close_and_book_a_taken_slot_keeps_the_poll_closed(
        console: Console, clock: Clock, monkeypatch: pytest.MonkeyPatch, checked: bool) -> None:
    """Taken, whether the check sees it or the database refuses the insert (a writer that
    took no lock): the same explanation, the poll closed all the same."""
    clock.set("2026-11-26 10:00")
    await console.run("olivia: /grappe reserver salle-garance ven 4 déc 10h-12h : atelier")
    if not checked:
        real, calls = booking_flow._clashes, []

        async def blind_first(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(1)
            return {} if len(calls) == 1 else await real(*args, **kwargs)

        monkeypatch.setattr(booking_flow, "_clashes", blind_first)
    out = await console.run(POLL, "nadia in P-1: 2",
                            "nadia: /grappe dispo clore P-1 et reserver salle-garance")
    card = last_card(out)
    assert "clos" in card
    assert "👉 2." in card
    assert "Non réservé : le créneau est déjà pris (détails envoyés à Nadia" in card
    assert "Ce créneau de Salle Garance est déjà pris ; rien n’a été réservé." in out
    assert "B-2" not in out
    assert await _count(console.bot.db, "bookings") == 1


async def _ballots(db: Database) -> dict[str, dict[int, str]]:
    """Each voter's recorded ballot, by handle."""
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(text(
            "SELECT p.handle, v.position, v.value FROM poll_votes v "
            "JOIN people p ON p.id = v.person_id ORDER BY v.position"))
        found: dict[str, dict[int, str]] = {}
        for handle, position, value in rows:
            found.setdefault(handle, {})[position] = value
        return found


async def test_a_click_means_what_the_same_number_typed_means(console: Console,
                                                             clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run(POLL, "olivia in P-1: 2", "hugo clicks P-1 2")
    ballots = await _ballots(console.bot.db)
    assert ballots["hugo"] == ballots["olivia"] == {1: "no", 2: "yes", 3: "no"}
    card = last_card(await console.run("olivia in P-1: 2 et 3", "hugo clicks P-1 3"))
    ballots = await _ballots(console.bot.db)
    assert ballots["hugo"] == ballots["olivia"] == {1: "no", 2: "yes", 3: "yes"}  # clicks add up
    assert "✅ 0 · 🤷 0 · ❌ 2" in option_line(card, 1)
    assert "✅ 2 · 🤷 0 · ❌ 0" in option_line(card, 3)


async def test_a_click_on_if_need_be_or_no_sets_that_option_alone(console: Console,
                                                                  clock: Clock) -> None:
    """Each option's row offers "if need be" and "no": a click sets that option, the rest
    of the ballot stays; the same as typing "1 et 3, 2 si besoin"."""
    clock.set("2026-11-26 10:00")
    out = await console.run(POLL, "hugo clicks P-1 1", "hugo clicks P-1 3",
                            "hugo clicks P-1 2:maybe", "olivia in P-1: 1 et 3, 2 si besoin")
    assert "Hugo" in out
    assert "2 (si besoin)" in out
    ballots = await _ballots(console.bot.db)
    assert ballots["hugo"] == ballots["olivia"] == {1: "yes", 2: "maybe", 3: "yes"}
    card = last_card(await console.run("hugo clicks P-1 3:no"))
    assert (await _ballots(console.bot.db))["hugo"] == {1: "yes", 2: "maybe", 3: "no"}
    assert "✅ 0 · 🤷 2 · ❌ 0" in option_line(card, 2)
    assert "✅ 1 · 🤷 0 · ❌ 1" in option_line(card, 3)
    assert "🤷 si besoin [2:maybe] · ❌ non [2:no]" in card
