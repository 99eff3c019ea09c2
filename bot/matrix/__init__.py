"""The Matrix adapter (matrix-nio): ``create_adapter(settings, db)`` for ``bot.runner``.

- ``inbound``: nio events → neutral events (pure);
- ``outbound``: neutral messages → event contents (pure);
- ``client``: the logged-in nio client, its stored session, errors at the edge;
- ``store``: the device's store, opened by the lease's holder only, and a lost one;
- ``refusals``: what stops the start, said to the operator in their language;
- ``crypto``: end-to-end encryption: keys kept, shared, asked for; the trust policy;
- ``signing``: the cross-signing of the bot's own device, under the recovery key;
- ``status``: the account and device as the homeserver shows them (``grappe matrix``);
- ``sync``: the sync loop, its stored token, invitations;
- ``adapter``: outbox deliveries by role, direct rooms, the lifecycle.
"""

from __future__ import annotations

from bot.config import Settings
from bot.matrix.adapter import MatrixAdapter
from bot.matrix.client import Session
from storage.db import Database

__all__ = ["MatrixAdapter", "create_adapter", "session_of"]


def create_adapter(settings: Settings, db: Database) -> MatrixAdapter:
    return MatrixAdapter(session_of(settings, db))


def session_of(settings: Settings, db: Database, *, encrypted: bool = True) -> Session:
    """The session the settings say; ``encrypted=False``: one that leaves the device's
    store alone (``grappe matrix status``, beside a running bot that owns it)."""
    if not (settings.matrix_homeserver and settings.matrix_user_id):
        raise ValueError("Matrix needs MATRIX_HOMESERVER and MATRIX_USER_ID")
    return Session(db, settings.matrix_homeserver, settings.matrix_user_id,
                   access_token=settings.matrix_access_token,
                   password=settings.matrix_password,
                   device_id=settings.matrix_device_id, pace=settings.matrix_pace,
                   room_creation=settings.matrix_room_creation,
                   store=settings.matrix_store() if encrypted else None,
                   trust=settings.matrix_trust, recovery_key=settings.matrix_recovery_key)
