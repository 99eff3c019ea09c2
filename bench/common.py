"""What every benchmark shares: percentiles, a description of the machine, the results file."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import re
import signal
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def sqlite_url(path: Path) -> str:
    """The database URL of a SQLite file, as grappe's settings and Database take it."""
    return f"sqlite+aiosqlite:///{path}"


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def summary(ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean of timings in milliseconds."""
    return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
            "p99": percentile(ms, 99), "mean": statistics.fmean(ms) if ms else float("nan")}


def _memory_mb() -> float:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Cores, memory, CPU, Python and SQLite versions (the caller adds PostgreSQL's)."""
    return {"cores": os.cpu_count(), "memory_mb": round(_memory_mb()), "cpu": _cpu_model(),
            "python": sys.version.split()[0], "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version, **(extra or {})}


def write_result(name: str, data: dict[str, Any], directory: Path | None = None) -> Path:
    """``<directory>/<name>-<UTC stamp>.json`` and ``<name>-latest.json``; returns the first."""
    directory = directory or RESULTS
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    path = directory / f"{name}-{stamp}.json"
    path.write_text(text + "\n")
    (directory / f"{name}-latest.json").write_text(text + "\n")
    return path


def main_of(name: str, doc: str | None, argv: list[str] | None,
            run: Callable[..., Coroutine[Any, Any, dict[str, Any]]],
            report: Callable[[dict[str, Any]], str], **counts: int) -> dict[str, Any]:
    """A benchmark's command line: ``--<count> N`` for each of ``counts`` (their defaults,
    given to ``run`` in that order) and ``--results DIR``; prints ``report`` of what ``run``
    measured and where it was written."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    for count, default in counts.items():
        parser.add_argument(f"--{count}", type=int, default=default)
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    result = asyncio.run(run(*(getattr(args, count) for count in counts)))
    print(report(result))
    print(f"→ {write_result(name, result, args.results)}")
    return result


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table, numbers with two decimals."""
    cells = [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


# --- processes a benchmark starts (and stops by their PID) ---------------------------------

def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (``VmRSS``, or its peak ``VmHWM``) in MB (MiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Child:
    """A subprocess whose stderr is read line by line (kept, and searched for a pattern)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None):
        self.name, self.args, self.env, self.cwd = name, args, env, cwd
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self.keep = 400  # lines kept
        self.started = 0.0
        self._seen = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        self.started = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            *self.args, env=self.env, cwd=self.cwd, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process is not None
        assert self.process.stderr is not None
        stderr = self.process.stderr
        while line := await stderr.readline():
            self.lines.append(line.decode(errors="replace").rstrip())
            del self.lines[:-self.keep]
            self._seen.set()
        self._seen.set()

    async def wait_line(self, pattern: str, within: float = 60) -> tuple[re.Match[str], float]:
        """The first line matching ``pattern`` and the seconds from ``start()`` to reading it."""
        regex = re.compile(pattern)
        deadline = time.perf_counter() + within
        checked = 0
        while True:
            for line in self.lines[checked:]:
                if m := regex.search(line):
                    return m, time.perf_counter() - self.started
            checked = len(self.lines)
            assert self.process is not None
            if self.process.returncode is not None or (self._reader and self._reader.done()):
                raise RuntimeError(f"{self.name} ended before {pattern!r}:\n" + self.tail())
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no {pattern!r} in {within}s:\n" + self.tail())
            self._seen.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._seen.wait(), remaining)

    def tail(self, count: int = 30) -> str:
        return "\n".join(self.lines[-count:])

    async def stop(self, within: float = 20, sig: int = signal.SIGTERM) -> int | None:
        """``sig``, then SIGKILL after ``within`` seconds; by this process's PID only.
        Returns the exit code (negative: the signal that ended it)."""
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            process.send_signal(sig)
            try:
                await asyncio.wait_for(process.wait(), within)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        return process.returncode if process is not None else None
