"""Footprint: RSS of ``grappe run`` with Slack and Matrix connected, and its time to ready.

    python -m bench.footprint [--starts 5] [--commands 50]

``grappe run`` (a subprocess, SQLite, the example cooperative) with Slack's Web API
pointed at the local fake of tests/slack (events over HTTP: ``GRAPPE_SERVE_HTTP``) and
Matrix at a real Synapse (tests/matrix/synapse.py). *Ready* is the log line ``grappe is
running on slack, matrix`` (written once both adapters are connected and the HTTP
endpoints listen); ``/readyz`` is asked right after it and must answer 200. The process is
started ``--starts`` times (SIGTERM between); the last start then handles ``--commands``
Matrix round trips and as many Slack slash commands before its RSS is read again. The
import time of what ``grappe run`` loads comes from ``python -X importtime``.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import Child, machine, main_of, rss_mb, sqlite_url, summary, table
from bench.matrix_roundtrip import (
    MEMBER,
    Bot,
    direct_room,
    grappe_child,
    grappe_env,
    round_trip,
    start_synapse,
)
from bench.slack_ack import prepare_db

READY = r"grappe is running on (.+)$"
SERVES = r"serves HTTP on (http://127\.0\.0\.1:\d+)"
GOALS = {"rss_mb": 100, "ready_s": 1.5}


async def _ask(url: str) -> tuple[int, dict[str, Any]]:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, dict(await response.json())


async def start_once(env: dict[str, str], args: list[str] | None = None) -> dict[str, Any]:
    """Start ``grappe run``; seconds to ready, RSS then, /readyz; then stop it."""
    child = grappe_child(env)
    if args is not None:
        child.args, child.keep = [sys.executable, *args], 100_000
    await child.start()
    try:
        found, ready_s = await child.wait_line(READY)
        rss = rss_mb(child.pid)
        url = (await child.wait_line(SERVES, within=5))[0].group(1)
        status, report = await _ask(f"{url}/readyz")
        return {"ready_s": ready_s, "platforms": found.group(1), "rss_mb": rss,
                "readyz": status, "readyz_report": report, "child": child, "url": url}
    except BaseException:
        await child.stop()
        raise


async def stop(child: Child) -> dict[str, Any]:
    """SIGTERM, as a process manager stops grappe: its exit code and whether it printed a
    traceback (a clean stop exits 0 with none, load or not)."""
    code = await child.stop()
    return {"exit": code, "traceback": any("Traceback" in line for line in child.lines)}


async def workload(started: dict[str, Any], synapse: Any, fake: Any,
                   commands: int) -> dict[str, Any]:
    """``commands`` Matrix round trips and ``commands`` Slack slash commands."""
    import aiohttp

    from tests.matrix.harness import password, user
    from tests.matrix.members import Member
    from tests.slack.payloads import body_of, payload, signed

    child: Child = started["child"]
    member = Member(synapse.url, user(MEMBER), password(MEMBER))
    await member.start()
    try:
        bot = Bot("grappe", child, user("grappe"))
        bot.room = await direct_room(member, bot.user_id)
        matrix_ms = [await round_trip(member, bot) for _ in range(commands)]
    finally:
        await member.stop()
    before = len(fake.calls)
    slack_ms = []
    async with aiohttp.ClientSession() as http:
        for i in range(commands):
            body, content_type = body_of("command", payload(
                "slash_command", text="reservations", user_id="U07GRPE031",
                user_name="nadia", trigger_id=f"fp.{i}.{uuid.uuid4().hex[:8]}"))
            t0 = time.perf_counter()
            async with http.post(f"{started['url']}/slack/events", data=body.encode(),
                                 headers={"Content-Type": content_type, **signed(body)}) as r:
                await r.read()
                assert r.status == 200, r.status
            slack_ms.append((time.perf_counter() - t0) * 1000)
    try:
        await fake.wait_for(lambda f: len(f.calls) - before >= commands or None, 60)
    except TimeoutError:
        pass
    return {"matrix_round_trip_ms": summary(matrix_ms), "slack_ack_ms": summary(slack_ms),
            "slack_answers": len(fake.calls) - before,
            "rss_mb": rss_mb(child.pid), "peak_rss_mb": rss_mb(child.pid, "VmHWM")}


def import_times(stderr: list[str], top: int = 12) -> dict[str, Any]:
    """``-X importtime`` lines → the total and the heaviest top-level packages (ms)."""
    by_package: dict[str, float] = {}
    total = 0.0
    for line in stderr:
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        self_us, name = int(m.group(1)), m.group(4)
        total += self_us
        root = name.split(".")[0]
        by_package[root] = by_package.get(root, 0.0) + self_us
    heaviest = sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
    return {"total_ms": round(total / 1000, 1), "packages": len(by_package),
            "packages_ms": {k: round(v / 1000, 1) for k, v in heaviest},
            "all_packages": sorted(by_package)}


async def run(starts: int, commands: int) -> dict[str, Any]:
    from tests.slack.fake_slack import FakeSlack
    from tests.slack.payloads import SECRET

    fake = FakeSlack()
    await fake.start()
    with tempfile.TemporaryDirectory(prefix="grappe-fp-") as tmp:
        folder = Path(tmp)
        (folder / "synapse").mkdir()
        synapse = await start_synapse(folder / "synapse")
        try:
            env = grappe_env(await prepare_db(sqlite_url(folder / "grappe.db")), synapse.url,
                             SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SECRET,
                             SLACK_API_URL=fake.api_url, GRAPPE_SERVE_HTTP="1",
                             GRAPPE_HOST="127.0.0.1", PORT="0")
            # the first start logs in and migrates nothing new; every later one is a restart
            stops: list[dict[str, Any]] = []
            first = await start_once(env)
            stops.append(await stop(first.pop("child")))
            runs = []
            for i in range(starts):
                started = await start_once(env)
                child = started.pop("child")
                if i < starts - 1:
                    stops.append(await stop(child))
                else:
                    started["child"] = child
                runs.append(started)
            last = runs[-1]
            try:
                load = await workload(last, synapse, fake, commands)
            finally:
                stops.append(await stop(last.pop("child")))
            profiled = await start_once(env, ["-X", "importtime", "-m", "bot.cli", "run"])
            lines = profiled["child"].lines
            await profiled.pop("child").stop()
            imports = import_times(lines)
        finally:
            await asyncio.to_thread(synapse.stop)
            await fake.stop()
    ready = [r["ready_s"] for r in runs]
    return {"benchmark": "footprint", "machine": machine(), "starts": starts,
            "commands": commands, "goals": GOALS, "first_start_ready_s": first["ready_s"],
            "ready_s": {"median": statistics.median(ready), "max": max(ready), "all": ready},
            "rss_at_ready_mb": statistics.median(r["rss_mb"] for r in runs),
            "readyz": [r["readyz"] for r in runs], "platforms": runs[-1]["platforms"],
            "after_load": load, "imports": imports, "stops": stops}


def report(result: dict[str, Any]) -> str:
    load = result["after_load"]
    rows = [["start → ready (median)", f"{result['ready_s']['median']:.2f} s",
             f"< {GOALS['ready_s']} s"],
            ["start → ready (max)", f"{result['ready_s']['max']:.2f} s", ""],
            ["RSS at ready", f"{result['rss_at_ready_mb']:.1f} MB", f"< {GOALS['rss_mb']} MB"],
            [f"RSS after {result['commands']} + {result['commands']} commands",
             f"{load['rss_mb']:.1f} MB", f"< {GOALS['rss_mb']} MB"],
            ["peak RSS", f"{load['peak_rss_mb']:.1f} MB", ""],
            ["imports (-X importtime, sum of self)", f"{result['imports']['total_ms']:.0f} ms",
             ""]]
    text = table(["grappe run (" + result["platforms"] + ")", "value", "goal"], rows)
    text += "\nheaviest imports (ms): " + ", ".join(
        f"{k} {v:.0f}" for k, v in result["imports"]["packages_ms"].items())
    text += (f"\n/readyz after the ready line: {result['readyz']}; Matrix round trip p50 "
             f"{load['matrix_round_trip_ms']['p50']:.1f} ms, Slack ack p50 "
             f"{load['slack_ack_ms']['p50']:.1f} ms, Slack answers {load['slack_answers']}")
    stops = result["stops"]
    text += (f"\nSIGTERM: {len(stops)} stops (the last after the load), exit codes "
             f"{sorted({s['exit'] for s in stops})}, "
             f"{sum(s['traceback'] for s in stops)} with a traceback")
    return text


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return main_of("footprint", __doc__, argv, run, report, starts=5, commands=50)


if __name__ == "__main__":
    main()
