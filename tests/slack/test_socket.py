"""Socket Mode: envelopes go through slack_bolt's handler to the same listeners (no real socket)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from slack_sdk.socket_mode.request import SocketModeRequest

from bot.app import Bot
from bot.config import Settings
from bot.slack import SlackAdapter
from bot.slack.socket import SocketRunner
from storage.db import Database
from tests.slack.conftest import CAMILLE, COOP, sample_registry
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import payload


async def test_socket_mode_envelopes_are_acked_on_the_socket_and_answered(
        coop_db: Database, fake_slack: FakeSlack) -> None:
    settings = Settings(DATABASE_URL=coop_db.url, SLACK_BOT_TOKEN="xoxb-test-token",
                        SLACK_APP_TOKEN="xapp-1-test", SLACK_API_URL=fake_slack.api_url)
    adapter = SlackAdapter(settings)
    assert adapter.mode == "socket"
    bot = Bot(settings, coop_db, [adapter], registry=sample_registry())
    await bot.start()
    runner = SocketRunner(await adapter.prepare(bot.receive), "xapp-1-test", adapter.client)
    handler = runner.build()
    acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def socket_send(message: str) -> None:  # what would go back on the WebSocket
        await acks.put(json.loads(message))

    handler.client.send_message = socket_send  # type: ignore[method-assign]
    try:
        command = payload("slash_command", text="membres", user_id=CAMILLE)
        await handler.client.enqueue_message(json.dumps({
            "envelope_id": "57d9ee1f-0001", "type": "slash_commands", "payload": command,
            "accepts_response_payload": True}))
        assert await asyncio.wait_for(acks.get(), 10) == {"envelope_id": "57d9ee1f-0001"}
        [reply] = await fake_slack.wait_calls("chat.postEphemeral")
        assert (reply.args["channel"], reply.args["user"]) == (COOP, CAMILLE)

        stranger = payload("slash_command", text="membres", user_id="U0STRANGER",
                           trigger_id="7999.1.x")
        await handler.client.enqueue_message(json.dumps({
            "envelope_id": "57d9ee1f-0002", "type": "slash_commands", "payload": stranger,
            "accepts_response_payload": True}))
        ack = await asyncio.wait_for(acks.get(), 10)
        assert ack["envelope_id"] == "57d9ee1f-0002"
        assert "annuaire" in ack["payload"]["text"]

        # stopping: an envelope that comes now is not taken, nor acknowledged (Slack
        # delivers it again, to the next connection)
        await handler.drain(1)
        late = SocketModeRequest.from_dict({
            "envelope_id": "57d9ee1f-0003", "type": "slash_commands", "payload": command,
            "accepts_response_payload": True})
        assert late is not None
        await handler.handle(handler.client, late)  # returns at once, having done nothing
        assert acks.empty()
    finally:
        await runner.stop()
        await adapter.stop()
        await bot.stop()
