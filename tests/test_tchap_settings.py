"""Tchap's rules as settings (issue #19): on by default for a Tchap homeserver, off elsewhere,
and each one can be set either way; the spacing of the API calls it brings."""

from __future__ import annotations

import asyncio
import gc
import inspect
import warnings

import pytest

from bot.config import Settings
from bot.matrix.client import Session
from bot.pacing import Spacing


def _matrix(**env: str) -> Settings:
    return Settings(_env_file=None, **{"MATRIX_USER_ID": "@grappe:example.org", **env})


@pytest.mark.parametrize(("homeserver", "user_id", "tchap"), [
    ("https://matrix.agent.tchap.gouv.fr", "@bot-grappe:agent.tchap.gouv.fr", True),
    ("https://matrix.e.tchap.gouv.fr/", "@grappe:e.tchap.gouv.fr", True),
    ("https://matrix.agent.finances.tchap.gouv.fr", "@grappe:example.org", True),
    ("https://matrix.example.org", "@grappe:agent.tchap.gouv.fr", True),  # the account says
    ("https://matrix.example.org", "@grappe:example.org", False),
    ("https://tchap.gouv.fr.example.org", "@grappe:example.org", False),  # not a subdomain
    ("http://127.0.0.1:8008", "@grappe:grappe.example", False),
])
def test_tchap_is_known_by_its_domain(homeserver: str, user_id: str, tchap: bool) -> None:
    settings = _matrix(MATRIX_HOMESERVER=homeserver, MATRIX_USER_ID=user_id)
    assert settings.matrix_tchap is tchap
    assert settings.matrix_room_creation is not tchap
    assert settings.matrix_pace == (1.0 if tchap else 0.0)


def test_each_rule_can_be_set_either_way() -> None:
    tchap = _matrix(MATRIX_HOMESERVER="https://matrix.agent.tchap.gouv.fr",
                    MATRIX_NO_ROOM_CREATION="false", MATRIX_CALL_INTERVAL="0")
    assert tchap.matrix_room_creation is True
    assert tchap.matrix_pace == 0.0
    elsewhere = _matrix(MATRIX_HOMESERVER="https://matrix.example.org",
                        MATRIX_NO_ROOM_CREATION="1", MATRIX_CALL_INTERVAL="0.25")
    assert elsewhere.matrix_room_creation is False
    assert elsewhere.matrix_pace == 0.25


def test_calls_take_slots_one_interval_apart() -> None:
    spacing = Spacing(1.0)
    assert spacing.slot(100.0) == 0.0  # the first call goes at once
    assert spacing.slot(100.0) == 1.0  # the second waits its turn
    assert spacing.slot(100.5) == 1.5  # and the third after it
    assert spacing.slot(110.0) == 0.0  # after a quiet while, at once again
    assert spacing.slot(110.2) == pytest.approx(0.8)


def test_no_spacing_by_default() -> None:
    spacing = Spacing()
    assert [spacing.slot(5.0) for _ in range(3)] == [0.0, 0.0, 0.0]


async def test_a_call_stopped_while_waiting_its_turn_is_closed_unsent(tmp_path) -> None:
    """A stop during the pace (the sync's long poll cancelled while it waits its slot) closes
    the request it was given: never sent, and no "coroutine was never awaited" at collection."""
    session = Session(object(), "http://127.0.0.1:9", "@grappe:grappe.example",  # type: ignore[arg-type]
                      access_token="syt_x", pace=30.0)
    sent: list[str] = []

    async def request(name: str) -> str:
        sent.append(name)
        return name

    assert await session.call(request("first"), "first") == "first"  # takes the slot at once
    second = request("second")
    waiting = asyncio.ensure_future(session.call(second, "second"))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # waits 30 s for its turn
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert sent == ["first"]
    assert inspect.getcoroutinestate(second) == inspect.CORO_CLOSED  # not left to the collector
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        del second
        gc.collect()
    await session.client.close()
