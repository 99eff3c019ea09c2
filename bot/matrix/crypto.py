"""End-to-end encryption of the bot's device: its keys kept, shared, and asked for.

nio decrypts a sync's events and encrypts a send by itself, but what its own
``sync_forever`` does between two syncs is left to a client that runs its own loop, as
the bot does: upload the device's keys, query the keys of the people of encrypted rooms,
claim one-time keys, send the to-device messages it queued (room keys, key requests).
``maintain`` does that after every sync. The device's keys live in nio's store
(``MATRIX_STORE_PATH``), with the device id and token kept in the database: the same
device at every start, which the members' clients already trust.

A send to an encrypted room shares the room's key with the members' devices as the
trust policy says (``MATRIX_TRUST``): "tofu", every device (trust on first use, as
Element's default); "verified", only the devices verified in the bot's store (the
others are blacklisted, so they never get the key). Everything the bot sends there is
encrypted, its reactions too, as Element sends them: nio's ``room_send`` leaves an
``m.reaction`` in clear (a comment there cites MSC1849, from before relations could be
encrypted), so ``room_send`` here encrypts it itself, its ``m.relates_to`` kept in clear
beside the ciphertext as the specification asks (nio's ``encrypt`` does so).

An event nio cannot decrypt (its room key never reached the bot's device) makes the bot
ask the sender's devices for the key; the event waits ``KEY_WAIT`` seconds (the syncs
in between may bring the key). Decrypted then, it is handled as if it had just arrived;
still unreadable, its author is told once, without its content (the bot never saw it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from nio import (
    EncryptionError,
    ErrorResponse,
    Event,
    KeysUploadResponse,
    LocalProtocolError,
    MegolmEvent,
    OlmTrustError,
    RoomKeyRequestResponse,
    RoomSendResponse,
)
from nio.api import Api

from bot.adapters.base import DeliveryError

if TYPE_CHECKING:
    from bot.matrix.client import Session

log = logging.getLogger(__name__)

KEY_WAIT = 5.0  # seconds an undecryptable event waits for its key before its author is told
ROOM_WAIT = 10.0  # seconds a send to a room just created waits for the sync to show it
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
UPLOAD = "/_matrix/client/v3/keys/upload"
NIO_ERRORS = (LocalProtocolError, OlmTrustError, EncryptionError)
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)

Readable = Callable[[Event, str], Awaitable[None]]  # a late decrypted event, its room
Unreadable = Callable[[MegolmEvent, str], Awaitable[None]]  # an event whose key never came


async def published(session: Session, user_id: str,
                    devices: Sequence[str] = ()) -> dict[str, Any]:
    """The devices of ``user_id`` (of ``devices``; all when none) that publish encryption
    keys, by id, as the homeserver has them (``/keys/query``)."""
    status, keys = await session.api("POST", "/_matrix/client/v3/keys/query",
                                     {"device_keys": {user_id: list(devices)}})
    if status != 200:
        raise DeliveryError(f"keys of {user_id}: HTTP {status}")
    return dict((keys.get("device_keys") or {}).get(user_id) or {})


class Crypto:
    """The device's encryption, beside the session (``Session.crypto``)."""

    def __init__(self, session: Session, *, trust: str = "tofu"):
        self.session = session
        self.client = session.client
        self.trust = trust
        self._lock = asyncio.Lock()  # one key query (upload, claim) at a time
        self._synced = asyncio.Event()  # set (and replaced) after every sync
        self._waiting: set[asyncio.Task[None]] = set()
        self._telling = asyncio.Lock()
        self.on_readable: Readable | None = None
        self.on_unreadable: Unreadable | None = None

    @property
    def enabled(self) -> bool:
        """The store is loaded: the device can encrypt and decrypt."""
        return self.client.olm is not None

    def encrypted(self, room_id: str) -> bool | None:
        """Whether the room is encrypted; None when it is and the device cannot decrypt."""
        room = self.client.rooms.get(room_id)
        if room is None or not room.encrypted:
            return False
        return True if self.enabled else None

    # --- between two syncs ------------------------------------------------------
    async def maintain(self) -> None:
        """What ``sync_forever`` does after a sync; a failure waits for the next sync."""
        if not self.enabled:
            return
        client = self.client
        async with self._lock:
            if client.should_upload_keys:
                await self._try(self._upload_keys(), "upload the device's keys", nio=False)
            if client.should_query_keys:
                await self._try(client.keys_query(), "query the members' keys")
            if client.should_claim_keys:
                await self._try(client.keys_claim(client.get_users_for_key_claiming()),
                                "claim one-time keys")
        if client.outgoing_to_device_messages:
            for resp in await self._try(client.send_to_device_messages(),
                                        "send the to-device messages") or ():
                if isinstance(resp, ErrorResponse):  # nio keeps it queued: sent next time
                    log.warning("a to-device message was not sent: %s", resp)
        synced, self._synced = self._synced, asyncio.Event()
        synced.set()

    async def _upload_keys(self) -> None:
        """nio's ``keys_upload``, with the account written before its new one-time keys leave.

        nio writes the account once the homeserver has taken them: a holder killed in
        between leaves a store whose account draws the same key ids again, with other keys,
        which the homeserver refuses ("One time key … already exists") at every sync. Written
        first, the next holder offers the very same keys, which the homeserver takes again.
        A store older than what the homeserver holds (a backup put back) still draws ids the
        homeserver has: those keys are set aside and new ones are offered at the next sync."""
        olm = self.client.olm
        assert olm is not None
        keys = olm.share_keys()  # the new one-time keys drawn here, in memory
        olm.save_account()
        status, body = await self.session.api("POST", UPLOAD, keys)
        if status == 200:
            resp = KeysUploadResponse.from_dict(body)
            if isinstance(resp, KeysUploadResponse):
                await self.client.receive_response(resp)  # published, and written again
                return
        if status == 400 and "already exists" in str(body.get("error", "")):
            log.warning("the homeserver already holds one-time keys under the ids this "
                        "store drew (an older copy of the store?): they are set aside and "
                        "new ones are offered at the next sync")
            olm.mark_keys_as_published()
            olm.save_account()
            return
        raise DeliveryError(f"keys upload: HTTP {status} {body.get('error', '')}".strip())

    async def _try(self, request: Coroutine[Any, Any, Any], what: str, *,
                   nio: bool = True) -> Any:
        """A nio request through ``Session.call`` (or, not ``nio``, one of the bot's own)."""
        try:
            return await (self.session.call(request, what) if nio else request)
        except (DeliveryError, *NIO_ERRORS) as exc:
            log.warning("%s failed (%s); again after the next sync", what, exc)
            return None

    # --- sending ---------------------------------------------------------------
    async def before_send(self, room_id: str) -> bool:
        """Ready the room's key for a send; whether nio may skip unverified devices."""
        if not await self.encrypts(room_id):
            return False
        client = self.client
        async with self._lock:  # after a query in flight: its devices get the room's key
            if not client.rooms[room_id].members_synced:  # as nio would, in the lock
                await self.session.call(client.joined_members(room_id),
                                        f"the members of {room_id}")
            if client.should_query_keys:  # a member (or device) the bot has not seen yet
                await self.session.call(client.keys_query(), "query the members' keys")
        if self.trust == "verified":
            self._withhold_from_unverified(room_id)
        return True

    async def room_send(self, room_id: str, event_type: str, content: dict[str, Any],
                        txn_id: str, skip_unverified: bool) -> RoomSendResponse | ErrorResponse:
        """nio's ``room_send``, a reaction in an encrypted room encrypted as well."""
        client = self.client
        if event_type != "m.reaction" or self.encrypted(room_id) is not True:
            return await client.room_send(room_id, event_type, content, tx_id=txn_id,
                                          ignore_unverified_devices=skip_unverified)
        assert client.olm is not None
        if client.olm.should_share_group_session(room_id):  # as nio's room_send does
            if (sharing := client.sharing_session.get(room_id)) is not None:
                await sharing.wait()
            else:
                await client.share_group_session(
                    room_id, ignore_unverified_devices=skip_unverified)
        sealed_type, sealed = client.encrypt(room_id, event_type, content)
        method, path, data = Api.room_send(client.access_token, room_id, sealed_type, sealed,
                                           txn_id)
        return await client._send(RoomSendResponse, method, path, data, (room_id,))

    async def encrypts(self, room_id: str) -> bool:
        """Whether what goes to the room is encrypted (a direct room just created: once a
        sync shows it with the person invited, or its key would be shared with no one;
        nio encrypts, and so sends, only to the rooms it knows)."""
        if not self.enabled:
            return False
        if room_id not in self.client.rooms and room_id not in self.session.created:
            raise DeliveryError(f"{room_id}: not in room (no sync has shown it)",
                                absent=True)  # as the homeserver would say: a wait
        if room_id in self.session.created:
            await self._shown(room_id, self.session.created[room_id])
        return self.encrypted(room_id) is True

    async def readable_by(self, user_id: str) -> bool:
        """Whether ``user_id`` has a device that publishes encryption keys (``/keys/query``):
        as Element decides, a direct room is encrypted only when the person can read it."""
        return self.enabled and bool(await published(self.session, user_id))

    async def _shown(self, room_id: str, user_id: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ROOM_WAIT
        while (room := self.client.rooms.get(room_id)) is None or user_id not in room.users:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise DeliveryError(f"{room_id}: created, but no sync shows {user_id} in it")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._synced.wait(), remaining)

    def _withhold_from_unverified(self, room_id: str) -> None:
        for devices in self.client.room_devices(room_id).values():
            for device in devices.values():
                if not device.verified and not device.blacklisted:
                    self.client.blacklist_device(device)

    # --- receiving -------------------------------------------------------------
    def readable(self, event: Event, room_id: str) -> Event:
        """``event`` decrypted when it can be (an edit's original, fetched by its id)."""
        if isinstance(event, MegolmEvent) and self.enabled:
            event.room_id = room_id
            with contextlib.suppress(*NIO_ERRORS):
                return self.client.decrypt_event(event)
        return event

    async def undecrypted(self, event: MegolmEvent, room_id: str) -> None:
        """Ask for the event's key, and wait for it (off the sync's path)."""
        event.room_id = room_id
        client = self.client
        if event.session_id not in client.outgoing_key_requests:
            assert client.device_id is not None
            try:  # of the bot's own devices (nio's request), then of the sender's device
                resp = await self.session.call(client.request_room_key(event),
                                               f"request the key of {event.event_id}")
                assert isinstance(resp, RoomKeyRequestResponse)
                await self.session.call(client.to_device(event.as_key_request(
                    event.sender, client.device_id, device_id=event.device_id)),
                    f"request the key of {event.event_id} of its sender")
            except (DeliveryError, *NIO_ERRORS) as exc:
                log.warning("the key of %s was not requested: %s", event.event_id, exc)
        task = asyncio.create_task(self._wait_for_key(event, room_id),
                                   name=f"matrix-key-{event.event_id}")
        self._waiting.add(task)
        task.add_done_callback(self._waiting.discard)

    async def _wait_for_key(self, event: MegolmEvent, room_id: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KEY_WAIT
        try:
            while True:
                decrypted = self.readable(event, room_id)
                if decrypted is not event:
                    log.info("%s decrypted with a key that came later", event.event_id)
                    if self.on_readable is not None:
                        await self.on_readable(decrypted, room_id)
                    return
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._synced.wait(), remaining)
            log.warning("%s in %s stays unreadable: its key never came", event.event_id,
                        room_id)
            if self.on_unreadable is not None:
                async with self._telling:  # told once per key: one look-up and note at
                    await self.on_unreadable(event, room_id)  # a time
        except Exception:  # the database away, the homeserver gone: logged, not replayed
            log.exception("the undecryptable event %s was not handled", event.event_id)

    @property
    def waiting(self) -> int:
        """How many undecryptable events wait for their key."""
        return len(self._waiting)

    async def stop(self) -> None:
        for task in list(self._waiting):
            task.cancel()
        for task in list(self._waiting):
            with contextlib.suppress(asyncio.CancelledError):
                await task
