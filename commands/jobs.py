"""What scheduled jobs share: their environment, and "claim, then write the outbox rows".

A job (the weekly digest, a reminder) runs on every replica at the same
moment; the database decides which one speaks. In ONE transaction the job
first claims ``(kind, key, period)`` (a unique row in ``claims``) and, only
if its insert won, writes its messages to the outbox. A loser writes nothing;
a crash before the commit leaves no claim, so the job can run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.context import Environment
from commands.events import Actor, Command
from commands.messages import Message
from commands.registry import Registry
from commands.routing import queue
from storage.db import Database
from storage.models import DeliveryRole
from storage.repo import claims as claims_repo

JOB_USER = "grappe-scheduler"


@dataclass(frozen=True)
class JobEnv:
    """Everything a job needs besides the ids it is given and the clock.

    ``platforms`` are the running platforms (the outbox rows are written for
    them); ``registry`` holds the features' digest sections and reminder sources;
    ``owner`` names this replica in the claims it takes; ``environment`` is what the
    runtime decided from its settings (the files directory, the nudge's hours, the
    retention period: the same value the commands get as ``ctx.env``).
    """

    db: Database
    platforms: tuple[str, ...]
    registry: Registry = field(compare=False)
    owner: str = ""
    environment: Environment = Environment()
    on_commit: Callable[[], None] | None = field(default=None, compare=False)

    def wake(self) -> None:
        if self.on_commit is not None:
            self.on_commit()


def job_event(platforms: Sequence[str], what: str) -> Command:
    """The inbound event routing expects: the bot itself, on the first running platform."""
    return Command(actor=Actor(platforms[0] if platforms else "console", JOB_USER),
                   text="", event_id=f"job:{what}")


async def claim_and_enqueue(
    s: AsyncSession, env: JobEnv, claim: tuple[str, str, str], messages: Sequence[Message],
    *, only_channels: Iterable[tuple[str, str]] | None = None,
) -> bool:
    """Claim ``(kind, key, period)``; if this call won, queue ``messages``. True when it won.

    ``only_channels`` keeps the channel rows to those ``(platform, channel id)``:
    a digest goes to one channel even when several share its purpose.
    """
    kind, key, period = claim
    if not await claims_repo.claim(s, kind, key, period, env.owner):
        return False
    allowed = set(only_channels) if only_channels is not None else None
    await queue(s, list(messages), job_event(env.platforms, ":".join(claim)), env.platforms,
                keep=None if allowed is None else lambda r: r.role == DeliveryRole.DM
                or (r.platform, r.channel) in allowed)
    return True
