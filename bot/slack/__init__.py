"""The Slack adapter (slack-bolt ``AsyncApp``): Socket Mode or HTTP events, Block Kit cards.

Imported only when Slack is configured (``bot.runner``): importing slack_bolt
costs start-up time.
"""

from __future__ import annotations

from bot.config import Settings
from bot.slack.adapter import SlackAdapter, SlackSetupError
from storage.db import Database

__all__ = ["SlackAdapter", "SlackSetupError", "create_adapter"]


def create_adapter(settings: Settings, db: Database) -> SlackAdapter:
    """The adapter; under ``grappe serve`` its HTTP server also carries the runtime's
    other routes (readiness, the iCal feeds: ``serve``)."""
    return SlackAdapter(settings)
