"""Scale: grappe's hot paths on a database holding N bookings, N/5 requests and 2N answers.

    python -m bench.scale [--sizes 10000,100000] [--bookings 200] [--repeat 20]
                          [--backend sqlite|postgresql|both] [--profile]

PostgreSQL runs when GRAPPE_BENCH_DATABASE_URL (or GRAPPE_TEST_DATABASE_URL) is set, in a
fresh schema dropped afterwards. The data is history at a constant density (24 bookings,
~5 requests and ~48 answers a day): ten times N is ten times as many years, not a busier
week, so the week's agenda and the digest should not grow with N.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, text
from sqlmodel import col, select

from bench.common import machine, sqlite_url, summary, table, write_result
from bench.goals import GROWTH, RESERVER_P99_MS
from bot import features
from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter, parse_line
from bot.runner import settle
from commands.dates.business_hours import is_business_day
from commands.digest.sections import DigestWeek, build
from commands.directory.file import load
from commands.directory.importing import apply
from commands.events import Inbound
from storage import migrate
from storage.db import Database
from storage.models import Answer, Booking, Consultation, Enterprise, Person, Request, Resource
from storage.repo import bookings as booking_repo
from storage.repo import directory as dir_repo

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cooperative.toml"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday, 10:00 in Paris
PARIS = ZoneInfo("Europe/Paris")
SLOTS = ((8, 10), (10, 12), (14, 16), (16, 18))  # local hours of the filled bookings
BATCH = 5000
GOALS = {"booking_p99_ms": 10.0, "digest_ms": 300.0, "growth": 1.5}


def pg_url() -> str | None:
    return os.environ.get("GRAPPE_BENCH_DATABASE_URL") or os.environ.get(
        "GRAPPE_TEST_DATABASE_URL")


@asynccontextmanager
async def database(backend: str, workdir: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        path = workdir / f"scale-{uuid.uuid4().hex[:8]}.db"
        db = Database(sqlite_url(path))
        try:
            await migrate.upgrade(db)
            yield db
        finally:
            await db.dispose()
            _remove(path)
        return
    url = pg_url()
    assert url, "PostgreSQL needs GRAPPE_BENCH_DATABASE_URL or GRAPPE_TEST_DATABASE_URL"
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await migrate.upgrade(db)
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(UTC)


async def fill(db: Database, n: int) -> dict[str, int]:
    """The example cooperative, then N bookings, N/5 requests (5 consultations each) and
    2N answers, inserted in bulk through the models."""
    async with db.session() as s:
        await apply(s, load(EXAMPLE))
    async with db.session(read_only=True) as s:
        resources = [r.id or 0 for r in await s.exec(select(Resource).order_by(col(Resource.id)))]
        people = [(p.id or 0, p.enterprise_id) for p in await s.exec(
            select(Person).where(col(Person.enterprise_id).is_not(None)).order_by(col(Person.id)))]
        enterprises = [e.id or 0 for e in await s.exec(
            select(Enterprise).order_by(col(Enterprise.id)))]
    per_day = len(resources) * len(SLOTS)
    today = NOW.astimezone(PARIS).date()
    future_days = 7  # the coming week is as busy as any other
    rows: list[dict[str, Any]] = []
    for i in range(n):
        d, slot = divmod(i, per_day)
        day = today + timedelta(days=d + 1) if d < future_days else today - timedelta(
            days=d - future_days + 1)
        start, end = SLOTS[slot % len(SLOTS)]
        person, enterprise = people[i % len(people)]
        rows.append({"resource_id": resources[slot // len(SLOTS)], "person_id": person,
                     "enterprise_id": enterprise, "starts_at": _local(day, start),
                     "ends_at": _local(day, end), "purpose": f"fill {i}",
                     "status": "cancelled" if i % 10 == 9 else "confirmed",
                     "created_at": _local(day, start) - timedelta(days=7),
                     "updated_at": _local(day, start) - timedelta(days=7)})
    rows.sort(key=lambda r: r["starts_at"])  # in the order people book: history first
    await _insert(db, Booking, rows)
    span = timedelta(days=n / per_day)
    n_requests = max(1, n // 5)
    step = span / n_requests
    rows = []
    for j in range(n_requests):
        created = NOW - step * (j + 1)
        recent = NOW - created < timedelta(days=30)
        rows.append({"client": f"Client {j % 997}", "need": f"besoin {j}",
                     "status": "open" if recent else ("delivered", "lost", "cancelled")[j % 3],
                     "created_at": created, "closed_at": None if recent else created + step,
                     "created_by": people[j % len(people)][0],
                     "deadline": created + timedelta(days=21)})
    async with db.session() as s:
        ids: list[int] = []
        for k in range(0, len(rows), BATCH):
            conn = await s.connection()
            result = await conn.execute(insert(Request).returning(
                col(Request.id), sort_by_parameter_order=True), rows[k:k + BATCH])
            ids += [row[0] or 0 for row in result]
    consultations: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for j, request_id in enumerate(ids):
        created = NOW - step * (j + 1)
        for e in range(5):
            enterprise = enterprises[(j + e) % len(enterprises)]
            consultations.append({"request_id": request_id, "enterprise_id": enterprise,
                                  "consulted": True, "active": True, "added_at": created})
            for version in range(2):
                answers.append({"request_id": request_id, "enterprise_id": enterprise,
                                "created_at": created + timedelta(hours=e + version),
                                "interested": e % 2 == 0, "can_lead": e == 0,
                                "declined": e % 2 == 1, "availability": "mardi",
                                "comment": f"version {version}", "source": "text"})
    await _insert(db, Consultation, consultations)
    await _insert(db, Answer, answers)
    if not db.is_sqlite:  # autovacuum would have analysed a table grown over years
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))
    return {"bookings": n, "requests": len(ids), "consultations": len(consultations),
            "answers": len(answers)}


async def _insert(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for k in range(0, len(rows), BATCH):
        async with db.session() as s:
            conn = await s.connection()
            await conn.execute(insert(model), rows[k:k + BATCH])


def booking_lines(count: int) -> list[str]:
    """``count`` booking commands on free weekday slots from 7 December on."""
    lines: list[str] = []
    day = date(2026, 12, 7)
    while len(lines) < count:
        if is_business_day(day):
            for resource in ("salle-pampre", "salle-garance"):
                for hour in range(8, 20):
                    lines.append(f"nadia: /grappe reserver {resource} {day:%d/%m/%Y} "
                                 f"{hour}h-{hour + 1}h : bench")
        day += timedelta(days=1)
    return lines[:count]


async def repo_bookings(db: Database, count: int) -> list[float]:
    """Check and insert through storage.repo.bookings alone (lock, overlap query, insert,
    commit), one transaction each, on free hours of January 2027: the database's share."""
    async with db.session(read_only=True) as s:
        resource = await dir_repo.resource_by_slug(s, "videoprojecteur")
        person = await dir_repo.person_by_handle(s, "nadia")
    assert resource is not None
    assert resource.id is not None
    assert person is not None
    assert person.id is not None
    out = []
    for k in range(count + 3):
        day, hour = divmod(k, 12)
        start = _local(date(2027, 1, 4) + timedelta(days=day), 8 + hour)
        end = start + timedelta(hours=1)
        t0 = time.perf_counter()
        async with db.session() as s:
            await booking_repo.lock_resource(s, resource.id)
            if await booking_repo.overlapping(s, [resource.id], start, end):
                raise RuntimeError("the benchmark's slot is taken")
            await booking_repo.add(s, [Booking(
                resource_id=resource.id, person_id=person.id, enterprise_id=person.enterprise_id,
                starts_at=start, ends_at=end, purpose="bench repo")])
        if k >= 3:  # after a warm-up
            out.append((time.perf_counter() - t0) * 1000)
    return out


async def _timed(repeat: int, fn: Callable[[], Awaitable[Any]]) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def measure(db: Database, bookings: int, repeat: int,
                  profile_dir: Path | None = None) -> dict[str, Any]:
    """Booking check+insert, the week's agenda, the digest and the request list, in ms."""
    adapter = ConsoleAdapter(io.StringIO())
    bot = Bot(Settings(DATABASE_URL=db.url), db, [adapter], clock=lambda: NOW)
    await bot.start(background_delivery=False)
    settle()  # as grappe run does once running: the start-up's objects out of the collector
    profiler = _profiler(profile_dir)
    try:
        async def run(line: str) -> None:
            event = parse_line(line)
            assert isinstance(event, Inbound)
            await bot.dispatch(event)

        warm = 3
        lines = booking_lines(bookings + warm)
        for line in lines[:warm]:
            await run(line)
            await bot.drain()
        if profiler:
            profiler.start()
        booking_ms = []
        for line in lines[warm:]:
            t0 = time.perf_counter()
            await run(line)
            booking_ms.append((time.perf_counter() - t0) * 1000)
            await bot.drain()  # the delivery is not the booking's cost
        async with db.session(read_only=True) as s:
            made = (await s.exec(select(func.count()).select_from(Booking).where(
                Booking.purpose == "bench"))).one()
        if made != len(lines):
            raise RuntimeError(f"{made} bookings made of {len(lines)}: a command was refused")

        async def digest() -> None:
            async with db.session(read_only=True) as s:
                coop = await dir_repo.cooperative(s)
                blocks = await build(s, coop, DigestWeek.ending(NOW, PARIS), features.registry())
            assert blocks

        async def command(line: str) -> None:
            await run(line)
            await bot.drain()

        result = {
            "booking": summary(booking_ms),
            "booking_repo": summary(await repo_bookings(db, bookings)),
            "agenda_week": summary(await _timed(repeat, lambda: command(
                "nadia: /grappe reservations semaine"))),
            "digest": summary(await _timed(repeat, digest)),
            "requests_list": summary(await _timed(repeat, lambda: command(
                "camille: /grappe demandes"))),
        }
        if profiler and profile_dir:
            profiler.stop()
            _write_profile(profile_dir, profiler.output_text(unicode=True))
        return result
    finally:
        gc.unfreeze()
        await bot.stop()


def _write_profile(directory: Path, text: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "scale-profile.txt").write_text(text)


def _profiler(profile_dir: Path | None) -> Any:
    if profile_dir is None:
        return None
    from pyinstrument import Profiler  # bench-only dependency: pip install -e '.[bench]'

    return Profiler(async_mode="enabled")


async def _pg_version(db: Database) -> str:
    async with db.engine.connect() as conn:
        return str((await conn.execute(text("SHOW server_version"))).scalar())


async def run(sizes: list[int], bookings: int, repeat: int, backends: list[str],
              profile_dir: Path | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="grappe-scale-") as tmp:
        for backend in backends:
            for n in sizes:
                async with database(backend, Path(tmp)) as db:
                    if backend == "postgresql":
                        extra["postgresql"] = await _pg_version(db)
                    t0 = time.perf_counter()
                    counts = await fill(db, n)
                    fill_s = time.perf_counter() - t0
                    figures = await measure(db, bookings, repeat, profile_dir)
                runs.append({"backend": backend, "n": n, "rows": counts,
                             "fill_s": round(fill_s, 1), **figures})
    return {"benchmark": "scale", "machine": machine(extra), "goals": GOALS,
            "bookings_measured": bookings, "repeat": repeat, "runs": runs,
            "growth": growth(runs)}


METRICS = (("booking", "p50"), ("booking", "p99"), ("booking_repo", "p50"),
           ("booking_repo", "p99"), ("agenda_week", "p50"),
           ("digest", "p50"), ("requests_list", "p50"))


def growth(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """For each backend, the largest size's figure over the smallest's."""
    out: dict[str, dict[str, float]] = {}
    for backend in {r["backend"] for r in runs}:
        mine = sorted((r for r in runs if r["backend"] == backend), key=lambda r: r["n"])
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        out[backend] = {f"{m}_{p}": round(large[m][p] / small[m][p], 2) for m, p in METRICS}
    return out


def report(result: dict[str, Any]) -> str:
    rows = [[r["backend"], r["n"], r["fill_s"], r["booking"]["p50"], r["booking"]["p99"],
             r["booking_repo"]["p50"], r["booking_repo"]["p99"],
             r["agenda_week"]["p50"], r["digest"]["p50"], r["digest"]["p99"],
             r["requests_list"]["p50"]] for r in result["runs"]]
    text = table(["backend", "N", "fill s", "cmd p50", "cmd p99", "repo p50", "repo p99",
                  "agenda p50",
                  "digest p50", "digest p99", "requests p50"], rows)
    for backend, g in result["growth"].items():
        text += f"\ngrowth {backend}: " + ", ".join(f"{k} {v:.2f}x" for k, v in g.items())
    return text + ("\n(milliseconds; cmd = the whole /grappe reserver command through the "
                   "dispatcher, repo = check+insert+commit through storage.repo.bookings;\n"
                   f" goals: booking p99 < {RESERVER_P99_MS} ms at 100k, digest < 300 ms, "
                   f"growth ≤ {GROWTH}x)")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a pyinstrument profile of the measured paths to this folder")
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if not pg_url():
        backends = [b for b in backends if b != "postgresql"]
    sizes = [int(s) for s in args.sizes.split(",")]
    result = asyncio.run(run(sizes, args.bookings, args.repeat, backends, args.profile))
    print(report(result))
    print(f"→ {write_result('scale', result, args.results)}")
    return result


if __name__ == "__main__":
    main()
