"""One row per request, for the spreadsheet the coordinators keep: typed values (text,
moments, days, durations, counts), which the writers (``bot/spreadsheet.py``) say as
each format says them, and a header in the cooperative's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import business_duration
from commands.i18n import N_, translator
from commands.requests.history import answer_text, metrics
from commands.requests.view import status_label, tally
from commands.table import Table, Value
from storage.models import ClientRequest, Cooperative, utcnow
from storage.repo import client_rooms
from storage.repo import directory as dir_repo
from storage.repo import requests as repo

SHEET = N_("Requests")
COLUMNS = (N_("Request"), N_("Client"), N_("Need"), N_("Created"), N_("Deadline"),
           N_("Skills"), N_("Consulted"), N_("Answers"), N_("Lead"), N_("Partners"),
           N_("Status"), N_("Business hours to first answer"),
           N_("Business hours to staffing"), N_("Closing note"),
           N_("Enterprises that answered"), N_("Business hours to resolution"),
           N_("Business hours to the first reply to the client"),
           N_("First reply to the client late"), N_("Client's satisfaction (1 to 5)"))


async def export_rows(s: AsyncSession, *, start: datetime | None = None,
                      end: datetime | None = None) -> Table:
    """One row per request created in range, in the cooperative's language; moments
    are in its time zone (naive: a spreadsheet has none)."""
    coop = await dir_repo.cooperative(s)
    t = translator(coop.locale)
    tz = ZoneInfo(coop.timezone)
    rows: list[list[Value]] = []
    requests = await repo.listing(s, created_from=start, created_to=end, limit=None)
    facing = await client_rooms.of_requests(s, [r.id or 0 for r in requests])
    now = utcnow()
    for request in sorted(requests, key=lambda r: r.id or 0):
        current = await tally(s, request)
        skills = await repo.skills_of(s, request.id or 0)
        people = await dir_repo.people_by_id(s, [a.person_id for a in current.answers
                                             if a.person_id])
        names = {st.enterprise.id: st.enterprise.name for st in current.standings}
        answers = "; ".join(t.t(
            "{when} {who} ({enterprise}): {answer}",
            when=f"{a.created_at.astimezone(tz):%Y-%m-%d %H:%M}",
            who=people[a.person_id].display_name if a.person_id in people
            else t.t("former member"),
            enterprise=names.get(a.enterprise_id, t.t("the cooperative's team")),
            answer=answer_text(t, a, names.get(a.enterprise_id, ""))) for a in current.answers)
        first, staffed = metrics(request, coop)
        rows.append([
            request.ref, request.client, request.need,
            request.created_at.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0),
            request.deadline.astimezone(tz).date() if request.deadline else None,
            ", ".join(k.label_in(t.locale) for k in skills),
            ", ".join(st.enterprise.name for st in current.consulted),
            answers,
            ", ".join(st.enterprise.name for st in current.standings if st.role == "lead"),
            ", ".join(st.enterprise.name for st in current.standings if st.role == "partner"),
            status_label(t, request.status), first, staffed, request.close_note,
            sum(1 for st in current.standings if st.answered),
            business_duration(request.created_at, request.closed_at, tz, coop.business_hours)
            if request.closed_at else None,
            *_client_side(facing.get(request.id or 0), coop, now),
        ])
    return Table(t.t(SHEET), [t.t(c) for c in COLUMNS], rows, t.locale)


def _client_side(cr: ClientRequest | None, coop: Cooperative, now: datetime) -> list[Value]:
    """For a request written in a client's room: the business time to the first public
    reply, whether it came after the time promised (or has not come and is late), the
    client's rating. Empty cells for the others."""
    if cr is None:
        return [None, None, None]
    t, tz = translator(coop.locale), ZoneInfo(coop.timezone)
    first = (business_duration(cr.acknowledged_at, cr.first_reply_at, tz, coop.business_hours)
             if cr.first_reply_at else None)
    late = cr.response_due_at is not None and (cr.first_reply_at or now) > cr.response_due_at
    return [first, t.t("yes") if late else t.t("no"), cr.satisfaction]
