"""``grappe matrix status``: the bot's account and device as the homeserver shows them.

It logs in as ``grappe run`` does (the configured or stored token, else the password) but
leaves the device's store alone (``session_of(encrypted=False)``): a running bot owns it.
What it reads is what a member's client reads (``/keys/query``): whether the device
published its encryption keys, whether the account has a master key (and whether it is
the one grappe keeps under ``MATRIX_RECOVERY_KEY``), whether the device is signed by the
account's self-signing key (Element then shows it verified by its owner). A failure (the
homeserver away, a refused token or password) is one ``StatusFailed`` whose text, in the
operator's language, says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.adapters.base import DeliveryError, StartRefused
from bot.config import Settings
from bot.matrix import session_of
from bot.matrix.client import MatrixError
from bot.matrix.refusals import interactive_auth_needed
from commands.i18n import Translator, operator
from storage.db import Database


class StatusFailed(Exception):
    """The status could not be read; the text says why and what to do."""


@dataclass(frozen=True)
class Status:
    user_id: str
    device_id: str | None
    device_keys: bool  # the device's encryption keys are published
    master: str | None  # the account's published master key
    kept: str | None  # the master key grappe keeps (opened with MATRIX_RECOVERY_KEY)
    opens: bool  # the recovery key opens the keys kept (or none are kept)
    signed: bool  # the device is signed by the account's self-signing key
    store: Path
    store_exists: bool
    recovery_key: bool
    password: bool


def _only(entry: dict[str, Any] | None) -> str | None:
    keys = list((entry or {}).get("keys", {}).values())
    return str(keys[0]) if keys else None


async def status_of(settings: Settings, db: Database) -> Status:
    t = operator()
    if not (settings.matrix_homeserver and settings.matrix_user_id):
        raise StatusFailed(t.t("Matrix is not configured: set MATRIX_HOMESERVER and "
                               "MATRIX_USER_ID."))
    if not (settings.matrix_access_token or settings.matrix_password):
        raise StatusFailed(t.t("Set MATRIX_ACCESS_TOKEN (or MATRIX_PASSWORD) for the bot's "
                               "account."))
    session = session_of(settings, db, encrypted=False)
    user = session.user_id
    try:
        await session.connect()
        published = await session.signing.query()
        try:
            kept, opens = await session.signing.kept_master(), True
        except ValueError:
            kept, opens = None, False
    except StartRefused as exc:
        raise StatusFailed(str(exc)) from None
    except MatrixError as exc:  # the password refused at login, or another refusal
        raise StatusFailed(t.t("The Matrix homeserver {homeserver} refused to log in {user_id} "
                               "({reason}). Check MATRIX_PASSWORD, or set "
                               "MATRIX_ACCESS_TOKEN.", homeserver=session.homeserver,
                               user_id=user, reason=exc.code or exc)) from None
    except DeliveryError as exc:
        raise StatusFailed(t.t("The Matrix homeserver {homeserver} does not answer ({reason}). "
                               "Check MATRIX_HOMESERVER and the network, then try again.",
                               homeserver=session.homeserver,
                               reason=exc.__cause__ or exc)) from None
    finally:
        await session.close()
    device_id = session.client.device_id
    device = (published.get("device_keys", {}).get(user) or {}).get(device_id or "")
    ssk = _only(published.get("self_signing_keys", {}).get(user))
    signed = bool(device and ssk
                  and f"ed25519:{ssk}" in device.get("signatures", {}).get(user, {}))
    store = settings.matrix_store()
    return Status(user_id=user, device_id=device_id, device_keys=device is not None,
                  master=_only(published.get("master_keys", {}).get(user)), kept=kept,
                  opens=opens, signed=signed, store=store, store_exists=store.is_dir(),
                  recovery_key=bool(settings.matrix_recovery_key),
                  password=bool(settings.matrix_password))


def report(status: Status, t: Translator) -> list[str]:
    """The status as the operator reads it: the facts, then what to do, if anything."""
    lines = [t.t("Account: {user_id}", user_id=status.user_id),
             t.t("Device: {device}",
                 device=status.device_id or t.t("none named by the homeserver"))]
    if not status.device_keys:
        lines.append(t.t("Encryption keys of the device: not published yet (grappe run "
                         "publishes them at its start)."))
    if status.master is None:
        lines.append(t.t("Master key: not published."))
    elif status.kept is None:
        lines.append(t.t("Master key: published."))
    elif status.kept == status.master:
        lines.append(t.t("Master key: published, the one grappe keeps."))
    else:
        lines.append(t.t("Master key: published, not the one grappe keeps (made by another "
                         "client, or with other keys)."))
    lines.append(t.t("Device signed by the bot's self-signing key: yes (verified).")
                 if status.signed else
                 t.t("Device signed by the bot's self-signing key: no (unverified)."))
    lines.append(t.t("Store of the device's keys (MATRIX_STORE_PATH): {path}, present.",
                     path=status.store) if status.store_exists else
                 t.t("Store of the device's keys (MATRIX_STORE_PATH): {path}, absent: grappe "
                     "run creates it; keep it on persistent storage.", path=status.store))
    lines.extend(_advice(status, t))
    return lines


def _advice(status: Status, t: Translator) -> list[str]:
    if status.signed:
        return []
    if not status.recovery_key:
        return [t.t("MATRIX_RECOVERY_KEY is not set: the device is not cross-signed. "
                    "grappe matrix recovery-key makes a key.")]
    if not status.opens:
        return [t.t("MATRIX_RECOVERY_KEY does not open the cross-signing keys kept in the "
                    "database: give the key they were made with.")]
    if status.master is not None and status.kept != status.master and not status.password:
        return [interactive_auth_needed(status.user_id, t)]
    return [t.t("grappe run signs the device at its next start.")]
