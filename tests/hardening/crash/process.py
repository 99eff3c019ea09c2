"""The bot as a real process, and the SIGKILLs of a campaign.

``BotProcess`` starts ``grappe`` (or ``launch``, the same CLI with a short outbox lease)
as a subprocess on the campaign's SQLite file, and kills it with SIGKILL by its PID:
no signal handler runs, nothing is flushed, the database sees a connection vanish.
``Killer`` decides when, from a seeded random generator: after a random delay, or right
after the bot's output grows (the window between a send and its "sent" record, the one
that matters for duplicates). The campaign goes on starting the bot again until its
work is done.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GRAPPE = [str(ROOT / ".venv" / "bin" / "grappe")]
# The same CLI with a short outbox lease: a row leased by a killed bot is sent again after
# its lease (60 s in production); one bot runs at a time here, so 2 s is as safe and keeps
# a campaign of many kills from waiting a minute per crash.
LAUNCH = [sys.executable, "-m", "tests.hardening.crash.launch", "2"]
START_TIMEOUT = 60.0


def bot_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the bot process: only what it needs, no ``.env`` surprises."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"DATABASE_URL": database_url, "GRAPPE_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT), **extra})
    return env


class BotProcess:
    """One run of the bot; ``kill()`` sends SIGKILL to the PID it started."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], *, stdout: Path,
                 log: Path, stdin: Path | None = None):
        self.argv, self.env = list(argv), env
        self.stdout_path, self.log_path, self.stdin_path = stdout, log, stdin
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self) -> None:
        with self.stdout_path.open("ab") as out, self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=ROOT, stdout=out, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True)
        self.started = time.monotonic()

    @property
    def returncode(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def kill(self) -> bool:
        """SIGKILL, then reap; False when the process had already ended by itself."""
        process = self.process
        if process is None or process.poll() is not None:
            return False
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        return True

    async def wait(self, within: float) -> int:
        """Wait for the process to end by itself (polling its status)."""
        assert self.process is not None
        deadline = time.monotonic() + within
        while (code := self.process.poll()) is None:
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"{self.argv[-3:]} did not end in {within}s:\n"
                                   + self.log_tail())
            await asyncio.sleep(0.02)
        return code

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def starter(argv: Sequence[str], env: dict[str, str], folder: Path) -> Callable[[], BotProcess]:
    """A function that starts the bot again each time (its output and log in ``folder``)."""
    def start() -> BotProcess:
        bot = BotProcess(argv, env, stdout=folder / "bot.out", log=folder / "bot.log")
        bot.start()
        return bot

    return start


@dataclass
class Killer:
    """When to kill: ``kills`` SIGKILLs in all, at seeded random points."""

    seed: int
    kills: int
    max_delay: float = 3.0
    rng: random.Random = field(init=False)
    done: int = 0
    after_output: int = 0  # kills made right after the output grew
    points: list[int] = field(default_factory=list)
    progress: Callable[[], int] | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def spread(self, steps: int, progress: Callable[[], int]) -> None:
        """Spread the kills over a script of ``steps`` that people play while the bot runs
        (``progress()`` steps done): kill n waits for its random step to be reached."""
        self.points = sorted(self.rng.choices(range(steps), k=self.kills))
        self.progress = progress

    @property
    def left(self) -> int:
        return self.kills - self.done

    async def strike(self, bot: BotProcess, output: Callable[[], int] | None = None,
                     grow: int = 4000) -> bool:
        """Kill ``bot`` at a random point of this run; False when it ended first.

        With ``output`` (a size that grows with each message the bot sends), half of the
        kills come as soon as it has grown by a random amount up to ``grow``: right after a
        send, before its record.
        """
        if self.left <= 0:
            return False
        while self.progress is not None and self.progress() < self.points[self.done]:
            if bot.returncode is not None:
                return False
            await asyncio.sleep(0.01)
        delay = self.rng.uniform(0.05, self.max_delay)
        watch = output is not None and self.rng.random() < 0.5
        target = (output() if output is not None else 0) + self.rng.randrange(1, grow + 1)
        deadline = time.monotonic() + (delay if not watch else self.max_delay * 4)
        grown = False
        while bot.returncode is None and time.monotonic() < deadline:
            if watch and output is not None and output() >= target:
                grown = True
                break
            await asyncio.sleep(0.001 if watch else 0.01)
        if not bot.kill():
            return False
        self.done += 1
        self.after_output += grown
        return True


async def keep_alive(start: Callable[[], BotProcess], killer: Killer, stop: asyncio.Event,
                     output: Callable[[], int] | None = None, grow: int = 1) -> None:
    """Run the bot, kill it at the killer's points and start it again, until ``stop``."""
    while True:
        bot = start()
        if await killer.strike(bot, output, grow):
            continue
        if bot.returncode is not None:
            raise AssertionError(f"the bot exited by itself ({bot.returncode}):\n"
                                 + bot.log_tail())
        await stop.wait()
        bot.kill()
        return

