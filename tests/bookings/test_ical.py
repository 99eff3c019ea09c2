"""iCal: the feeds parse back with icalendar; the HTTP feeds need their token."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from icalendar import Calendar
from typer.testing import CliRunner

from bot.cli_app import app
from bot.ical import add_ical_routes, feed
from commands.directory.file import load
from commands.directory.importing import apply
from storage import migrate
from storage.db import Database
from tests.bookings.conftest import NOW
from tests.conftest import EXAMPLE, Console

PARIS = ZoneInfo("Europe/Paris")
TOKEN = "s3cret-feed-token"
LINES = (
    "nadia: /grappe reserver salle-garance jeudi 14h-16h : point compta",
    "nadia: /grappe reserver salle-treille mardi 9h-12h : formation",
    "olivia: /grappe book salle-pampre friday 10am-11am",
    "olivia: /grappe cancel B-3",
    "nadia: /grappe reserver salle-garance 2027-03-30 10:00-12:00 : après le changement d'heure",
)


def _events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_the_feeds_parse_back_with_icalendar(bk: Console) -> None:
    await bk.run(*LINES)
    data = await feed(bk.bot.db, None)
    assert data is not None
    calendar = Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 4
    first = events["booking-1@la-grappe.grappe"]
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert first.decoded("DTSTART") == datetime(2026, 12, 3, 14, tzinfo=PARIS)
    assert first.decoded("DTEND") == datetime(2026, 12, 3, 16, tzinfo=PARIS)
    assert str(first["SUMMARY"]) == "Salle Garance — Chiffres & Communs (Nadia Benali)"
    assert "point compta" in str(first["DESCRIPTION"])
    assert [str(events[f"booking-{n}@la-grappe.grappe"]["STATUS"]) for n in (1, 2, 3, 4)] == [
        "CONFIRMED", "TENTATIVE", "CANCELLED", "CONFIRMED"]
    assert int(events["booking-3@la-grappe.grappe"]["SEQUENCE"]) == 1
    dst = events["booking-4@la-grappe.grappe"].decoded("DTSTART")
    assert dst.astimezone(UTC).hour == 8  # 10:00 in Paris, summer time
    one = _events(await feed(bk.bot.db, "salle-garance") or b"")
    assert sorted(one) == ["booking-1@la-grappe.grappe", "booking-4@la-grappe.grappe"]
    assert await feed(bk.bot.db, "salle-inconnue") is None
    later = await feed(bk.bot.db, None, since=datetime(2027, 1, 1, tzinfo=UTC))
    assert list(_events(later or b"")) == ["booking-4@la-grappe.grappe"]


async def test_http_feeds_answer_403_and_no_data_without_the_token(bk: Console) -> None:
    await bk.run(*LINES)
    app = web.Application()
    add_ical_routes(app, bk.bot.db, TOKEN, clock=lambda: NOW)
    closed = web.Application()
    add_ical_routes(closed, bk.bot.db, "")  # no token configured: the feeds are closed
    runners = [web.AppRunner(app), web.AppRunner(closed)]
    ports = []
    for runner in runners:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.append(runner.addresses[0][1])
    try:
        async with aiohttp.ClientSession() as http:
            base, other = f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
            for url in (f"{base}/ical/all.ics", f"{base}/ical/all.ics?token=wrong",
                        f"{base}/ical/salle-garance.ics?token=", f"{base}/ical/nope.ics",
                        f"{base}/ical/all.ics?token={TOKEN}x", f"{other}/ical/all.ics?token=",
                        f"{other}/ical/all.ics"):
                async with http.get(url) as response:
                    body = await response.read()
                assert response.status == 403, url
                assert b"VCALENDAR" not in body
                assert b"Garance" not in body
            async with http.get(f"{base}/ical/all.ics", params={"token": TOKEN}) as response:
                assert response.status == 200
                assert response.content_type == "text/calendar"
                assert len(_events(await response.read())) == 4
            async with http.get(f"{base}/ical/salle-garance.ics?token={TOKEN}") as response:
                assert len(_events(await response.read())) == 2
            async with http.get(f"{base}/ical/nope.ics?token={TOKEN}") as response:
                assert response.status == 404
    finally:
        for runner in runners:
            await runner.cleanup()


def test_grappe_export_ical(tmp_path: Path) -> None:
    async def prepare() -> str:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
        await migrate.upgrade(db)
        async with db.session() as s:
            await apply(s, load(EXAMPLE))
        await db.dispose()
        return db.url

    env = {"DATABASE_URL": asyncio.run(prepare()), "GRAPPE_LOCALE": "fr"}
    runner, target = CliRunner(), tmp_path / "m.ics"
    empty = runner.invoke(app, ["export", "ical"], env=env)
    written = runner.invoke(app, ["export", "ical", "--resource", "minibus", "-o", str(target)],
                            env=env)
    calendar = Calendar.from_ical(target.read_bytes())
    unknown = runner.invoke(app, ["export", "ical", "--resource", "minibuss"], env=env)
    assert empty.exit_code == 0, empty.output
    assert Calendar.from_ical(empty.stdout_bytes).walk("VEVENT") == []
    assert written.exit_code == 0, written.output
    assert f"Calendrier écrit dans {target}" in written.stdout
    assert "Minibus 9 places" in str(calendar["X-WR-CALNAME"])
    assert unknown.exit_code == 2
    assert "Aucune ressource « minibuss »" in unknown.stderr.replace("\u00a0", " ")
