"""Slack's reaction names ↔ emojis, from a maintained table (the ``emoji`` package's
aliases, the GitHub/Slack short names), for any emoji a card declares.

Slack sends a reaction by its short name (``+1``, ``white_check_mark``, ``one``,
``+1::skin-tone-3``) and reacts by one; a workspace's custom emoji has a name only
(``:grappe-logo:``), kept as is, which no card declares.
"""

from __future__ import annotations

from functools import cache

VS16 = "\ufe0f"


@cache
def _table() -> dict[str, str]:
    import emoji as emoji_data  # loaded at the first reaction (~2 MB of tables)

    names: dict[str, str] = {}
    for char, data in emoji_data.EMOJI_DATA.items():
        for alias in data.get("alias", []):
            names.setdefault(alias.strip(":"), char)
    return names


@cache
def _reverse() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, char in sorted(_table().items(), key=lambda item: (len(item[0]), item[0])):
        found.setdefault(char.replace(VS16, ""), name)  # the shortest: "+1" before "thumbsup"
    return found


def emoji(name: str) -> str:
    """``thumbsup`` or ``+1::skin-tone-3`` → 👍; an unknown (custom) name stays ``:name:``."""
    base = name.split("::", 1)[0]
    return _table().get(base, f":{base}:")


def reaction_name(emoji_text: str) -> str | None:
    """The Slack name to react with ``emoji_text``, None for what is not an emoji."""
    return _reverse().get(emoji_text.replace(VS16, ""))
