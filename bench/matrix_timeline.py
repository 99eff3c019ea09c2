"""Time stamps along grappe's Matrix path, for ``bench.matrix_roundtrip --timeline DIR``.

Run as grappe's process (``python bench/matrix_timeline.py``, with ``GRAPPE_TIMELINE`` the
file to write), it wraps the functions of a reply's path — the sync's answer read and
parsed by nio, the dispatch, the handed delivery, the send, its record, each thread hop of
aiosqlite — records when each call starts and ends (``time.perf_counter``), runs
``grappe run`` and writes the calls at exit. ``summary`` then reads, for each reply, where
its time went from the moment the sync that carried the command returned: medians in ms.
The wrappers cost a few microseconds per call: read the shares, not the totals.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# (module, class or "", function, label): what a reply goes through, in order
PATH = [
    ("nio.client.async_client", "AsyncClient", "create_matrix_response", "nio reads a response"),
    ("nio.client.async_client", "AsyncClient", "receive_response", "nio takes it in"),
    ("bot.matrix.sync", "Receiver", "_next", "sync"),
    ("commands.dispatcher", "Dispatcher", "dispatch", "dispatch"),
    ("bot.outbox", "DeliveryLoop", "_deliver_handed", "handed delivery"),
    ("bot.matrix.adapter", "MatrixAdapter", "send", "send"),
    ("nio.client.async_client", "AsyncClient", "room_send", "room_send"),
    ("storage.repo.outbox", "", "mark_sent", "mark_sent"),
    ("aiosqlite.core", "Connection", "_execute", "hop"),
]
Call = tuple[float, float, str]


def install(calls: list[Call]) -> None:
    """Wrap every function of ``PATH``: each call appends (start, end, label) to ``calls``."""
    for module, owner_name, name, label in PATH:
        owner: Any = importlib.import_module(module)
        owner = getattr(owner, owner_name) if owner_name else owner
        setattr(owner, name, _timed(getattr(owner, name), label, calls))


def _timed(fn: Any, label: str, calls: list[Call]) -> Any:
    @functools.wraps(fn)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            calls.append((start, time.perf_counter(), label))
    return timed


def summary(path: Path, last: int = 150) -> dict[str, float]:
    """The medians, over the ``last`` replies, of where each reply's time went (ms from the
    return of the sync that carried its command; durations of each step; hops)."""
    calls: list[Call] = sorted(tuple(c) for c in json.loads(path.read_text()))  # type: ignore[misc]
    syncs = [c for c in calls if c[2] == "sync"]
    rows: dict[str, list[float]] = {}
    for send in [c for c in calls if c[2] == "send"][-last:]:
        before = [s for s in syncs if s[1] <= send[0]]
        inside = [c for c in calls if before and before[-1][1] - 0.05 <= c[0] <= send[1]]
        t0 = before[-1][1] if before else 0.0
        dispatch = [c for c in inside if c[2] == "dispatch" and c[0] >= t0]
        if not dispatch:
            continue
        d = dispatch[0]
        parsed = [c for c in inside if c[2].startswith("nio") and c[1] <= t0]
        hops = [c for c in inside if c[2] == "hop" and d[0] <= c[0] and c[1] <= d[1]]
        room_send = [c for c in inside if c[2] == "room_send"]
        for key, value in (
                ("nio reads and takes in the sync, ms", sum(c[1] - c[0] for c in parsed[-2:])),
                ("sync returned → dispatch starts, ms", d[0] - t0),
                ("dispatch, ms", d[1] - d[0]),
                ("aiosqlite hops in the dispatch, ms", sum(c[1] - c[0] for c in hops)),
                ("sync returned → send starts, ms", send[0] - t0),
                ("room_send (the homeserver's answer), ms",
                 room_send[-1][1] - room_send[-1][0] if room_send else float("nan"))):
            rows.setdefault(key, []).append(value * 1000)
        rows.setdefault("aiosqlite hops in the dispatch (count)", []).append(len(hops))
    return {key: round(statistics.median(values), 2) for key, values in rows.items()}


def main() -> None:
    calls: list[Call] = []
    install(calls)
    out = Path(os.environ["GRAPPE_TIMELINE"])
    atexit.register(lambda: out.write_text(json.dumps(calls)))
    from bot.cli import app

    sys.argv = ["grappe", "run"]
    app()


if __name__ == "__main__":
    main()
