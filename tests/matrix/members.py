"""Members of the cooperative as real matrix-nio clients: they write, react and watch.

Each member syncs in the background, keeps every timeline event it sees and
accepts every invitation (the bot's direct rooms). Tests wait on what a
member has seen with ``wait_for(predicate)``, never by sleeping.

A member given a ``store`` folder has a device that encrypts, as Element's does: it
publishes its keys, shares its room keys with every device (trust on first use), and
sees the bot's encrypted messages decrypted (``Seen.event.decrypted``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    Event,
    InviteMemberEvent,
    LoginResponse,
    RoomCreateResponse,
    RoomSendResponse,
    SyncResponse,
)

WAIT = 20.0


@dataclass(frozen=True)
class Seen:
    room_id: str
    event: Event

    @property
    def content(self) -> dict[str, Any]:
        return dict(self.event.source.get("content", {}))

    @property
    def sender(self) -> str:
        return str(self.event.sender)

    @property
    def body(self) -> str:
        return str(self.content.get("body", ""))

    @property
    def relates(self) -> dict[str, Any]:
        return dict(self.content.get("m.relates_to") or {})


class Member:
    def __init__(self, url: str, user_id: str, password: str, store: Path | None = None):
        self.user_id = user_id
        self.password = password
        config = AsyncClientConfig(max_timeout_retry_wait_time=0.5, request_timeout=40,
                                   encryption_enabled=store is not None)
        self.client = AsyncClient(url, user_id, config=config,
                                  store_path=str(store) if store is not None else "")
        self.seen: list[Seen] = []
        self._withheld: dict[str, Any] = {}  # room id → a room key shared with no one
        self._new = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._since = 0  # the homeserver's ms (this machine's clock) when the member started

    async def start(self) -> None:
        self._since = int(time.time() * 1000)
        resp = await self.client.login(self.password, device_name="test")
        assert isinstance(resp, LoginResponse), resp
        first = await self.client.sync(timeout=0, full_state=True)
        assert isinstance(first, SyncResponse), first
        await self._keys()
        await self._accept_invites(first)
        self._task = asyncio.create_task(self._run(), name=f"member-{self.user_id}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.client.olm is not None:  # the device and its keys gone: the next tests'
            await self.client.logout()  # DMs to this person are not encrypted for it
        await self.client.close()

    async def _run(self) -> None:
        while True:
            resp = await self.client.sync(timeout=30_000)
            if not isinstance(resp, SyncResponse):
                continue
            await self._keys()
            for room_id, info in resp.rooms.join.items():  # a room joined now brings its last
                # messages: an earlier test's (the invitations it left are accepted at start)
                self.seen.extend(Seen(room_id, e) for e in info.timeline.events
                                 if e.server_timestamp >= self._since)
            await self._accept_invites(resp)
            self._new.set()

    async def _keys(self) -> None:
        """What nio's ``sync_forever`` does between two syncs, for an encrypting device."""
        client = self.client
        if client.olm is None:
            return
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        await client.send_to_device_messages()

    async def _accept_invites(self, resp: SyncResponse) -> None:
        for room_id, info in resp.rooms.invite.items():
            if any(isinstance(e, InviteMemberEvent) and e.state_key == self.user_id
                   for e in info.invite_state):
                await self.client.join(room_id)

    async def wait_for(self, check: Callable[[Seen], bool], within: float = WAIT,
                       count: int = 1) -> list[Seen]:
        """The first ``count`` events seen that pass ``check`` (waiting for them if needed)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            found = [s for s in self.seen if check(s)]
            if len(found) >= count:
                return found[:count]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(
                    f"{self.user_id} saw {len(found)} of {count} expected events; last seen:\n"
                    + "\n".join(f"  {s.room_id} {s.sender}: {s.body[:90]!r}"
                                for s in self.seen[-8:]))
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    # --- acting --------------------------------------------------------------
    async def send(self, room_id: str, content: dict[str, Any],
                   event_type: str = "m.room.message") -> str:
        if self.client.olm is not None and room_id not in self.client.rooms:
            await self.wait_for(lambda s: s.room_id == room_id)  # nio encrypts for rooms
        resp = await self.client.room_send(room_id, event_type, content,  # it knows
                                           ignore_unverified_devices=True)
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def send_raw(self, room_id: str, content: dict[str, Any], event_type: str) -> str:
        """An event sent as it is, never encrypted by nio (``PUT /send``)."""
        session = self.client.client_session
        assert session is not None  # opened by the login
        async with session.put(
                f"{self.client.homeserver}/_matrix/client/v3/rooms/{room_id}/send/"
                f"{event_type}/{uuid.uuid4().hex}", json=content,
                headers={"Authorization": f"Bearer {self.client.access_token}"}) as resp:
            assert resp.status == 200, await resp.text()
            return str((await resp.json())["event_id"])

    async def say_withheld(self, room_id: str, body: str) -> str:
        """A text encrypted with a room key this device shares with no one (as a client
        that withholds its key from the bot's device): no other device can read it. The
        same withheld key for every such text of the room; the others go on as before."""
        olm = self.client.olm
        assert olm is not None, "an encrypting member (a store) is needed"
        kept = olm.outbound_group_sessions.pop(room_id, None)
        if room_id in self._withheld:
            olm.outbound_group_sessions[room_id] = self._withheld[room_id]
        else:
            olm.create_outbound_group_session(room_id)
            self._withheld[room_id] = olm.outbound_group_sessions[room_id]
            self._withheld[room_id].shared = True  # shared with no one, in fact
        content = olm.group_encrypt(room_id, {"type": "m.room.message",
                                              "content": {"msgtype": "m.text", "body": body}})
        del olm.outbound_group_sessions[room_id]
        if kept is not None:
            olm.outbound_group_sessions[room_id] = kept
        return await self.send_raw(room_id, content, "m.room.encrypted")

    async def download(self, mxc: str) -> bytes:
        """A file of the media repository, as a client fetches it (authenticated media)."""
        session = self.client.client_session
        assert session is not None
        assert mxc.startswith("mxc://")
        async with session.get(
                f"{self.client.homeserver}/_matrix/client/v1/media/download/{mxc[6:]}",
                headers={"Authorization": f"Bearer {self.client.access_token}"}) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.read()

    async def keys_of(self, user_id: str) -> dict[str, Any]:
        """The homeserver's ``/keys/query`` answer for ``user_id``, as any client asks it."""
        session = self.client.client_session
        assert session is not None
        async with session.post(
                f"{self.client.homeserver}/_matrix/client/v3/keys/query",
                json={"device_keys": {user_id: []}},
                headers={"Authorization": f"Bearer {self.client.access_token}"}) as resp:
            assert resp.status == 200, await resp.text()
            return dict(await resp.json())

    async def say(self, room_id: str, body: str, **extra: Any) -> str:
        return await self.send(room_id, {"msgtype": "m.text", "body": body, **extra})

    async def reply_in_thread(self, room_id: str, root: str, body: str) -> str:
        return await self.say(room_id, body, **{"m.relates_to": {
            "rel_type": "m.thread", "event_id": root, "is_falling_back": True,
            "m.in_reply_to": {"event_id": root}}})

    async def edit(self, room_id: str, event_id: str, body: str) -> str:
        """Edit one's own message as Element does: the new text in ``m.new_content``, a
        ``* `` fallback for clients without edits, and no thread relation in the new content
        (an edit cannot move a message: its thread is the original's)."""
        return await self.send(room_id, {
            "msgtype": "m.text", "body": f"* {body}",
            "m.new_content": {"msgtype": "m.text", "body": body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id}})

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        """A reaction, encrypted in an encrypted room as Element sends it (nio's
        ``room_send`` would send it in clear): its relation in clear beside the ciphertext."""
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id,
                                    "key": key}}
        client, room = self.client, self.client.rooms.get(room_id)
        if client.olm is None or room is None or not room.encrypted:
            return await self.send(room_id, content, "m.reaction")
        if not room.members_synced:
            await client.joined_members(room_id)
        if client.should_query_keys:
            await client.keys_query()
        if client.olm.should_share_group_session(room_id):
            await client.share_group_session(room_id, ignore_unverified_devices=True)
        event_type, sealed = client.encrypt(room_id, "m.reaction", content)
        return await self.send_raw(room_id, sealed, event_type)

    async def create_room(self, invite: list[str], **kwargs: Any) -> str:
        resp = await self.client.room_create(invite=invite, **kwargs)
        assert isinstance(resp, RoomCreateResponse), resp
        return str(resp.room_id)

    async def invite(self, room_id: str, user_id: str) -> None:
        resp = await self.client.room_invite(room_id, user_id)
        assert not isinstance(resp, ErrorResponse), resp

    async def join(self, room_id: str) -> None:
        resp = await self.client.join(room_id)
        assert not isinstance(resp, ErrorResponse), resp

    async def notifications(self) -> list[dict[str, Any]]:
        """What the homeserver's push rules notified this member of, newest first
        (``GET /notifications`` with the member's own token)."""
        session = self.client.client_session
        assert session is not None  # opened by the login
        async with session.get(
                f"{self.client.homeserver}/_matrix/client/v3/notifications?limit=100",
                headers={"Authorization": f"Bearer {self.client.access_token}"}) as resp:
            assert resp.status == 200, await resp.text()
            return list((await resp.json())["notifications"])

    def highlights(self, room_id: str) -> int:
        room = self.client.rooms.get(room_id)
        return room.unread_highlights if room is not None else 0
