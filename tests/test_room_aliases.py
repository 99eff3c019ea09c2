"""Room aliases in the directory file, resolved through a local fake of the homeserver's
room directory (``GET /_matrix/client/v3/directory/room/{alias}``) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.matrix.aliases import (
    NO_HOMESERVER,
    UNKNOWN,
    UNREACHABLE,
    UnresolvedAliases,
    resolve_aliases,
)
from commands.directory.file import DirectoryFile, DirectoryFileError, load
from tests.conftest import EXAMPLE
from tests.test_directory_import import OLD_ROOM, V12, example_with

ALIAS = "#cooperation:grappe.example"


@dataclass
class FakeRoomDirectory:
    rooms: dict[str, str]
    asked: list[tuple[str, str | None]] = field(default_factory=list)  # alias, Authorization
    url: str = ""

    async def answer(self, request: web.Request) -> web.Response:
        alias = request.match_info["alias"]
        self.asked.append((alias, request.headers.get("Authorization")))
        if alias not in self.rooms:
            return web.json_response({"errcode": "M_NOT_FOUND",
                                      "error": f"Room alias {alias} not found"}, status=404)
        return web.json_response({"room_id": self.rooms[alias], "servers": ["grappe.example"]})


@pytest.fixture
async def homeserver() -> AsyncIterator[FakeRoomDirectory]:
    fake = FakeRoomDirectory({ALIAS: V12})
    app = web.Application()
    app.router.add_get("/_matrix/client/v3/directory/room/{alias}", fake.answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield fake
    await runner.cleanup()


def with_alias(alias: str = ALIAS) -> DirectoryFile:
    data = load(EXAMPLE)
    data.channels[0].matrix = alias
    return data


async def test_an_alias_resolves_to_its_room_id(homeserver: FakeRoomDirectory) -> None:
    resolved = await resolve_aliases(with_alias(), homeserver.url + "/", "syt_token")
    assert resolved.channels[0].matrix == V12
    assert resolved.channels[0].slack == "C01COOPERA"  # the rest of the entry is kept
    assert homeserver.asked == [(ALIAS, "Bearer syt_token")]


async def test_no_token_no_authorization(homeserver: FakeRoomDirectory) -> None:
    await resolve_aliases(with_alias(), homeserver.url)
    assert homeserver.asked == [(ALIAS, None)]


async def test_a_file_without_alias_asks_nothing(homeserver: FakeRoomDirectory) -> None:
    data = load(EXAMPLE)
    assert await resolve_aliases(data, homeserver.url) is data
    assert homeserver.asked == []


async def test_every_alias_that_does_not_resolve_is_named(
        homeserver: FakeRoomDirectory) -> None:
    data = with_alias("#inconnu:grappe.example")
    data.channels.append(data.channels[0].model_copy(update={
        "name": "entraide", "slack": None, "matrix": "#perdu:grappe.example"}))
    with pytest.raises(UnresolvedAliases) as refused:
        await resolve_aliases(data, homeserver.url)
    assert [(p.message, p.where, p.alias) for p in refused.value.problems] == [
        (UNKNOWN, "channels[0] (cooperation)", "#inconnu:grappe.example"),
        (UNKNOWN, "channels[1] (entraide)", "#perdu:grappe.example")]


async def test_no_homeserver_or_one_that_does_not_answer() -> None:
    with pytest.raises(UnresolvedAliases) as refused:
        await resolve_aliases(with_alias(), None)
    assert [p.message for p in refused.value.problems] == [NO_HOMESERVER]
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(UnresolvedAliases) as refused:
        await resolve_aliases(with_alias(), f"http://127.0.0.1:{port}", wait=2)
    assert [p.message for p in refused.value.problems] == [UNREACHABLE]


async def test_an_alias_of_a_room_the_file_already_names_is_a_duplicate(
        homeserver: FakeRoomDirectory) -> None:
    data = with_alias()
    data.channels.append(data.channels[0].model_copy(update={
        "name": "entraide", "slack": None, "matrix": V12}))
    with pytest.raises(DirectoryFileError, match=f"duplicate Matrix room: {V12}"):
        await resolve_aliases(data, homeserver.url)


# --- through the command, as a person runs it -----------------------------------------

async def grappe(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """Run ``grappe`` in a real process while this test's loop serves the fake."""
    environ = {k: v for k, v in os.environ.items() if k != "GRAPPE_LOCALE"}  # French
    environ.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", **env)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=tmp_path, env=environ,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_import_resolves_an_alias(homeserver: FakeRoomDirectory,
                                            tmp_path: Path) -> None:
    path = example_with(OLD_ROOM, ALIAS, tmp_path)
    code, out, err = await grappe(tmp_path, "directory", "import", str(path),
                                  MATRIX_HOMESERVER=homeserver.url,
                                  MATRIX_ACCESS_TOKEN="syt_token")
    assert code == 0, err
    assert "Import terminé" in out
    _, shown, _ = await grappe(tmp_path, "directory", "show")
    assert V12 in shown
    assert homeserver.asked == [(ALIAS, "Bearer syt_token")]


async def test_an_unknown_alias_stops_the_import_in_french(homeserver: FakeRoomDirectory,
                                                           tmp_path: Path) -> None:
    path = example_with(OLD_ROOM, "#inconnu:grappe.example", tmp_path)
    code, out, err = await grappe(tmp_path, "directory", "import", str(path),
                                  MATRIX_HOMESERVER=homeserver.url)
    assert code == 2
    assert "Le fichier d’annuaire contient des erreurs\u202f; rien n’a été importé" in err
    assert (f"channels[0] (cooperation)\u00a0: l’alias de salon #inconnu:grappe.example "
            f"est inconnu de {homeserver.url}.") in err
    assert "Traceback" not in err
    assert not (tmp_path / "cli.db").exists()  # refused before the database


async def test_without_a_homeserver_the_message_says_what_to_do(tmp_path: Path) -> None:
    path = example_with(OLD_ROOM, ALIAS, tmp_path)
    code, _, err = await grappe(tmp_path, "directory", "import", str(path),
                                MATRIX_HOMESERVER="", GRAPPE_LOCALE="en")
    assert code == 2
    assert ("channels[0] (cooperation): the room alias #cooperation:grappe.example cannot be "
            "resolved because MATRIX_HOMESERVER is not set; give the room id (!…) or set "
            "it.") in err
    assert not (tmp_path / "cli.db").exists()
