"""Slack ack path: signed ``/grappe demande …`` slash commands over HTTP, interleaved on
``grappe serve``, the floor (``bench.floor``) and a bare bolt ``AsyncApp`` that only acks,
each a subprocess on the local fake Web API of tests/slack, loaded by a client process.

    python -m bench.slack_ack [--requests 2000] [--warmup 200] [--concurrency 1,20]

Server CPU per request comes from /proc/<pid>/stat (utime + stime) around each chunk of
the run and the delivery of its cards (``bench.slack_cards``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bench import command_acks, slack_report
from bench.common import cpu_seconds, machine, sqlite_url, summary, write_result
from bench.slack_cards import POSTING, Cards, posted

ROOT = Path(__file__).resolve().parent.parent
SERVE = ["-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0"]  # grappe, over HTTP
NADIA = ("U07GRPE031", "nadia")


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
    return await _served(process, args)


async def _served(process: asyncio.subprocess.Process, args: list[str]) -> tuple[
        asyncio.subprocess.Process, str, asyncio.Task[bytes]]:
    """The URL a server process prints when it serves, and a task reading the rest."""
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


async def _interleaved(servers: dict[str, tuple[int, str]], requests: int, warmup: int,
                       concurrencies: list[int], backend: str, cards: Cards, within: float,
                       rounds: int = 4) -> list[dict[str, Any]]:
    """Each server's runs at each concurrency, in ``rounds`` chunks taken in turn (the order
    rotates), so that the machine's noise falls on every server alike. A chunk ends when
    its cards are posted: its CPU and its ``delivery_lag_s`` count their delivery."""
    async def chunk(name: str, size: int, c: int, tag: str) -> dict[str, Any]:
        pid, url = servers[name]
        cpu0 = cpu_seconds(pid)
        one = await _client(url, size, c, tag)
        acked = one["statuses"].get("200", 0)  # one refused (the floor's "database is locked")
        lag = await cards.wait(f"{tag}x", acked, within) if name in POSTING else 0.0  # posts none
        return {**one, "cpu": cpu_seconds(pid) - cpu0, "lag": lag}

    for name in servers:
        await chunk(name, warmup, max(concurrencies), f"{backend[:2]}{name[:2]}w")
    runs = []
    names = list(servers)
    for c in concurrencies:
        got: dict[str, dict[str, Any]] = {n: {"latencies": [], "elapsed_s": 0.0, "cpu": 0.0,
                                              "lag": 0.0, "statuses": {}} for n in names}
        chunks = [requests // rounds + (1 if i < requests % rounds else 0)
                  for i in range(rounds)]
        for i, size in enumerate(c for c in chunks if c):
            for name in names[i % len(names):] + names[:i % len(names)]:
                one = await chunk(name, size, c, f"{backend[:2]}{name[:2]}c{c}r{i}")
                into = got[name]
                into["cpu"] += one["cpu"]
                into["lag"] = None if one["lag"] is None or into["lag"] is None else (
                    into["lag"] + one["lag"])
                into["latencies"] += one["latencies"]
                into["elapsed_s"] += one["elapsed_s"]
                for status, n in one["statuses"].items():
                    into["statuses"][status] = into["statuses"].get(status, 0) + n
        for name in names:
            g = got[name]
            n = len(g["latencies"])
            lag = g["lag"]
            runs.append({"server": name, "backend": backend, "concurrency": c,
                         "ack_ms": summary(g["latencies"]), "rps": n / g["elapsed_s"],
                         "server_cpu_ms_per_request": g["cpu"] * 1000 / n,
                         "delivery_lag_s": None if lag is None else round(lag, 2),
                         "rps_delivered": None if lag is None else n / (g["elapsed_s"] + lag),
                         "statuses": g["statuses"]})
    return runs


async def prepare_db(url: str) -> str:
    from commands.directory.file import load
    from commands.directory.importing import apply
    from storage import migrate
    from storage.db import Database

    db = Database(url)
    await migrate.upgrade(db)
    async with db.session() as s:
        await apply(s, load(ROOT / "examples" / "cooperative.toml"))
    await db.dispose()
    return url


def pg_url() -> str | None:
    return os.environ.get("GRAPPE_BENCH_DATABASE_URL") or os.environ.get(
        "GRAPPE_TEST_DATABASE_URL")


@contextlib.asynccontextmanager
async def _databases(backend: str, tmp: Path) -> AsyncIterator[tuple[str, str]]:
    """A database for grappe and one for the floor: SQLite files, or fresh PostgreSQL
    databases dropped afterwards (never the configured one itself)."""
    if backend == "sqlite":
        yield sqlite_url(tmp / "grappe.db"), sqlite_url(tmp / "floor.db")
        return
    from sqlalchemy import make_url, text
    from sqlalchemy.ext.asyncio import create_async_engine

    base = make_url(pg_url() or "")
    names = [f"bench_{uuid.uuid4().hex[:10]}", f"bench_{uuid.uuid4().hex[:10]}"]
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            for name in names:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
        urls = [base.set(database=n).render_as_string(hide_password=False) for n in names]
        yield urls[0], urls[1]
    finally:
        async with admin.connect() as conn:
            for name in names:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def run(requests: int, warmup: int, concurrencies: list[int],
              card_wait: float = 120, each_command: int = 20,
              backends: list[str] | None = None,
              compare: Path | None = None) -> dict[str, Any]:
    """``compare``: another checkout of grappe (an earlier commit), served beside this
    one as "before" on SQLite, for a before/after within one run."""
    from tests.slack.fake_slack import FakeSlack
    from tests.slack.payloads import SECRET

    backends = backends or ["sqlite", *(["postgresql"] if pg_url() else [])]
    fake = FakeSlack()
    await fake.start()
    runs: list[dict[str, Any]] = []
    counted = Cards(fake)
    cards: dict[str, bool] = {}
    backlog: dict[str, float] = {}
    acks: dict[str, list[dict[str, Any]]] = {}
    sent = warmup + requests * len(concurrencies)
    try:
        for backend in backends:
            with tempfile.TemporaryDirectory(prefix="grappe-ack-") as tmp:
                async with _databases(backend, Path(tmp)) as (grappe_db, floor_db):
                    env = {**os.environ, "DATABASE_URL": await prepare_db(grappe_db),
                           "SLACK_BOT_TOKEN": "xoxb-test-token",
                           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
                           "PYTHONPATH": str(ROOT)}
                    for name in ("SLACK_APP_TOKEN", "PORT", "GRAPPE_LOCALE"):
                        env.pop(name, None)
                    servers = {
                        "grappe": SERVE,
                        "floor": ["-m", "bench.floor", fake.api_url, floor_db],
                        "bare-bolt": ["-m", "bench.slack_ack", "bare", fake.api_url],
                    }
                    async with _serving() as started:
                        for name, args in servers.items():
                            started[name] = await _start(args, env)
                        if compare is not None and backend == "sqlite":
                            started["before"] = await _start_other(compare, Path(tmp), env)
                        runs += await _interleaved(
                            {n: (p.pid, f"{url}/slack/events")
                             for n, (p, url, _) in started.items()},
                            requests, warmup, concurrencies, backend, counted, card_wait)
                        late = await counted.wait(f"{backend[:2]}gr", sent, card_wait)
                        cards[backend] = late is not None
                        backlog[backend] = round(late or card_wait, 1)
            acks[backend] = await _each_command(backend, env, each_command)
        compared = [] if compare is None else await _compared(env, compare, 50)
    finally:
        await fake.stop()
    result: dict[str, Any] = {
            "benchmark": "slack_ack", "machine": machine(), "requests": requests,
            "warmup": warmup, "runs": runs, "cards_posted": posted(fake),
            "commands_sent": sent, "cards_complete": cards, "card_backlog_s": backlog,
            "web_api_calls": dict(Counter(c.method for c in fake.calls)),
            "ratios": slack_report.ratios(runs), "command_acks": acks,
            "command_compare": compared}
    result["goals"] = slack_report.goals(result)
    return result


async def _start_other(checkout: Path, tmp: Path, env: dict[str, str]) -> tuple[
        asyncio.subprocess.Process, str, asyncio.Task[bytes]]:
    """``grappe serve`` of another checkout, on a database made by its own code (its
    migrations, its example directory)."""
    other = {**env, "PYTHONPATH": str(checkout),
             "DATABASE_URL": sqlite_url(tmp / "before.db")}
    for step in (["db", "upgrade"],
                 ["directory", "import", str(checkout / "examples" / "cooperative.toml")]):
        done = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", *step, env=other, cwd=checkout,
            stdout=asyncio.subprocess.DEVNULL)
        if await done.wait():
            raise RuntimeError(f"{checkout}: {' '.join(step)} failed")
    process = await asyncio.create_subprocess_exec(
        sys.executable, *SERVE, env=other, cwd=checkout, stderr=asyncio.subprocess.PIPE)
    return await _served(process, ["before"])


async def _each_command(backend: str, env: dict[str, str], each: int) -> list[dict[str, Any]]:
    """``bench.command_acks`` on a grappe of its own, on a new database with the example
    cooperative: each command at the size a cluster has, not after the thousands of
    requests the load left open (how figures grow with the data is ``bench.scale``'s)."""
    with tempfile.TemporaryDirectory(prefix="grappe-acks-") as tmp:
        async with _databases(backend, Path(tmp)) as (url, _), _serving() as started:
            process, served, _ = started["grappe"] = await _start(
                SERVE, {**env, "DATABASE_URL": await prepare_db(url)})
            return await command_acks.measure(f"{served}/slack/events", each, process.pid)


async def _compared(env: dict[str, str], checkout: Path, each: int) -> list[dict[str, Any]]:
    """``bench.command_acks.compare``: grappe and ``checkout``, each on a new SQLite
    database of its own code, the same commands interleaved."""
    with tempfile.TemporaryDirectory(prefix="grappe-cmp-") as tmp:
        async with _serving() as started:
            started["grappe"] = await _start(SERVE, {
                **env, "DATABASE_URL": await prepare_db(sqlite_url(Path(tmp) / "g.db"))})
            started["before"] = await _start_other(checkout, Path(tmp), env)
            return await command_acks.compare(
                {name: f"{url}/slack/events" for name, (_, url, _) in started.items()}, each)


Served = tuple[asyncio.subprocess.Process, str, "asyncio.Task[bytes]"]


@contextlib.asynccontextmanager
async def _serving() -> AsyncIterator[dict[str, Served]]:
    """The servers started into the dict it gives, each stopped when the block ends."""
    started: dict[str, Served] = {}
    try:
        yield started
    finally:
        for process, _, rest in started.values():
            await _stop(process)
            rest.cancel()


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()


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
    parser.add_argument("--compare", type=Path, default=None,
                        help="another checkout of grappe, served beside this one as "
                             "\"before\" (SQLite)")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.requests, args.warmup,
                             [int(c) for c in args.concurrency.split(",")], args.card_wait,
                             compare=args.compare))
    print(slack_report.report(result))
    print(f"→ {write_result('slack_ack', result, args.results)}")
    return result


if __name__ == "__main__":
    main()
