"""What a bare ``grappe run`` imports (bench/README.md, 8 Dec: RSS at ready): not the typer
app, nor python-json-logger for a text log, Babel's catalog reader once
the catalog is kept, nor Babel's dates and numbers before a first one is formatted. Each
was measured in the running bot's memory; an import that brings one back shows up here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = """
import sys
from bot.cli_run import settings
from bot.runner import create_adapters
import bot.matrix, bot.slack, bot.scheduler, bot.health, bot.ical
from bot.features import registry
settings(service=True)
registry()
print(*sys.modules)
"""
NOT_AT_START = ("typer", "click", "rich", "pythonjsonlogger",
                "babel.messages", "babel.dates", "babel.numbers", "bot.cli_app",
                "bot.cli_texts", "bot.cli_export", "bot.spreadsheet")


def test_a_bare_grappe_run_leaves_the_command_line_and_babels_formats_unloaded() -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite+aiosqlite:///unused.db"}
    runs = [set(subprocess.run([sys.executable, "-c", START], capture_output=True, text=True,
                               check=True, cwd=ROOT, env=env).stdout.split())
            for _ in range(2)]  # the first may compile the catalog it keeps
    loaded = runs[1]
    assert {"bot.runner", "bot.slack", "bot.matrix", "commands.requests.answers"} <= loaded
    assert sorted(m for m in loaded
                  if any(m == name or m.startswith(name + ".") for name in NOT_AT_START)) == []
