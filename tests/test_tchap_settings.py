"""Tchap's rules as settings (issue #19): on by default for a Tchap homeserver, off elsewhere,
and each one can be set either way; the spacing of the API calls it brings."""

from __future__ import annotations

import pytest

from bot.config import Settings
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
