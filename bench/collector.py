"""The collector's full collections, with and without ``bot.runner.settle`` (gc.freeze once
running, as ``grappe run`` and ``grappe serve`` do).

    python -m bench.collector [--rounds 4] [--each 5]

In one process, the example cooperative with 1 000 bookings on a SQLite file and the
commands of ``bench.command_acks`` (each ``--each`` times a round) through a console bot,
its delivery running: rounds alternate settled (the start-up's objects frozen) and not
(``gc.unfreeze``), so both see the same moments of the machine's noise. ``gc.callbacks``
times every generation-2 collection and says which command it fell on.
"""

from __future__ import annotations

import asyncio
import gc
import io
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.command_acks import COMMANDS, SET_UP, _text
from bench.common import machine, main_of, summary
from bench.scale import NOW, database, fill
from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter, parse_line
from bot.runner import settle
from commands.events import Inbound

MODES = ("settled", "unsettled")


class FullCollections:
    """The duration (ms) of each generation-2 collection while ``on``."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.ms.append((time.perf_counter() - self._started) * 1000)


async def _round(bot: Bot, each: int, offset: int, full: FullCollections) -> dict[str, Any]:
    acks, hit = [], []
    for command, (_, handle) in COMMANDS:
        for i in range(offset, offset + each):
            event = parse_line(f"{handle}: /grappe {_text(command, i)}")
            assert isinstance(event, Inbound)
            before = len(full.ms)
            t0 = time.perf_counter()
            await bot.dispatch(event)
            acks.append((time.perf_counter() - t0) * 1000)
            if len(full.ms) > before:
                hit.append(command.split(" :")[0][:30])
            await asyncio.sleep(0)  # the delivery's turn, as between two HTTP requests
    return {"acks": acks, "hit": hit}


async def run(rounds: int, each: int, bookings: int = 1000) -> dict[str, Any]:
    full = FullCollections()
    by_mode: dict[str, dict[str, list[Any]]] = {
        m: {"acks": [], "pauses": [], "hit": []} for m in MODES}
    with tempfile.TemporaryDirectory() as workdir:
        async with database("sqlite", Path(workdir)) as db:
            await fill(db, bookings)
            bot = Bot(Settings(DATABASE_URL=db.url), db, [ConsoleAdapter(io.StringIO())],
                      clock=lambda: NOW)
            await bot.start()
            gc.callbacks.append(full)
            try:
                for text in SET_UP:
                    event = parse_line(f"camille: /grappe {text}")
                    assert isinstance(event, Inbound)
                    await bot.dispatch(event)
                await bot.drain()
                for r in range(rounds * len(MODES)):
                    mode = MODES[r % len(MODES)]
                    settle() if mode == "settled" else gc.unfreeze()
                    start = len(full.ms)
                    found = await _round(bot, each, r * each, full)
                    await bot.drain()
                    into = by_mode[mode]
                    into["acks"] += found["acks"]
                    into["hit"] += found["hit"]
                    into["pauses"] += full.ms[start:]
            finally:
                gc.callbacks.remove(full)
                gc.unfreeze()
                await bot.stop()
    modes = {m: {"acks_ms": summary(v["acks"]), "full_collections": len(v["pauses"]),
                 "pause_ms": {**summary(v["pauses"]), "max": max(v["pauses"], default=0.0)},
                 "fell_on": sorted(set(v["hit"]))} for m, v in by_mode.items()}
    return {"benchmark": "collector", "machine": machine(), "rounds": rounds, "each": each,
            "bookings": bookings, "modes": modes}


def report(result: dict[str, Any]) -> str:
    lines = ["the collector's full collections, settled (frozen once running) or not:"]
    for mode, m in result["modes"].items():
        pause = m["pause_ms"]
        lines.append(
            f"  {mode:<9} {m['full_collections']:3d} full collections, pause p50 "
            f"{pause['p50']:6.1f} ms, max {pause['max']:6.1f} ms; acks p50 "
            f"{m['acks_ms']['p50']:5.1f} ms, p99 {m['acks_ms']['p99']:6.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return main_of("collector", __doc__, argv, run, report, rounds=4, each=5)


if __name__ == "__main__":
    main()
