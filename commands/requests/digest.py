"""The digest's sections on client requests: new ones, those waiting for answers, those
decided, and how fast the cooperative answers and forms teams."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import format_hours
from commands.dates.when import format_day
from commands.digest.sections import DigestWeek, digest_section
from commands.i18n import Translator
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.requests.history import metrics
from commands.requests.view import status_label, tallies
from commands.text import shorten
from storage.models import Cooperative, Request
from storage.repo import digest as repo
from storage.repo import directory as dir_repo

MAX_LINES = 15
METRICS_WEEKS = 4


def _due(t: Translator, request: Request, week: DigestWeek) -> list[Span]:
    if request.deadline is None:
        return []
    day = format_day(request.deadline.astimezone(week.tz).date(), t.locale, today=week.day)
    return spans(t.t(" · due {day}", day=day))


def _listed(t: Translator, title: str, items: list[list[Span]]) -> list[Block] | None:
    """A titled bullet list, cut after ``MAX_LINES``; None (the section is left out) if empty."""
    if not items:
        return None
    blocks: list[Block] = [para(bold(title)), bullets(items[:MAX_LINES])]
    if len(items) > MAX_LINES:
        blocks.append(para(t.tn("… and {n} more.", "… and {n} more.", len(items) - MAX_LINES)))
    return blocks


@digest_section(order=10, name="requests.new")
async def new_requests(s: AsyncSession, coop: Cooperative, week: DigestWeek,
                       t: Translator) -> list[Block] | None:
    rows = await repo.created_between(s, week.since, week.at, week.purpose)
    items = [spans(bold(r.ref), f" {r.client} — {shorten(r.need, 70)}", *_due(t, r, week))
             for r in rows]
    return _listed(t, t.tn("{n} new request this week", "{n} new requests this week",
                           len(rows)), items)


@digest_section(order=20, name="requests.waiting")
async def waiting_requests(s: AsyncSession, coop: Cooperative, week: DigestWeek,
                           t: Translator) -> list[Block] | None:
    items: list[list[Span]] = []
    for current in await tallies(s, await repo.open_requests(s, week.purpose)):
        r = current.request
        silent = [st.enterprise.name for st in current.consulted if not st.answered]
        line = spans(bold(r.ref), f" {r.client}", *_due(t, r, week), " — ")
        if silent:
            line += spans(t.t("no answer yet from {names}", names=", ".join(silent)))
        elif current.consulted:
            line += spans(t.t("every enterprise consulted has answered; a lead is to be chosen"))
        else:
            line += spans(t.t("no enterprise consulted yet"))
        items.append(line)
    return _listed(t, t.t("Open requests"), items)


@digest_section(order=30, name="requests.decided")
async def decided_requests(s: AsyncSession, coop: Cooperative, week: DigestWeek,
                           t: Translator) -> list[Block] | None:
    rows = await repo.decided_between(s, week.since, week.at, week.purpose)
    leads = await dir_repo.enterprises_by_id(
        s, [r.lead_enterprise_id for r in rows if r.lead_enterprise_id])
    items: list[list[Span]] = []
    for r in rows:
        lead = leads.get(r.lead_enterprise_id or 0)
        who = t.t("lead: {name}", name=lead.name) if lead else t.t("no lead")
        items.append(spans(bold(r.ref), f" {r.client} — {status_label(t, r.status)} · {who}"))
    return _listed(t, t.t("Staffed or closed this week"), items)


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@digest_section(order=40, name="requests.metrics")
async def request_metrics(s: AsyncSession, coop: Cooperative, week: DigestWeek,
                          t: Translator) -> list[Block] | None:
    start = week.at - timedelta(weeks=METRICS_WEEKS)
    rows = [r for r in await repo.created_between(s, start, week.at, week.purpose)
            if r.status != "cancelled"]
    if not rows:
        return None
    firsts, staffings = [], []
    for r in rows:
        first, staffed = metrics(r, coop)
        if first is not None:
            firsts.append(first)
        if staffed is not None:
            staffings.append(staffed)
    first_median, staffed_median = _median(firsts), _median(staffings)
    facts = [
        t.t("first answer after {hours} (median)", hours=format_hours(first_median, t.locale))
        if first_median is not None else t.t("no answer yet"),
        t.t("team formed after {hours} (median)", hours=format_hours(staffed_median, t.locale))
        if staffed_median is not None else t.t("no team formed yet"),
        t.t("{rate}% staffed", rate=round(100 * len(staffings) / len(rows))),
    ]
    title = t.tn("Over the last 4 weeks ({n} request, business hours)",
                 "Over the last 4 weeks ({n} requests, business hours)", len(rows))
    return [para(bold(title)), para(" · ".join(facts))]
