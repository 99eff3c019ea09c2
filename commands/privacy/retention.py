"""The retention job, run by the reminder sweep (every 15 minutes and at start-up).

It sends nothing, so it does its work itself in its own transaction (the
sweep only queues messages): see ``commands.privacy.forget.apply_retention``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.jobs import JobEnv
from commands.privacy.forget import apply_retention
from commands.reminders import Reminder, reminder_source
from storage.models import Cooperative

log = logging.getLogger(__name__)


@reminder_source("retention")
async def retention(s: AsyncSession, coop: Cooperative, now: datetime,
                    env: JobEnv) -> list[Reminder]:
    months = env.environment.retention_months
    if not months or months <= 0:
        return []
    async with env.db.session() as write:
        done = await apply_retention(write, now, months, env.owner)
    if done:
        log.info("retention: anonymised %s", ", ".join(done))
    return []
