"""One row per request, for the spreadsheet the coordinators keep."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.i18n import translator
from commands.requests.history import answer_text, metrics
from commands.requests.view import status_label, tally
from storage.repo import directory as dir_repo
from storage.repo import requests as repo

COLUMNS = ("Request", "Client", "Need", "Created", "Deadline", "Skills", "Consulted",
           "Answers", "Lead", "Partners", "Status", "Business hours to first answer",
           "Business hours to staffing", "Closing note")


def _hours(value: object) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"  # type: ignore[attr-defined]


async def export_rows(s: AsyncSession, *, start: datetime | None = None,
                      end: datetime | None = None) -> tuple[list[str], list[list[str]]]:
    """The header (in the cooperative's language) and one row per request created in range."""
    coop = await dir_repo.cooperative(s)
    t = translator(coop.locale)
    tz = ZoneInfo(coop.timezone)
    rows: list[list[str]] = []
    requests = await repo.listing(s, created_from=start, created_to=end, limit=None)
    for request in sorted(requests, key=lambda r: r.id or 0):
        current = await tally(s, request)
        skills = await repo.skills_of(s, request.id or 0)
        people = await dir_repo.people_by_id(s, [a.person_id for a in current.answers
                                             if a.person_id])
        names = {st.enterprise.id: st.enterprise.name for st in current.standings}
        answers = "; ".join(
            f"{a.created_at.astimezone(tz):%Y-%m-%d %H:%M} "
            f"{people[a.person_id].display_name if a.person_id in people else '—'} "
            f"({names.get(a.enterprise_id, '—')}): "
            f"{answer_text(t, a, names.get(a.enterprise_id, ''))}"
            for a in current.answers)
        first, staffed = metrics(request, coop)
        rows.append([
            request.ref, request.client, request.need,
            request.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            request.deadline.astimezone(tz).strftime("%Y-%m-%d") if request.deadline else "",
            ", ".join(k.slug for k in skills),
            ", ".join(st.enterprise.slug for st in current.consulted),
            answers,
            ", ".join(st.enterprise.slug for st in current.standings if st.role == "lead"),
            ", ".join(st.enterprise.slug for st in current.standings if st.role == "partner"),
            status_label(t, request.status), _hours(first), _hours(staffed), request.close_note,
        ])
    return [t.t(c) for c in COLUMNS], rows
