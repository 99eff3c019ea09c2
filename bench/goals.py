"""Issue #21's goals, each met or missed, from the latest run of every benchmark.

    python -m bench.goals [--results DIR]

``make bench`` runs it last: it reads ``<name>-latest.json`` of slack_ack, scale,
matrix_roundtrip and footprint, prints one line per goal and writes ``goals-latest.json``;
the burst's figures (bench/burst.py) follow, measured with no bar.
Every goal is a ratio within one run or a bound in ms / MB / s; a benchmark not run is
named, not counted as met.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.common import RESULTS, write_result

# the bars of issue #21 that a benchmark also prints beside its own figures
RESERVER_P99_MS = 8  # /grappe reserver at 100k bookings
GROWTH = 1.5  # reserver's p50, smallest → largest size
MATRIX_RATIO = 1.10  # grappe's median round trip / the bare nio echo bot's


def _goal(name: str, figure: float, bar: float, unit: str = "", *,
          below: bool = False) -> dict[str, Any]:
    met = figure < bar if below else figure <= bar
    return {"goal": name, "figure": round(figure, 2), "bar": bar, "unit": unit, "met": met}


def scale_goals(scale: dict[str, Any]) -> list[dict[str, Any]]:
    largest = max(r["n"] for r in scale["runs"])
    found = []
    for backend in sorted({r["backend"] for r in scale["runs"]}):
        at = {r["n"]: r for r in scale["runs"] if r["backend"] == backend}
        size = 100_000 if 100_000 in at else largest
        found.append(_goal(f"{backend}: /grappe reserver p99 at {size:,} bookings "
                           f"< {RESERVER_P99_MS} ms", at[size]["booking"]["p99"],
                           RESERVER_P99_MS, "ms", below=True))
        smallest = min(at)
        found.append(_goal(f"{backend}: reserver growth {smallest:,} → {largest:,} "
                           f"≤ {GROWTH}×", scale["growth"][backend]["booking_p50"], GROWTH,
                           "x"))
    return found


def matrix_goals(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    return [_goal(f"matrix: grappe median round trip ≤ {MATRIX_RATIO:.2f}× the bare nio "
                  "echo bot", matrix["ratios"]["grappe/nio-echo"]["median"], MATRIX_RATIO,
                  "x")]


def footprint_goals(footprint: dict[str, Any]) -> list[dict[str, Any]]:
    return [_goal("footprint: ready < 1.5 s", footprint["ready_s"]["median"], 1.5, "s",
                  below=True),
            _goal("footprint: RSS at ready < 100 MB (Slack and Matrix)",
                  footprint["rss_at_ready_mb"], 100, "MB", below=True)]


READERS = {"slack_ack": lambda r: list(r["goals"]), "scale": scale_goals,
           "matrix_roundtrip": matrix_goals, "footprint": footprint_goals}


def collect(results: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    goals: list[dict[str, Any]] = []
    missing = []
    for name, read in READERS.items():
        found = results.get(name)
        if found is None:
            missing.append(name)
        else:
            goals += read(found)
    return {"benchmark": "goals", "goals": goals, "not_run": missing,
            "met": sum(g["met"] for g in goals), "total": len(goals)}


def report(summary: dict[str, Any]) -> str:
    lines = [f"  {'met   ' if g['met'] else 'MISSED'} {g['goal']}: {g['figure']}{g['unit']}"
             for g in summary["goals"]]
    lines += [f"  NOT RUN {name}" for name in summary["not_run"]]
    measured = summary.get("measured")
    lines += ["platform limits (measured, no bar):"] + (
        [f"  {name}: {value}" for name, value in measured.items()] if measured
        else ["  NOT RUN burst"])
    return ("issue #21's goals:\n" + "\n".join(lines)
            + f"\n{summary['met']} of {summary['total']} goals met")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    results = {}
    for name in READERS:
        path = args.results / f"{name}-latest.json"
        results[name] = json.loads(path.read_text()) if path.exists() else None
    summary = collect(results)
    burst = args.results / "burst-latest.json"  # measured, the issue sets no bar on it
    summary["measured"] = json.loads(burst.read_text())["figures"] if burst.exists() else None
    print(report(summary))
    print(f"→ {write_result('goals', summary, args.results)}")
    return summary


if __name__ == "__main__":
    main()
