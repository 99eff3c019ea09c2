"""The coming week's occupancy of the shared resources as a PNG: a day × hour heatmap per
resource.

matplotlib is imported only here and only when a chart is drawn (it costs
about half a second), with the Agg backend and the object API (no pyplot, no
global state), so drawing can run in a worker thread. The file is named after
its content, written atomically, and old charts are swept away.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import time as wallclock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from commands.messages import Attachment, Block, Chart, ChartRow, Message

log = logging.getLogger(__name__)

KEEP_DAYS = 14
PREFIX = "occupancy-"


@dataclass(frozen=True)
class Occupancy:
    """One resource's week: ``grid[day][i]`` is the busy share (0–1) of hour ``hours[i]``."""

    name: str
    grid: list[list[float]]


def hour_slot(day: date, hour: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds of a local hour (empty on the hour a spring DST change skips)."""
    start = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    end_day, end_hour = (day, hour + 1) if hour < 23 else (day + timedelta(days=1), 0)
    end = datetime.combine(end_day, time(end_hour), tzinfo=tz).astimezone(UTC)
    return start, max(start, end)


def hour_grid(intervals: Iterable[tuple[datetime, datetime]], days: list[date],
              hours: range, tz: ZoneInfo) -> list[list[float]]:
    """The busy share of each local hour of each day, from ``[start, end)`` intervals."""
    spans = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals]
    grid: list[list[float]] = []
    for day in days:
        row = []
        for hour in hours:
            lo, hi = hour_slot(day, hour, tz)
            length = (hi - lo).total_seconds()
            busy = sum(max(0.0, (min(e, hi) - max(s, lo)).total_seconds()) for s, e in spans)
            row.append(min(1.0, busy / length) if length else 0.0)
        grid.append(row)
    return grid


def _hour_label(hour: int, locale: str) -> str:
    return f"{hour}\u00a0h" if locale == "fr" else f"{hour}:00"


def draw(occupancies: list[Occupancy], days: list[date], hours: range, locale: str,
         title: str) -> bytes:
    """The PNG bytes (deterministic for the same data: no timestamp in the metadata)."""
    from babel.dates import format_date
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    columns = 2 if len(occupancies) > 3 else 1
    rows = -(-len(occupancies) // columns)
    fig = Figure(figsize=(6.0 * columns, 0.6 + 1.9 * rows), dpi=100)
    FigureCanvasAgg(fig)
    fig.suptitle(title, fontsize=12)
    day_labels = [format_date(d, "EEE d", locale=locale) for d in days]
    ticks = [i for i, h in enumerate(hours) if h % 2 == 0]
    percent = "\u00a0%" if locale == "fr" else "%"
    axes = fig.subplots(rows, columns, squeeze=False)
    image = None
    for n, ax in enumerate(axes.flat):
        if n >= len(occupancies):
            ax.set_visible(False)
            continue
        item = occupancies[n]
        image = ax.imshow(item.grid, aspect="auto", cmap="YlOrRd", vmin=0.0, vmax=1.0,
                          interpolation="nearest")
        ax.set_title(item.name, fontsize=9, loc="left")
        ax.set_yticks(range(len(days)), day_labels, fontsize=7)
        ax.set_xticks([i - 0.5 for i in ticks], [_hour_label(hours[i], locale) for i in ticks],
                      fontsize=7)
        ax.set_xticks([i - 0.5 for i in range(len(hours) + 1)], minor=True)
        ax.set_yticks([i - 0.5 for i in range(len(days) + 1)], minor=True)
        ax.grid(which="minor", color="white", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
    fig.tight_layout(rect=(0, 0, 0.93, 0.96))
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes.flat), fraction=0.02, pad=0.01)
        bar.set_ticks([0, 0.5, 1], labels=[f"{n}{percent}" for n in (0, 50, 100)], fontsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def write(png: bytes, files_dir: Path, now: float | None = None) -> Path:
    """Store the chart under a name made of its content; sweep charts older than two weeks."""
    files_dir.mkdir(parents=True, exist_ok=True)
    path = files_dir / f"{PREFIX}{hashlib.sha256(png).hexdigest()[:16]}.png"
    if path.exists():
        os.utime(path)  # in use again: not to be swept
    else:
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(png)
        os.replace(partial, path)
    limit = (now or wallclock.time()) - KEEP_DAYS * 86400
    for old in files_dir.glob(f"{PREFIX}*.png"):
        try:
            if old != path and old.stat().st_mtime < limit:
                old.unlink()
        except OSError:  # another replica swept it first
            pass
    return path


def render(occupancies: list[Occupancy], days: list[date], hours: range, locale: str,
           title: str, files_dir: Path) -> Path:
    """Draw and store the chart (blocking: call it in a worker thread)."""
    return write(draw(occupancies, days, hours, locale, title), files_dir)


def to_draw(occupancies: list[Occupancy], days: list[date], hours: range, locale: str,
            title: str) -> Chart:
    """The chart as a block of a message, drawn later by the delivery (``materialize``)."""
    return Chart(title=title, locale=locale, days=days, hours=list(hours),
                 rows=[ChartRow(name=o.name, grid=o.grid) for o in occupancies])


def drawn(message: Message, files_dir: Path) -> Message:
    """``message`` with each chart drawn into a file (blocking: call it in a worker thread).
    A chart that cannot be drawn is left out, with a log line: the rest still goes."""
    if not message.to_draw:
        return message
    blocks: list[Block] = []
    for block in message.blocks:
        if not isinstance(block, Chart):
            blocks.append(block)
            continue
        try:
            hours = range(block.hours[0], block.hours[-1] + 1) if block.hours else range(0)
            path = render([Occupancy(r.name, r.grid) for r in block.rows], block.days, hours,
                          block.locale, block.title, files_dir)
        except Exception as exc:  # a digest without its chart beats no digest
            log.error("chart not drawn", extra={"fields": {"error": repr(exc)}})
            continue
        blocks.append(Attachment(path=str(path), title=block.title, mime="image/png"))
    return message.model_copy(update={"blocks": blocks})
