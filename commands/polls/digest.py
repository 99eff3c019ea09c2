"""The digest's part on polls (open polls and their deadlines), and the one reminder
sent to those who have not answered a poll, ``POLL_REMINDER`` before its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.when import format_moment
from commands.digest.sections import DigestWeek, digest_section
from commands.i18n import Translator, translator
from commands.jobs import JobEnv
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.polls.view import PollTally, tallies
from commands.reminders import Reminder, dm, reminder_source
from storage.models import Cooperative
from storage.repo import polls as repo

POLL_REMINDER = timedelta(hours=24)


async def _open(s: AsyncSession, coop: Cooperative, week: DigestWeek) -> list[PollTally]:
    """The open polls with their tallies, in four statements whatever their number."""
    polls = list(await repo.open_polls(s))
    return await tallies(s, polls) if polls else []


@digest_section(order=70, load=_open, name="polls.open")
def open_polls(loaded: list[PollTally], week: DigestWeek, t: Translator) -> list[Block] | None:
    if not loaded:
        return None
    items: list[list[Span]] = []
    for current in loaded:
        poll = current.poll
        line = spans(bold(poll.ref), f" {poll.title} — ",
                     t.tn("{n} answer", "{n} answers", len(current.voters)))
        if poll.deadline:
            line += spans(t.t(" · answers before {when}", when=format_moment(
                poll.deadline, week.tz, t.locale, today=week.day)))
        items.append(line)
    return [para(bold(t.t("Open polls"))), bullets(items)]


@reminder_source("polls")
async def poll_reminders(s: AsyncSession, coop: Cooperative, now: datetime,
                         env: JobEnv) -> list[Reminder]:
    """Invitees who have not answered, once, when the deadline is less than a day away."""
    tz = ZoneInfo(coop.timezone)
    due: list[Reminder] = []
    closing = [p for p in await repo.open_polls(s)
               if p.deadline is not None and now < p.deadline <= now + POLL_REMINDER]
    for current in await tallies(s, closing):
        poll = current.poll
        assert poll.deadline is not None
        for person in current.missing:
            tp = translator(person.locale)
            text = tp.t("Reminder: the poll {ref} “{title}” closes {when} and your answer is "
                        "missing. Answer in its thread, for example “1 and 3”.",
                        ref=poll.ref, title=poll.title,
                        when=format_moment(poll.deadline, tz, tp.locale,
                                           today=now.astimezone(tz).date()))
            due.append(Reminder("poll-reminder", f"{poll.ref}:{person.handle}", "deadline",
                                [dm(person, text)]))
    return due
