"""Slack ack path: signed ``/grappe demande …`` slash commands over HTTP, grappe vs bare bolt.

    python -m bench.slack_ack [--requests 2000] [--warmup 200] [--concurrency 1,20]

(a) ``grappe serve`` (a subprocess; SQLite; Web API = the local fake of tests/slack) and
(b) a bare slack-bolt ``AsyncApp`` with default settings whose handler only acks (a
subprocess, same fake). The load generator is its own process (``… client``), an aiohttp
client. Server CPU per request comes from /proc/<pid>/stat (utime + stime) around the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import command_acks
from bench.common import machine, summary, table, write_result

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
NADIA = ("U07GRPE031", "nadia")
CLIENT = re.compile(r"Bench (\w+)")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


# --- the load generator (its own process) ---------------------------------------------------

async def load(url: str, count: int, concurrency: int, tag: str) -> dict[str, Any]:
    import aiohttp

    from tests.slack.payloads import body_of, payload, signed

    bodies = []
    for i in range(count):
        body, content_type = body_of("command", payload(
            "slash_command", text=f"demande Bench {tag}x{i} : un devis pour des chaises",
            trigger_id=f"{tag}.{i}.{uuid.uuid4().hex[:8]}", user_id=NADIA[0],
            user_name=NADIA[1]))
        bodies.append(body)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(bodies)

    async def worker(http: aiohttp.ClientSession) -> None:
        for body in queue:
            headers = {"Content-Type": content_type, **signed(body)}
            t0 = time.perf_counter()
            async with http.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return {"latencies": latencies, "elapsed_s": elapsed, "statuses": statuses}


# --- the bare bolt app (its own process) ----------------------------------------------------

async def bare(api_url: str) -> None:
    from aiohttp import web
    from slack_bolt.app.async_app import AsyncApp
    from slack_bolt.app.async_server import AsyncSlackAppServer
    from slack_sdk.web.async_client import AsyncWebClient

    from tests.slack.payloads import SECRET

    token = "xoxb-test-token"
    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=token, base_url=api_url))

    @app.command("/grappe")
    async def only_ack(ack: Any) -> None:
        await ack()

    server = AsyncSlackAppServer(port=0, path="/slack/events", app=app)
    runner = web.AppRunner(server.web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"bare bolt serves HTTP on http://127.0.0.1:{runner.addresses[0][1]}", file=sys.stderr,
          flush=True)
    await asyncio.Event().wait()


# --- the orchestrator -----------------------------------------------------------------------

async def _start(args: list[str], env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str,
                                                                 asyncio.Task[bytes]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, cwd=ROOT, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    stderr = process.stderr

    async def url() -> str:
        while line := (await stderr.readline()).decode():
            if m := re.search(r"serves HTTP on (http://127\.0\.0\.1:\d+)", line):
                return m.group(1)
        raise RuntimeError(f"{args} ended before serving")
    found = await asyncio.wait_for(url(), 60)
    return process, found, asyncio.create_task(stderr.read())


async def _client(url: str, count: int, concurrency: int, tag: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.slack_ack", "client", url, str(count), str(concurrency),
        tag, cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"the load generator failed ({process.returncode})")
    return dict(json.loads(out))


async def _server_runs(name: str, pid: int, url: str, requests: int, warmup: int,
                       concurrencies: list[int]) -> list[dict[str, Any]]:
    await _client(url, warmup, max(concurrencies), f"{name}w")
    runs = []
    for c in concurrencies:
        cpu0 = cpu_seconds(pid)
        got = await _client(url, requests, c, f"{name}c{c}")
        cpu = cpu_seconds(pid) - cpu0
        runs.append({"server": name, "concurrency": c, "ack_ms": summary(got["latencies"]),
                     "rps": len(got["latencies"]) / got["elapsed_s"],
                     "server_cpu_ms_per_request": cpu * 1000 / len(got["latencies"]),
                     "statuses": got["statuses"]})
    return runs


async def _prepare_db(path: Path) -> str:
    from commands.directory.file import load
    from commands.directory.importing import apply
    from storage import migrate
    from storage.db import Database

    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    await migrate.upgrade(db)
    async with db.session() as s:
        await apply(s, load(ROOT / "examples" / "cooperative.toml"))
    await db.dispose()
    return url


async def run(requests: int, warmup: int, concurrencies: list[int],
              card_wait: float = 120, each_command: int = 20) -> dict[str, Any]:
    from tests.slack.fake_slack import FakeSlack
    from tests.slack.payloads import SECRET

    fake = FakeSlack()
    await fake.start()
    runs: list[dict[str, Any]] = []
    cards, backlog_s = False, float("nan")
    sent = warmup + requests * len(concurrencies)
    acks: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="grappe-ack-") as tmp:
            env = {**os.environ, "DATABASE_URL": await _prepare_db(Path(tmp) / "grappe.db"),
                   "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET,
                   "SLACK_API_URL": fake.api_url, "PYTHONPATH": str(ROOT)}
            for name in ("SLACK_APP_TOKEN", "PORT", "GRAPPE_LOCALE"):
                env.pop(name, None)
            servers = {
                "grappe": ["-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
                "bare-bolt": ["-m", "bench.slack_ack", "bare", fake.api_url],
            }
            for name, args in servers.items():
                process, url, rest = await _start(args, env)
                try:
                    runs += await _server_runs(name, process.pid, f"{url}/slack/events",
                                               requests, warmup, concurrencies)
                    if name == "grappe":
                        t0 = time.perf_counter()
                        cards = await _all_cards(fake, sent, card_wait)
                        backlog_s = time.perf_counter() - t0
                        acks = await command_acks.measure(f"{url}/slack/events", each_command)
                finally:
                    await _stop(process)
                    rest.cancel()
    finally:
        await fake.stop()
    return {"benchmark": "slack_ack", "machine": machine(), "requests": requests,
            "warmup": warmup, "runs": runs, "cards_posted": _cards(fake),
            "commands_sent": sent, "cards_complete": cards,
            "card_backlog_s": round(backlog_s, 1),
            "web_api_calls": _by_method(fake),
            "ratios": ratios(runs), "command_acks": acks}


async def _all_cards(fake: Any, sent: int, within: float) -> bool:
    """Wait until every request's card reached the fake (False if not ``within`` seconds).

    The count is kept up to date call by call: the fake checks the condition at every
    call it records, and counting from scratch each time (thousands of calls, each one's
    blocks dumped to JSON) made the fake itself the bottleneck of the delivery.
    """
    counted: set[str] = set()
    seen = 0

    def enough(f: Any) -> bool | None:
        nonlocal seen
        for c in f.calls[seen:]:
            if c.method == "chat.postMessage" and c.delivered and (m := CLIENT.search(c.text())):
                counted.add(m.group(1))
        seen = len(f.calls)
        return len(counted) >= sent or None

    try:
        await fake.wait_for(enough, within)
    except TimeoutError:
        return False
    return True


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()


def _cards(fake: Any) -> int:
    """Distinct requests whose card reached chat.postMessage."""
    return len({m.group(1) for c in fake.delivered("chat.postMessage")
                if (m := CLIENT.search(c.text()))})


def _by_method(fake: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in fake.calls:
        counts[c.method] = counts.get(c.method, 0) + 1
    return counts


def ratios(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """grappe / bare bolt, per concurrency."""
    out: dict[str, dict[str, float]] = {}
    for c in {r["concurrency"] for r in runs}:
        pair = {r["server"]: r for r in runs if r["concurrency"] == c}
        if len(pair) == 2:
            g, b = pair["grappe"], pair["bare-bolt"]
            out[f"c{c}"] = {**{p: round(g["ack_ms"][p] / b["ack_ms"][p], 2)
                               for p in ("p50", "p95", "p99")},
                            "rps": round(g["rps"] / b["rps"], 2),
                            "cpu": round(g["server_cpu_ms_per_request"]
                                         / max(b["server_cpu_ms_per_request"], 1e-9), 2)}
    return out


def report(result: dict[str, Any]) -> str:
    rows = [[r["server"], r["concurrency"], r["ack_ms"]["p50"], r["ack_ms"]["p95"],
             r["ack_ms"]["p99"], r["rps"], r["server_cpu_ms_per_request"]]
            for r in result["runs"]]
    text = table(["server", "conc", "p50 ms", "p95 ms", "p99 ms", "req/s", "cpu ms/req"], rows)
    for c, r in sorted(result["ratios"].items()):
        text += f"\ngrappe/bare {c}: " + ", ".join(f"{k} {v:.2f}x" for k, v in r.items())
    return text + (f"\ncards posted {result['cards_posted']}/{result['commands_sent']} "
                   f"({result['card_backlog_s']} s after the last ack); "
                   f"Web API calls {result['web_api_calls']}"
                   "\n(goals: grappe p50 < bare p50, p99 ≤ bare p99, ≤ 2 ms CPU per command,"
                   " every card posted)") + command_acks.report(result.get("command_acks", []))


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["client"]:
        url, count, concurrency, tag = argv[1], int(argv[2]), int(argv[3]), argv[4]
        print(json.dumps(asyncio.run(load(url, count, concurrency, tag))))
        return None
    if argv[:1] == ["bare"]:
        asyncio.run(bare(argv[1]))
        return None
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", default="1,20")
    parser.add_argument("--card-wait", type=float, default=300,
                        help="seconds to wait for the cards after the last ack")
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.requests, args.warmup,
                             [int(c) for c in args.concurrency.split(",")], args.card_wait))
    print(report(result))
    print(f"→ {write_result('slack_ack', result, args.results)}")
    return result


if __name__ == "__main__":
    main()
