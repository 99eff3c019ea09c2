"""Booking flows through the console: conflicts, series, approvals, cancelling, the agenda."""

from __future__ import annotations

from tests.bookings.conftest import TABLES, all_bookings
from tests.conftest import Console
from tests.snapshots import snapshot


async def test_a_conflict_names_the_booking_and_proposes_other_slots_and_resources(
        bk: Console) -> None:
    await bk.run("nadia: /grappe reserver salle-garance jeudi 14h-16h : point compta")
    before = await snapshot(bk.bot.db, TABLES)
    out = await bk.run("olivia: /grappe book garance thursday 3pm-5pm : design review")
    assert await snapshot(bk.bot.db, TABLES) == before
    assert "Thu 3 Dec, 14:00–16:00 · Chiffres & Communs (Nadia Benali) — point compta · B-1" in out
    assert "Free that day: 12:00–14:00 · 16:00–18:00" in out
    assert "Next days: Fri 4 Dec, 15:00–17:00" in out
    assert "Salle Pampre (salle-pampre)" in out
    assert "Salle Garance (salle-garance)" not in out.split("Free at that time")[1]
    french = await bk.run("karim: /grappe reserver salle-garance jeudi 15h-16h")
    assert "Ce créneau de Salle Garance est déjà pris ; rien n’a été réservé." in french
    assert "Libre ce jour-là : 13 h–14 h · 16 h–17 h" in french


async def test_a_series_with_conflicts_books_none_unless_told_to_skip_them(bk: Console) -> None:
    await bk.run("nadia: /grappe reserver salle-garance 10/12 9h-10h : bilan")
    before = await snapshot(bk.bot.db, TABLES)
    out = await bk.run("karim: /grappe reserver salle-garance chaque jeudi 9h-11h x4 : atelier")
    assert "1 des 4 dates est déjà prise ; rien n’a été réservé :" in out
    assert "jeu. 10 déc., 9 h–11 h — Chiffres & Communs (Nadia Benali) — bilan (B-1)" in out
    assert "ajoutez « sauf conflits »" in out
    assert await snapshot(bk.bot.db, TABLES) == before
    out = await bk.run(
        "karim: /grappe reserver salle-garance chaque jeudi 9h-11h x4 sauf conflits : atelier")
    assert "B-2 … B-4" in out
    assert "Non réservé, déjà pris : jeu. 10 déc., 9 h–11 h" in out
    series = [b for b in await all_bookings(bk.bot.db) if b.series_id is not None]
    assert len(series) == 3
    assert len({b.series_id for b in series}) == 1
    cancelled = await bk.run("karim: /grappe annuler B-3 serie")
    assert "Les 3 prochaines réservations de la série sont annulées (B-2 … B-4" in cancelled
    assert {b.status for b in await all_bookings(bk.bot.db) if b.series_id} == {"cancelled"}


async def test_approval_pending_then_approved_or_declined_and_the_booker_is_told(
        bk: Console) -> None:
    out = await bk.run("nadia: /grappe reserver salle-treille mardi 9h-12h : formation")
    assert "La coordination doit d’abord la valider" in out
    assert "[#cooperation] B-1 Réservation à valider : Salle de formation La Treille" in out
    assert "✅ Valider [approve] · ❌ Refuser [reject]" in out
    refused = await bk.run("nadia: /grappe valider B-1")
    assert "Seule la coordination" in refused or "coordinat" in refused.lower()
    approved = await bk.run("camille: /grappe valider B-1")
    assert "Validé : B-1 ; j’ai prévenu Nadia Benali." in approved
    assert "[DM:nadia] - Votre réservation B-1 (Salle de formation La Treille) est validée par Camille Roussel :" in approved
    assert "· validée" in approved  # the card, edited
    out = await bk.run("olivia: /grappe book salle-treille wednesday 9am-12pm : workshop",
                       "sophie: /grappe refuser B-2")
    assert "Indiquez le motif après deux-points" in out
    out = await bk.run("sophie: /grappe refuser B-2 : salle en travaux")
    assert "[DM:olivia] - Your booking B-2 (Salle de formation La Treille) was declined by" in out
    assert "Reason: salle en travaux" in out
    statuses = [b.status for b in await all_bookings(bk.bot.db)]
    assert statuses == ["confirmed", "rejected"]
    again = await bk.run("nadia: /grappe reserver salle-treille mercredi 9h-12h : formation")
    assert "✅ B-3" in again  # a declined booking frees its slot


async def test_a_card_is_answered_by_button_or_in_its_thread(bk: Console) -> None:
    await bk.run("nadia: /grappe reserver salle-treille chaque mercredi 9h-12h x3 : formation")
    out = await bk.run("camille clicks B-1 reject", "camille in B-1: refuser : salle prise")
    assert "Pour refuser B-1, répondez dans son fil" in out
    assert "Refusé : B-1 … B-3 ; j’ai prévenu Nadia Benali." in out
    assert "Motif : salle prise" in out
    await bk.run("nadia: /grappe reserver salle-treille mardi 9h-12h : formation")
    out = await bk.run("nadia clicks B-4 approve", "karim clicks B-4 approve")
    assert "Seule la coordination peut valider ou refuser une réservation." in out
    assert [b.status for b in await all_bookings(bk.bot.db)][-1] == "confirmed"


async def test_cancelling_is_for_the_bookers_enterprise_or_a_coordinator(bk: Console) -> None:
    await bk.run("nadia: /grappe reserver salle-garance jeudi 14h-16h : point compta")
    out = await bk.run("olivia: /grappe cancel B-1")
    assert "Only the people of the enterprise that booked B-1, or a coordinator" in out
    out = await bk.run("pierre-louis: /grappe annuler B-1")
    assert "B-1 est annulée : Salle Garance, jeu. 3 déc., 14 h–16 h." in out
    assert "[DM:nadia] - Pierre-Louis Vasseur a annulé votre réservation B-1" in out
    out = await bk.run("nadia: /grappe annuler B-1", "nadia: /grappe annuler B-99",
                       "nadia: /grappe annuler hier")
    assert "B-1 est déjà annulée ou refusée." in out
    assert "Il n’y a pas de réservation B-99." in out
    assert "par exemple B-7" in out
    again = await bk.run("olivia: /grappe book salle-garance thursday 2pm-4pm")
    assert "✅ B-2" in again


async def test_agenda_free_resources_and_my_bookings(bk: Console) -> None:
    await bk.run("nadia: /grappe reserver salle-garance demain 14h-16h : point compta",
                 "olivia: /grappe book minibus monday 9am-5pm : site visit",
                 "nadia: /grappe reserver salle-treille mardi 9h-12h : formation")
    agenda = await bk.run("camille: /grappe reservations")
    assert "Réservations, jeu. 26 nov. – mer. 2 déc." in agenda
    assert "ven. 27 nov.\n  • 14 h–16 h · Salle Garance · Chiffres & Communs (Nadia Benali) — point compta · B-1" in agenda
    assert "lun. 30 nov." in agenda
    assert "B-3 (en attente de validation)" in agenda
    pending = await bk.run("camille: /grappe reservations en attente")
    assert "B-3" in pending
    assert "B-1" not in pending
    mine = await bk.run("pierre-louis: /grappe mes reservations")
    assert "B-1" in mine
    assert "B-2" not in mine
    one = await bk.run("olivia: /grappe bookings minibus week")
    assert "Bookings — Minibus 9 places" in one or "Bookings of Minibus 9 places" in one
    free = await bk.run("nadia: /grappe libre salle demain 14h-16h",
                        "nadia: /grappe libre salle-garance demain",
                        "nadia: /grappe libre salle-garance demain 15h-16h")
    assert "Salle Pampre (salle-pampre) — 6 places" in free
    assert "Salle Garance (salle-garance) : 8 h–14 h · 16 h–20 h" in free
    assert "Salle Garance n’est pas libre le ven. 27 nov., 15 h–16 h" in free
    rules = await bk.run("nadia: /grappe ressources", "olivia: /grappe resources minibus")
    assert "Secrétariat mutualisé (secretariat) — du lundi au vendredi, hors jours fériés · 9 h–17 h · 4 h maximum · réserver 48 h à l’avance · 8 h par mois et par entreprise" in rules
    assert "to pick up at the reception" in rules
    empty = await bk.run("nadia: /grappe reservations salle-pampre jour")
    assert "Aucune réservation sur cette période." in empty
