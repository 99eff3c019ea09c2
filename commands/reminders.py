"""Reminders: a sweep (every 15 minutes) asks each registered source what is due now.

A source is ``@reminder_source("name")`` on an async function
``(s, coop, now, env) -> list[Reminder]``: every reminder that should have
gone by ``now``, sent or not. The sweep drops those already claimed and, in
one transaction per source, claims each of the others and queues its
messages; another replica sweeping at the same instant wins nothing twice.
Sources live here (request deadlines) and in ``commands/digest_*.py`` modules
(bookings, polls).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.business_hours import business_duration
from commands.digest import load_plugins
from commands.i18n import translator
from commands.jobs import JobEnv, claim_and_enqueue
from commands.messages import Message, Target, para
from commands.request_view import tally
from commands.text import shorten
from commands.when import format_day
from storage.models import Cooperative, Person, Request
from storage.repo import digest as repo
from storage.repo import directory as dir_repo
from storage.repo import requests as req_repo

log = logging.getLogger(__name__)

NUDGE_GRACE = timedelta(hours=1)  # business time an enterprise is given before any nudge


@dataclass(frozen=True)
class Reminder:
    """One reminder, claimed as ``(kind, key, period)``; ``messages`` go out if it wins."""

    kind: str
    key: str
    period: str
    messages: list[Message] = field(default_factory=list)

    @property
    def claim(self) -> tuple[str, str, str]:
        return self.kind, self.key, self.period


ReminderSource = Callable[[AsyncSession, Cooperative, datetime, JobEnv],
                          Awaitable[list[Reminder]]]
SOURCES: dict[str, ReminderSource] = {}


def reminder_source(name: str) -> Callable[[ReminderSource], ReminderSource]:
    def register(fn: ReminderSource) -> ReminderSource:
        SOURCES[name] = fn
        return fn

    return register


def dm(person: Person, text: str) -> Message:
    """A direct message to ``person`` (``text`` already in their language)."""
    return Message(target=Target(kind="dm", handle=person.handle), blocks=[para(text)],
                   locale=translator(person.locale).locale)


async def sweep(env: JobEnv, now: datetime) -> int:
    """Send every reminder due at ``now`` that no replica sent yet; how many this one sent."""
    load_plugins()
    sent = 0
    for name, source in list(SOURCES.items()):
        try:
            sent += await _run(env, source, now)
        except Exception:
            log.exception("reminder source %s failed; the next sweep tries again", name)
    if sent:
        env.wake()
    return sent


async def _run(env: JobEnv, source: ReminderSource, now: datetime) -> int:
    async with env.db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)
        due = await source(s, coop, now, env)
        done = await repo.claimed(s, [r.claim for r in due])
    todo = sorted((r for r in due if r.claim not in done and r.messages),
                  key=lambda r: r.claim)  # one order on every replica: no deadlock
    if not todo:
        return 0
    won = 0
    async with env.db.session() as s:
        for reminder in todo:
            won += await claim_and_enqueue(s, env, reminder.claim, reminder.messages)
    return won


# --- request deadlines ---------------------------------------------------------------

def nudge_text(person: Person, request: Request, enterprise: str, coop: Cooperative,
               now: datetime) -> str:
    t = translator(person.locale)
    tz = ZoneInfo(coop.timezone)
    assert request.deadline is not None
    day = format_day(request.deadline.astimezone(tz).date(), t.locale,
                     today=now.astimezone(tz).date())
    return t.t("Reminder: {client}'s request {ref} ({need}) is due {day}, and {enterprise} "
               "has not answered yet. Please answer in its thread: interested, when you are "
               "available, or not available.", client=request.client, ref=request.ref,
               need=shorten(request.need, 80), day=day, enterprise=enterprise)


@reminder_source("deadline")
async def deadline_nudges(s: AsyncSession, coop: Cooperative, now: datetime,
                          env: JobEnv) -> list[Reminder]:
    """Consulted enterprises that have not answered, ``env.nudge_hours`` business hours
    (or less) before the deadline: their people get one DM per enterprise and request."""
    tz = ZoneInfo(coop.timezone)
    lead = timedelta(hours=env.nudge_hours)
    due: list[Reminder] = []
    for request in await repo.open_with_deadline_after(s, now):
        assert request.deadline is not None
        assert request.id is not None
        if business_duration(now, request.deadline, tz, coop.business_hours) > lead:
            continue
        added = {c.enterprise_id: c.added_at for c in await req_repo.consultations(s, request.id)}
        silent = [st.enterprise for st in (await tally(s, request)).consulted
                  if not st.answered and business_duration(
                      added.get(st.enterprise.id or 0, now), now, tz,
                      coop.business_hours) >= NUDGE_GRACE]
        people = await dir_repo.people_of(s, [e.id or 0 for e in silent])
        for enterprise in silent:
            messages = [dm(p, nudge_text(p, request, enterprise.name, coop, now))
                        for p in people.get(enterprise.id or 0, [])]
            due.append(Reminder("nudge", f"{request.ref}:{enterprise.slug}", "deadline",
                                messages))
    return due
