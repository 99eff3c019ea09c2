"""The device's store as the lease moves (#19): closed when the Matrix side stops, read
again when it starts; an older copy of it put back (a backup) recovers its one-time keys
instead of being refused by the homeserver at every sync; a lost one is a new device.

The side is stopped and started on the same adapter, as ``bot.lease.Owner`` does when
the lease is lost and taken back. A member's claim of the bot's one-time keys stands for
the members' devices that open Olm sessions with it.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.matrix import MatrixAdapter
from bot.matrix.crypto import ENCRYPTION
from tests.matrix.harness import BOT, BotHarness, eventually, open_room, start_at
from tests.matrix.members import Member
from tests.matrix.test_encryption import decrypted

# the store is a file of its own, whatever the database (the takeover test is on PostgreSQL)
pytestmark = pytest.mark.parametrize("coop_db", ["sqlite"], indirect=True)


async def claim(member: Member, device: str) -> None:
    """One of the bot's one-time keys taken, as a member's device does to write to it."""
    session = member.client.client_session
    assert session is not None
    async with session.post(
            f"{member.client.homeserver}/_matrix/client/v3/keys/claim",
            json={"one_time_keys": {BOT: {device: "signed_curve25519"}}},
            headers={"Authorization": f"Bearer {member.client.access_token}"}) as resp:
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["one_time_keys"][BOT][device]


def published(adapter: MatrixAdapter, count: int) -> Callable[[], Awaitable[bool]]:
    """The homeserver holds ``count`` of the device's one-time keys, as the bot last heard."""
    async def check() -> bool:
        olm = adapter.session.client.olm
        return olm is not None and olm.uploaded_key_count == count
    return check


async def test_an_older_copy_of_the_store_offers_new_one_time_keys(
        harness: BotHarness, members, coop_db, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    adapter = await start_at(harness)
    assert harness.bot is not None
    client, store, backup = adapter.session.client, harness.settings.matrix_store(), \
        tmp_path / "backup"
    device = client.device_id
    assert device is not None
    full = client.olm.account.max_one_time_keys if client.olm is not None else 0
    await eventually(published(adapter, full), what="the first keys published")
    await adapter.stop()  # the lease lost: the store closed, its keys out of memory
    assert client.olm is None
    assert client.store is None
    shutil.copytree(store, backup)

    camille = await members("camille", e2e=True)
    await claim(camille, device)
    await adapter.start(harness.bot.receive)  # taken back: read again, one key drawn anew
    await eventually(published(adapter, full), what="the claimed key replaced")
    await adapter.stop()

    shutil.rmtree(store)
    shutil.copytree(backup, store)  # its older copy, which draws that key's id again
    await claim(camille, device)
    with caplog.at_level(logging.WARNING, logger="bot.matrix.crypto"):
        await adapter.start(harness.bot.receive)
        assert "already holds one-time keys" in caplog.text  # at the first sync
        room = await open_room(camille, [], coop_db, initial_state=[ENCRYPTION])  # a sync
        await eventually(published(adapter, full), what="new keys under new ids")

    # the device as before: a member's new messages read, its answers decrypted
    await camille.say(room, "!grappe competences")
    answer, = await camille.wait_for(lambda s: s.sender == BOT
                                     and s.body.startswith("Compétences"))
    assert decrypted(answer)


async def test_a_lost_store_makes_a_new_device(harness: BotHarness, members,
                                               coop_db) -> None:
    """The volume lost, the database kept: the stored device's keys are gone with the store,
    so the bot logs in as a new device (the old one deleted) rather than publishing other
    keys under the old device's id, which the members' clients would refuse."""
    adapter = await start_at(harness)
    old = adapter.session.client.device_id
    await harness.stop()
    shutil.rmtree(harness.settings.matrix_store())
    adapter = await start_at(harness)
    new = adapter.session.client.device_id
    assert new != old
    camille = await members("camille", e2e=True)
    devices = set((await camille.keys_of(BOT))["device_keys"][BOT])
    assert new in devices
    assert old not in devices  # deleted with its keys (earlier tests may leave others)
    room = await open_room(camille, [], coop_db, initial_state=[ENCRYPTION])
    await camille.say(room, "!grappe competences")
    answer, = await camille.wait_for(lambda s: s.sender == BOT
                                     and s.body.startswith("Compétences"))
    assert decrypted(answer)
