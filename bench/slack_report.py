"""What ``bench.slack_ack`` found: the ratios between the servers, issue #21's goals met or
missed, and the printed report."""

from __future__ import annotations

from typing import Any

from bench import command_acks
from bench.common import table


def _run(result: dict[str, Any], server: str, backend: str, c: int) -> dict[str, Any]:
    return next(r for r in result["runs"]
                if (r["server"], r["backend"], r["concurrency"]) == (server, backend, c))


def ratios(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """grappe / bare bolt and grappe / floor, per backend and concurrency."""
    out: dict[str, dict[str, float]] = {}
    for backend, c in sorted({(r["backend"], r["concurrency"]) for r in runs}):
        by = {r["server"]: r for r in runs if (r["backend"], r["concurrency"]) == (backend, c)}
        g = by["grappe"]
        for other in ("bare-bolt", "floor", "before"):
            if other in by:
                o = by[other]
                out[f"{backend} c{c} grappe/{other}"] = {
                    **{p: round(g["ack_ms"][p] / o["ack_ms"][p], 2) for p in ("p50", "p99")},
                    "rps": round(g["rps"] / o["rps"], 2),
                    "rps delivered": round(_delivered(g) / _delivered(o), 2),
                    "cpu": round(g["server_cpu_ms_per_request"]
                                 / max(o["server_cpu_ms_per_request"], 1e-9), 2)}
    return out


def _delivered(run: dict[str, Any]) -> float:
    """Commands per second until their cards were posted (the ack rate for bare bolt, which
    posts none; for a run made before the cards were waited for)."""
    return float(run.get("rps_delivered") or run["rps"])


def goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #21's Slack goals, each with its figure and whether this run met it."""
    found = []

    def goal(name: str, figure: float, bar: float, unit: str = "") -> None:
        found.append({"goal": name, "figure": round(figure, 2), "bar": bar, "unit": unit,
                      "met": figure <= bar})

    low = min(r["concurrency"] for r in result["runs"])
    high = max(r["concurrency"] for r in result["runs"])
    for backend in sorted({r["backend"] for r in result["runs"]}):
        g1, b1 = _run(result, "grappe", backend, low), _run(result, "bare-bolt", backend, low)
        gh, fh = _run(result, "grappe", backend, high), _run(result, "floor", backend, high)
        goal(f"{backend} c{low}: grappe p50 / bare p50 < 1", g1["ack_ms"]["p50"]
             / b1["ack_ms"]["p50"], 0.999, "x")
        goal(f"{backend} c{low}: grappe p99 / bare p99 ≤ 1.2", g1["ack_ms"]["p99"]
             / b1["ack_ms"]["p99"], 1.2, "x")
        goal(f"{backend} c{high}: floor req/s / grappe req/s ≤ 1.5 (cards posted)",
             _delivered(fh) / _delivered(gh), 1.5, "x")
        goal(f"{backend} c{high}: grappe p99 ≤ 100 ms", gh["ack_ms"]["p99"], 100, "ms")
        goal(f"{backend} c{high}: grappe CPU / floor CPU ≤ 1.5", gh["server_cpu_ms_per_request"]
             / max(fh["server_cpu_ms_per_request"], 1e-9), 1.5, "x")
        goal(f"{backend}: cards not posted", result["commands_sent"]
             - result["cards_posted"].get(backend, 0), 0)
        for ack in result["command_acks"].get(backend, []):
            goal(f"{backend}: {ack['command']} ack p99 ≤ 50 ms", ack["ack_ms"]["p99"], 50, "ms")
    return found


def report(result: dict[str, Any]) -> str:
    rows = [[r["backend"], r["server"], r["concurrency"], r["ack_ms"]["p50"],
             r["ack_ms"]["p95"], r["ack_ms"]["p99"], r["rps"], _delivered(r),
             r.get("delivery_lag_s"), r["server_cpu_ms_per_request"]]
            for r in result["runs"]]
    text = table(["db", "server", "conc", "p50 ms", "p95 ms", "p99 ms", "req/s",
                  "req/s posted", "lag s", "cpu ms/req"], rows)
    for key, r in result["ratios"].items():
        text += f"\n{key}: " + ", ".join(f"{k} {v:.2f}x" for k, v in r.items())
    text += (f"\ncards posted {result['cards_posted']} of {result['commands_sent']} per "
             f"backend ({result['card_backlog_s']} s after the last ack); "
             f"Web API calls {result['web_api_calls']}")
    for backend, acks in result["command_acks"].items():
        text += f"\n[{backend}]" + command_acks.report(acks)
    text += command_acks.compare_report(result.get("command_compare", []))
    missed = [g for g in result["goals"] if not g["met"]]
    text += "\ngoals:\n" + "\n".join(
        f"  {'met   ' if g['met'] else 'MISSED'} {g['goal']}: {g['figure']}{g['unit']}"
        for g in result["goals"])
    return text + f"\n{len(result['goals']) - len(missed)} of {len(result['goals'])} goals met"
