"""The pieces the crash campaigns rely on, each shown at work: a script file's stable ids,
the console's write-ahead journal, and the judge that counts what went wrong."""

from __future__ import annotations

import asyncio
import io
import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.config import Settings
from bot.console_durable import Entry, Journal, _digest, release_leases
from bot.console_session import run_console
from commands.events import Actor, Command
from commands.messages import Message, Target, para
from commands.routing import plan
from storage.db import Database
from storage.models import utcnow
from storage.repo import outbox as repo
from tests.hardening.crash import console_run
from tests.hardening.crash.campaign import SEED, YEAR, copy_sqlite
from tests.hardening.crash.reference import compare, masked, observe, pending, reference
from tests.hardening.crash.script import generate


async def _run_script(db: Database, out: Path, lines: list[str]) -> str:
    with out.open("a", encoding="utf-8") as stdout:
        await run_console(Settings(DATABASE_URL=db.url), lines=lines, stdout=stdout,
                          resumable=True)
    return await asyncio.to_thread(out.read_text, encoding="utf-8")


async def test_a_script_that_ran_to_its_end_runs_again_as_a_new_run(
        start_db: tuple[Path, Database], tmp_path: Path) -> None:
    _, db = start_db
    lines = ["# a request", "nadia: /grappe demande CCAS : une formation #formation"]
    out = tmp_path / "out.txt"
    first = await _run_script(db, out, lines)
    assert "R-1 ·" in first
    again = await _run_script(db, out, lines)
    assert "R-2 ·" in again[len(first):]
    async with db.session(read_only=True) as s:
        ids = sorted((await (await s.connection()).execute(text(
            "SELECT event_id FROM inbound_events"))).scalars())
    assert [i.rsplit(":", 2)[1:] for i in ids] == [["1", "2"], ["2", "2"]]  # run, line


async def _journal(db: Database, path: Path) -> tuple[Journal, int]:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)  # like `>> out.txt`
    return Journal(db, fd), fd


async def test_a_whole_write_is_not_repeated_and_a_cut_one_is_redone(
        start_db: tuple[Path, Database], tmp_path: Path) -> None:
    _, db = start_db
    path = tmp_path / "out.txt"
    path.write_bytes(b"[#cooperation] - before\n")
    journal, fd = await _journal(db, path)
    await journal.recover()
    sent = await journal.write("txn-1", "#cooperation", "c-1", b"[#cooperation] - one\n")
    os.close(fd)  # killed before the outbox recorded txn-1

    journal, fd = await _journal(db, path)
    assert await journal.recover() == 1
    assert await journal.write("txn-1", "#cooperation", "c-9", b"[#cooperation] - one\n") == sent
    assert path.read_bytes().count(b"- one") == 1
    data = b"[#cooperation] - two, a long message\n"
    await journal._save(Entry("txn-2", journal.file, path.stat().st_size, len(data),
                              _digest(data), "#cooperation", "c-2"))
    os.write(fd, data[:10])  # killed in the middle of the write
    os.close(fd)

    journal, fd = await _journal(db, path)
    assert await journal.recover() == 0
    assert path.read_bytes().endswith(b"- one\n")  # the cut text is gone
    await journal.write("txn-2", "#cooperation", "c-3", data)
    os.close(fd)
    assert path.read_bytes() == b"[#cooperation] - before\n[#cooperation] - one\n" + data


async def test_a_dead_consoles_leases_are_released(start_db: tuple[Path, Database]) -> None:
    _, db = start_db
    event = Command(actor=Actor("console", "camille"), text="", event_id="e", place=None)
    message = Message(target=Target(kind="actor"), blocks=[para("bonjour")])
    async with db.session() as s:
        await repo.enqueue(s, await plan(s, [message], event, ["console"]))
    async with db.session() as s:
        (row,) = await repo.due(s, "console", utcnow())
        assert row.id is not None
        assert await repo.lease(s, row.id, utcnow(), utcnow() + timedelta(minutes=1))
    assert await release_leases(db) == 1
    async with db.session(read_only=True) as s:
        assert len(await repo.due(s, "console", utcnow())) == 1


async def test_the_judge_counts_what_a_crash_could_do(start_db: tuple[Path, Database],
                                                      tmp_path: Path) -> None:
    """Two crash-free runs agree; a lost row, a half-written command, a lost event and
    a doubled or missing output are each counted."""
    path, db = start_db
    await db.dispose()
    lines = [s.console_line() for s in generate(20, SEED, YEAR)]
    runs = [copy_sqlite(path, tmp_path / f"{name}.db") for name in ("ref", "run")]
    try:
        events = await console_run.script_events(runs[0], lines)
        await console_run.script_events(runs[1], lines)
        expected, got = [await reference(r, "console", events) for r in runs]
        script = [e.event_id for e in events]
        assert compare(expected, got, script).details == []
        run = runs[1]
        async with run.session() as s:
            conn = await s.connection()
            await conn.execute(text("DELETE FROM consultations WHERE rowid = "
                                    "(SELECT min(rowid) FROM consultations)"))
            await conn.execute(text("DELETE FROM outbox WHERE role = 'dm' AND id = "
                                    "(SELECT min(id) FROM outbox WHERE role = 'dm')"))
            await conn.execute(text("UPDATE outbox SET status = 'pending' WHERE id = "
                                    "(SELECT max(id) FROM outbox)"))
            await conn.execute(text(f"DELETE FROM inbound_events WHERE event_id = "
                                    f"'{script[-1]}'"))
        verdict = compare(expected, await observe(run, "console"), script)
        assert verdict.half_applied >= 2  # the consultation, the command without its DM
        assert verdict.lost == 2  # the event, the undelivered row
        assert await pending(run, "console") == 1
        printed = console_run.printed_blocks("[DM:nadia] - a\n  b\n[#c] R-1 c\n[#c] R-1 c\n")
        want = console_run.printed_blocks("[DM:nadia] - a\n  b\n[#c] R-1 c\n[DM:x] - d\n")
        console_run.check_output(printed, want, verdict)
        assert (verdict.duplicates, verdict.lost) == (1, 3)
    finally:
        for r in runs:
            await r.dispose()


def test_printed_blocks_keep_indented_and_empty_lines_with_their_message() -> None:
    out = io.StringIO("[#c] R-1 head\n  line\n\n  after blank\n[DM:a] - x\n")
    assert list(console_run.printed_blocks(out.getvalue())) == [
        "[#c] R-1 head\n  line\n\n  after blank\n", "[DM:a] - x\n"]


def test_the_judge_does_not_count_the_minute_a_card_was_recorded() -> None:
    """The reference runs later than the campaign: a card's "Relayée par … · 14 h 05" must
    not count as a difference, a different text must."""
    one, other = ('{"text": "Relay\\u00e9e par Nadia \\u00b7 jeu. 3 d\\u00e9c., 14\\u00a0h"}',
                  '{"text": "Relay\\u00e9e par Nadia \\u00b7 jeu. 3 d\\u00e9c., 14\\u00a0h\\u00a001"}')
    assert masked(one) == masked(other)
    assert masked("Relayed by Nadia · Thu 3 Dec, 14:00") == masked("Relayed by Nadia · Thu 3 Dec, 9:59")
    assert masked(one) != masked(one.replace("Nadia", "Paul"))
