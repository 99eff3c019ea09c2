"""The calls a stop cuts short (bot/adapters/cutoff.py): at once, as a DeliveryError."""

from __future__ import annotations

import asyncio

import pytest

from bot.adapters.base import DeliveryError
from bot.adapters.cutoff import Cutoff


async def _hang(cutoff: Cutoff, started: asyncio.Event) -> None:
    async with cutoff.bound("hung call"):
        started.set()
        await asyncio.Event().wait()  # a homeserver that never answers


async def test_a_cut_ends_the_calls_in_flight_and_the_next_ones() -> None:
    cutoff = Cutoff()
    started = [asyncio.Event(), asyncio.Event()]
    calls = [asyncio.create_task(_hang(cutoff, event)) for event in started]
    await asyncio.gather(*(event.wait() for event in started))
    cutoff.cut()
    for call in calls:
        with pytest.raises(DeliveryError, match="hung call: cut short") as raised:
            await call
        assert raised.value.maybe_sent
        assert raised.value.retry_after == 0
    with pytest.raises(DeliveryError):  # started after the cut: ended at its first wait
        await _hang(cutoff, asyncio.Event())
    cutoff.reset()
    async with cutoff.bound("after a new start"):
        await asyncio.sleep(0)


async def _times_out(cutoff: Cutoff) -> None:
    async with cutoff.bound("slow call"), asyncio.timeout(0.01):
        await asyncio.Event().wait()


async def test_a_calls_own_timeout_is_not_taken_for_a_cut() -> None:
    with pytest.raises(TimeoutError):
        await _times_out(Cutoff())
