"""Deliveries → Slack Web API calls, and Slack's errors → one ``DeliveryError``.

One method per outbox role: a card or a post is ``chat.postMessage`` (in the
card's thread when there is one), an edit ``chat.update``, a DM
``conversations.open`` + ``chat.postMessage``, a reply to the actor
``chat.postEphemeral`` (a DM when there is no channel to show it in), an
acknowledgement ``reactions.add``; files go up with ``files_upload_v2`` beside
the message. slack_sdk retries once on a 429 or a dropped connection; beyond
that the outbox is the durable retry, so every failure leaves here as a
``DeliveryError`` (``retry_after`` from ``Retry-After``; ``permanent`` when
trying again cannot help).
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import Delivery, DeliveryError, Sent
from bot.slack.emoji import reaction_name
from bot.slack.render import Rendered, render
from commands.messages import Attachment, Message, Reaction
from storage.models import DeliveryRole

log = logging.getLogger(__name__)

METADATA_TYPE = "grappe_message"  # on every post: {"id": the outbox row's transaction id}

# Errors that no retry can fix: the row is kept, marked failed, for a person to look at.
PERMANENT = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "missing_scope", "not_allowed_token_type", "ekm_access_denied",
    "channel_not_found", "is_archived", "not_in_channel", "user_not_found", "user_not_visible",
    "user_disabled", "cannot_dm_bot", "invalid_blocks", "invalid_blocks_format",
    "invalid_arguments", "msg_too_long", "no_text", "too_many_attachments",
    "message_not_found", "cant_update_message", "edit_window_closed", "invalid_name",
    "bad_timestamp", "thread_not_found", "restricted_action", "user_not_in_channel",
    "invalid_auth_for_file", "file_uploads_disabled",
})
# An ephemeral reply that cannot be shown where the person acted goes to their DMs.
EPHEMERAL_FALLBACK = frozenset({"channel_not_found", "not_in_channel", "is_archived",
                                "user_not_in_channel"})
_TS = re.compile(r"^\d+\.\d+$")


def _status(response: Any) -> int | None:
    return getattr(response, "status_code", None) or getattr(response, "status", None)


def _error_code(exc: SlackApiError) -> str | None:
    data = getattr(exc.response, "data", None)
    return data.get("error") if isinstance(data, dict) else None


def _retry_after(exc: SlackApiError) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    try:
        return max(float(headers.get("Retry-After", 1)), 0.0)
    except (TypeError, ValueError):
        return 1.0


# Slack's answers that say part of the call may have been carried out anyway
MAYBE_DONE = frozenset({"internal_error", "fatal_error", "request_timeout",
                        "service_unavailable"})


def delivery_error(exc: BaseException) -> DeliveryError:
    """Any failure of a Slack call, as the one error the outbox understands."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):  # Slack answered: a refusal, nothing was posted
        code, status = _error_code(exc), _status(exc.response)
        if status == 429 or code == "ratelimited":
            return DeliveryError("slack: rate limited", retry_after=_retry_after(exc),
                                 maybe_sent=False, throttled=True)
        if code in PERMANENT:
            return DeliveryError(f"slack: {code}", permanent=True, maybe_sent=False)
        return DeliveryError(f"slack: {code or f'HTTP {status}'}",
                             maybe_sent=code in MAYBE_DONE or (status or 0) >= 500)
    if isinstance(exc, SlackRequestError | FileNotFoundError | IsADirectoryError):
        return DeliveryError(f"slack: {exc}", permanent=True, maybe_sent=False)
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError | SlackClientError):
        return DeliveryError(f"slack unreachable: {exc!r}")
    return DeliveryError(f"slack: {exc!r}")


class Sender:
    """Sends deliveries with one shared ``AsyncWebClient``."""

    def __init__(self, client: AsyncWebClient):
        self.client = client
        self._dm_channels: dict[str, str] = {}
        self._posted: dict[str, tuple[str, str]] = {}  # transaction id → (channel, ts)

    async def send(self, delivery: Delivery) -> Sent:
        try:
            if isinstance(delivery.item, Reaction):
                return await self._react(delivery, delivery.item)
            return await self._message(delivery, delivery.item)
        except Exception as exc:
            error = delivery_error(exc)
            if delivery.transaction_id in self._posted:  # its text went; a file did not
                error.maybe_sent = True
            if error.permanent:
                self._posted.pop(delivery.transaction_id, None)
            raise error from exc

    # --- roles -------------------------------------------------------------------
    async def _message(self, d: Delivery, message: Message) -> Sent:
        rendered = render(message)
        if d.role == DeliveryRole.EDIT:
            if not d.channel or not d.edit_target:
                raise DeliveryError("slack: nothing to edit", permanent=True)
            await self.client.chat_update(channel=d.channel, ts=d.edit_target,  # [] clears
                                          blocks=rendered.blocks, text=rendered.text or "…")
            return Sent(d.channel, d.edit_target)
        if d.role == DeliveryRole.EPHEMERAL:
            return await self._ephemeral(d, rendered)
        if d.role == DeliveryRole.DM:
            channel = await self.dm_channel(_required(d.recipient, "recipient"))
            return await self._post(d, rendered, channel, None)
        thread = (d.thread_root if d.role in (DeliveryRole.POST, DeliveryRole.CARD)
                  else None)  # a card may be in a thread
        return await self._post(d, rendered, _required(d.channel, "channel"), thread)

    async def _post(self, d: Delivery, rendered: Rendered, channel: str,
                    thread: str | None) -> Sent:
        """Post the message once (a retry after a failed upload does not post it again)."""
        posted = self._posted.get(d.transaction_id)
        if posted is None and d.maybe_sent:
            posted = await self._already_posted(d, channel, thread)
        if posted is None and (rendered.blocks or not rendered.files):
            response = await self.client.chat_postMessage(
                channel=channel, blocks=rendered.blocks or None, text=rendered.text or "…",
                thread_ts=thread, unfurl_links=False, unfurl_media=False,
                metadata={"event_type": METADATA_TYPE,
                          "event_payload": {"id": d.transaction_id}})
            posted = (response["channel"], response["ts"])
            self._posted[d.transaction_id] = posted
        if rendered.files:
            where = posted[0] if posted else channel
            await self.upload(rendered.files, where, thread or (posted[1] if posted else None))
        self._posted.pop(d.transaction_id, None)
        return Sent(*posted) if posted else Sent(channel, d.transaction_id)

    async def _already_posted(self, d: Delivery, channel: str,
                              thread: str | None) -> tuple[str, str] | None:
        """The message of an earlier attempt that reached Slack (a timeout, or a crash
        between the send and its record), found by the metadata every post carries."""
        # a minute of margin for a clock that differs from Slack's
        since = f"{d.queued_at.timestamp() - 60:.6f}" if d.queued_at else None
        try:
            if thread:
                response = await self.client.conversations_replies(
                    channel=channel, ts=thread, oldest=since, limit=200,
                    include_all_metadata=True)
            else:
                response = await self.client.conversations_history(
                    channel=channel, oldest=since, limit=200, include_all_metadata=True)
        except Exception as exc:  # cannot tell: post it (at least once rather than never)
            log.warning("could not look for row %s in %s (%r); posting it", d.row_id,
                        channel, exc)
            return None
        for message in response.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == METADATA_TYPE \
                    and (meta.get("event_payload") or {}).get("id") == d.transaction_id:
                log.info("row %s was already posted in %s (%s)", d.row_id, channel,
                         message.get("ts"))
                return channel, str(message["ts"])
        return None

    async def _ephemeral(self, d: Delivery, rendered: Rendered) -> Sent:
        user = _required(d.recipient, "recipient")
        if d.channel:
            try:
                response = await self.client.chat_postEphemeral(
                    channel=d.channel, user=user, blocks=rendered.blocks or None,
                    text=rendered.text or "…")
            except SlackApiError as exc:
                if _error_code(exc) not in EPHEMERAL_FALLBACK:
                    raise
                log.info("ephemeral reply to %s in %s impossible (%s): sent as a DM",
                         user, d.channel, _error_code(exc))
            else:
                if rendered.files:  # files cannot be ephemeral: they go to the person's DMs
                    await self.upload(rendered.files, await self.dm_channel(user), None)
                return Sent(d.channel, response.get("message_ts") or d.transaction_id)
        return await self._post(d, rendered, await self.dm_channel(user), None)

    async def _react(self, d: Delivery, reaction: Reaction) -> Sent:
        name = reaction_name(reaction.emoji)
        if not d.channel or not _TS.match(reaction.message_id) or name is None:
            # A button click or an emoji Slack has no name for: nothing to react on.
            return Sent(d.channel or "", reaction.message_id)
        try:
            await self.client.reactions_add(channel=d.channel, timestamp=reaction.message_id,
                                            name=name)
        except SlackApiError as exc:
            if _error_code(exc) != "already_reacted":
                raise
        return Sent(d.channel, reaction.message_id)

    # --- helpers -----------------------------------------------------------------
    async def dm_channel(self, user: str) -> str:
        if user not in self._dm_channels:
            response = await self.client.conversations_open(users=user)
            self._dm_channels[user] = response["channel"]["id"]
        return self._dm_channels[user]

    async def upload(self, files: list[Attachment], channel: str, thread: str | None) -> None:
        for attachment in files:
            path = Path(attachment.path)
            content = await asyncio.to_thread(path.read_bytes)
            await self.client.files_upload_v2(channel=channel, thread_ts=thread, file=content,
                                              filename=path.name, title=attachment.title)

    async def post_direct(self, rendered: Rendered, channel: str | None, user: str,
                          thread: str | None = None) -> None:
        """A reply outside the outbox (unknown person, database down): ephemeral, else a DM."""
        if channel:
            try:
                await self.client.chat_postEphemeral(channel=channel, user=user,
                                                     blocks=rendered.blocks or None,
                                                     text=rendered.text or "…", thread_ts=thread)
                return
            except SlackApiError as exc:
                if _error_code(exc) not in EPHEMERAL_FALLBACK:
                    raise
        await self.client.chat_postMessage(channel=await self.dm_channel(user),
                                           blocks=rendered.blocks or None,
                                           text=rendered.text or "…")


def _required(value: str | None, what: str) -> str:
    if not value:
        raise DeliveryError(f"slack: no {what} for this delivery", permanent=True)
    return value
