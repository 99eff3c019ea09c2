"""A smoke of each benchmark at tiny sizes: it runs and produces its figures.

Speed is never asserted here: `make bench` measures, with the full sizes.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from bench import scale
from bench.common import percentile, write_result
from tests.conftest import PG_URL

BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0


async def test_scale_fills_the_database_and_measures_every_path(tmp_path: Path) -> None:
    result = await scale.run([200, 400], bookings=4, repeat=1, backends=BACKENDS)
    assert [(r["backend"], r["n"]) for r in result["runs"]] == [
        (b, n) for b in BACKENDS for n in (200, 400)]
    first = result["runs"][0]
    assert first["rows"] == {"bookings": 200, "requests": 40, "consultations": 200,
                             "answers": 400}
    for run in result["runs"]:
        for path in ("booking", "booking_repo", "agenda_week", "digest", "requests_list"):
            assert run[path]["n"] >= 1
            assert math.isfinite(run[path]["p99"])
            assert run[path]["p99"] > 0
    assert set(result["growth"]) == set(BACKENDS)
    assert result["machine"]["cores"] >= 1
    if PG_URL:
        assert result["machine"]["postgresql"]
    written = write_result("scale", result, tmp_path)
    assert json.loads(written.read_text())["benchmark"] == "scale"
    assert "growth sqlite" in scale.report(result)


@pytest.mark.parametrize("count", [1, 30])
def test_booking_lines_are_distinct_working_hours(count: int) -> None:
    lines = scale.booking_lines(count)
    assert len(lines) == len(set(lines)) == count


async def test_slack_ack_drives_grappe_the_floor_and_bare_bolt_and_every_card_arrives(
) -> None:
    from bench import command_acks, slack_ack, slack_report

    result = await slack_ack.run(requests=6, warmup=2, concurrencies=[1, 3], each_command=2,
                                 backends=["sqlite"])
    assert sorted((r["server"], r["concurrency"]) for r in result["runs"]) == sorted(
        (server, c) for server in ("grappe", "floor", "bare-bolt") for c in (1, 3))
    for run in result["runs"]:
        assert run["statuses"] == {"200": 6}
        assert run["ack_ms"]["n"] == 6
        assert run["rps"] > 0
        assert run["server_cpu_ms_per_request"] >= 0
    assert result["cards_complete"] == {"sqlite": True}
    assert result["cards_posted"] == {"sqlite": result["commands_sent"]}
    assert result["commands_sent"] == 2 * 1 + 6 * 2  # grappe's warm-up and its runs
    assert {"sqlite c1 grappe/bare-bolt", "sqlite c3 grappe/floor"} <= set(result["ratios"])
    printed = slack_report.report(result)
    assert "sqlite c1 grappe/bare-bolt" in printed
    assert "goals met" in printed
    assert {g["goal"] for g in result["goals"]} >= {
        "sqlite c1: grappe p50 / bare p50 < 1", "sqlite c3: grappe p99 ≤ 100 ms"}
    # the ack of every command of the help, the slow ones (a chart, the digest) included
    acks = {a["command"]: a for a in result["command_acks"]["sqlite"]}
    assert len(acks) == len(command_acks.COMMANDS)
    assert {"resume apercu", "resume", "synthese R-1", "temps R-1 0,5 j"} <= set(acks)
    assert all(a["statuses"] == [200] and a["ack_ms"]["n"] == 2 for a in acks.values())
    p99s = [a["ack_ms"]["p99"] for a in result["command_acks"]["sqlite"]]
    assert p99s == sorted(p99s, reverse=True)  # the slowest first
    assert "slowest ack: " in printed


async def test_compare_interleaves_the_same_commands_on_grappe_and_an_earlier_checkout(
        ) -> None:
    """``--compare DIR``'s whole commands, with this checkout as its own "before"."""
    from bench import command_acks, slack_ack
    from tests.slack.fake_slack import FakeSlack
    from tests.slack.payloads import SECRET

    fake = FakeSlack()
    await fake.start()
    try:
        env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test-token",
               "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
               "PYTHONPATH": str(slack_ack.ROOT)}
        rows = await slack_ack._compared(env, slack_ack.ROOT, 2)
    finally:
        await fake.stop()
    assert [(r["command"], r["server"]) for r in rows] == [
        (c, s) for c in ("demande", "reserver") for s in ("grappe", "before")]
    assert all(r["statuses"] == [200] and r["ack_ms"]["n"] == 2 for r in rows)
    assert "× before" in command_acks.compare_report(rows)
    assert command_acks.compare_report([]) == ""


def test_the_ack_table_holds_every_command_of_the_help() -> None:
    from bench import command_acks
    from bot.features import registry

    measured = {registry().match(text)[0].name for text, _ in command_acks.COMMANDS
                if registry().match(text)}
    assert measured == {c.name for c in registry().commands if not c.hidden}


def _needs_synapse() -> None:
    from tests.matrix.synapse import PYTHON

    if not PYTHON.exists():
        if os.environ.get("GRAPPE_SKIP_SYNAPSE"):
            pytest.skip(f"{PYTHON} is missing and GRAPPE_SKIP_SYNAPSE is set")
        pytest.fail(f"{PYTHON} is missing: run `make synapse` (`make test` does)")


async def test_matrix_round_trip_times_grappe_and_the_bare_echo_bot() -> None:
    from bench import matrix_roundtrip

    _needs_synapse()
    result = await matrix_roundtrip.run(rounds=2, warmup=1, opsdroid=False)
    assert [r["bot"] for r in result["runs"]] == ["grappe", "nio-echo"]
    for run in result["runs"]:
        assert run["round_trip_ms"]["n"] == 2
        assert run["median_ms"] > 0
        assert run["cpu_ms_per_round_trip"] >= 0
        assert run["rss_mb"] > 0
    assert set(result["ratios"]) == {"grappe/nio-echo"}
    assert result["synapse_cpu_ms_per_round_trip"] > 0
    assert "grappe/nio-echo" in matrix_roundtrip.report(result)


async def test_footprint_starts_grappe_on_slack_and_matrix_until_ready() -> None:
    from bench import footprint

    _needs_synapse()
    result = await footprint.run(starts=1, commands=1)
    assert result["platforms"] == "slack, matrix"
    assert result["readyz"] == [200]
    assert result["ready_s"]["median"] > 0
    assert result["rss_at_ready_mb"] > 0
    load = result["after_load"]
    assert load["matrix_round_trip_ms"]["n"] == load["slack_ack_ms"]["n"] == 1
    assert load["slack_answers"] >= 1
    assert load["peak_rss_mb"] >= load["rss_mb"] > 0
    assert result["imports"]["total_ms"] > 0
    assert "start → ready" in footprint.report(result)
    # SIGTERM on `grappe run` with Slack and Matrix connected (the first start, then after
    # commands): a clean stop each time
    assert [(s["exit"], s["traceback"]) for s in result["stops"]] == [(0, False)] * 2


def test_the_goals_are_read_from_each_benchmark_and_one_not_run_is_named(
        tmp_path: Path) -> None:
    from bench import goals

    def run(**figures: float) -> dict[str, object]:
        return {"runs": [{"backend": "sqlite", "n": n, "booking": {"p99": p99}}
                         for n, p99 in ((10_000, 5.0), (100_000, figures["p99"]))],
                "growth": {"sqlite": {"booking_p50": figures["growth"]}}}

    summary = goals.collect({
        "scale": run(p99=7.9, growth=1.6),
        "matrix_roundtrip": {"ratios": {"grappe/nio-echo": {"median": 1.1}}},
        "footprint": {"ready_s": {"median": 1.5}, "rss_at_ready_mb": 99.0},
        "slack_ack": {"goals": [{"goal": "x", "figure": 2.0, "bar": 1.0, "unit": "x",
                                 "met": False}]}})
    met = {g["goal"]: g["met"] for g in summary["goals"]}
    assert met == {
        "sqlite: /grappe reserver p99 at 100,000 bookings < 8 ms": True,
        "sqlite: reserver growth 10,000 → 100,000 ≤ 1.5×": False,
        "matrix: grappe median round trip ≤ 1.10× the bare nio echo bot": True,
        "footprint: ready < 1.5 s": False,  # 1.5 is not below 1.5
        "footprint: RSS at ready < 100 MB (Slack and Matrix)": True,
        "x": False}
    assert (summary["met"], summary["total"]) == (3, 6)
    alone = goals.collect({"footprint": {"ready_s": {"median": 1.0}, "rss_at_ready_mb": 50}})
    assert alone["not_run"] == ["slack_ack", "scale", "matrix_roundtrip"]
    assert "NOT RUN scale" in goals.report(alone)
    assert goals.main(["--results", str(tmp_path)])["not_run"] == list(goals.READERS)
    assert (tmp_path / "goals-latest.json").exists()
    assert "NOT RUN burst" in goals.report(goals.main(["--results", str(tmp_path)]))


def test_the_burst_figures_come_from_the_burst_tests_section(tmp_path: Path) -> None:
    """bench/burst.py reads what the burst tests put (they run in `make test` already)."""
    from bench import burst, goals

    for test in burst.TESTS:  # each puts its figures in the section burst.py reads
        assert "figures.PLATFORM_LIMITS" in (burst.ROOT / test).read_text(), test
    (tmp_path / "burst-latest.json").write_text(
        '{"figures": {"slack: Web API calls until the final card": 41}}')
    summary = goals.main(["--results", str(tmp_path)])
    assert "slack: Web API calls until the final card: 41" in goals.report(summary)


async def test_collector_times_full_collections_settled_and_not() -> None:
    import gc

    from bench import collector

    result = await collector.run(rounds=1, each=1, bookings=50)
    assert gc.get_freeze_count() == 0  # the test's process is given back unfrozen
    assert set(result["modes"]) == {"settled", "unsettled"}
    for mode in result["modes"].values():
        assert mode["acks_ms"]["n"] == len(collector.COMMANDS)
        assert mode["pause_ms"]["n"] == mode["full_collections"]
    assert "full collections" in collector.report(result)
