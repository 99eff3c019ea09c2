"""Slack's events at ``/slack/events`` under ``grappe serve``.

A thin aiohttp handler around the Bolt app (bolt's own ``adapter.aiohttp``
converters): the request's raw body and headers go to ``async_dispatch``,
which checks the signature and the timestamp (401 otherwise), runs the
listener — dispatch, commit, ack — and answers.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.http import Installer

EVENTS_PATH = "/slack/events"


def events_route(bolt: AsyncApp) -> Installer:
    """The installer of ``POST /slack/events`` for ``bolt``."""

    def install(application: web.Application) -> None:
        async def events(request: web.Request) -> web.Response:
            response = await bolt.async_dispatch(await to_bolt_request(request))
            return await to_aiohttp_response(response)

        application.router.add_post(EVENTS_PATH, events)

    return install
