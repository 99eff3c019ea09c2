"""Issue #9, crashes, on the console: ``grappe console --script FILE >> out.txt`` killed with
SIGKILL at random points and started again until the script is done.

Must hold: every line applied exactly once (0 half-applied commands), every message
printed (0 lost), none printed twice (0 duplicates) — the last by design: the console
journals each write before it happens and checks the file after a crash
(``bot/console_durable.py``).
"""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from tests.hardening import figures
from tests.hardening.crash import console_run
from tests.hardening.crash.campaign import SEED, YEAR, Campaign, copy_sqlite
from tests.hardening.crash.process import Killer
from tests.hardening.crash.script import generate


async def test_console_survives_sigkills(start_db: tuple[Path, Database],
                                         tmp_path: Path) -> None:
    path, db = start_db
    steps = generate(figures.size(36, 1000), SEED, YEAR)
    lines = [step.console_line() for step in steps]
    campaign = Campaign("console", len(steps))
    ref_db = copy_sqlite(path, tmp_path / "reference.db")
    killer = Killer(SEED, kills=figures.size(3, 100), max_delay=figures.size(1.2, 3.0))

    out = await console_run.run_campaign(tmp_path, path, lines, killer, campaign)

    await campaign.judge(db, ref_db, await console_run.script_events(ref_db, lines))
    console_run.check_output(console_run.printed_blocks(out.read_text(encoding="utf-8")),
                             await console_run.expected_blocks(db), campaign.verdict)
    campaign.conclude()
