"""The weekly digest: pluggable sections, the week it covers, and the scheduled job.

Load, then render. Each feature adds its parts with ``@digest_section(order=…, load=…)``
on a pure function ``(loaded, week, t) -> list[Block] | None`` (None or ``[]`` when it has
nothing to say, and the section is left out); ``load`` is an async ``(s, coop, week)``
that reads what the feature's sections show in a fixed number of batched queries. The
sections of one feature share their loader: ``Digest.load`` runs each loader once, and
``render`` draws every section without touching storage. Sections live in the feature
that knows their subject (``commands/<feature>/digest.py``) and are found by the
registry's discovery, like commands. When no section says anything, the digest says so in
one line.

``post_digest`` is the job: it claims ``("digest", <channel name>, <ISO week>)``
and writes the outbox rows in the same transaction, so each channel gets one
digest per week whatever replicas and restarts happen.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.when import format_day
from commands.i18n import Translator, translator
from commands.jobs import JobEnv, claim_and_enqueue
from commands.messages import Block, Heading, Message, Target, para
from commands.registry import Registry, declare
from storage.models import Cooperative
from storage.repo import digest as repo
from storage.repo import directory as dir_repo

log = logging.getLogger(__name__)

DIGEST = "digest"
COOPERATION = "cooperation"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DigestWeek:
    """The frame of one digest: ``[since, at)`` looking back, seven days from ``at``'s day ahead.

    ``period`` is the claim's period (an ISO week, ``2026-W14``); ``purpose``
    the channel's purpose (only its requests are shown); ``files_dir`` where a
    chart may be written (None: no chart).
    """

    at: datetime
    tz: ZoneInfo
    since: datetime
    period: str
    purpose: str = COOPERATION
    files_dir: Path | None = None

    @classmethod
    def ending(cls, at: datetime, tz: ZoneInfo, *, period: str | None = None,
               since: datetime | None = None, purpose: str = COOPERATION,
               files_dir: Path | None = None) -> DigestWeek:
        """The week that ends at ``at``: the seven days before it (same local time), by default."""
        local = at.astimezone(tz)
        start = since or datetime.combine(local.date() - timedelta(days=7), local.time(),
                                          tzinfo=tz)
        return cls(at=at, tz=tz, since=start, period=period or iso_period(local.date()),
                   purpose=purpose, files_dir=files_dir)

    @property
    def day(self) -> date:
        """The local day of the digest (the first of the coming week)."""
        return self.at.astimezone(self.tz).date()

    @property
    def coming_days(self) -> list[date]:
        return [self.day + timedelta(days=n) for n in range(7)]

    @property
    def coming_start(self) -> datetime:
        return datetime.combine(self.day, time(0), tzinfo=self.tz)

    @property
    def coming_end(self) -> datetime:
        return datetime.combine(self.day + timedelta(days=7), time(0), tzinfo=self.tz)


T = TypeVar("T")
Loader = Callable[[AsyncSession, Cooperative, DigestWeek], Awaitable[T]]
Draw = Callable[[T, DigestWeek, Translator], list[Block] | None]


@dataclass(frozen=True, order=True)
class Section:
    order: int
    name: str
    load: Loader[Any] = field(compare=False)
    draw: Draw[Any] = field(compare=False)


DIGEST_SECTIONS = "digest"  # the registry's extension kind


def digest_section(order: int, load: Loader[T],
                   name: str | None = None) -> Callable[[Draw[T]], Draw[T]]:
    """Declare a digest section drawn from what ``load`` read; a lower ``order`` comes
    first. Re-declaring a name replaces."""

    def register(draw: Draw[T]) -> Draw[T]:
        def add(registry: Registry, module: str) -> None:
            key = name or f"{module}.{draw.__name__}"
            registry.extend(DIGEST_SECTIONS, key, Section(order, key, load, draw))

        return declare(draw, add)

    return register


# --- when ----------------------------------------------------------------------------

def iso_period(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def schedule_of(coop: Cooperative) -> tuple[int, time]:
    """The digest's weekday (0 = Monday) and local time; Monday 08:30 when unreadable."""
    weekday = WEEKDAYS.index(coop.digest_weekday) if coop.digest_weekday in WEEKDAYS else 0
    try:
        at = time.fromisoformat(coop.digest_time)
    except ValueError:
        at = time(8, 30)
    return weekday, at


def last_scheduled(coop: Cooperative, now: datetime) -> datetime:
    """The latest scheduled digest moment at or before ``now``."""
    tz = ZoneInfo(coop.timezone)
    weekday, at = schedule_of(coop)
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    moment = datetime.combine(day, at, tzinfo=tz)
    if moment > now:
        moment = datetime.combine(day - timedelta(days=7), at, tzinfo=tz)
    return moment


def next_scheduled(coop: Cooperative, now: datetime) -> datetime:
    """The next scheduled digest moment after ``now``."""
    tz = ZoneInfo(coop.timezone)
    last = last_scheduled(coop, now).astimezone(tz)
    return datetime.combine(last.date() + timedelta(days=7), schedule_of(coop)[1], tzinfo=tz)


# --- what ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Digest:
    """Everything one week's digest shows, read at once: ``load`` queries, ``render``
    draws. ``parts``: each section, in order, with what its loader read."""

    coop: Cooperative
    week: DigestWeek
    parts: list[tuple[Section, Any]]

    @classmethod
    async def load(cls, s: AsyncSession, coop: Cooperative, week: DigestWeek,
                   registry: Registry) -> Digest:
        """Each loader once, however many sections draw from it; the statements do not
        grow with the number of requests, bookings or polls the week holds."""
        sections = sorted(registry.extensions_of(DIGEST_SECTIONS))
        loaded: dict[Loader[Any], Any] = {}
        for section in sections:
            if section.load not in loaded:
                loaded[section.load] = await section.load(s, coop, week)
        return cls(coop, week, [(section, loaded[section.load]) for section in sections])


def render(digest: Digest, locale: str | None = None) -> list[Block]:
    """The digest's blocks, in ``locale`` (the cooperative's by default); no I/O
    (``Digest.load``)."""
    t = translator(locale or digest.coop.locale)
    week = digest.week
    blocks: list[Block] = [Heading(text=t.t("Weekly digest — week of {day}", day=format_day(
        week.day - timedelta(days=week.day.weekday()), t.locale, today=week.day)))]
    body: list[Block] = []
    for section, loaded in digest.parts:
        body.extend(section.draw(loaded, week, t) or [])
    if not body:
        body = [para(t.t("A quiet week: no new request, nothing waiting, nothing booked."))]
    return blocks + body


async def build(s: AsyncSession, coop: Cooperative, week: DigestWeek, registry: Registry,
                locale: str | None = None) -> list[Block]:
    """The digest's blocks from the sections ``registry`` holds, in ``locale`` (the
    cooperative's by default): loaded, then rendered."""
    return render(await Digest.load(s, coop, week, registry), locale)


def digest_message(coop: Cooperative, blocks: list[Block], purpose: str) -> Message:
    return Message(target=Target(kind="channel", purpose=purpose), blocks=blocks,
                   locale=translator(coop.locale).locale)


# --- the job ---------------------------------------------------------------------------

async def post_digest(env: JobEnv, channel: str, now: datetime, *, catch_up: bool = False) -> bool:
    """Post this period's digest in ``channel`` (a channel name) unless it was already posted.

    The period is the ISO week of the latest scheduled moment; a catch-up (at
    start-up) posts only while that week is not over. Returns True when this
    call posted it (this replica won the claim).
    """
    async with env.db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)
        rows = (await repo.channels_by_name(s)).get(channel, [])
        if not rows:
            return False
        tz = ZoneInfo(coop.timezone)
        scheduled = last_scheduled(coop, now)
        period = iso_period(scheduled.astimezone(tz).date())
        if catch_up and iso_period(now.astimezone(tz).date()) != period:
            return False
        claim = (DIGEST, channel, period)
        if await repo.claimed(s, [claim]):
            return False
        paused = await repo.is_paused(s, channel)
        messages = []
        if not paused:
            week = DigestWeek.ending(now, tz, period=period, purpose=rows[0].purpose,
                                     files_dir=env.environment.files_dir)
            messages.append(digest_message(coop, await build(s, coop, week, env.registry),
                                            rows[0].purpose))
    async with env.db.session() as s:  # a paused channel's week is settled, with nothing said
        won = await claim_and_enqueue(s, env, claim, messages,
                                      only_channels=[(c.platform, c.platform_channel_id)
                                                     for c in rows])
    if won and messages:
        log.info("digest %s posted in #%s", period, channel)
        env.wake()
    return won and bool(messages)


async def digest_channels(env: JobEnv) -> list[str]:
    """The names of the channels that get a digest (purpose ``cooperation``)."""
    async with env.db.session(read_only=True) as s:
        return sorted(await repo.channels_by_name(s, COOPERATION))
