"""Cross-signing of the bot's own device, which nio cannot do (matrix-nio#229).

With ``MATRIX_RECOVERY_KEY`` set, the bot has a master key, a self-signing key and a
user-signing key (Ed25519, pycryptodome's). At a start where the homeserver does not
publish its master key, it creates them (or takes the ones it keeps) and uploads their
public parts (``POST /keys/device_signing/upload``; a homeserver that asks for
user-interactive authentication gets the password, ``m.login.password``). Then, when
its device is not signed by its self-signing key, it signs it (``POST
/keys/signatures/upload``): members' clients see the device verified by its owner. A
new device (a lost store, a redeploy) is so signed again at its first start.

The private parts are kept in ``adapter_state`` (``cross_signing``), encrypted with
AES-GCM under a key drawn from the recovery key (PBKDF2-SHA256): the database alone
does not give them. Without the recovery key, nothing is done (the device stays
unverified, as Element shows); with another key than theirs, they are not touched and
the operator is told in the log.

A homeserver asks for interactive authentication to replace a master key already
published (Synapse lets the first upload through, MSC3967). Without ``MATRIX_PASSWORD``
(a Tchap account may have none) the bot cannot give it: the operator is told what to do,
in their language (``interactive_auth_needed``), and the bot runs on, unverified.
``grappe matrix recovery-key`` makes a recovery key (``new_recovery_key``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.adapters.base import DeliveryError
from bot.matrix.refusals import (
    interactive_auth_needed,
    recovery_key_missing,
    recovery_key_wrong,
)

if TYPE_CHECKING:
    from bot.matrix.client import Session

log = logging.getLogger(__name__)

STATE_KEY = "cross_signing"
ROLES = ("master", "self_signing", "user_signing")
KDF_ROUNDS = 200_000
RECOVERY_BYTES = 30  # 240 bits, 48 characters of base32: twelve groups of four


def new_recovery_key() -> str:
    """A strong recovery key a person can read and copy: base32 (no 0, 1, 8 or 9 to mistake
    for a letter) in groups of four joined by hyphens (a copy keeps it whole, and an
    environment file needs no quotes). It is used as it is written (``seal``)."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode()
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


class InteractiveAuthNeeded(DeliveryError):
    """The homeserver asks for the password to publish the keys, and the bot has none."""


def b64(data: bytes) -> str:
    """Matrix's unpadded base64."""
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def canonical(obj: dict[str, Any]) -> bytes:
    """The canonical JSON that Matrix signs: no ``signatures``, no ``unsigned``."""
    signed = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


@dataclass(frozen=True)
class Key:
    """One Ed25519 key pair, from its 32-byte seed."""

    seed: bytes

    @property
    def public(self) -> str:
        return b64(_ed25519(self.seed).public_key().export_key(format="raw"))

    def sign(self, obj: dict[str, Any]) -> str:
        from Crypto.Signature import eddsa

        return b64(eddsa.new(_ed25519(self.seed), "rfc8032").sign(canonical(obj)))


def _ed25519(seed: bytes) -> Any:
    # pycryptodome's elliptic curves and KDF are imported when keys are made or opened,
    # not with the Matrix adapter: a bot without MATRIX_RECOVERY_KEY never needs them
    from Crypto.PublicKey import ECC

    return ECC.construct(curve="Ed25519", seed=seed)


def _cipher(recovery_key: str, salt: bytes, nonce: bytes | None = None) -> Any:
    """AES-GCM under a key drawn from the recovery key (``nonce=None``: a new one)."""
    from Crypto.Cipher import AES
    from Crypto.Hash import SHA256
    from Crypto.Protocol.KDF import PBKDF2

    secret = PBKDF2(recovery_key, salt, 32, count=KDF_ROUNDS, hmac_hash_module=SHA256)
    return AES.new(secret, AES.MODE_GCM, nonce=nonce)


def seal(keys: dict[str, Key], recovery_key: str) -> str:
    salt = secrets.token_bytes(16)
    cipher = _cipher(recovery_key, salt)
    plain = json.dumps({role: b64(key.seed) for role, key in keys.items()}).encode()
    sealed, tag = cipher.encrypt_and_digest(plain)
    return json.dumps({"v": 1, "salt": b64(salt), "nonce": b64(cipher.nonce),
                       "sealed": b64(sealed), "tag": b64(tag)})


def unseal(stored: str, recovery_key: str) -> dict[str, Key]:
    """The kept keys; ``ValueError`` for another recovery key than theirs."""
    box = json.loads(stored)
    cipher = _cipher(recovery_key, unb64(box["salt"]), unb64(box["nonce"]))
    plain = cipher.decrypt_and_verify(unb64(box["sealed"]), unb64(box["tag"]))
    return {role: Key(unb64(seed)) for role, seed in json.loads(plain).items()}


def public_key(user_id: str, role: str, key: Key,
               signer: Key | None = None) -> dict[str, Any]:
    """A cross-signing key as uploaded: its usage, its key, the master's signature."""
    body: dict[str, Any] = {"user_id": user_id, "usage": [role],
                            "keys": {f"ed25519:{key.public}": key.public}}
    if signer is not None:
        body["signatures"] = {user_id: {f"ed25519:{signer.public}": signer.sign(body)}}
    return body


class CrossSigning:
    def __init__(self, session: Session, recovery_key: str | None):
        self.session = session
        self.recovery_key = recovery_key

    async def ensure(self) -> None:
        """The bot's keys published and its device signed; failures only logged."""
        if not self.session.client.device_id:
            return
        if not self.recovery_key:  # said at every start: Element flags every message
            if self.session.crypto.enabled:
                log.warning("%s", recovery_key_missing(self.session.client.device_id))
            return
        try:
            await self._ensure(self.recovery_key)
        except InteractiveAuthNeeded:
            log.warning("%s", interactive_auth_needed(self.session.user_id))
        except (DeliveryError, ValueError, KeyError) as exc:
            log.warning("Matrix cross-signing not done (%s): the bot's device stays "
                        "unverified", exc)

    async def _ensure(self, recovery_key: str) -> None:
        session, user = self.session, self.session.user_id
        keys = await self._kept(recovery_key)
        if keys is None:
            return
        published = await self.query()
        master = published.get("master_keys", {}).get(user, {}).get("keys", {})
        if f"ed25519:{keys['master'].public}" not in master:
            await self._upload_keys(keys)
            log.info("Matrix cross-signing keys published (master %s)", keys["master"].public)
            published = await self.query()
        device = published["device_keys"][user][session.client.device_id]
        ssk = f"ed25519:{keys['self_signing'].public}"
        if ssk not in device.get("signatures", {}).get(user, {}):
            signed = {**canonical_dict(device),
                      "signatures": {user: {ssk: keys["self_signing"].sign(device)}}}
            status, body = await session.api(
                "POST", "/_matrix/client/v3/keys/signatures/upload",
                {user: {session.client.device_id: signed}})
            if status != 200 or body.get("failures"):
                raise DeliveryError(f"signatures upload: {status} {body}")
            log.info("Matrix device %s signed by the bot's self-signing key",
                     session.client.device_id)

    async def _kept(self, recovery_key: str) -> dict[str, Key] | None:
        stored = await self.session.get(STATE_KEY)
        if stored is not None:
            try:
                return await asyncio.to_thread(unseal, stored, recovery_key)
            except ValueError:
                log.error("%s", recovery_key_wrong(f"matrix/{STATE_KEY}"))
                return None
        keys = {role: Key(secrets.token_bytes(32)) for role in ROLES}
        await self.session.put(STATE_KEY, await asyncio.to_thread(seal, keys, recovery_key))
        return keys

    async def kept_master(self) -> str | None:
        """The public master key kept in the database (None: none kept, or no recovery
        key to open it); ``ValueError`` when the recovery key does not open it."""
        stored = await self.session.get(STATE_KEY)
        if stored is None or not self.recovery_key:
            return None
        return (await asyncio.to_thread(unseal, stored, self.recovery_key))["master"].public

    async def query(self) -> dict[str, Any]:
        """The homeserver's ``/keys/query`` answer for the bot's own account."""
        status, body = await self.session.api(
            "POST", "/_matrix/client/v3/keys/query",
            {"device_keys": {self.session.user_id: []}})
        if status != 200:
            raise DeliveryError(f"keys query: {status} {body}")
        return body

    async def _upload_keys(self, keys: dict[str, Key]) -> None:
        user, master = self.session.user_id, keys["master"]
        upload: dict[str, Any] = {
            "master_key": public_key(user, "master", master),
            "self_signing_key": public_key(user, "self_signing", keys["self_signing"], master),
            "user_signing_key": public_key(user, "user_signing", keys["user_signing"], master),
        }
        path = "/_matrix/client/v3/keys/device_signing/upload"
        status, body = await self.session.api("POST", path, upload)
        if status == 401 and "flows" in body:  # user-interactive auth: the password
            if not self.session.password:
                raise InteractiveAuthNeeded(f"cross-signing keys upload: {status} {body}")
            upload["auth"] = {"type": "m.login.password", "session": body.get("session"),
                              "identifier": {"type": "m.id.user", "user": user},
                              "password": self.session.password}
            status, body = await self.session.api("POST", path, upload)
        if status != 200:
            raise DeliveryError(f"cross-signing keys upload: {status} {body}")


def canonical_dict(device: dict[str, Any]) -> dict[str, Any]:
    """A device's keys as signed (its ``unsigned`` part left out)."""
    return {k: v for k, v in device.items() if k not in ("signatures", "unsigned")}
