"""What every crash campaign shares: its database, its sizes and seed, its figures.

A campaign runs a script of ``size`` steps (``figures.size``: a few dozen under
``make test``, 1 000 under ``make check-reliability``) through the bot as a real
process on a real SQLite file, kills it with SIGKILL at seeded random points and starts
it again until the script is done, lets it deliver what is left, and is then judged
against the crash-free reference (``reference.compare``) and against what the platform
received (each campaign's sink check).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import select

from commands.directory.file import load
from commands.directory.importing import apply
from commands.events import Inbound
from storage.db import Database
from storage.models import DigestSetting, MessageRef
from tests.conftest import EXAMPLE
from tests.hardening import figures
from tests.hardening.crash.process import BotProcess, Killer, keep_alive
from tests.hardening.crash.reference import (
    Verdict,
    compare,
    handled,
    observe,
    pending,
    reference,
)
from tests.hardening.crash.script import Step
from tests.matrix.harness import eventually

CARD_WAIT = 120.0  # a card comes once its command is handled, whatever restarts in between
SEED = int(os.environ.get("GRAPPE_CRASH_SEED", "20261126"))
YEAR = date.today().year + 1  # every date of the script is in the future


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def prepare(template: Path, path: Path) -> Database:
    """A migrated copy of ``template`` with the example cooperative, the digest paused
    (a digest caught up at start-up would be output that no command of the script asked
    for), returned open."""
    shutil.copy(template, path)
    db = Database(sqlite_url(path))
    async with db.session() as s:
        await apply(s, load(EXAMPLE))
        s.add(DigestSetting(channel="cooperation", paused=True))
    return db


def copy_sqlite(source: Path, target: Path) -> Database:
    """A consistent copy of a SQLite database, even while a bot writes to it."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return Database(sqlite_url(target))


@dataclass
class Campaign:
    """One platform's campaign: what ran, what it survived, and the verdict."""

    platform: str
    steps: int
    started: float = field(default_factory=time.monotonic)
    crashes: int = 0
    handled: int = 0
    seconds: float = 0.0
    verdict: Verdict = field(default_factory=Verdict)
    extra: dict[str, int] = field(default_factory=dict)

    def finish(self) -> None:
        self.seconds = time.monotonic() - self.started

    def record(self) -> None:
        """The figures of issue #9's table."""
        name = self.platform
        for label, value in (("commands run", self.handled),
                             ("crashes survived", self.crashes),
                             ("half-applied commands", self.verdict.half_applied),
                             ("messages lost", self.verdict.lost),
                             ("duplicates", self.verdict.duplicates),
                             *self.extra.items()):
            figures.put("crashes", f"{name}: {label}", value)
        print(f"\n{name} crash campaign: {self.steps} steps, {self.crashes} SIGKILLs, "
              f"{self.seconds:.1f}s (seed {SEED})")

    def explain(self) -> str:
        return f"{self.platform} campaign (seed {SEED}):\n  " + "\n  ".join(
            self.verdict.details or ["no difference"])

    async def judge(self, db: Database, ref_db: Database, events: Sequence[Inbound]) -> None:
        """Compare the campaign's database with the reference run of ``events`` on
        ``ref_db`` (closed afterwards); the sink checks add to the verdict."""
        try:
            expected = await reference(ref_db, self.platform, events)
        finally:
            await ref_db.dispose()
        script = [e.event_id for e in events]
        self.verdict = compare(expected, await observe(db, self.platform), script)
        self.handled = len(await handled(db, self.platform) & set(script))

    def conclude(self, max_duplicates: int = 0) -> None:
        """Record the figures, then check what must hold."""
        self.finish()
        self.record()
        assert self.handled == self.steps, self.explain()
        assert self.crashes >= 1, "no SIGKILL landed before the work was done"
        assert self.verdict.half_applied == 0, self.explain()
        assert self.verdict.lost == 0, self.explain()
        assert self.verdict.duplicates <= max_duplicates, self.explain()
        assert self.verdict.out_of_order == 0, self.explain()

    async def live(self, db: Database, killer: Killer, start: Callable[[], BotProcess],
                   act: Callable[[Step], Awaitable[Inbound]], steps: Sequence[Step], *,
                   output: Callable[[], int] | None = None, grow: int = 1) -> list[Inbound]:
        """People act on every step while the bot is killed and started again; then wait
        until every step is handled, every kill made and every message delivered."""
        stop = asyncio.Event()
        events: list[Inbound] = []
        killer.spread(len(steps), lambda: len(events))
        alive = asyncio.create_task(keep_alive(start, killer, stop, output, grow))
        try:
            for step in steps:
                events.append(await act(step))
                if alive.done():
                    alive.result()
            script = {e.event_id for e in events}

            async def settled() -> bool:
                return (script <= await handled(db, self.platform) and killer.left == 0
                        and not await pending(db, self.platform))

            await eventually(settled, figures.size(120, 900), "the end of the campaign")
        finally:
            stop.set()
            await alive
        self.crashes = killer.done
        return events


async def card_message(db: Database, platform: str, ref: str) -> str:
    """The platform message id of ``ref``'s card, once the bot has posted and recorded it."""
    async def posted() -> bool:
        return await _card(db, platform, ref) is not None

    await eventually(posted, CARD_WAIT, f"the card of {ref}")
    found = await _card(db, platform, ref)
    assert found is not None
    return found


async def _card(db: Database, platform: str, ref: str) -> str | None:
    async with db.session(read_only=True) as s:
        return (await s.exec(select(MessageRef.message_id).where(
            MessageRef.platform == platform, MessageRef.object_ref == ref,
            MessageRef.role == "card"))).first()
