"""Reminders: a sweep (every 15 minutes) asks each registered source what is due now.

A source is ``@reminder_source("name")`` on an async function
``(s, coop, now, env) -> list[Reminder]``: every reminder that should have
gone by ``now``, sent or not. The sweep drops those already claimed and, in
one transaction per source, claims each of the others and queues its
messages; another replica sweeping at the same instant wins nothing twice.
Sources live in the feature that knows their subject (``requests/reminders.py``,
``bookings/digest.py``, ``polls/digest.py``, ``privacy/retention.py``) and are found by
the registry's discovery.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.i18n import translator
from commands.jobs import JobEnv, claim_and_enqueue
from commands.messages import Message, Target, para
from commands.registry import Registry, declare
from storage.models import Cooperative, Person
from storage.repo import digest as repo
from storage.repo import directory as dir_repo

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
REMINDER_SOURCES = "reminder"  # the registry's extension kind


def reminder_source(name: str) -> Callable[[ReminderSource], ReminderSource]:
    """Declare a reminder source (found by the registry's discovery, like commands)."""

    def register(fn: ReminderSource) -> ReminderSource:
        def add(registry: Registry, module: str) -> None:
            registry.extend(REMINDER_SOURCES, name, fn)

        return declare(fn, add)

    return register


def dm(person: Person, text: str, about: str | None = None) -> Message:
    """A direct message to ``person`` (``text`` already in their language); ``about``: the
    object it is about, in whose thread the person is asked to open a direct room when the
    bot cannot open one (``commands.unreachable``)."""
    return Message(target=Target(kind="dm", handle=person.handle, object_ref=about),
                   blocks=[para(text)],
                   locale=translator(person.locale).locale)


async def sweep(env: JobEnv, now: datetime) -> int:
    """Send every reminder due at ``now`` that no replica sent yet; how many this one sent."""
    sent = 0
    for name, source in list(env.registry.extensions.get(REMINDER_SOURCES, {}).items()):
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
