"""The digest's sections on client requests: new ones, those waiting for answers, those
decided, and how fast the cooperative answers and forms teams. ``RequestsWeek.load`` reads
what the four show; each section draws its part from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import format_hours, median_duration
from commands.dates.when import format_day
from commands.digest.sections import DigestWeek, digest_section
from commands.i18n import Translator
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.requests.history import metrics
from commands.requests.view import Tally, status_label, tallies, urgent_first, urgent_mark
from commands.text import shorten
from storage.models import Cooperative, Enterprise, Request
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


@dataclass(frozen=True)
class RequestsWeek:
    """The requests a digest speaks of: ``created`` since the start of the metrics' weeks
    (the week's new ones among them), the open ones with their tallies, the decided ones
    with their leads."""

    coop: Cooperative
    created: Sequence[Request]
    open: list[Tally]
    decided: Sequence[Request]
    leads: dict[int, Enterprise]

    @classmethod
    async def load(cls, s: AsyncSession, coop: Cooperative, week: DigestWeek) -> RequestsWeek:
        """Five statements at most (the leads from the directory's copy), whatever the
        number of requests."""
        since = min(week.since, _metrics_start(week))
        created = await repo.created_between(s, since, week.at, week.purpose)
        open_ = await tallies(s, await repo.open_requests(s, week.purpose))
        decided = await repo.decided_between(s, week.since, week.at, week.purpose)
        leads = await dir_repo.enterprises_by_id(
            s, [r.lead_enterprise_id for r in decided if r.lead_enterprise_id])
        return cls(coop, created, open_, decided, leads)


def _metrics_start(week: DigestWeek) -> datetime:
    return week.at - timedelta(weeks=METRICS_WEEKS)


@digest_section(order=10, load=RequestsWeek.load, name="requests.new")
def new_requests(loaded: RequestsWeek, week: DigestWeek, t: Translator) -> list[Block] | None:
    rows = urgent_first([r for r in loaded.created if r.created_at >= week.since], lambda r: r)
    items = [spans(bold(r.ref), urgent_mark(t, r), f" {r.client} — {shorten(r.need, 70)}",
                   *_due(t, r, week)) for r in rows]
    return _listed(t, t.tn("{n} new request this week", "{n} new requests this week",
                           len(rows)), items)


@digest_section(order=20, load=RequestsWeek.load, name="requests.waiting")
def waiting_requests(loaded: RequestsWeek, week: DigestWeek,
                     t: Translator) -> list[Block] | None:
    items: list[list[Span]] = []
    for current in urgent_first(loaded.open, lambda c: c.request):
        r = current.request
        silent = [st.enterprise.name for st in current.consulted if not st.answered]
        line = spans(bold(r.ref), urgent_mark(t, r), f" {r.client}", *_due(t, r, week), " — ")
        if silent:
            line += spans(t.t("no answer yet from {names}", names=", ".join(silent)))
        elif current.consulted:
            line += spans(t.t("every enterprise consulted has answered; a lead is to be chosen"))
        else:
            line += spans(t.t("no enterprise consulted yet"))
        items.append(line)
    return _listed(t, t.t("Open requests"), items)


@digest_section(order=30, load=RequestsWeek.load, name="requests.decided")
def decided_requests(loaded: RequestsWeek, week: DigestWeek,
                     t: Translator) -> list[Block] | None:
    items: list[list[Span]] = []
    for r in loaded.decided:
        lead = loaded.leads.get(r.lead_enterprise_id or 0)
        who = t.t("lead: {name}", name=lead.name) if lead else t.t("no lead")
        items.append(spans(bold(r.ref), f" {r.client} — {status_label(t, r.status)} · {who}"))
    return _listed(t, t.t("Staffed or closed this week"), items)


@digest_section(order=40, load=RequestsWeek.load, name="requests.metrics")
def request_metrics(loaded: RequestsWeek, week: DigestWeek,
                    t: Translator) -> list[Block] | None:
    start = _metrics_start(week)
    rows = [r for r in loaded.created if r.created_at >= start and r.status != "cancelled"]
    if not rows:
        return None
    firsts, staffings = [], []
    for r in rows:
        first, staffed = metrics(r, loaded.coop)
        if first is not None:
            firsts.append(first)
        if staffed is not None:
            staffings.append(staffed)
    first_median, staffed_median = median_duration(firsts), median_duration(staffings)
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
