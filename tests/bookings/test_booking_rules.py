"""The rules of a booking, through the console: each refusal is clear and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bookings.conftest import NOW, TABLES, all_bookings, set_clock
from tests.conftest import Console
from tests.snapshots import snapshot

REFUSALS = [
    ("nadia: /grappe reserver salle-garance jeudi 16h-14h", "finirait (jeu. 3 déc., 14 h) avant de commencer (jeu. 3 déc., 16 h)"),
    ("nadia: /grappe reserver salle-garance jeudi 14h-14h", "doit avoir une durée"),
    ("nadia: /grappe reserver salle-garance jeudi 7h-9h", "Salle Garance se réserve de 8 h à 20 h ; le créneau jeu. 3 déc., 7 h–9 h sort de ces horaires."),
    ("nadia: /grappe reserver salle-garance jeudi 19h-21h", "sort de ces horaires"),
    ("nadia: /grappe reserver minibus demain 8h-9h", "Minibus 9 places se réserve au moins 24 h à l’avance : le début le plus proche possible est le ven. 27 nov., 10 h."),
    ("nadia: /grappe reserver salle-pampre jeudi 9h-14h", "Salle Pampre se réserve pour 4 h au maximum ; cette réservation dure 5 h."),
    ("nadia: /grappe reserver salle-garnx jeudi 14h-16h", "Aucune ressource « salle-garnx ». Vouliez-vous dire « salle-garance » ?"),
    ("nadia: /grappe reserver salle jeudi 14h-16h", "peut désigner salle-garance, salle-pampre, salle-pressoir, salle-treille"),
    ("nadia: /grappe reserver salle-garance samedi 9h-10h", "Salle Garance ne se réserve pas le sam. 28 nov. ; jours de réservation : du lundi au vendredi, hors jours fériés."),
    ("nadia: /grappe reserver salle-garance aujourd'hui 8h-9h", "est déjà passé"),
    ("nadia: /grappe reserver secretariat samedi 9h-10h", "ne se réserve pas le sam. 28 nov."),
    ("nadia: /grappe reserver secretariat 25/12 9h-10h", "ne se réserve pas le ven. 25 déc."),
    ("nadia: /grappe reserver salle-garance jeudi", "Indiquez aussi l’heure"),
    ("nadia: /grappe reserver salle-garance", "Indiquez la ressource et le créneau"),
    ("nadia: /grappe reserver salle-garance jeudi 14h-16h pour terreaux", "Vouliez-vous dire « terreau » ?"),
    ("nadia: /grappe reserver salle-garance jeudi 14h-16h pour terreau", "Seule la coordination peut réserver pour une autre entreprise."),
    ("nadia: /grappe reserver salle-garance chaque jeudi 9h-10h x60", "au plus 52 dates"),
]


async def test_each_refused_booking_says_why_and_writes_nothing(bk: Console) -> None:
    """One database for the whole table: a PostgreSQL schema per line would cost a second each."""
    for line, expected in REFUSALS:
        before = await snapshot(bk.bot.db, TABLES)
        out = await bk.run(line)
        assert expected in out, (line, out)
        assert await snapshot(bk.bot.db, TABLES) == before, line
    set_clock(bk, datetime(2027, 3, 20, 9, 0, tzinfo=UTC))
    before = await snapshot(bk.bot.db, TABLES)
    out = await bk.run("nadia: /grappe reserver salle-garance 2027-03-28 02:30-10:00")
    assert "02:30 n’existe pas le dim. 28 mars" in out  # the spring change skips that hour
    assert await snapshot(bk.bot.db, TABLES) == before


async def test_adjacent_bookings_do_not_conflict(bk: Console) -> None:
    out = await bk.run(
        "nadia: /grappe reserver salle-garance jeudi 10h-12h : point compta",
        "olivia: /grappe book salle-garance thursday 12:00-14:00 : design review",
        "karim: /grappe reserver salle-garance jeudi 8h-10h",
    )
    assert out.count("✅") == 3, out
    booked = await all_bookings(bk.bot.db)
    assert [(b.starts_at.hour, b.ends_at.hour) for b in booked] == [(9, 11), (11, 13), (7, 9)]
    assert all(b.starts_at.tzinfo is not None for b in booked)


async def test_a_coordinator_books_for_an_enterprise_and_the_team_for_itself(
        bk: Console) -> None:
    out = await bk.run(
        "camille: /grappe reserver salle-garance jeudi 14h-16h : comité pour terreau",
        "leo: /grappe reserver salle-pampre jeudi 14h-16h : accueil",
        "karim: /grappe reserver salle-pressoir lundi 9h-12h pour terreau : bilan",
    )
    assert "jeu. 3 déc., 14 h–16 h pour Terreau — comité." in out
    assert "lun. 30 nov., 9 h–12 h pour Terreau — bilan." in out
    booked = await all_bookings(bk.bot.db)
    assert booked[0].purpose == "comité"
    assert booked[0].enterprise_id == booked[2].enterprise_id is not None
    assert booked[1].enterprise_id is None  # the cooperative's own team
    assert NOW < booked[0].starts_at


async def test_bookings_over_the_dst_weekends_are_stored_in_utc_and_shown_in_paris(
        bk: Console) -> None:
    out = await bk.run(
        "nadia: /grappe reserver sono-portable samedi 27 mars 2027 10h-12h",  # open every day
        "nadia: /grappe reserver sono-portable dimanche 28 mars 2027 10h-12h",
        "nadia: /grappe reserver sono-portable 24/10/2027 10h-12h",
        "nadia: /grappe reserver sono-portable 31/10/2027 10h-12h",
        "nadia: /grappe reserver salle-pressoir chaque samedi 9h-11h x3 à partir du 20 mars 2027",
    )
    assert "sam. 27 mars 2027, 10 h–12 h" in out
    assert "dim. 28 mars 2027, 10 h–12 h" in out
    assert "dim. 31 oct. 2027, 10 h–12 h" in out
    booked = await all_bookings(bk.bot.db)
    assert [b.starts_at.astimezone(UTC).hour for b in booked] == [9, 8, 8, 9, 8, 8, 7]
    assert [b.ends_at - b.starts_at for b in booked] == [booked[0].ends_at - booked[0].starts_at] * 4 + [
        booked[4].ends_at - booked[4].starts_at] * 3
    agenda = await bk.run("nadia: /grappe reservations salle-pressoir 3/4/2027")
    assert "9 h–11 h" in agenda


async def test_the_monthly_quota_is_refused_with_the_balance_left(bk: Console) -> None:
    out = await bk.run(
        "nadia: /grappe reserver secretariat mardi 9h-12h",
        "pierre-louis: /grappe reserver secretariat mercredi 9h-13h",
    )
    assert out.count("✅") == 2
    before = await snapshot(bk.bot.db, TABLES)
    refused = await bk.run("nadia: /grappe reserver secretariat jeudi 9h-11h")
    assert ("Il reste à Chiffres & Communs 1 h sur son quota de 8 h pour Secrétariat mutualisé "
            "en décembre 2026 (7 h déjà réservées) ; cette réservation demande 2 h.") in refused
    assert await snapshot(bk.bot.db, TABLES) == before
    quota = await bk.run("nadia: /grappe quota", "olivia: /grappe quota chiffres-et-communs")
    assert "décembre 2026 : 7 h réservées sur 8 h, reste 1 h" in quota
    assert "December 2026: 7 h booked of 8 h, 1 h left" in quota
    other = await bk.run("olivia: /grappe book secretariat thursday 9:00-11:00")
    assert "✅" in other  # the quota is per enterprise


