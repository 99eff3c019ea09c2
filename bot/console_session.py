"""Running the console: a script (file or piped stdin) or an interactive prompt."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.app import Bot
from bot.cli_texts import T
from bot.config import Settings
from bot.console import BadLine, ConsoleAdapter, parse_line, run_lines
from bot.console_durable import Journal, ScriptRun, output_fd, release_leases
from storage import migrate
from storage.db import Database

HISTORY = Path.home() / ".grappe_history"
EXIT_WORDS = frozenset({"exit", "quit", "quitter", "sortir"})  # a line that closes the prompt


async def run_console(
    settings: Settings, *, lines: list[str] | None = None, default_handle: str | None = None,
    stdin: TextIO | None = None, stdout: TextIO | None = None, resumable: bool = False,
) -> int:
    """``resumable``: ``lines`` are a script file's, resumed after a crash (console_durable)."""
    stdin = stdin or sys.stdin
    db = Database(settings.database_url)
    fd = output_fd(stdout or sys.stdout)
    adapter = ConsoleAdapter(stdout, journal=Journal(db, fd) if fd is not None else None)
    interactive = lines is None and stdin.isatty()
    bot = Bot(settings, db, [adapter], scheduler=interactive)  # digests in a live console
    try:
        await migrate.upgrade(db)
        await _recover(db, adapter)  # before any delivery
        if not interactive:
            await bot.start(background_delivery=False)
            run = await ScriptRun.begin(db, lines, default_handle) if resumable and lines else None
            await bot.drain()  # what a crashed run left undelivered comes first
            await run_lines(stdin if lines is None else lines, adapter, bot.receive, bot.drain,
                            default_handle=default_handle,
                            event_ids=run.event_id if run else None)
            if run is not None:
                await run.finish()
        else:
            await bot.start()
            await _interactive(bot, adapter, default_handle)
        await bot.stop()
        if adapter.journal is not None:
            await adapter.journal.close()
    finally:
        await bot.stop()
        await db.dispose()
    return 0


async def _recover(db: Database, adapter: ConsoleAdapter) -> None:
    """After a crash: the journal checked against the output, the dead console's leases freed."""
    if adapter.journal is not None:
        await adapter.journal.recover()
    await release_leases(db)


async def _interactive(bot: Bot, adapter: ConsoleAdapter, default_handle: str | None) -> None:
    import readline

    try:
        readline.read_history_file(HISTORY)
    except OSError:
        pass
    if default_handle is None:  # ask once, so that lines need no "handle:" prefix
        try:
            answer = await asyncio.to_thread(input, T.t(
                "Who are you? Your handle in the directory (like camille), or Enter to "
                "start each line with “handle:”: "))
        except (EOFError, KeyboardInterrupt):
            print()
            return
        default_handle = answer.strip().removesuffix(":").lower() or None
    if default_handle:
        print(T.t("grappe console — you speak as {handle}: type “/grappe help”; “exit” or "
                  "Ctrl-D to leave.", handle=default_handle))
    else:
        print(T.t("grappe console — type “<handle>: /grappe help”; “exit” or Ctrl-D to "
                  "leave."))
    prompt = f"{default_handle}> " if default_handle else "> "
    while True:
        try:
            line = await asyncio.to_thread(input, prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if line.strip().casefold() in EXIT_WORDS:
            break
        event = parse_line(line, default_handle)
        if event is None:
            continue
        if isinstance(event, BadLine):
            adapter.bad_line(line)
            continue
        await bot.receive(event)
        await bot.drain()
    try:
        readline.write_history_file(HISTORY)
    except OSError:
        pass
