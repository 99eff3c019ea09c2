"""iCal feeds of the bookings: the HTTP feeds ``/ical/<resource>.ics?token=…`` and
``/ical/all.ics?token=…`` (mounted by ``grappe serve``) and ``grappe export ical
[--resource SLUG]`` (``bot.export_ical``).

Each booking is one event with a stable UID, its status (pending ones are
tentative, cancelled and declined ones stay in the feed marked cancelled so
that calendars remove them) and a SEQUENCE bumped at each change; times carry
the cooperative's zone with its VTIMEZONE.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from commands.i18n import translator
from commands.text import slugify

if TYPE_CHECKING:  # aiohttp, icalendar and the database's side are imported when used:
    # `grappe --help` need not load them, nor the running bot icalendar before a feed
    from aiohttp import web
    from icalendar import Calendar

    from bot.config import Settings
    from commands.bookings.view import Names
    from storage.db import Database
    from storage.models import Booking, Cooperative, Resource

HISTORY = timedelta(days=92)  # past bookings kept in the feeds
STATUS = {"confirmed": "CONFIRMED", "pending": "TENTATIVE", "cancelled": "CANCELLED",
          "rejected": "CANCELLED"}
ALL = "all"


def uid(booking: Booking, coop: Cooperative) -> str:
    return f"booking-{booking.id}@{slugify(coop.name) or 'grappe'}.grappe"


def build_calendar(bookings: Sequence[Booking], names: Names, coop: Cooperative,
                   resource: Resource | None = None) -> Calendar:
    from icalendar import Calendar, Event

    tz, t = ZoneInfo(coop.timezone), translator(coop.locale)
    cal = Calendar()
    cal.add("prodid", "-//grappe//bookings//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    title = resource.name if resource else t.t("Shared resources")
    cal.add("x-wr-calname", f"{coop.name} — {title}")
    cal.add("x-wr-timezone", coop.timezone)
    for b in bookings:
        booked = names.resource(b)
        event = Event()
        event.add("uid", uid(b, coop))
        event.add("dtstamp", b.updated_at)
        event.add("created", b.created_at)
        event.add("last-modified", b.updated_at)
        event.add("sequence", b.sequence)
        event.add("dtstart", b.starts_at.astimezone(tz))
        event.add("dtend", b.ends_at.astimezone(tz))
        summary = f"{booked.name} — {names.who(b)}"
        event.add("summary", summary if resource is None else names.who(b))
        lines = [b.purpose] if b.purpose else []
        lines.append(f"{b.ref} · {summary}")
        if b.reason:
            lines.append(b.reason)
        event.add("description", "\n".join(lines))
        event.add("location", f"{booked.name}, {coop.name}")
        event.add("status", STATUS.get(b.status, "CONFIRMED"))
        event.add("transp", "OPAQUE" if b.active else "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


async def feed(db: Database, slug: str | None, *, since: datetime | None = None
               ) -> bytes | None:
    """The iCal text of one resource (``slug``) or of all, bookings ending after ``since``
    (all of them without it); ``None`` for an unknown resource."""
    from commands.bookings.view import Names
    from storage.repo import bookings as repo
    from storage.repo import directory as dir_repo

    async with db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)
        resource = None
        if slug is not None:
            resource = await dir_repo.resource_by_slug(s, slug)
            if resource is None:
                return None
        rows = await repo.for_feed(s, since, resource.id if resource else None)
        names = await Names.load(s, rows)
    return build_calendar(rows, names, coop, resource).to_ical()


def add_ical_routes(app: web.Application, db: Database, token: str, *,
                    clock: Callable[[], datetime] | None = None) -> None:
    """``GET /ical/<resource>.ics?token=…`` and ``/ical/all.ics``: 403 and no data without
    the right token (and always 403 when no token is configured). The feeds keep the
    bookings of the last three months and all coming ones."""
    from aiohttp import web

    from storage.models import utcnow

    now = clock or utcnow

    async def serve(request: web.Request) -> web.Response:
        given = request.query.get("token", "")
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            raise web.HTTPForbidden(text="403: Forbidden")
        name = request.match_info["name"]
        data = await feed(db, None if name == ALL else name, since=now() - HISTORY)
        if data is None:
            raise web.HTTPNotFound(text="404: Not Found")
        return web.Response(body=data, content_type="text/calendar", charset="utf-8", headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": f'inline; filename="{name}.ics"'})

    app.router.add_get(r"/ical/{name:[a-z0-9-]+}.ics", serve)


def ical_routes(settings: Settings, db: Database) -> Callable[[web.Application], None]:
    """The installer of the feeds for ``grappe serve`` (``GRAPPE_ICAL_TOKEN``)."""

    def install(app: web.Application) -> None:
        add_ical_routes(app, db, settings.ical_token or "")

    return install
