"""Where a message's slow work — drawing the digest's chart — runs: a process of its own.

Drawing a chart is 150–250 ms of matplotlib's CPU. In a worker thread of the bot's
process it holds the interpreter against the acks of the commands that arrive meanwhile:
``bench.command_acks`` saw ``/grappe resume`` ack at a p50 of 134 ms, one command after
another, of which 12 ms are its own (the previous one's chart was being drawn). One
worker process, started at the first chart and kept for the next ones, draws them; the
bot's process only waits for the file. The worker runs at a lower priority (``NICE``):
on two cores its start (matplotlib's imports, a second of CPU) and its drawing took the
core the acks were using — ``bench.command_acks`` saw one digest command of twenty ack in
115–122 ms, the one beside the worker's start; a chart that waits for an ack is late by
milliseconds, an ack that waits for a chart is late by the chart. Should the worker fail
to start or die, the chart is drawn in a thread, as before: a digest late by a chart
beats a digest lost.

``in_thread`` is the delivery loop's default (and what tests of the loop use);
``bot.app`` gives the loops ``in_process``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor

from commands.messages import Message

log = logging.getLogger(__name__)

Prepare = Callable[[Message], Message]
Drawer = Callable[[Prepare, Message], Awaitable[Message]]

NICE = 5  # added to the worker's niceness: what it draws yields to the acks (a third of
# their weight: under a full machine it still gets a share, so a chart is late by seconds)

_pool: ProcessPoolExecutor | None = None


def _lower_priority() -> None:
    """The worker's initializer: in the worker, before anything is drawn or imported."""
    with contextlib.suppress(OSError):  # a sandbox may refuse it: drawn all the same
        os.nice(NICE)


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:  # "spawn": a fresh interpreter, none of the bot's threads or loops
        _pool = ProcessPoolExecutor(max_workers=1, initializer=_lower_priority,
                                    mp_context=multiprocessing.get_context("spawn"))
    return _pool


async def in_thread(prepare: Prepare, message: Message) -> Message:
    return await asyncio.to_thread(prepare, message)


async def in_process(prepare: Prepare, message: Message) -> Message:
    """``prepare(message)`` in the drawing process (``prepare`` and the message must
    pickle: a module's function, a pydantic message)."""
    global _pool
    try:
        return await asyncio.get_running_loop().run_in_executor(_executor(), prepare, message)
    except Exception as exc:  # the worker could not start, died, or could not be reached
        log.warning("charts drawn in a thread: the drawing process failed",
                    extra={"fields": {"error": repr(exc)}})
        broken, _pool = _pool, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)
        return await in_thread(prepare, message)
