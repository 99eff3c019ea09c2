"""What the digest says: a busy week, a quiet week, a week with a DST change, and its chart."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from bot import features
from commands.digest import chart as digest_chart
from commands.digest.sections import DigestWeek, build
from commands.messages import Message, Target
from commands.render import plain
from storage.db import Database
from storage.repo import directory as dir_repo
from tests.conftest import Clock, Console
from tests.digest.conftest import PARIS, add_booking, add_request, paris

PNG = b"\x89PNG\r\n\x1a\n"


async def _digest(db: Database, at: datetime, files_dir: Path | None = None,
                  locale: str | None = None) -> tuple[str, list]:  # type: ignore[type-arg]
    async with db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)
        blocks = await build(s, coop, DigestWeek.ending(at, PARIS, files_dir=files_dir),
                             features.registry(), locale)
    if files_dir is not None:  # as the delivery sends it: its chart drawn, after the ack
        blocks = digest_chart.drawn(Message(target=Target(kind="channel"), blocks=blocks),
                                    files_dir).blocks
    return plain(blocks).replace("\u00a0", " ").replace("\u202f", " "), blocks


def _assert_png(path: Path) -> None:
    from matplotlib.image import imread

    data = path.read_bytes()
    assert data.startswith(PNG)
    assert len(data) > 5_000
    height, width, _channels = imread(path).shape
    assert width > 500
    assert height > 300


async def test_a_busy_week(console: Console, clock: Clock, tmp_path: Path) -> None:
    clock.set("2026-11-20 10:00")
    await console.run("karim: /grappe demande Centre social : refaire le bilan comptable "
                      "#comptabilite pour le 10 décembre")
    clock.set("2026-12-01 10:00")  # Tuesday of the past week
    await console.run("nadia: /grappe demande Mairie de Roubaix : une campagne de com sur le "
                      "tri #communication pour le 11 décembre",
                      "karim: /grappe demande Département du Nord : former des bénévoles "
                      "#formation")
    clock.set("2026-12-01 15:00")
    await console.run("elodie in R-2: intéressés, on peut piloter", "nadia in R-1: pas dispo")
    clock.set("2026-12-03 11:00")
    await console.run("camille: /grappe attribuer R-2 pilote=sobre-et-clair",
                      "camille: /grappe clore R-1 perdu")
    await add_booking(console.bot.db, "salle-garance", "nadia", paris("2026-12-07 14:00"),
                      paris("2026-12-07 16:00"))
    await add_booking(console.bot.db, "minibus", "elodie", paris("2026-12-09 08:00"),
                      paris("2026-12-09 18:30"), status="pending")

    text, blocks = await _digest(console.bot.db, paris("2026-12-07 08:30"), tmp_path)
    assert text.startswith("Résumé de la semaine du lun. 7 déc.")
    new = text.split("2 nouvelles demandes cette semaine\n", 1)[1].split("\nDemandes", 1)[0]
    assert re.findall(r"R-\d", new) == ["R-2", "R-3"]  # R-1 is older than the week
    assert "R-2 Mairie de Roubaix — une campagne de com sur le tri · échéance : ven. 11 déc." in new
    waiting = text.split("Demandes ouvertes\n", 1)[1].split("\nÉquipes", 1)[0]
    assert waiting.startswith("• R-3 Département du Nord — toujours sans réponse : Le Grand Livre, ")
    assert "\n" not in waiting  # R-2 is staffed, R-1 closed
    decided = text.split("Équipes constituées ou demandes closes cette semaine\n", 1)[1]
    assert decided.startswith("• R-1 Centre social — perdue · sans pilote\n"
                              "• R-2 Mairie de Roubaix — attribuée · pilote : Sobre & Clair\n")
    # 68 business hours to its first answer (a weekend in between), R-2: 5; R-2 staffed in 19
    assert ("Sur les 4 dernières semaines (3 demandes, en heures ouvrées)\n"
            "première réponse en 36 h 30 (médiane) · équipe constituée en 19 h (médiane) · "
            "33 % des demandes ont trouvé leur équipe") in text
    assert "2 réservations dans la semaine qui vient" in text
    assert "• Salle Garance — lun. 7 déc. : 14 h–16 h (Chiffres & Communs)" in text
    assert "mer. 9 déc. : 8 h–18 h 30 (Sobre & Clair, à confirmer)" in text
    chart = blocks[-1]
    assert chart.kind == "file"
    assert chart.mime == "image/png"
    _assert_png(Path(chart.path))
    assert text.endswith(f"📎 Occupation des ressources partagées, semaine du lun. 7 déc. : "
                         f"{chart.path}")


async def test_a_quiet_week_says_so_in_one_line(coop_db: Database, tmp_path: Path) -> None:
    text, _ = await _digest(coop_db, paris("2026-12-07 08:30"), tmp_path / "files")
    assert text == ("Résumé de la semaine du lun. 7 déc.\n"
                    "Semaine calme : aucune nouvelle demande, rien en attente, aucune réservation.")
    english, _ = await _digest(coop_db, paris("2026-12-07 08:30"), locale="en")
    assert english == ("Weekly digest — week of Mon 7 Dec\n"
                       "A quiet week: no new request, nothing waiting, nothing booked.")
    assert not (tmp_path / "files").exists()  # no booking, no chart


async def test_a_week_with_the_spring_dst_change(coop_db: Database) -> None:
    """Clocks go forward on Sunday 29 March 2026: the week looked back on is 167 hours long."""
    at = paris("2026-03-30 08:30")  # CEST, UTC+2
    week = DigestWeek.ending(at, PARIS)
    assert week.since == datetime(2026, 3, 23, 7, 30, tzinfo=UTC)  # 08:30 CET, UTC+1
    assert (week.at.astimezone(UTC) - week.since).total_seconds() == 167 * 3600
    assert week.period == "2026-W14"
    await add_request(coop_db, "Avant", created=paris("2026-03-23 08:00"))  # before the week
    await add_request(coop_db, "Dedans", created=paris("2026-03-23 09:00"))
    await add_request(coop_db, "Dimanche", created=paris("2026-03-29 03:30"))  # just after
    await add_booking(coop_db, "salle-pampre", "nadia", paris("2026-03-30 14:00"),
                      paris("2026-03-30 16:00"))
    text, _ = await _digest(coop_db, at)  # the chart's DST hours: the test below
    new = text.split("2 nouvelles demandes cette semaine\n", 1)[1].split("\nDemandes", 1)[0]
    assert new == "• R-2 Dedans — besoin de Dedans\n• R-3 Dimanche — besoin de Dimanche"
    assert text.endswith("• Salle Pampre — lun. 30 mars : 14 h–16 h (Chiffres & Communs)")


def test_the_hours_of_a_dst_day_in_the_chart() -> None:
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    night = [(paris("2026-03-29 01:00"), paris("2026-03-29 05:00"))]
    assert digest_chart.hour_grid(night, [spring], range(6), PARIS) == [
        [0.0, 1.0, 0.0, 1.0, 1.0, 0.0]]  # 02:00–03:00 does not exist that night
    # in autumn 02:00–03:00 happens twice: a booking of the first one fills half of it
    first = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 CEST
    grid = digest_chart.hour_grid([(first, first.replace(hour=1))], [autumn], range(1, 4), PARIS)
    assert grid == [[0.0, 0.5, 0.0]]


def test_the_chart_is_a_png_named_after_its_content(tmp_path: Path) -> None:
    days = [date(2026, 3, 30 + n) if n < 2 else date(2026, 4, n - 1) for n in range(7)]
    grid = [[0.0] * 12 for _ in days]
    grid[0][3] = 1.0
    items = [digest_chart.Occupancy("Salle Garance", grid),
             digest_chart.Occupancy("Minibus 9 places", [row[:] for row in grid])]
    path = digest_chart.render(items, days, range(8, 20), "fr", "Occupation", tmp_path)
    again = digest_chart.render(items, days, range(8, 20), "fr", "Occupation", tmp_path)
    assert path == again
    assert path.name.startswith("occupancy-")
    _assert_png(path)
