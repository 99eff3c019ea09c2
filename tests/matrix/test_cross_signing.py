"""The bot cross-signs its own device on a real Synapse (``MATRIX_RECOVERY_KEY``, #19).

What a member's client checks is checked here, from ``/keys/query``: the bot's master
key published, its self-signing key signed by the master key, and the bot's device
signed by the self-signing key — each signature verified with Ed25519.
"""

from __future__ import annotations

import shutil
from typing import Any

from Crypto.Signature import eddsa
from sqlalchemy import text

from bot.matrix.signing import canonical, unb64
from storage.db import Database
from tests.matrix.harness import BOT

RECOVERY = "EsTc 4v8W xq2L 9PbN correct horse battery staple"


async def forget_the_session(db: Database) -> None:
    """The stored token and device id deleted: the next start logs in as a new device."""
    async with db.session() as s:
        conn = await s.connection()
        await conn.execute(text("DELETE FROM adapter_state WHERE platform = 'matrix' "
                                "AND key IN ('access_token', 'device_id')"))


def only_key(entry: dict[str, Any]) -> str:
    key, = entry["keys"].values()
    return str(key)


def signed_by(obj: dict[str, Any], public: str) -> bool:
    """``obj`` carries a valid signature of the bot's Ed25519 key ``public``."""
    signature = obj.get("signatures", {}).get(BOT, {}).get(f"ed25519:{public}")
    if signature is None:
        return False
    verifier = eddsa.new(eddsa.import_public_key(unb64(public)), "rfc8032")
    try:
        verifier.verify(canonical(obj), unb64(signature))
    except ValueError:
        return False
    return True


async def test_the_bot_signs_its_device_and_a_new_one_again(harness, members,
                                                             coop_db) -> None:
    harness.settings = harness.settings.model_copy(update={"matrix_recovery_key": RECOVERY})
    adapter = await harness.start()
    device = adapter.session.client.device_id
    camille = await members("camille")
    keys = await camille.keys_of(BOT)
    master = only_key(keys["master_keys"][BOT])
    ssk = keys["self_signing_keys"][BOT]
    assert signed_by(ssk, master)
    assert signed_by(keys["device_keys"][BOT][device], only_key(ssk))

    # a restart: the same keys, nothing published again
    await harness.stop()
    await harness.start()
    again = await camille.keys_of(BOT)
    assert only_key(again["master_keys"][BOT]) == master
    assert again["device_keys"][BOT][device] == keys["device_keys"][BOT][device]

    # the store lost and the session forgotten: a new device, signed from the kept keys
    await harness.stop()
    await harness.log_out()
    shutil.rmtree(harness.settings.matrix_store())
    await forget_the_session(coop_db)
    adapter = await harness.start()
    new = adapter.session.client.device_id
    assert new != device
    after = await camille.keys_of(BOT)
    assert only_key(after["master_keys"][BOT]) == master
    assert signed_by(after["device_keys"][BOT][new], only_key(ssk))


async def test_another_recovery_key_touches_nothing(harness, members, coop_db) -> None:
    harness.settings = harness.settings.model_copy(update={"matrix_recovery_key": RECOVERY})
    await harness.start()
    camille = await members("camille")
    master = only_key((await camille.keys_of(BOT))["master_keys"][BOT])
    await harness.stop()
    await harness.log_out()
    harness.settings = harness.settings.model_copy(
        update={"matrix_recovery_key": "not the one"})
    await forget_the_session(coop_db)
    shutil.rmtree(harness.settings.matrix_store())
    adapter = await harness.start()  # a new device, which the wrong key cannot sign
    keys = await camille.keys_of(BOT)
    assert only_key(keys["master_keys"][BOT]) == master  # nothing replaced
    ssk = only_key(keys["self_signing_keys"][BOT])
    assert not signed_by(keys["device_keys"][BOT][adapter.session.client.device_id], ssk)
