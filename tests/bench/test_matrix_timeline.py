"""``bench.matrix_timeline.summary``: where a reply's time went, read from the calls grappe
recorded (a hand-built record: no server)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.matrix_timeline import PATH, summary


def test_a_reply_is_read_from_the_sync_that_carried_its_command(tmp_path: Path) -> None:
    calls = [
        (0.0, 0.5, "sync"),  # an earlier batch
        (0.9, 1.0, "sync"),  # the one with the command, returned at 1.0 s
        (0.9990, 0.9995, "nio reads a response"), (0.9995, 0.9999, "nio takes it in"),
        (1.0001, 1.0061, "dispatch"),
        (1.0010, 1.0012, "hop"), (1.0020, 1.0023, "hop"), (1.0070, 1.0071, "hop"),
        (1.0062, 1.0500, "handed delivery"),
        (1.0070, 1.0400, "send"), (1.0071, 1.0390, "room_send"),
    ]
    record = tmp_path / "calls.json"
    record.write_text(json.dumps(calls))
    assert summary(record) == {
        "nio reads and takes in the sync, ms": 0.9,
        "sync returned → dispatch starts, ms": 0.1,
        "dispatch, ms": 6.0,
        "aiosqlite hops in the dispatch, ms": 0.5,
        "sync returned → send starts, ms": 7.0,
        "room_send (the homeserver's answer), ms": 31.9,
        "aiosqlite hops in the dispatch (count)": 2,
    }


def test_every_function_it_wraps_exists() -> None:
    import importlib

    for module, owner, name, _ in PATH:
        found = importlib.import_module(module)
        assert callable(getattr(getattr(found, owner) if owner else found, name))
