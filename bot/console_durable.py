"""What lets ``grappe console --script FILE >> out.txt`` survive a crash (even a SIGKILL).

**Resumable scripts.** Each line of a script file gets a stable event id,
``script:<hash>:<run>:<line number>``, where the hash is the file's content (and the
``--as`` handle). The dispatcher records event ids, so a script started again after a
crash skips the lines already handled and goes on from the first one that was not. A
script that ran to its end is done: running the same file again starts a new run (the
run number goes up), so a script run twice on purpose still acts twice.

**Exactly-once output to a regular file.** Standard output has no idempotency key: a
kill between the write of a message and the outbox's "sent" commit would print it again
at the next start. When the output is a regular file, the adapter keeps a write-ahead
journal (``adapter_state``, platform ``console``): before writing a row's text it
commits the row's transaction id, the file, the offset where the text goes, its length,
hash and message id; it then writes the text at that offset in one ``os.write``; then
the outbox marks the row sent. At the next start the journal's last entry is checked
against the file:

- the whole text is at its offset → the row was written: when the outbox delivers it
  again (same transaction id, as Matrix would dedupe it) the adapter answers with the
  recorded message id and writes nothing;
- part of it is there (a kill in the middle of a large write) → the file is cut back to
  the offset and the row is written again;
- nothing is there → the row is written again.

A row delivered again by the same process (the database failed to record it) is
recognised from the process's last writes.

The console is one process per database (no other process delivers its rows), so a
lease still held at start-up belongs to a process that died: it is released then (by the
outbox, ``bot.outbox.release_all``), and the rows it held are printed at once instead of
after the lease's minute. On a terminal
or a pipe the output cannot be read back: there, a kill in the window between a write
and its record prints that message again (at least once).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, TextIO

from bot import outbox
from bot.adapters.base import Sent
from storage.db import Database
from storage.models import utcnow
from storage.repo import adapter_state as state_repo

log = logging.getLogger(__name__)

PLATFORM = "console"
JOURNAL_KEY = "journal"
KEEP_WRITTEN = timedelta(days=1)  # a recovered row is delivered again within a lease or two
RECENT = 1000  # this process's last writes, for a row sent again after its record failed


@dataclass(frozen=True)
class Entry:
    """One write, recorded before it happens."""

    txn: str
    file: str  # "device:inode"
    offset: int
    length: int
    digest: str
    channel: str
    message_id: str


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def output_fd(out: TextIO) -> int | None:
    """The file descriptor of ``out`` when it is a regular file (else None)."""
    try:
        fd = out.fileno()
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (AttributeError, OSError, ValueError):  # StringIO, a closed stream
        return None


class Journal:
    """The write-ahead journal of a console whose output is the regular file ``fd``."""

    def __init__(self, db: Database, fd: int):
        self.db = db
        self.fd = fd
        st = os.fstat(fd)
        self.file = f"{st.st_dev}:{st.st_ino}"
        self.written: dict[str, tuple[str, str, str]] = {}  # txn → (channel, message id, when)
        self.recent: dict[str, Sent] = {}

    async def _save(self, last: Entry | None) -> None:
        value = json.dumps({"last": asdict(last) if last else None, "written": self.written})
        async with self.db.session() as s:
            await state_repo.set_state(s, PLATFORM, JOURNAL_KEY, value)

    async def recover(self, now: datetime | None = None) -> int:
        """Check the last write of the previous process; returns 1 if it had been written."""
        now = now or utcnow()
        async with self.db.session(read_only=True) as s:
            raw = await state_repo.get_state(s, PLATFORM, JOURNAL_KEY)
        state: dict[str, Any] = json.loads(raw) if raw else {}
        oldest = (now - KEEP_WRITTEN).isoformat(timespec="microseconds")
        self.written = {txn: (c, m, at) for txn, (c, m, at) in state.get("written", {}).items()
                        if at >= oldest}
        found = 0
        if state.get("last"):
            last = Entry(**state["last"])
            if last.file == self.file and self._check(last):
                self.written[last.txn] = (last.channel, last.message_id,
                                         now.isoformat(timespec="microseconds"))
                log.warning("console: %s was written before the crash: delivered again, it "
                            "is not printed again", last.txn)
                found = 1
        await self._save(None)
        return found

    async def close(self) -> None:
        """A clean stop: the last write was recorded as sent, nothing to check next time."""
        await self._save(None)

    def _read(self, offset: int, length: int) -> bytes | None:
        """The file's bytes there; stdout is often write-only (``>>``): read it again by
        its /proc name, or None when that is not possible either."""
        try:
            return os.pread(self.fd, length, offset)
        except OSError:
            pass
        try:
            reader = os.open(f"/proc/self/fd/{self.fd}", os.O_RDONLY)
        except OSError:
            return None
        try:
            return os.pread(reader, length, offset)
        finally:
            os.close(reader)

    def _check(self, entry: Entry) -> bool:
        """Whether the entry's text is whole in the file; a partial text is cut off."""
        size = os.fstat(self.fd).st_size
        if size <= entry.offset:
            return False
        there = self._read(entry.offset, entry.length)
        if there is None:  # unreadable: the console is the file's only writer, sizes tell
            if size >= entry.offset + entry.length:
                return True
        elif len(there) == entry.length and _digest(there) == entry.digest:
            return True
        if size <= entry.offset + entry.length:  # the write was cut short: the file ends there
            log.warning("console: %s was cut short by the crash; it is printed again", entry.txn)
            os.ftruncate(self.fd, entry.offset)
        return False

    async def write(self, txn: str, channel: str, message_id: str, data: bytes) -> Sent:
        """Write ``data`` for the row ``txn`` once, whatever crash happens around it."""
        done = self.written.pop(txn, None)
        if done is not None:
            await self._save(None)
            return Sent(done[0], done[1])
        if txn in self.recent:  # written by this process, but the outbox's record failed
            return self.recent[txn]
        offset = os.lseek(self.fd, 0, os.SEEK_END)
        await self._save(Entry(txn, self.file, offset, len(data), _digest(data), channel,
                               message_id))
        self.write_raw(data)
        self.recent[txn] = Sent(channel, message_id)
        if len(self.recent) > RECENT:
            del self.recent[next(iter(self.recent))]
        return self.recent[txn]

    def write_raw(self, data: bytes) -> None:
        """Append ``data`` (a text outside the outbox, or a journaled one)."""
        view = memoryview(data)
        os.lseek(self.fd, 0, os.SEEK_END)
        while view:
            view = view[os.write(self.fd, view):]


async def release_leases(db: Database, now: datetime | None = None) -> int:
    """Release the console rows leased by a console that died (see the module's docstring)."""
    held = await outbox.release_all(db, PLATFORM, now)
    if held:
        log.warning("console: %d message(s) held by a stopped console are released", held)
    return held


class ScriptRun:
    """The stable event ids of one run of a script file (see the module's docstring)."""

    def __init__(self, db: Database, key: str, run: int):
        self.db, self.key, self.run = db, key, run

    @classmethod
    async def begin(cls, db: Database, lines: Iterable[str],
                    default_handle: str | None = None) -> ScriptRun:
        content = "\n".join([default_handle or "", *lines]).encode()
        key = f"script:{hashlib.sha256(content).hexdigest()[:24]}"
        async with db.session() as s:
            raw = await state_repo.get_state(s, PLATFORM, key)
            state = json.loads(raw) if raw else {"run": 0, "done": True}
            if state["done"]:  # a new run; an unfinished one is resumed
                state = {"run": state["run"] + 1, "done": False}
                await state_repo.set_state(s, PLATFORM, key, json.dumps(state))
        if state["run"] > 1 or raw:
            log.info("console: %s run %d", key, state["run"])
        return cls(db, key, state["run"])

    def event_id(self, line_number: int) -> str:
        return f"{self.key}:{self.run}:{line_number}"

    async def finish(self) -> None:
        async with self.db.session() as s:
            await state_repo.set_state(s, PLATFORM, self.key,
                                 json.dumps({"run": self.run, "done": True}))
