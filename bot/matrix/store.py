"""The device's store (``MATRIX_STORE_PATH``): nio's SQLite file of the device's keys.

One file per device, ``<user id>_<device id>.db``: the Olm account (identity and one-time
keys), the Olm sessions with the members' devices, the room keys received (inbound Megolm
sessions), the members' devices and their trust (with ``MATRIX_TRUST=verified``, files
``….blacklisted_devices`` beside it), the key requests sent. The room keys the bot sends
with are in memory only: a new holder makes new ones (a rotation the members' clients
take as usual).

Only the lease's holder opens it (``bot.lease``): it is read at every start of the Matrix
side and closed at its stop (``unload``). A stored device whose file is not there (the
volume lost, or not mounted) is not used with new keys under its id, which the members'
clients would refuse: the bot logs in as a new device (``Session.connect``), or, on a
configured access token whose device has keys, stops with ``store_lost``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from nio import AsyncClient
from nio.store import DefaultStore


class Store(DefaultStore):
    """nio's store (``AsyncClientConfig.store``), which saves the encrypted rooms each sync
    found even when it found none: a transaction and a read of the account, on the event
    loop, before the batch is handled (0.8 ms per sync on the bench, on every reply's
    path). Only the rooms found are written, as before."""

    def save_encrypted_rooms(self, rooms: Collection[str]) -> None:
        if rooms:
            super().save_encrypted_rooms(rooms)


def kept(folder: Path, user_id: str, device_id: str) -> bool:
    """Whether the device's keys are in ``folder`` (nio's default file name)."""
    return (folder / f"{user_id}_{device_id}.db").exists()


def unload(client: AsyncClient) -> None:
    """Close the device's store and forget its keys in memory (account, Olm and Megolm
    sessions, the room keys being sent). nio loads a store once, at the login, and never
    again: a replica that held the lease, lost it and takes it back would otherwise go
    on with the keys it had, and overwrite what the holder in between wrote. The sync
    position goes too: nio ignores a sync whose ``next_batch`` it already has, and the
    next start's first sync (from the stored token) must be read whole, its room keys
    and one-time key count with it."""
    store, client.store, client.olm = client.store, None, None
    client.next_batch = ""  # as a new client has it
    if store is not None:
        store.database.close()
