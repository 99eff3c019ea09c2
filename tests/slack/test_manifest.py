"""The Slack app manifest declares the command, the events, the Home tab and only the scopes
used (``app_home_opened`` and ``views.publish`` need none)."""

from __future__ import annotations

import re
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent.parent.parent / "slack-manifest.yaml"

# Web API method or event → the bot scope it needs.
USED = {
    "/grappe": "commands",
    "chat.postMessage, chat.update, chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    "reactions.add": "reactions:write",
    "files.getUploadURLExternal, files.completeUploadExternal": "files:write",
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "reaction_added": "reactions:read",
}


def _list_under(text: str, key: str) -> list[str]:
    """The ``- item`` lines of the YAML list under ``key:`` (comments dropped)."""
    block = re.search(rf"^(\s*){re.escape(key)}:\n((?:\1\s+- .*\n)+)", text, re.M)
    assert block, key
    return [re.sub(r"\s+#.*$", "", line).strip()[2:] for line in block.group(2).splitlines()]


def test_only_the_scopes_in_use_are_requested() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert sorted(_list_under(text, "bot")) == sorted(USED.values())


def test_events_command_interactivity_and_socket_mode() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert sorted(_list_under(text, "bot_events")) == [
        "app_home_opened", "app_mention", "message.channels", "message.groups", "message.im",
        "reaction_added"]
    assert re.search(r"^\s+home_tab_enabled: true\b", text, re.M)
    assert re.search(r"^\s+- command: /grappe$", text, re.M)
    assert re.search(r"^\s+is_enabled: true\b", text, re.M)
    assert re.search(r"^\s+socket_mode_enabled: true$", text, re.M)
