"""The nio ``AsyncClient`` of the bot: log in once, keep the session, turn errors into one.

The access token and device id are kept in the ``adapter_state`` table, so a
restart reuses the same device (and Synapse's transaction-id cache, which
makes a retried send idempotent). A configured access token (``MATRIX_ACCESS_TOKEN``: Tchap's
accounts may have no password) is checked with ``whoami`` at start; a refusal stops the
start with a French text that says what to do (``StartRefused``). Calls are spaced by
``pace`` seconds when the homeserver asks for it (Tchap: about one a second,
``bot.pacing.Spacing``), and ``room_creation=False`` refuses to create a room at all.
Every nio error value, timeout and aiohttp error becomes a ``DeliveryError`` at the edge
(``bot.matrix.errors``). A stop cuts the requests in flight short (``cut``): a hung
homeserver holds none of them past the stop's grace.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import io
import json
import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomGetStateEventResponse,
    RoomPreset,
    RoomSendResponse,
    UploadResponse,
    WhoamiResponse,
)
from nio.client.async_client import client_session

from bot.adapters.base import DeliveryError, StartRefused
from bot.adapters.cutoff import Cutoff
from bot.matrix.crypto import ENCRYPTION, NETWORK_ERRORS, NIO_ERRORS, Crypto, published
from bot.matrix.errors import LOST, REFUSED, MatrixError, TokenLost, call, error_of
from bot.matrix.refusals import (
    reason_of,
    store_lost,
    token_lost,
    token_of_another,
    token_refused,
)
from bot.matrix.signing import CrossSigning
from bot.matrix.store import Store, kept, unload
from bot.pacing import Spacing
from storage.db import Database
from storage.repo import adapter_state as state_repo

log = logging.getLogger(__name__)

PLATFORM = "matrix"
DEVICE_NAME = "grappe"
REQUEST_TIMEOUT = 30.0
PROBE_TIMEOUT = 2.0  # a homeserver that takes longer to say its versions is not back yet
LOST_WAIT = 3600.0  # seconds the outbox holds its Matrix rows after that (a restart sends)

R = TypeVar("R")


def state_key(prefix: str, value: str) -> str:
    """An ``adapter_state`` key for a value of any length (the column holds 80)."""
    key = f"{prefix}:{value}"
    return key if len(key) <= 80 else f"{prefix}#" + hashlib.sha256(value.encode()).hexdigest()


def _discard(request: Awaitable[object]) -> None:
    """Close a request that will not be sent (a coroutine never awaited warns when collected)."""
    if inspect.iscoroutine(request):
        request.close()


@client_session
async def open_http_session(client: AsyncClient) -> None:
    """Open nio's aiohttp session (nio's own way) before any send: nio opens it lazily, at
    the first request, and two concurrent first requests would each open one."""


class Session:
    """One logged-in nio client and the adapter's durable state."""

    def __init__(self, db: Database, homeserver: str, user_id: str, *,
                 access_token: str | None = None, password: str | None = None,
                 device_id: str | None = None, pace: float = 0.0,
                 room_creation: bool = True, store: Path | None = None,
                 trust: str = "tofu", recovery_key: str | None = None):
        if not (access_token or password):
            raise ValueError("Matrix needs MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD")
        self.db = db
        self.homeserver = homeserver.rstrip("/")
        self.user_id = user_id
        self.password = password
        self.configured_token = access_token
        self.configured_device = device_id
        self.room_creation = room_creation
        self.spacing = Spacing(pace)
        # nio retries nothing itself: the outbox and the sync loop decide when to try again
        config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0,
                                   request_timeout=REQUEST_TIMEOUT, store_sync_tokens=False,
                                   encryption_enabled=store is not None, store=Store)
        self.store = store  # the device's keys (None: no end-to-end encryption)
        self.client = AsyncClient(self.homeserver, user_id, config=config,
                                  store_path=str(store) if store is not None else "")
        self.crypto = Crypto(self, trust=trust)
        self.signing = CrossSigning(self, recovery_key)
        # the direct rooms created or joined since start → whose (no sync has shown some yet)
        self.created: dict[str, str] = {}
        self._login_lock = asyncio.Lock()
        self._cutoff = Cutoff()
        self.closed = False
        self.lost: TokenLost | None = None  # the token stopped working: no more calls

    # --- durable state ---------------------------------------------------
    async def get(self, key: str) -> str | None:
        async with self.db.session(read_only=True) as s:
            return await state_repo.get_state(s, PLATFORM, key)

    async def put(self, key: str, value: str) -> None:
        async with self.db.session() as s:
            await state_repo.set_state(s, PLATFORM, key, value)

    # --- login -------------------------------------------------------------
    async def connect(self) -> None:
        """Use the configured or the stored token; log in with the password when neither works."""
        self.closed, self.lost = False, None
        self._cutoff.reset()
        unload(self.client)  # read again below: another holder may have changed it since
        await open_http_session(self.client)
        if self.store is not None:
            await asyncio.to_thread(self.store.mkdir, parents=True, exist_ok=True)
        token, device = self.configured_token, self.configured_device
        if await self.get("user_id") == self.user_id:
            if token is None:
                token = await self.get("access_token")
            device = device or await self.get("device_id")
            if device and self.configured_device is None and not await self._kept(device):
                device = None  # its keys lost with the store: not a device to log in again
        self.client.device_id = device  # a new login keeps the device (and its keys)
        if token is not None:
            self.client.user_id, self.client.access_token = self.user_id, token
            who = await self.call(self.client.whoami(), "whoami", renew=False, refused=True)
            if isinstance(who, WhoamiResponse):
                if who.user_id != self.user_id:
                    raise StartRefused(token_of_another(self.user_id, who.user_id))
                device = who.device_id or device
                if not await self._lost(device):
                    self._restore(device, token)
                    return
                assert device is not None
                await self._forget(device)
            elif self.password is None:
                if self.configured_token is not None:
                    raise StartRefused(token_refused(self.homeserver, self.user_id, who))
                raise error_of(who, "whoami")
            else:
                log.warning("the stored Matrix session was refused (%s); logging in again",
                            who)
        await self.login()

    async def login(self) -> None:
        assert self.password is not None
        self.client.access_token = ""
        resp = await call(self.client.login(self.password, device_name=DEVICE_NAME), "login")
        assert isinstance(resp, LoginResponse)
        for key, value in (("user_id", resp.user_id), ("device_id", resp.device_id),
                           ("access_token", resp.access_token)):
            await self.put(key, value)
        log.info("logged in to Matrix as %s (device %s)", resp.user_id, resp.device_id)

    async def _kept(self, device: str) -> bool:
        return self.store is None or await asyncio.to_thread(kept, self.store, self.user_id,
                                                             device)

    async def _lost(self, device: str | None) -> bool:
        """The device has keys, and the store has none (``bot.matrix.store``): a stored
        session's were made here; a configured token's device is asked of the homeserver
        (its first start with grappe has none yet)."""
        if not device or await self._kept(device):
            return False
        return self.configured_token is None or device in await published(
            self, self.user_id, [device])

    async def _forget(self, device: str) -> None:
        """The device whose keys were lost deleted (a logout), for a new one's login."""
        if self.configured_token is not None or self.password is None:
            assert self.store is not None
            raise StartRefused(store_lost(self.store, device))
        log.warning("the keys of the Matrix device %s are not in %s (the store was lost?): "
                    "it is deleted and the bot logs in as a new device", device, self.store)
        with contextlib.suppress(DeliveryError):
            await self.api("POST", "/_matrix/client/v3/logout", {})
        self.client.device_id = None

    def _restore(self, device: str | None, token: str) -> None:
        """The session in the client, and the device's keys loaded from the store."""
        if not device:
            log.warning("the homeserver names no device for this token: no encryption")
            self.client.device_id, self.client.access_token = None, token
            return
        self.client.restore_login(self.user_id, device, token)

    async def renew(self, refused: str | None) -> bool:
        """Log in again after the homeserver refused the token ``refused`` (once for all)."""
        if not self.password:
            return False
        async with self._login_lock:
            if self.client.access_token == refused:
                log.warning("the Matrix access token was refused; logging in again")
                await self.login()
        return True

    def bound(self, what: str) -> contextlib.AbstractAsyncContextManager[None]:
        """A request of ``what`` that a stop cuts short (``Cutoff.bound``)."""
        return self._cutoff.bound(what)

    def cut(self) -> None:
        """End the requests in flight now, and the next ones at once (the bot is stopping)."""
        self._cutoff.cut()

    async def close(self) -> None:
        self.closed = True  # a send still running must not make nio open another session:
        self._cutoff.cut()  # an encrypted one goes on with more requests (members, keys,
        await self.client.close()  # room keys), each of which would open one
        unload(self.client)  # only the lease's holder has it open (``bot.lease``)

    async def answers(self, within: float = PROBE_TIMEOUT) -> bool:
        """Whether the homeserver answers ``GET /_matrix/client/versions`` within ``within``
        seconds: the cheapest request of the API (no token, no database), to see it back."""
        if self.closed:
            return False
        try:
            async with self._cutoff.bound("versions"):
                resp = await self.client.send("GET", "/_matrix/client/versions", timeout=within)
                async with resp:
                    return resp.status == 200
        except (DeliveryError, *NETWORK_ERRORS):
            return False

    # --- requests ----------------------------------------------------------
    async def api(self, method: str, path: str,
                  body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """A request nio has no method for (the cross-signing and key endpoints): its
        HTTP status and JSON body; a network error or a stop raises ``DeliveryError``."""
        if self.closed or self.lost is not None:
            raise self.lost or DeliveryError(f"{method} {path}: the Matrix connection is closed")
        data = json.dumps(body) if body is not None else None
        try:
            async with self._cutoff.bound(f"{method} {path}"):
                await self._paced()
                resp = await self.client.send(
                    method, path, data,
                    headers={"Authorization": f"Bearer {self.client.access_token}",
                             "Content-Type": "application/json"})
                async with resp:
                    return resp.status, dict(await resp.json())
        except NETWORK_ERRORS as exc:
            raise DeliveryError(f"{method} {path}: {exc!r}") from exc

    async def _paced(self) -> None:
        """Wait for this call's slot at the pace asked (``MATRIX_CALL_INTERVAL``)."""
        if (wait := self.spacing.slot(asyncio.get_running_loop().time())) > 0:
            await asyncio.sleep(wait)

    @overload
    async def call(self, request: Awaitable[R | ErrorResponse], what: str, *,
                   renew: bool = ..., refused: Literal[False] = ...) -> R: ...

    @overload
    async def call(self, request: Awaitable[R | ErrorResponse], what: str, *,
                   renew: bool = ..., refused: Literal[True]) -> R | ErrorResponse: ...

    async def call(self, request: Awaitable[R | ErrorResponse], what: str, *,
                   renew: bool = True, refused: bool = False) -> R | ErrorResponse:
        """``call``, at the pace asked (``Spacing``), and a new login when the token was
        refused (``renew``). ``refused``: a refusal of the token is returned, not raised.

        The refused request is not repeated here: the outbox or the sync loop
        tries it again, shortly.
        """
        if self.closed or self.lost is not None:
            _discard(request)
            raise self.lost or DeliveryError(f"{what}: the Matrix connection is closed")
        token = self.client.access_token
        sent = False
        try:
            async with self._cutoff.bound(what):
                await self._paced()
                sent = True
                resp = await request
        except NETWORK_ERRORS as exc:
            raise DeliveryError(f"{what}: {exc!r}") from exc
        finally:
            if not sent:  # cancelled while waiting its turn (a stop during the pace)
                _discard(request)
        if not isinstance(resp, ErrorResponse):
            return resp
        if refused and resp.status_code in REFUSED:
            return resp
        error = error_of(resp, what)
        if renew and error.code == "M_UNKNOWN_TOKEN" and await self.renew(token):
            raise MatrixError(f"{what}: session renewed", error.code, retry_after=0.5) from error
        if renew and error.code in LOST:
            raise self._lose(resp, what) from error
        raise error

    def _lose(self, resp: ErrorResponse, what: str) -> TokenLost:
        """The token lost for good: said once to the operator, every later call refused
        here, without the network."""
        if self.lost is None:
            log.error("%s", token_lost(self.homeserver, self.user_id, reason_of(resp)))
            self.lost = TokenLost(f"{what}: the access token is no longer accepted "
                                  f"({reason_of(resp)})", str(resp.status_code),
                                  retry_after=LOST_WAIT, throttled=True)
        return self.lost

    async def send(self, room_id: str, event_type: str, content: dict[str, Any],
                   txn_id: str) -> str:
        """Send one event with a stable transaction id; returns its event id.

        In an encrypted room it is encrypted (reactions too, ``Crypto.room_send``), the
        room's key shared first with the devices the trust policy allows."""
        what = f"send {event_type} to {room_id}"
        try:
            skip_unverified = await self.crypto.before_send(room_id)
            resp = await self.call(self.crypto.room_send(
                room_id, event_type, content, txn_id, skip_unverified), what)
        except NIO_ERRORS as exc:  # the room's members or keys not known yet: shortly
            raise DeliveryError(f"{what}: {exc!r}", retry_after=1.0) from exc
        assert isinstance(resp, RoomSendResponse)
        return str(resp.event_id)

    async def upload(self, path: str, mime: str, title: str, *,
                     encrypt: bool = False) -> tuple[str, int, dict[str, Any] | None]:
        """Upload a local file to the media repository; returns (mxc uri, size, and for an
        encrypted file the keys its ``file`` content needs to be read)."""
        try:
            data = await asyncio.to_thread(Path(path).read_bytes)
        except OSError as exc:
            raise DeliveryError(f"cannot read {path}: {exc}", permanent=True) from exc
        keys: dict[str, Any] = {}
        resp = await self.call(self._upload(data, mime, title, encrypt, keys), f"upload {title}")
        assert isinstance(resp, UploadResponse)
        return str(resp.content_uri), len(data), keys or None

    async def _upload(self, data: bytes, mime: str, title: str, encrypt: bool,
                      keys: dict[str, Any]) -> UploadResponse | ErrorResponse:
        resp, file_keys = await self.client.upload(
            io.BytesIO(data), content_type=mime, filename=title, encrypt=encrypt,
            filesize=len(data))  # AES-CTR: the encrypted file is as long
        keys.update(file_keys or {})
        return resp

    async def membership(self, room_id: str, user_id: str) -> str | None:
        """The person's membership of the room as the homeserver has it now ("join",
        "invite", "leave"…), None when it has none or will not tell the bot (not in it)."""
        try:
            resp = await self.call(self.client.room_get_state_event(
                room_id, "m.room.member", user_id), f"membership of {user_id} in {room_id}")
        except MatrixError as exc:
            if exc.permanent:  # M_NOT_FOUND: never a member; M_FORBIDDEN: the bot left
                return None
            raise
        assert isinstance(resp, RoomGetStateEventResponse)
        return str(resp.content.get("membership", "")) or None

    async def create_direct_room(self, user_id: str) -> str:
        """Encrypted when the bot can encrypt, as Element creates a direct room."""
        if not self.room_creation:  # Tchap: the account may not, and the bot never asks
            raise DeliveryError(f"no room is created on this homeserver (for {user_id})",
                                no_direct=True)
        resp = await self.call(self.client.room_create(
            is_direct=True, invite=[user_id], preset=RoomPreset.trusted_private_chat,
            initial_state=[ENCRYPTION] if await self.crypto.readable_by(user_id) else ()),
            f"create a direct room with {user_id}")
        assert isinstance(resp, RoomCreateResponse)
        self.created[str(resp.room_id)] = user_id
        return str(resp.room_id)
