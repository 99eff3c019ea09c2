"""Where there is room: the free stretches of a resource's day, the nearest free slots
to a wanted one, and the other resources of the same kind free at that time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.bookings.opening import is_open_on
from commands.bookings.rules import fits, round_up
from commands.bookings.view import Fmt, interval_of
from commands.dates.day_parts import hhmm
from commands.dates.slots import Interval, day_bounds, local_instant
from storage.models import Resource
from storage.repo import bookings as repo
from storage.repo import directory as dir_repo

SEARCH_DAYS = 7  # how far the "next days" proposals look
MAX_PROPOSALS = 3


def free_windows(resource: Resource, day: date, busy: Sequence[Interval],
                 fmt: Fmt) -> list[Interval]:
    """The free stretches of ``day`` within opening hours, from the earliest possible start."""
    if not is_open_on(resource, day):
        return []
    opens = local_instant(day, hhmm(resource.opens), fmt.tz)
    closes = local_instant(day, hhmm(resource.closes), fmt.tz)
    earliest = round_up(fmt.now + timedelta(minutes=resource.min_notice_minutes), 15)
    cursor, windows = max(opens, earliest), []
    for b in sorted(busy):
        if b.end <= cursor:
            continue
        if b.start >= closes:
            break
        if b.start > cursor:
            windows.append(Interval(cursor, b.start))
        cursor = max(cursor, b.end)
    if cursor < closes:
        windows.append(Interval(cursor, closes))
    return windows


def _place(window: Interval, wanted: Interval) -> Interval | None:
    """A slot as long as ``wanted`` inside ``window``, starting as near to it as possible."""
    length = wanted.end - wanted.start
    if window.end - window.start < length:
        return None
    start = min(max(wanted.start, window.start), window.end - length)
    return Interval(start, start + length)


def _same_time(wanted: Interval, day: date, fmt: Fmt) -> Interval:
    """``wanted``'s wall-clock hours on another day (DST-proof)."""
    local = wanted.start.astimezone(fmt.tz)
    minutes = local.hour * 60 + local.minute
    start = local_instant(day, minutes, fmt.tz)
    return Interval(start, start + (wanted.end - wanted.start))


@dataclass
class Proposals:
    same_day: list[Interval]
    next_days: list[Interval]


async def busy(s: AsyncSession, resource: Resource, first: date, last: date,
               fmt: Fmt) -> list[Interval]:
    rows = await repo.between(s, day_bounds(first, fmt.tz).start, day_bounds(last, fmt.tz).end,
                              resource_ids=[resource.id or 0])
    return [interval_of(b) for b in rows]


async def nearest(s: AsyncSession, resource: Resource, wanted: Interval,
                  fmt: Fmt) -> Proposals:
    """Free slots of ``wanted``'s length: that day nearest first, then one a day after."""
    day = wanted.start.astimezone(fmt.tz).date()
    taken = await busy(s, resource, day, day + timedelta(days=SEARCH_DAYS), fmt)
    same = [p for w in free_windows(resource, day, taken, fmt) if (p := _place(w, wanted))]
    same = sorted(sorted(same, key=lambda p: abs(p.start - wanted.start))[:MAX_PROPOSALS])
    later: list[Interval] = []
    for n in range(1, SEARCH_DAYS + 1):
        other = day + timedelta(days=n)
        target = _same_time(wanted, other, fmt)
        options = [p for w in free_windows(resource, other, taken, fmt)
                   if (p := _place(w, target)) and fits(resource, p, fmt)]
        if options:
            later.append(min(options, key=lambda p: abs(p.start - target.start)))
        if len(later) == MAX_PROPOSALS:
            break
    return Proposals([p for p in same if fits(resource, p, fmt)], later)


async def free_resources(s: AsyncSession, kind: str, intervals: Sequence[Interval], fmt: Fmt,
                         *, besides: Resource | None = None) -> list[Resource]:
    """Resources of ``kind`` whose rules allow every interval and that are free for all."""
    candidates = [r for r in await dir_repo.resources(s)
                  if r.kind == kind and (besides is None or r.id != besides.id)
                  and all(fits(r, iv, fmt) for iv in intervals)]
    if not candidates:
        return []
    taken: set[int] = set()
    for iv in intervals:
        rows = await repo.overlapping(s, [r.id or 0 for r in candidates], iv.start, iv.end)
        taken.update(b.resource_id for b in rows)
    return [r for r in candidates if r.id not in taken]
