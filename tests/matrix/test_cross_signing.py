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

from bot.matrix import session_of
from bot.matrix.signing import canonical, unb64
from bot.matrix.status import report, status_of
from commands.i18n import translator
from storage.db import Database
from tests.matrix.harness import BOT, token_of
from tests.matrix.synapse import Synapse

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

    # grappe matrix status says so, as a member's client would
    await harness.stop()
    said = report(await status_of(harness.settings, coop_db), translator("fr"))
    assert said == [
        f"Compte\u00a0: {BOT}", f"Appareil\u00a0: {new}",
        "Clé maîtresse\u00a0: publiée, c’est celle que grappe conserve.",
        "Appareil signé par la clé d’auto-signature du bot\u00a0: oui (vérifié).",
        f"Dossier des clés de l’appareil (MATRIX_STORE_PATH)\u00a0: "
        f"{harness.settings.matrix_store()}, présent."]


def told(caplog, start: str) -> list[str]:
    """The operator's messages of ``bot.matrix.signing`` that begin with ``start``, each
    said without a traceback."""
    found = [r for r in caplog.records
             if r.name == "bot.matrix.signing" and r.getMessage().startswith(start)]
    assert all(r.exc_info is None for r in found)
    return [r.getMessage() for r in found]


async def test_another_recovery_key_touches_nothing(harness, members, coop_db,
                                                    caplog) -> None:
    """A wiped store is a new device: with another recovery key, or none, nothing is
    replaced, the device stays unsigned, and the operator is told so in French."""
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
    assert told(caplog, "MATRIX_RECOVERY_KEY n’ouvre pas les clés de signature croisée "
                        "gardées dans la base : la session du bot reste non vérifiée.")

    # no recovery key at all: said at the start, with what to do
    await harness.stop()
    harness.settings = harness.settings.model_copy(update={"matrix_recovery_key": None})
    adapter = await harness.start()
    device = adapter.session.client.device_id
    [missing] = told(caplog, f"La session Matrix du bot ({device}) n’est pas vérifiée")
    assert "grappe matrix recovery-key" in missing
    assert only_key((await camille.keys_of(BOT))["master_keys"][BOT]) == master


async def test_without_a_password_the_operator_is_told_what_to_do(
        harness, coop_db, synapse: Synapse, caplog) -> None:
    """A master key already published (another client's, or made with other keys): the
    homeserver asks for the password to replace it. With a token alone (a Tchap account
    may have no password) the bot says, in French, what to do, and runs on unverified."""
    settings = harness.settings.model_copy(update={"matrix_recovery_key": RECOVERY})
    first = session_of(settings, coop_db, encrypted=False)  # with the password: published
    await first.connect()
    await first.signing.ensure()
    published = only_key((await first.signing.query())["master_keys"][BOT])
    await first.client.logout()
    await first.close()
    async with coop_db.session() as s:  # the keys made with the password, not kept here
        conn = await s.connection()
        await conn.execute(text("DELETE FROM adapter_state WHERE platform = 'matrix'"))

    token_only = settings.model_copy(update={
        "matrix_password": None, "matrix_access_token": await token_of(synapse, "grappe",
                                                                     "tchap-token")})
    session = session_of(token_only, coop_db, encrypted=False)
    try:
        await session.connect()
        await session.signing.ensure()  # no exception: the bot starts all the same
        told = [r for r in caplog.records if "demande le mot de passe" in r.getMessage()]
        assert len(told) == 1
        assert told[0].exc_info is None  # said, no traceback
        assert told[0].getMessage().startswith(
            f"Le serveur Matrix demande le mot de passe de {BOT} pour publier les clés de "
            "signature croisée du bot")
        assert "renseignez MATRIX_PASSWORD une fois" in told[0].getMessage()
        master = only_key((await session.signing.query())["master_keys"][BOT])
        assert master == published  # nothing replaced

        said = report(await status_of(token_only, coop_db), translator("fr"))
        assert said[3].startswith("Clé maîtresse\u00a0: publiée, mais ce n’est pas celle "
                                  "que grappe conserve")
        assert said[4] == ("Appareil signé par la clé d’auto-signature du bot\u00a0: "
                           "non (non vérifié).")
        assert said[-1] == told[0].getMessage()  # and what to do
    finally:
        await session.client.logout()
        await session.close()
