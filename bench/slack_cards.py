"""What grappe, the floor and an earlier checkout posted on the fake Web API of
``bench.slack_ack``: the cards of each load's tag, counted as they arrive.

A server's work on a command is over once its card is posted, not once it acked: grappe
delivers after the ack (the outbox), the floor posts after it too. So the load run waits
for a chunk's cards before it reads the server's CPU, and counts the wait
(``delivery_lag_s``): what a server leaves to after the ack is measured with it.
"""

from __future__ import annotations

import re
import time
from typing import Any

CLIENT = re.compile(r"Bench (\w+)")  # each command names its client after its load's tag
POSTING = ("grappe", "floor", "before")  # bare bolt only acks


class Cards:
    """The distinct commands whose card reached the fake, by tag, kept up to date call by
    call: the fake checks a wait's condition at every call it records, and counting from
    scratch each time (thousands of calls, each one's blocks dumped to JSON) made the fake
    itself the bottleneck of the delivery."""

    def __init__(self, fake: Any):
        self.fake = fake
        self.seen = 0
        self.tags: set[str] = set()

    def _update(self) -> None:
        for c in self.fake.calls[self.seen:]:
            if c.method == "chat.postMessage" and c.delivered and (m := CLIENT.search(c.text())):
                self.tags.add(m.group(1))
        self.seen = len(self.fake.calls)

    def count(self, prefix: str) -> int:
        self._update()
        return sum(1 for tag in self.tags if tag.startswith(prefix))

    async def wait(self, prefix: str, count: int, within: float) -> float | None:
        """Seconds until ``count`` cards of tags starting with ``prefix`` are posted; None
        if they were not within ``within`` seconds."""
        t0 = time.perf_counter()
        try:
            await self.fake.wait_for(lambda _: self.count(prefix) >= count or None, within)
        except TimeoutError:
            return None
        return time.perf_counter() - t0


def posted(fake: Any) -> dict[str, int]:
    """Distinct requests whose card grappe posted, per backend (``slack_ack``'s tags)."""
    found: dict[str, set[str]] = {}
    for c in fake.delivered("chat.postMessage"):
        if (m := CLIENT.search(c.text())) and m.group(1)[2:4] == "gr":
            found.setdefault(m.group(1)[:2], set()).add(m.group(1))
    return {"sqlite" if k == "sq" else "postgresql": len(v) for k, v in found.items()}
