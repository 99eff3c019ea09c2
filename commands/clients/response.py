"""Response times: the first answer promised to a client, in business hours, and the
coordinators reminded once before it is missed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.context import Environment
from commands.dates.business_hours import add_business_hours, business_duration
from commands.dates.when import format_moment
from commands.i18n import translator
from commands.jobs import JobEnv
from commands.reminders import Reminder, dm, reminder_source
from commands.text import shorten
from storage.models import Client, Cooperative
from storage.repo import client_rooms as repo
from storage.repo import directory as dir_repo

WARN_BEFORE = timedelta(hours=1)  # business time left when the coordinators are reminded


def target_hours(client: Client, env: Environment) -> float:
    """The first-response target of ``client``: its own, else the cluster's default."""
    return client.response_hours if client.response_hours else env.first_response_hours


def first_response_due(acknowledged: datetime, hours: float, coop: Cooperative) -> datetime:
    """When the first answer is due: ``hours`` of the cooperative's business hours after
    the acknowledgement (weekends and French public holidays skipped)."""
    return add_business_hours(acknowledged, timedelta(hours=hours), ZoneInfo(coop.timezone),
                              coop.business_hours)


def warn_at(due: datetime, coop: Cooperative) -> datetime:
    """The moment ``WARN_BEFORE`` of business time is left before ``due``."""
    tz, hours = ZoneInfo(coop.timezone), coop.business_hours
    start = due - WARN_BEFORE
    while business_duration(start, due, tz, hours) < WARN_BEFORE:
        start -= timedelta(minutes=15)  # back over a night or a weekend, a quarter at a time
    return start


@reminder_source("first-response")
async def first_response_reminders(s: AsyncSession, coop: Cooperative, now: datetime,
                                   env: JobEnv) -> list[Reminder]:
    """Requests from a client's room with no public reply yet, whose first answer is due
    within ``WARN_BEFORE`` of business time: each coordinator gets one DM, once."""
    tz = ZoneInfo(coop.timezone)
    found = await repo.due_between(s, now, now + timedelta(days=7))
    due = [(cr, r) for cr, r in found if cr.response_due_at is not None
           and warn_at(cr.response_due_at, coop) <= now]
    if not due:
        return []
    coordinators = await dir_repo.coordinators(s)
    reminders = []
    for cr, request in due:
        assert cr.response_due_at is not None
        messages = []
        for person in coordinators:
            t = translator(person.locale)
            when = format_moment(cr.response_due_at, tz, t.locale,
                                 today=now.astimezone(tz).date())
            messages.append(dm(person, t.t(
                "{client} has had no answer yet on {ref} ({need}): the first answer "
                "promised is due {when}. Reply with /grappe reply {ref} : …",
                client=request.client, ref=request.ref, need=shorten(request.need, 80),
                when=when)))
        reminders.append(Reminder("first-response", request.ref, "due", messages))
    return reminders
