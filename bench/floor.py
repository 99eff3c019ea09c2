"""The floor: the least any bot must do for ``/grappe demande`` on grappe's own stack.

    python -m bench.floor <web api url> <database url>

slack-bolt's ``AsyncApp`` with ``process_before_response`` (the ack is the HTTP response,
sent once the listener returns), its signature check, then in one transaction of
SQLAlchemy's asyncio engine (aiosqlite or asyncpg, as grappe) one idempotency insert
(the command's trigger id) and one row (the request), committed; then the ack, and one
``chat.postMessage`` through one shared aiohttp session after it — nothing of grappe's
(no directory, no parsing, no outbox, no card). grappe does all of this and its own work;
``bench.slack_ack`` runs the three servers side by side.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

CHANNEL = "C01COOPERA"


async def serve(api_url: str, database_url: str) -> None:
    import aiohttp
    from aiohttp import web
    from slack_bolt.app.async_app import AsyncApp
    from slack_bolt.app.async_server import AsyncSlackAppServer
    from slack_sdk.web.async_client import AsyncWebClient
    from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.ext.asyncio import create_async_engine

    from tests.slack.payloads import SECRET

    meta = MetaData()
    events = Table("floor_events", meta, Column("event_id", String(255), primary_key=True))
    requests = Table("floor_requests", meta, Column("id", Integer, primary_key=True),
                     Column("text", Text, nullable=False))
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(meta.create_all)
    session = aiohttp.ClientSession()
    client = AsyncWebClient(token="xoxb-test-token", base_url=api_url, session=session)
    app = AsyncApp(signing_secret=SECRET, client=client, process_before_response=True)
    pending: set[asyncio.Task[Any]] = set()

    @app.command("/grappe")
    async def command(ack: Any, body: dict[str, Any]) -> None:
        try:
            async with engine.begin() as conn:
                await conn.execute(insert(events).values(event_id=body["trigger_id"]))
                await conn.execute(insert(requests).values(text=body.get("text", "")))
        except IntegrityError:  # a retry: acked, nothing done twice
            await ack()
            return
        await ack(text="ok")
        task = asyncio.create_task(client.chat_postMessage(channel=CHANNEL,
                                                           text=body.get("text", "")))
        pending.add(task)
        task.add_done_callback(pending.discard)

    server = AsyncSlackAppServer(port=0, path="/slack/events", app=app)
    runner = web.AppRunner(server.web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"floor serves HTTP on http://127.0.0.1:{runner.addresses[0][1]}", file=sys.stderr,
          flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await session.close()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
