"""The home's part on bookings: the reader's enterprise's (and their own) bookings of the
coming seven days, as the agenda lists them (``view.booking_line``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.bookings.view import Fmt, Names, booking_line
from commands.home import Reader, home_section, section
from commands.messages import Block, bullets
from storage.models import Booking
from storage.repo import bookings as repo

DAYS = 7
MOST_LINES = 15


@dataclass(frozen=True)
class Coming:
    bookings: list[Booking]
    names: Names


def _draw(reader: Reader, coming: Coming) -> list[Block]:
    t, fmt = reader.t, Fmt(reader.t, reader.now, reader.tz)
    lines = [booking_line(fmt, coming.names, b) for b in coming.bookings[:MOST_LINES]]
    if reader.person.enterprise_id is None:
        title = t.t("Your bookings in the next 7 days")
        empty = t.t("You have no booking in the next 7 days.")
    else:
        title = t.t("Your enterprise's bookings in the next 7 days")
        empty = t.t("Your enterprise has no booking in the next 7 days.")
    return section(t, title, empty, [bullets(lines)] if lines else [],
                   len(coming.bookings) - MOST_LINES)


@home_section(order=20, draw=_draw, name="bookings.coming")
async def coming_bookings(s: AsyncSession, reader: Reader) -> Coming:
    """Active bookings (confirmed or awaiting approval) of the reader's enterprise or by the
    reader, from now to seven days on, with the names they show."""
    found = list(await repo.between(s, reader.now, reader.now + timedelta(days=DAYS),
                                    enterprise_id=reader.person.enterprise_id,
                                    person_id=reader.person.id))
    return Coming(found, await Names.load(s, found))
