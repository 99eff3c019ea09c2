"""Request deadlines: the consulted enterprises that have not answered are reminded."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.business_hours import business_duration
from commands.dates.when import format_day
from commands.i18n import translator
from commands.jobs import JobEnv
from commands.reminders import NUDGE_GRACE, Reminder, dm, reminder_source
from commands.requests.view import tally
from commands.text import shorten
from storage.models import Cooperative, Person, Request
from storage.repo import digest as repo
from storage.repo import directory as dir_repo
from storage.repo import requests as req_repo


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
    """Consulted enterprises that have not answered, ``env.environment.nudge_hours`` business hours
    (or less) before the deadline: their people get one DM per enterprise and request."""
    tz = ZoneInfo(coop.timezone)
    lead = timedelta(hours=env.environment.nudge_hours)
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
            messages = [dm(p, nudge_text(p, request, enterprise.name, coop, now),
                           about=request.ref)
                        for p in people.get(enterprise.id or 0, [])]
            due.append(Reminder("nudge", f"{request.ref}:{enterprise.slug}", "deadline",
                                messages))
    return due
