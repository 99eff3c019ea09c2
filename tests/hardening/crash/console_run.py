"""The console campaign: ``grappe console --script FILE >> out.txt``, killed and started again.

The script file is the campaign's steps in the console's line contract. Each start
resumes it (its lines have stable event ids) and appends to the same output file, as
a person would after a crash. Once a start runs to the end, a last start with an empty
script prints whatever a crash left undelivered.

The sink check reads the output file back as blocks (a block is a line that starts
with ``[`` and its indented lines) and compares them with the blocks that the outbox's
sent rows render to: a block printed more often than its rows is a duplicate, a block
printed less often is a lost message.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from bot.adapters.base import Delivery
from bot.console import BadLine, ConsoleAdapter, parse_line
from bot.console_durable import ScriptRun
from commands.events import Inbound
from commands.messages import Envelope
from storage.db import Database
from tests.hardening.crash.campaign import Campaign, sqlite_url
from tests.hardening.crash.process import GRAPPE, BotProcess, Killer, bot_env
from tests.hardening.crash.reference import Verdict, pending, sent_rows, tally

RUN_TIMEOUT = 900.0
FINAL_STARTS = 5


def printed_blocks(text: str) -> Counter[str]:
    blocks: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("[") or not blocks:
            blocks.append(line)
        else:
            blocks[-1] += line
    return Counter(blocks)


async def expected_blocks(db: Database) -> Counter[str]:
    """The block each sent console row prints, rendered by the console adapter itself."""
    out = io.StringIO()
    adapter = ConsoleAdapter(out)
    found: Counter[str] = Counter()
    for row in await sent_rows(db, "console"):
        assert row.id is not None
        await adapter.send(Delivery(
            row_id=row.id, role=row.role, item=Envelope.model_validate_json(row.payload).item,
            channel=row.channel, recipient=row.recipient, object_ref=row.object_ref,
            thread_root=None, edit_target=None, transaction_id=""))
        found[out.getvalue()] += 1
        out.seek(0)
        out.truncate()
    return found


def check_output(printed: Counter[str], expected: Counter[str], verdict: Verdict) -> None:
    tally(printed, expected, verdict, lambda block: repr(block[:100]))


async def script_finished(db_path: Path) -> bool:
    """Whether a start ran the script to its end (``ScriptRun.finish``)."""
    db = Database(sqlite_url(db_path))
    try:
        async with db.session(read_only=True) as s:
            states = (await (await s.connection()).execute(text(
                "SELECT value FROM adapter_state WHERE platform = 'console' "
                "AND key LIKE 'script:%'"))).scalars().all()
    finally:
        await db.dispose()
    return any(json.loads(state).get("done") for state in states)


async def script_events(db: Database, lines: list[str]) -> list[Inbound]:
    """The events of the script's first run, with the ids ``grappe console`` gives them."""
    run = await ScriptRun.begin(db, lines)
    events = [parse_line(line, None, run.event_id(n)) for n, line in enumerate(lines, 1)]
    return [e for e in events if e is not None and not isinstance(e, BadLine)]


async def run_campaign(workdir: Path, db_path: Path, lines: list[str], killer: Killer,
                       campaign: Campaign) -> Path:
    """Start, kill, start again until the script is done; returns the output file."""
    script, empty = workdir / "script.txt", workdir / "empty.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    out, log = workdir / "out.txt", workdir / "bot.log"
    env = bot_env(sqlite_url(db_path))
    while True:
        bot = BotProcess([*GRAPPE, "console", "--script", str(script)], env, stdout=out, log=log)
        bot.start()
        if await killer.strike(bot, output=lambda: out.stat().st_size):
            if await script_finished(db_path):
                break  # killed after its last line: starting it again would be a new run
            continue
        code = await bot.wait(RUN_TIMEOUT)
        assert code == 0, f"grappe console exited with {code}:\n{bot.log_tail()}"
        break
    db = Database(sqlite_url(db_path))
    try:
        for _ in range(FINAL_STARTS):
            if not await pending(db, "console"):
                break
            bot = BotProcess([*GRAPPE, "console", "--script", str(empty)], env, stdout=out,
                             log=log)
            bot.start()
            assert await bot.wait(RUN_TIMEOUT) == 0, bot.log_tail()
    finally:
        await db.dispose()
    campaign.crashes = killer.done
    campaign.extra["kills right after an output"] = killer.after_output
    campaign.extra["outputs found written at restart"] = log.read_text().count(
        "was written before the crash")
    return out
