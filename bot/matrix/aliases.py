"""Matrix room aliases in the directory file, resolved to room ids before the import.

A person copies ``#cooperation:example.org`` from Element's room settings; the bot
sends to room ids. Between reading the file (pure) and importing it, each alias is
asked of the homeserver (``GET /_matrix/client/v3/directory/room/{alias}``, which
Synapse answers without authentication; the access token goes along when there is
one). An alias that does not resolve — unknown, no homeserver configured, a
homeserver that does not answer — stops the import: it names the place in the file,
and nothing is written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

from commands.directory.file import ROOM_ID, ChannelIn, DirectoryFile, DirectoryFileError
from commands.i18n import N_

log = logging.getLogger(__name__)

WAIT = 10.0  # seconds, at most, for the homeserver to answer

NO_HOMESERVER = N_("{where}: the room alias {alias} cannot be resolved because "
                   "MATRIX_HOMESERVER is not set; give the room id (!…) or set it.")
UNKNOWN = N_("{where}: the room alias {alias} is unknown to {homeserver}.")
UNREACHABLE = N_("{where}: the room alias {alias} cannot be resolved: {homeserver} does "
                 "not answer ({detail}).")
REFUSED = N_("{where}: {homeserver} refused to resolve the room alias {alias} "
             "(HTTP {detail}).")


@dataclass(frozen=True)
class Unresolved:
    """One alias that did not resolve; ``message`` is a message id to translate."""

    message: str
    where: str
    alias: str
    homeserver: str = ""
    detail: str = ""

    def params(self) -> dict[str, str]:
        return {"where": self.where, "alias": self.alias, "homeserver": self.homeserver,
                "detail": self.detail}


class UnresolvedAliases(Exception):
    def __init__(self, problems: list[Unresolved]):
        super().__init__("; ".join(f"{p.where}: {p.alias}" for p in problems))
        self.problems = problems


async def resolve_aliases(data: DirectoryFile, homeserver: str | None,
                          access_token: str | None = None, *,
                          wait: float = WAIT) -> DirectoryFile:
    """``data`` with each channel's Matrix room alias replaced by its room id (``data``
    itself when it has none); every alias that does not resolve is reported at once
    (``UnresolvedAliases``), and two channels that turn out to be one room are refused
    as the file's own duplicates are (``DirectoryFileError``)."""
    wanted = [(i, c) for i, c in enumerate(data.channels) if c.matrix_alias]
    if not wanted:
        return data
    problems: list[Unresolved] = []
    resolved: dict[int, ChannelIn] = {}
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=wait),
                                     headers=headers) as http:  # each request's limit
        for i, channel in wanted:
            where = f"channels[{i}] ({channel.name})"
            alias = channel.matrix_alias or ""
            if not homeserver:
                problems.append(Unresolved(NO_HOMESERVER, where, alias))
                continue
            found = await _room_id(http, homeserver, where, alias)
            if isinstance(found, Unresolved):
                problems.append(found)
            else:
                log.info("room alias %s is %s", alias, found)
                resolved[i] = channel.model_copy(update={"matrix": found})
    if problems:
        raise UnresolvedAliases(problems)
    channels = [resolved.get(i, c) for i, c in enumerate(data.channels)]
    result = data.model_copy(update={"channels": channels})
    errors = result.check_references()
    if errors:
        raise DirectoryFileError(errors)
    return result


async def _room_id(http: aiohttp.ClientSession, homeserver: str, where: str,
                   alias: str) -> str | Unresolved:
    url = f"{homeserver.rstrip('/')}/_matrix/client/v3/directory/room/{quote(alias, safe='')}"
    try:
        async with http.get(url) as response:
            if response.status == 404:
                return Unresolved(UNKNOWN, where, alias, homeserver)
            try:
                body = await response.json(content_type=None)
            except ValueError:  # not JSON: not a homeserver's answer
                body = None
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:  # ValueError: a bad URL
        return Unresolved(UNREACHABLE, where, alias, homeserver,
                          str(exc) or type(exc).__name__)
    room = body.get("room_id") if isinstance(body, dict) else None
    if response.status != 200 or not isinstance(room, str) or not re.match(ROOM_ID, room):
        return Unresolved(REFUSED, where, alias, homeserver, str(response.status))
    return room
