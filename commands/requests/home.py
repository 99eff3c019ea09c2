"""The home's part on requests: the open ones waiting for the reader's enterprise's answer,
each with the card's own choices (``view.choices``), the urgent ones first, then the
soonest deadline."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.when import format_day
from commands.home import MOST, Reader, home_section, section
from commands.messages import Block, Paragraph, bold, spans
from commands.requests.view import choices, tallies, urgent_mark
from commands.text import shorten
from storage.models import Request
from storage.repo import requests as repo


def _draw(reader: Reader, waiting: list[Request]) -> list[Block]:
    t = reader.t
    title = t.t("Requests waiting for your enterprise's answer")
    if reader.person.enterprise_id is None:
        return section(t, title, t.t("Your account is linked to no member enterprise: the "
                                     "enterprises answer the requests."), [])
    body: list[Block] = []
    for request in waiting[:MOST]:
        urgent = urgent_mark(t, request).strip()
        line = spans(f"{urgent} " if urgent else "", bold(f"{request.ref} · {request.client}"),
                     f" — {shorten(request.need, 150)}")
        if request.deadline is not None:
            day = format_day(request.deadline.astimezone(reader.tz).date(), t.locale,
                             today=reader.today)
            line += spans(t.t(" · due {day}", day=day))
        body += [Paragraph(spans=line), choices(t, request, hint=False)]
    return section(t, title, t.t("No request is waiting for your enterprise's answer."), body,
                   len(waiting) - MOST)


def _soonest(request: Request) -> tuple[bool, bool, datetime, int]:
    """The urgent ones first (``view.urgent_first``'s rule), then the soonest deadline."""
    return (not request.urgent, request.deadline is None,
            request.deadline or request.created_at, request.id or 0)


@home_section(order=10, draw=_draw, name="requests.waiting")
async def waiting_requests(s: AsyncSession, reader: Reader) -> list[Request]:
    """Open requests on which the enterprise is consulted and has not answered yet (three
    statements, whatever their number: ``tallies``)."""
    enterprise = reader.person.enterprise_id
    if enterprise is None:
        return []
    open_ = await repo.listing(s, statuses=["open"], enterprise_id=enterprise, limit=None)
    waiting = [current.request for current in await tallies(s, open_)
               if (st := current.of(enterprise)) is not None and st.consulted
               and not st.answered]
    return sorted(waiting, key=_soonest)
