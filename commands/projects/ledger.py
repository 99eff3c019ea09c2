"""The rows the projects export and the cooperation report are both made of, read once.

``share_rows`` gives one row per enterprise of a won project's team (the lead, the
partners, and any enterprise with a share or logged time), or one row with no enterprise
for a won project without a team. Project-wide values (the budget, the invoicer, the
identifiers, the dates) repeat on each of its rows; amounts, percentages and days are
the enterprise's own, so that they add up down a column. ``request_rows`` gives one row
per request received. The report computes every figure from these rows, so that its
totals are the export's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.projects.invoicing import Identifiers
from commands.requests.history import metrics
from storage.models import Client, Request
from storage.repo import clients as clients_repo
from storage.repo import directory as dir_repo
from storage.repo import projects as repo
from storage.repo import requests as requests_repo


@dataclass(frozen=True)
class ShareRow:
    ref: str
    client: str
    client_kind: str  # the directory's kind; "" for a client not in the directory
    lead: str
    enterprise: str  # "" for a won project without a team
    is_lead: bool
    amount_cents: int | None
    planned_x100: int | None
    spent_x100: int
    budget_cents: int | None
    invoicer: str
    ids: Identifiers
    won_on: date | None
    delivered_on: date | None

    @property
    def percent(self) -> float | None:
        """The enterprise's share of the budget, in percent (two decimals)."""
        if self.amount_cents is None or not self.budget_cents:
            return None
        return round(self.amount_cents * 100 / self.budget_cents, 2)


@dataclass(frozen=True)
class RequestRow:
    ref: str
    client: str
    client_kind: str
    created: datetime  # naive, in the cooperative's time zone
    answered: bool  # a consulted enterprise gave a real answer
    to_first_answer: timedelta | None  # business time
    to_staffing: timedelta | None  # business time to the lead chosen
    status: str


def _kind(request: Request, clients: dict[int, Client]) -> str:
    client = clients.get(request.client_id or 0)
    return client.kind if client else ""


async def share_rows(s: AsyncSession, start: datetime | None = None,
                     end: datetime | None = None) -> list[ShareRow]:
    """The rows of the projects won from ``start`` to before ``end``."""
    coop = await dir_repo.cooperative(s)
    tz = ZoneInfo(coop.timezone)
    won = await repo.won_between(s, start, end)
    ids = [r.id or 0 for r in won]
    projects, shares = await repo.projects_of(s, ids), await repo.shares_of(s, ids)
    spent = await repo.spent_of(s, ids)
    teams = await requests_repo.consultations_of(s, ids)
    clients = {c.id or 0: c for c in await clients_repo.all_clients(s)}
    names = {e.id: e.name for e in await dir_repo.all_enterprises(s)}

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment else None

    rows: list[ShareRow] = []
    for request in won:
        rid = request.id or 0
        project = projects.get(rid)
        by_enterprise = {sh.enterprise_id: sh for sh in shares.get(rid, [])}
        team = sorted({c.enterprise_id for c in teams.get(rid, []) if c.active
                       and c.role in ("lead", "partner")} | set(by_enterprise)
                      | {e for (r, e) in spent if r == rid},
                      key=lambda e: (e != request.lead_enterprise_id, names.get(e, "")))
        base = ShareRow(
            ref=request.ref, client=request.client, client_kind=_kind(request, clients),
            lead=names.get(request.lead_enterprise_id or 0, ""), enterprise="",
            is_lead=False, amount_cents=None, planned_x100=None, spent_x100=0,
            budget_cents=project.budget_cents if project else None,
            invoicer=names.get(project.invoicer_id or 0, "") if project else "",
            ids=Identifiers.of(project, clients.get(request.client_id or 0)),
            won_on=day(request.won_at or request.closed_at),
            delivered_on=day(request.delivered_at))
        for enterprise in team or [0]:
            share = by_enterprise.get(enterprise)
            rows.append(replace(
                base, enterprise=names.get(enterprise, ""),
                is_lead=bool(enterprise) and enterprise == request.lead_enterprise_id,
                amount_cents=share.amount_cents if share else None,
                planned_x100=share.planned_days_x100 if share else None,
                spent_x100=spent.get((rid, enterprise), 0)))
    return rows


async def request_rows(s: AsyncSession, start: datetime | None = None,
                       end: datetime | None = None) -> list[RequestRow]:
    """The requests received from ``start`` to before ``end``, by id."""
    coop = await dir_repo.cooperative(s)
    tz = ZoneInfo(coop.timezone)
    received = await requests_repo.listing(s, created_from=start, created_to=end, limit=None)
    clients = {c.id or 0: c for c in await clients_repo.all_clients(s)}
    rows = []
    for request in sorted(received, key=lambda r: r.id or 0):
        first, staffed = metrics(request, coop)
        rows.append(RequestRow(
            request.ref, request.client, _kind(request, clients),
            request.created_at.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0),
            request.first_answer_at is not None, first, staffed, request.status))
    return rows
