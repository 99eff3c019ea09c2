"""What stops ``grappe run`` on the Matrix side, said to the person who starts it: in their
language (``GRAPPE_LOCALE``, French by default), with what to do (``StartRefused``)."""

from __future__ import annotations

import os
from pathlib import Path

from nio import ErrorResponse

from commands.i18n import translator


def _operator() -> str | None:
    return os.environ.get("GRAPPE_LOCALE")


def token_refused(homeserver: str, user_id: str, resp: ErrorResponse) -> str:
    """What to do when the homeserver refuses ``MATRIX_ACCESS_TOKEN``."""
    t = translator(_operator())
    return t.t("The Matrix homeserver {homeserver} refused the access token of {user_id} "
               "({reason}). Check MATRIX_ACCESS_TOKEN: it may have been revoked (a logout "
               "from the session it came from revokes it), it may have expired (a Tchap "
               "account not renewed within 13 months), or it may belong to another account "
               "or homeserver. Get a new token (docs/tchap.md), set it in MATRIX_ACCESS_TOKEN "
               "and start grappe again.", homeserver=homeserver, user_id=user_id,
               reason=f"{resp.status_code} {resp.message or ''}".strip())


def token_of_another(user_id: str, actual: str) -> str:
    t = translator(_operator())
    return t.t("MATRIX_ACCESS_TOKEN is the token of {actual}, not of MATRIX_USER_ID "
               "({user_id}). Set the bot's own token, or correct MATRIX_USER_ID, and start "
               "grappe again.", actual=actual, user_id=user_id)


def store_lost(folder: Path, device_id: str) -> str:
    """What to do when the configured token's device has keys that the store lacks."""
    t = translator(_operator())
    return t.t("The encryption keys of the bot's Matrix device {device} are not in "
               "MATRIX_STORE_PATH ({folder}): the folder was lost, or is not mounted. Put "
               "it back (its latest backup) and start grappe again; or get a new access "
               "token, which is a new device (docs/tchap.md), set it in "
               "MATRIX_ACCESS_TOKEN and start grappe again.", device=device_id,
               folder=str(folder))
