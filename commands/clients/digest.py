"""The digest's word on clients' rooms: over the last four weeks, how fast the clients
were first answered and their requests closed (business hours), the first answers promised
that came late, and the clients' ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import business_duration, format_hours, median_duration
from commands.digest.sections import DigestWeek, digest_section
from commands.i18n import Translator
from commands.messages import Block, bold, para
from storage.models import ClientRequest, Cooperative, Request
from storage.repo import client_rooms as repo

WEEKS = 4


@dataclass(frozen=True)
class RoomsWeeks:
    coop: Cooperative
    at: datetime
    written: list[tuple[ClientRequest, Request]]

    @classmethod
    async def load(cls, s: AsyncSession, coop: Cooperative, week: DigestWeek) -> RoomsWeeks:
        return cls(coop, week.at,
                   await repo.acknowledged_between(s, week.at - timedelta(weeks=WEEKS), week.at))


def _hours(start: datetime, end: datetime | None, coop: Cooperative) -> timedelta | None:
    if end is None:
        return None
    return business_duration(start, end, ZoneInfo(coop.timezone), coop.business_hours)


@digest_section(order=45, load=RoomsWeeks.load, name="clients.rooms")
def client_rooms(loaded: RoomsWeeks, week: DigestWeek, t: Translator) -> list[Block] | None:
    if not loaded.written:
        return None
    coop = loaded.coop
    firsts = [h for cr, _ in loaded.written
              if (h := _hours(cr.acknowledged_at, cr.first_reply_at, coop)) is not None]
    closed = [h for cr, r in loaded.written
              if (h := _hours(cr.acknowledged_at, r.closed_at, coop)) is not None]
    late = sum(1 for cr, _ in loaded.written if cr.response_due_at is not None
               and (cr.first_reply_at or loaded.at) > cr.response_due_at)
    scores = [cr.satisfaction for cr, _ in loaded.written if cr.satisfaction is not None]
    facts = [
        t.t("first reply to the client after {hours} (median)", hours=format_hours(first, t.locale))
        if (first := median_duration(firsts)) is not None else t.t("no reply to a client yet"),
        t.t("closed after {hours} (median)", hours=format_hours(done, t.locale))
        if (done := median_duration(closed)) is not None else t.t("none closed yet"),
        t.tn("{n} first reply late", "{n} first replies late", late),
        t.tn("satisfaction {score}/5 ({n} rating)", "satisfaction {score}/5 ({n} ratings)",
             len(scores), score=f"{sum(scores) / len(scores):.1f}".replace(
                 ".", "," if t.locale == "fr" else "."))
        if scores else t.t("no rating yet"),
    ]
    title = t.tn("Clients' rooms over the last 4 weeks ({n} request, business hours)",
                 "Clients' rooms over the last 4 weeks ({n} requests, business hours)",
                 len(loaded.written))
    return [para(bold(title)), para(" · ".join(facts))]
