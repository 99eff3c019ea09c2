"""What every benchmark shares: percentiles, a description of the machine, the results file."""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


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


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table, numbers with two decimals."""
    cells = [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)
