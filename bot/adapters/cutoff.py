"""Network calls that a stop cuts short once its grace is over.

A bot must be gone within the platform's grace after SIGTERM (30 s on Heroku or
Kubernetes), whatever the other end does: a homeserver that hangs keeps a request open
until its own timeout (30 s and more). Each call that a stop may have to abandon runs
under ``async with cutoff.bound(what)``; ``cutoff.cut()`` ends every one of them at
once, and the ones started afterwards immediately, with a ``DeliveryError`` (``maybe_sent``:
the request may have reached the other end). It is ``asyncio.timeout`` with the deadline
moved to now, so the call is cancelled the way a timeout cancels it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.adapters.base import DeliveryError


class Cutoff:
    def __init__(self) -> None:
        self._bounds: set[asyncio.Timeout] = set()
        self.done = False

    @contextlib.asynccontextmanager
    async def bound(self, what: str) -> AsyncIterator[None]:
        bound = asyncio.timeout(0 if self.done else None)
        try:
            async with bound:
                self._bounds.add(bound)
                try:
                    yield
                finally:
                    self._bounds.discard(bound)
        except TimeoutError:
            if not bound.expired():
                raise  # the call's own timeout, not the cut
            raise DeliveryError(f"{what}: cut short, the bot is stopping",
                                retry_after=0) from None

    def cut(self) -> None:
        """End the calls in flight now; the next ones end as soon as they start."""
        self.done = True
        now = asyncio.get_running_loop().time()
        for bound in list(self._bounds):
            bound.reschedule(now)

    def reset(self) -> None:
        """Calls run again (a stopped adapter started again)."""
        self.done = False
