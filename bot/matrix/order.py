"""Posts of one thread leave in the order they were written, even when a send fails.

The outbox retries a failed row later, with a backoff that grows with its
attempts, so after a long outage a newer row of the same thread may be due
before an older one. While a thread's older post is still undelivered, its
newer posts are refused here (and retried shortly), within this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.adapters.base import DeliveryError

HOLD = 16 * 60.0  # longer than the outbox's longest backoff: the held row is tried again by then
RETRY = 2.0


class ThreadOrder:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._held: dict[str, tuple[int, float]] = {}  # thread → (oldest failed row, until)

    def _current(self, thread: str) -> int | None:
        held = self._held.get(thread)
        if held is None or held[1] < self.clock():
            self._held.pop(thread, None)
            return None
        return held[0]

    def check(self, thread: str, row_id: int) -> None:
        """Refuse a post while an older post of its thread is undelivered."""
        held = self._current(thread)
        if held is not None and held < row_id:
            raise DeliveryError(f"row {held} of this thread goes first", retry_after=RETRY)

    def failed(self, thread: str, row_id: int, permanent: bool) -> None:
        held = self._current(thread)
        if permanent:
            if held == row_id:
                del self._held[thread]
        elif held is None or row_id < held:
            self._held[thread] = (row_id, self.clock() + HOLD)

    def sent(self, thread: str, row_id: int) -> None:
        if self._current(thread) == row_id:
            del self._held[thread]
