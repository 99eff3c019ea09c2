"""What the operator reads when the homeserver refuses the bot's account, in their
language (``GRAPPE_LOCALE``, French by default): each text says what to do."""

from __future__ import annotations

from pathlib import Path

from nio import ErrorResponse

from commands.i18n import Translator, operator


def reason_of(resp: ErrorResponse) -> str:
    return f"{resp.status_code} {resp.message or ''}".strip()


def token_refused(homeserver: str, user_id: str, resp: ErrorResponse) -> str:
    """What to do when the homeserver refuses ``MATRIX_ACCESS_TOKEN``."""
    t = operator()
    return t.t("The Matrix homeserver {homeserver} refused the access token of {user_id} "
               "({reason}). Check MATRIX_ACCESS_TOKEN: it may have been revoked (a logout "
               "from the session it came from revokes it), it may have expired (a Tchap "
               "account not renewed within 13 months), or it may belong to another account "
               "or homeserver. Get a new token (docs/tchap.md), set it in MATRIX_ACCESS_TOKEN "
               "and start grappe again.", homeserver=homeserver, user_id=user_id,
               reason=reason_of(resp))


def token_of_another(user_id: str, actual: str) -> str:
    t = operator()
    return t.t("MATRIX_ACCESS_TOKEN is the token of {actual}, not of MATRIX_USER_ID "
               "({user_id}). Set the bot's own token, or correct MATRIX_USER_ID, and start "
               "grappe again.", actual=actual, user_id=user_id)


def token_lost(homeserver: str, user_id: str, reason: str) -> str:
    """What to do when the homeserver stops accepting the token while grappe runs."""
    return operator().t(
        "The Matrix homeserver {homeserver} no longer accepts the access token of {user_id} "
        "({reason}): it was revoked (a logout from the session it came from revokes it) or "
        "it expired (a Tchap account is renewed every year, through the e-mail Tchap "
        "sends). grappe stops its Matrix side: nothing more is read or sent there, and the "
        "messages to send wait in the database. Get a new token (docs/tchap.md), set it in "
        "MATRIX_ACCESS_TOKEN and start grappe again.", homeserver=homeserver,
        user_id=user_id, reason=reason)


def interactive_auth_needed(user_id: str, t: Translator | None = None) -> str:
    """What the operator reads when the keys cannot be published without a password."""
    return (t or operator()).t(
        "The Matrix homeserver asks for the password of {user_id} to publish the bot's "
        "cross-signing keys (a master key is already published, by another client or "
        "with other keys), and MATRIX_PASSWORD is not set. grappe runs on, but its device "
        "stays unverified: Element shows its messages as sent by a device not verified by "
        "its owner. To verify it, set MATRIX_PASSWORD once and start grappe again (you may "
        "remove it afterwards). An account without a password (Tchap through ProConnect): "
        "ask the homeserver's administrators to allow the replacement of the account's "
        "cross-signing keys without interactive authentication, then start grappe again "
        "within ten minutes (docs/tchap.md).", user_id=user_id)


def store_lost(folder: Path, device_id: str) -> str:
    """What to do when the configured token's device has keys that the store lacks."""
    return operator().t(
        "The encryption keys of the bot's Matrix device {device} are not in "
        "MATRIX_STORE_PATH ({folder}): the folder was lost, or is not mounted. Put "
        "it back (its latest backup) and start grappe again; or get a new access "
        "token, which is a new device (docs/tchap.md), set it in "
        "MATRIX_ACCESS_TOKEN and start grappe again.", device=device_id,
        folder=str(folder))


def recovery_key_missing(device: str) -> str:
    """What the operator reads at start when the device cannot be signed: no key set."""
    return operator().t(
        "The bot's Matrix device {device} is not verified: MATRIX_RECOVERY_KEY is not set. "
        "Element and Tchap show its messages as sent by a device not verified by its "
        "owner. Make a key with “grappe matrix recovery-key”, set it in "
        "MATRIX_RECOVERY_KEY and start grappe again; if cross-signing keys were made "
        "before (they are kept in the database), give the key they were made with.",
        device=device)


def recovery_key_wrong(row: str) -> str:
    """What the operator reads when the recovery key does not open the kept keys."""
    return operator().t(
        "MATRIX_RECOVERY_KEY does not open the cross-signing keys kept in the database: "
        "the bot's device stays unverified. Give the key they were made with; if it is "
        "lost, delete the adapter_state row {row} to make new keys (the members then "
        "verify the bot again).", row=row)
