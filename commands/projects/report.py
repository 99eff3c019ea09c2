"""``grappe report``: the yearly cooperation report a PTCE gives its funders.

Every figure is a sum or a count over the ledger's rows (``commands.projects.ledger``):
the requests received in the year, and the share rows of the projects won in it — the
very rows ``grappe export projects --from YEAR-01-01 --to YEAR+1-01-01`` writes, which the
spreadsheet also holds as its last sheets. A project's budget counts once (it repeats on
each of its rows); a project "in cooperation" has two enterprises or more on its rows.
Times are business hours (weekends and public holidays aside), from the request to its
first answer and to the lead chosen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import median_duration
from commands.directory.file import CLIENT_KINDS
from commands.i18n import N_, Translator, translator
from commands.projects.export import days, euros, kind_label, project_table
from commands.projects.ledger import RequestRow, ShareRow, request_rows, share_rows
from commands.projects.sections import Chart, Kind, Report, Section
from commands.requests.view import status_label
from commands.table import Table, Value
from storage.repo import directory as dir_repo

SUMMARY = (
    (N_("Requests received"), Kind.COUNT), (N_("Requests answered"), Kind.COUNT),
    (N_("Projects won"), Kind.COUNT),
    (N_("Projects won with two or more enterprises"), Kind.COUNT),
    (N_("Amount won (€ excl. tax)"), Kind.MONEY),
    (N_("Amount shared among the enterprises (€ excl. tax)"), Kind.MONEY),
    (N_("Days planned"), Kind.DAYS), (N_("Days spent"), Kind.DAYS),
    (N_("Median business time to the first answer"), Kind.HOURS),
    (N_("Mean business time to the first answer"), Kind.HOURS),
    (N_("Median business time to the lead chosen"), Kind.HOURS),
    (N_("Mean business time to the lead chosen"), Kind.HOURS),
)
ENTERPRISES = (
    (N_("Enterprise"), Kind.TEXT), (N_("Projects"), Kind.COUNT), (N_("As lead"), Kind.COUNT),
    (N_("Share (€ excl. tax)"), Kind.MONEY), (N_("Share of the amounts (%)"), Kind.PERCENT),
    (N_("Days planned"), Kind.DAYS), (N_("Days spent"), Kind.DAYS),
)
KINDS = (
    (N_("Client kind"), Kind.TEXT), (N_("Requests received"), Kind.COUNT),
    (N_("Clients served"), Kind.COUNT), (N_("Projects won"), Kind.COUNT),
    (N_("Amount won (€ excl. tax)"), Kind.MONEY),
)
REQUESTS = (
    (N_("Request"), Kind.TEXT), (N_("Client"), Kind.TEXT), (N_("Client kind"), Kind.TEXT),
    (N_("Received on"), Kind.TEXT), (N_("Answered"), Kind.TEXT),
    (N_("Business hours to first answer"), Kind.HOURS),
    (N_("Business hours to staffing"), Kind.HOURS), (N_("Status"), Kind.TEXT),
)


def _mean(values: list[timedelta]) -> timedelta | None:
    return sum(values, timedelta()) / len(values) if values else None


def budgets(shares: Sequence[ShareRow]) -> dict[str, int]:
    """Each project's budget in cents, once (0 when it has none yet)."""
    return {row.ref: row.budget_cents or 0 for row in shares}


def summary(requests: Sequence[RequestRow], shares: Sequence[ShareRow]) -> list[Value]:
    """The year's figures, in ``SUMMARY``'s order."""
    teams: dict[str, set[str]] = defaultdict(set)
    for row in shares:
        teams[row.ref] |= {row.enterprise} - {""}
    first = [r.to_first_answer for r in requests if r.to_first_answer is not None]
    staffed = [r.to_staffing for r in requests if r.to_staffing is not None]
    return [
        len(requests), sum(1 for r in requests if r.answered), len(teams),
        sum(1 for team in teams.values() if len(team) >= 2),
        euros(sum(budgets(shares).values())),
        euros(sum(row.amount_cents or 0 for row in shares)),
        days(sum(row.planned_x100 or 0 for row in shares)),
        days(sum(row.spent_x100 for row in shares)),
        median_duration(first), _mean(first), median_duration(staffed), _mean(staffed),
    ]


def by_enterprise(shares: Sequence[ShareRow]) -> list[list[Value]]:
    """Per enterprise: its projects, those it led, its amounts and days; most first."""
    total = sum(row.amount_cents or 0 for row in shares)
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in shares:
        if row.enterprise:
            got = rows[row.enterprise]
            for i, n in enumerate((1, int(row.is_lead), row.amount_cents or 0,
                                   row.planned_x100 or 0, row.spent_x100)):
                got[i] += n
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][2], -kv[1][4], kv[0]))
    return [[name, n, led, euros(cents), round(cents * 100 / total, 1) if total else None,
             days(planned), days(spent)]
            for name, (n, led, cents, planned, spent) in ordered]


def by_client_kind(requests: Sequence[RequestRow], shares: Sequence[ShareRow],
                   t: Translator) -> list[list[Value]]:
    """Per kind of client, in the directory's order: requests, clients served (a project
    won for them), projects won, the amount won."""
    won = budgets(shares)
    kind_of = {row.ref: (row.client_kind, row.client) for row in shares}
    rows: list[list[Value]] = []
    for kind in [*CLIENT_KINDS, ""]:
        refs = [ref for ref, (k, _) in kind_of.items() if k == kind]
        received = sum(1 for r in requests if r.client_kind == kind)
        if received or refs:
            rows.append([kind_label(kind, t), received,
                         len({kind_of[ref][1] for ref in refs}), len(refs),
                         euros(sum(won[ref] for ref in refs))])
    return rows


def request_table(requests: Sequence[RequestRow], t: Translator) -> list[list[Value]]:
    return [[r.ref, r.client, kind_label(r.client_kind, t), r.created,
             t.t("yes") if r.answered else t.t("no"), r.to_first_answer, r.to_staffing,
             status_label(t, r.status)] for r in requests]


def _table(name: str, columns: Sequence[tuple[str, Kind]], rows: list[list[Value]],
           t: Translator) -> tuple[Table, list[Kind]]:
    return Table(t.t(name), [t.t(c) for c, _ in columns], rows, t.locale), [k for _, k in columns]


def compute(year: int, requests: Sequence[RequestRow], shares: Sequence[ShareRow],
            t: Translator) -> Report:
    """The report of ``year`` from its rows (pure: the tests give it rows)."""
    charts = (Chart(t.t("Share of the amounts won, per enterprise"), 0, 3),
              Chart(t.t("Days spent, per enterprise"), 0, 6))
    detail = project_table(shares, t)
    sections = [
        Section(*_table(N_("Summary"), SUMMARY, [summary(requests, shares)], t),
                transposed=True, headings=(t.t("Figure"), t.t("Value"))),
        Section(*_table(N_("Enterprises"), ENTERPRISES, by_enterprise(shares), t),
                charts=charts),
        Section(*_table(N_("Clients by kind"), KINDS, by_client_kind(requests, shares, t), t),
                charts=(Chart(t.t("Projects won, per kind of client"), 0, 3),)),
        Section(*_table(N_("Requests"), REQUESTS, request_table(requests, t), t), detail=True),
        Section(detail, [Kind.TEXT] * len(detail.header), detail=True),
    ]
    return Report(
        t.t("Cooperation report {year}", year=year),
        t.t("The requests received in {year} and the projects won in {year}. Every figure "
            "adds up the rows of grappe export projects --from {year}-01-01 --to "
            "{next}-01-01; times are business hours.", year=year, next=year + 1),
        t.locale, sections)


async def build(s: AsyncSession, year: int) -> Report:
    """The report of ``year`` (in the cooperative's time zone and language)."""
    coop = await dir_repo.cooperative(s)
    tz = ZoneInfo(coop.timezone)
    start, end = (datetime.combine(date(y, 1, 1), time(0), tzinfo=tz) for y in (year, year + 1))
    return compute(year, await request_rows(s, start, end), await share_rows(s, start, end),
                   translator(coop.locale))
