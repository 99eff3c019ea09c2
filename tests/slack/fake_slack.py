"""A local fake of Slack's Web API (aiohttp on 127.0.0.1): records calls, answers like Slack.

It answers the methods the adapter uses, with increasing ``ts`` for posted
messages, and can inject failures: a 429 with ``Retry-After``, a 500, an
error code, or a call that never answers (a timeout on the client's side).
With ``tiers`` on, it enforces Slack's published rate limits (``TIERS``) and answers a
call past them with a 429 and a ``Retry-After``, as Slack does.
A Home tab (``views.publish``) is refused as Slack refuses a bad one; ``homes(user)``
lists the views published for a person.
Tests wait on the recorded calls with ``wait_for`` (a condition, no sleep).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = "U0GRAPPEBOT"
TEAM = "T01GRAPPE"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    status: int = 200
    ok: bool = True
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def delivered(self) -> bool:
        return self.status == 200 and self.ok

    def text(self) -> str:
        """Everything a person would read: the fallback text and every block's text."""
        return self.args.get("text", "") + "\n" + json.dumps(self.args.get("blocks", []),
                                                             ensure_ascii=False)

    def shown(self) -> str:
        """What the blocks show, a line for each text (mrkdwn as sent): a message's
        notification ``text`` is one line, its content is in its blocks."""
        return blocks_text(self.args.get("blocks") or self.args.get("view", {}).get("blocks", []))


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(f["text"] for f in block.get("fields", []))
        parts.extend(e["text"] if isinstance(e["text"], str) else e["text"]["text"]
                     for e in block.get("elements", []) if "text" in e)  # context: mrkdwn
    return "\n".join(parts)


@dataclass(frozen=True)
class Tier:
    """A token bucket: ``per_minute`` calls, ``burst`` of them at once, per key."""

    per_minute: float
    burst: int
    per_channel: bool = False


# Slack's tiers (docs.slack.dev, rate limits): chat.postMessage about one per second per
# channel with short bursts; Tier 3 (50+/min) for chat.update, reactions.add,
# conversations.open; Tier 4 (100+/min) for chat.postEphemeral, views.publish
TIERS = {
    "chat.postMessage": Tier(60, 3, per_channel=True),
    "chat.update": Tier(50, 5),
    "reactions.add": Tier(50, 5),
    "conversations.open": Tier(50, 5),
    "chat.postEphemeral": Tier(100, 10),
    "views.publish": Tier(100, 10),
}


class Buckets:
    def __init__(self) -> None:
        self._state: dict[tuple[str, str], tuple[float, float]] = {}  # key → (tokens, at)

    def wait(self, method: str, channel: str) -> float:
        """0 and one token taken, or the seconds until a token is there."""
        tier = TIERS.get(method)
        if tier is None:
            return 0.0
        key = (method, channel if tier.per_channel else "")
        now = time.monotonic()
        tokens, at = self._state.get(key, (float(tier.burst), now))
        rate = tier.per_minute / 60
        tokens = min(float(tier.burst), tokens + (now - at) * rate)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1 - tokens) / rate


@dataclass
class Fault:
    kind: str  # "429" | "500" | "timeout" | an error code such as "channel_not_found"
    methods: tuple[str, ...] = ()  # () = any method
    times: int = 1
    retry_after: int = 1


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    tiers: bool = False  # enforce TIERS
    buckets: Buckets = field(default_factory=Buckets)

    def __post_init__(self) -> None:
        self._last_ts = 0.0
        self._ids = itertools.count(1)
        self._home_ids: dict[str, str] = {}  # a person's Home tab keeps its view id
        self._changed = asyncio.Condition()
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- lifecycle ---------------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # conversations.history, .replies
        app.router.add_post("/upload/{file_id}", self._upload)

    async def start(self) -> None:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self._release.set()  # let hanging calls end
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    # --- what tests use ----------------------------------------------------------
    def inject(self, kind: str, *methods: str, times: int = 1, retry_after: int = 1) -> None:
        self.faults.append(Fault(kind, tuple(methods), times, retry_after))

    def delivered(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.delivered and (not methods or c.method in methods)]

    async def wait_for(self, predicate: Callable[[FakeSlack], Any], within: float = 10) -> Any:
        """Wait until ``predicate(self)`` is truthy (re-checked at every call); return it."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), within)
        return predicate(self)

    async def wait_calls(self, method: str, count: int = 1, within: float = 10) -> list[Call]:
        return await self.wait_for(
            lambda f: f.delivered(method) if len(f.delivered(method)) >= count else None,
            within)

    # --- the server --------------------------------------------------------------
    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and (not fault.methods or method in fault.methods):
                fault.times -= 1
                return fault
        return None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for key in ("blocks", "view", "files", "metadata"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        fault = self._fault(method)
        if fault is not None:
            return await self._failure(method, args, fault)
        wait = self.buckets.wait(method, str(args.get("channel", ""))) if self.tiers else 0
        if wait:
            await self._record(Call(method, args, 429, False))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(math.ceil(wait))})
        body = self._answer(method, args)
        await self._record(Call(method, args, 200, body.get("ok", False), body))
        return web.json_response(body)

    async def _failure(self, method: str, args: dict[str, Any], fault: Fault) -> web.Response:
        if fault.kind == "timeout":
            await self._record(Call(method, args, 0, False))
            await self._release.wait()
            return web.json_response({"ok": False, "error": "too_late"})
        if fault.kind == "429":
            await self._record(Call(method, args, 429, False))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(fault.retry_after)})
        if fault.kind == "500":
            await self._record(Call(method, args, 500, False))
            return web.Response(status=500, text="<html>Internal error</html>",
                                content_type="text/html")
        await self._record(Call(method, args, 200, False))
        return web.json_response({"ok": False, "error": fault.kind})

    def _next_ts(self) -> str:
        """Like Slack's: the posting time, in microseconds, always increasing."""
        self._last_ts = max(round(time.time(), 6), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel") or args.get("channel_id")
        if method == "auth.test":
            return {"ok": True, "url": "https://lagrappe.slack.com/", "team": "La Grappe",
                    "user": "grappe", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0GRAPPE"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": channel, "ts": self._next_ts()}
        if method in ("conversations.history", "conversations.replies"):
            return {"ok": True, "messages": self._history(method, args), "has_more": False}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "reactions.add":  # a message has each emoji of the bot's once, as on Slack
            key = [args.get(k) for k in ("channel", "timestamp", "name")]
            if any([c.args.get(k) for k in ("channel", "timestamp", "name")] == key
                   for c in self.delivered("reactions.add")):
                return {"ok": False, "error": "already_reacted"}
            return {"ok": True}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))[1:]}}
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{next(self._ids):05d}"}}
        if method == "views.publish":
            return self._publish(args)
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):05d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": False, "error": "unknown_method"}

    def _publish(self, args: dict[str, Any]) -> dict[str, Any]:
        """A Home tab, refused as Slack refuses it: no user, not a ``home`` view, more than
        100 blocks, two blocks with one ``block_id``."""
        view = args.get("view") or {}
        blocks = view.get("blocks") or []
        ids = [b["block_id"] for b in blocks if "block_id" in b]
        if not args.get("user_id") or view.get("type") != "home" or len(blocks) > 100 \
                or len(ids) != len(set(ids)):
            return {"ok": False, "error": "invalid_arguments"}
        view_id = self._home_ids.setdefault(args["user_id"], f"VH{next(self._ids):05d}")
        return {"ok": True, "view": {**view, "id": view_id, "team_id": TEAM}}

    def homes(self, user: str) -> list[dict[str, Any]]:
        """The Home tabs published for ``user``, in order (the last one is what they see)."""
        return [c.args["view"] for c in self.delivered("views.publish")
                if c.args.get("user_id") == user]

    def _history(self, method: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's posts in a channel (or one thread) since ``oldest``, newest first,
        with their metadata when asked (``include_all_metadata``)."""
        channel, oldest = args.get("channel"), float(args.get("oldest") or 0)
        found = []
        for call in self.delivered("chat.postMessage"):
            ts = call.response["ts"]
            if call.response["channel"] != channel or float(ts) < oldest:
                continue
            if method == "conversations.replies" and call.args.get("thread_ts") != args.get("ts"):
                continue
            message = {"type": "message", "user": BOT_USER, "ts": ts,
                       "text": call.args.get("text", "")}
            if str(args.get("include_all_metadata")).lower() in ("1", "true") \
                    and call.args.get("metadata"):
                message["metadata"] = call.args["metadata"]
            found.append(message)
        return found[::-1]

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.uploads[request.match_info["file_id"]] = data
        await self._record(Call("upload", {"file_id": request.match_info["file_id"],
                                           "size": len(data)}))
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")
