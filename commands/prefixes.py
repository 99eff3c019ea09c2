"""How a message addresses the bot: the one place that knows ``/grappe``, ``!grappe``.

Every converter asks here whether a text is a command. A message is addressed to the
bot when it starts with a prefix (anywhere), when it starts with a mention of the bot
(the converter knows its platform's mention markup and says so), or when it is written
in a direct conversation with the bot. The bot's name alone ("grappe membres") is a
command only where the message is already addressed (after a mention, in a direct
conversation): "La Grappe" is also the venue's name, said in every channel.
"""

from __future__ import annotations

ADDRESSES = ("/grappe", "!grappe")  # a message starting with one of these is for the bot
NAME = "grappe"
PREFIXES = (*ADDRESSES, NAME)


def _starts(text: str, prefix: str) -> bool:
    lowered = text.lower()
    return lowered == prefix or lowered.startswith((prefix + " ", prefix + "\n"))


def has_address(text: str) -> bool:
    """The text starts with ``/grappe`` or ``!grappe`` (any case)."""
    stripped = text.strip()
    return any(_starts(stripped, prefix) for prefix in ADDRESSES)


def addressed(text: str, *, mentioned: bool = False, direct: bool = False) -> str | None:
    """The command a message holds, or None when it is not addressed to the bot.

    ``mentioned``: the message started with a mention of the bot (already removed from
    ``text``); ``direct``: it was written in a one-to-one conversation with the bot.
    The text is kept as written: ``strip_prefix`` takes the prefix off.
    """
    stripped = text.strip()
    if has_address(stripped):
        return stripped
    if (mentioned or direct) and stripped:
        return stripped
    return None


def strip_prefix(text: str) -> str:
    """``/grappe membres``, ``!grappe membres``, ``grappe membres`` → ``membres``."""
    stripped = text.strip()
    for prefix in PREFIXES:
        if _starts(stripped, prefix):
            return stripped[len(prefix) :].strip()
    return stripped


def as_command(text: str) -> str:
    """``membres`` → ``/grappe membres``; a text that starts with a prefix is kept."""
    stripped = text.strip()
    if any(_starts(stripped, prefix) for prefix in PREFIXES):
        return stripped
    return f"/grappe {stripped}".rstrip()
