"""A thread's posts keep their order when a send fails and a newer row is due first."""

from __future__ import annotations

import pytest

from bot.adapters.base import DeliveryError
from bot.matrix.order import HOLD, ThreadOrder


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_newer_post_waits_for_the_older_one_of_its_thread() -> None:
    order = ThreadOrder(Clock())
    order.check("room|$card", 5)
    order.failed("room|$card", 5, permanent=False)
    with pytest.raises(DeliveryError) as refused:
        order.check("room|$card", 6)
    assert refused.value.retry_after
    assert not refused.value.permanent
    order.check("room|$other", 7)  # other threads go on
    order.check("room|$card", 5)  # the held row itself may go
    order.sent("room|$card", 5)
    order.check("room|$card", 6)


def test_an_older_failure_takes_over_and_permanent_failures_release() -> None:
    order = ThreadOrder(Clock())
    order.failed("t", 8, permanent=False)
    order.failed("t", 6, permanent=False)
    with pytest.raises(DeliveryError):
        order.check("t", 7)
    order.failed("t", 6, permanent=True)
    order.check("t", 7)


def test_a_hold_expires_if_its_row_is_never_retried_here() -> None:
    clock = Clock()
    order = ThreadOrder(clock)
    order.failed("t", 1, permanent=False)
    clock.now += HOLD + 1
    order.check("t", 2)
