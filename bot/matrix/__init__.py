"""The Matrix adapter (matrix-nio): ``create_adapter(settings, db)`` for ``bot.runner``.

- ``inbound``: nio events → neutral events (pure);
- ``outbound``: neutral messages → event contents (pure);
- ``client``: the logged-in nio client, its stored session, errors at the edge;
- ``store``: the device's store, opened by the lease's holder only, and a lost one;
- ``refusals``: what stops the start, said to the operator in their language;
- ``crypto``: end-to-end encryption: keys kept, shared, asked for; the trust policy;
- ``signing``: the cross-signing of the bot's own device, under the recovery key;
- ``sync``: the sync loop, its stored token, invitations;
- ``adapter``: outbox deliveries by role, direct rooms, the lifecycle.
"""

from __future__ import annotations

from bot.config import Settings
from bot.matrix.adapter import MatrixAdapter
from bot.matrix.client import Session
from storage.db import Database

__all__ = ["MatrixAdapter", "create_adapter"]


def create_adapter(settings: Settings, db: Database) -> MatrixAdapter:
    if not (settings.matrix_homeserver and settings.matrix_user_id):
        raise ValueError("Matrix needs MATRIX_HOMESERVER and MATRIX_USER_ID")
    session = Session(db, settings.matrix_homeserver, settings.matrix_user_id,
                      access_token=settings.matrix_access_token,
                      password=settings.matrix_password,
                      device_id=settings.matrix_device_id, pace=settings.matrix_pace,
                      room_creation=settings.matrix_room_creation,
                      store=settings.matrix_store(), trust=settings.matrix_trust,
                      recovery_key=settings.matrix_recovery_key)
    return MatrixAdapter(session)
