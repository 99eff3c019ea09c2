"""Issue #16: ``grappe directory import`` against a real Synapse, with the rooms members made.

Rooms are created the way Element creates a private room (the server's default room
version, whose ids have no server part; the private preset; an alias). The directory
file names them by alias or by id, and the command is run as a coordinator runs it: a
real process on a real SQLite file. A corrected room replaces the old one; ``--check``
changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from nio import RoomPreset
from sqlmodel import select

from storage.db import Database
from storage.models import Channel
from tests.matrix.harness import BOT, EXAMPLE, EXAMPLE_ROOM, BotHarness, from_bot, joined
from tests.matrix.members import Member
from tests.matrix.synapse import SERVER_NAME, Synapse

GRAPPE = [sys.executable, "-m", "bot.cli"]


def grappe(args: list[str], db: Database, synapse: Synapse,
           cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "GRAPPE_LOCALE"},
           "DATABASE_URL": db.url, "MATRIX_HOMESERVER": synapse.url}
    return subprocess.run([*GRAPPE, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120, check=False)


def directory_file(folder: Path, room: str) -> Path:
    path = folder / f"cooperative-{uuid.uuid4().hex[:6]}.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace(EXAMPLE_ROOM, f'matrix = "{room}"'), encoding="utf-8")
    return path


async def matrix_channels(db: Database) -> list[tuple[str, bool]]:
    async with db.session(read_only=True) as s:
        rows = (await s.exec(select(Channel).where(Channel.platform == "matrix",
                                                   Channel.name == "cooperation"))).all()
    return [(c.platform_channel_id, c.active) for c in rows]


# SQLite: the command opens the database by its URL alone (a per-test PostgreSQL schema
# cannot be given that way); the same import functions run on both in tests/test_directory_import.py
@pytest.mark.parametrize("coop_db", ["sqlite"], indirect=True)
async def test_rooms_made_in_a_client_are_imported_by_alias_then_corrected_by_id(
        harness: BotHarness, members, coop_db: Database, synapse: Synapse,
        tmp_path: Path) -> None:
    camille: Member = await members("camille")
    alias = f"coop-{uuid.uuid4().hex[:8]}"
    first = await camille.create_room(invite=[], alias=alias, preset=RoomPreset.private_chat)
    assert ":" not in first  # room version 12: an opaque id, no server part
    imported = grappe(["directory", "import", str(directory_file(
        tmp_path, f"#{alias}:{SERVER_NAME}"))], coop_db, synapse, tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert await matrix_channels(coop_db) == [(first, True)]

    # the coordinator made a new room and corrects the file with its id, checking first
    second = await camille.create_room(invite=[], preset=RoomPreset.private_chat)
    corrected = directory_file(tmp_path, second)
    checked = grappe(["directory", "import", "--check", str(corrected)], coop_db, synapse,
                     tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "cooperation" in checked.stdout
    assert await matrix_channels(coop_db) == [(first, True)]  # --check changed nothing
    again = grappe(["directory", "import", str(corrected)], coop_db, synapse, tmp_path)
    assert again.returncode == 0, again.stderr
    assert await matrix_channels(coop_db) == [(second, True)]  # one channel, the new id

    # the bot, invited late into the new room, posts its cards there and only there
    await harness.start()
    await camille.invite(second, BOT)
    await camille.wait_for(lambda s: s.room_id == second and joined(BOT)(s))
    await camille.say(second, "!grappe demande CCAS de Lens : un devis pour des affiches")
    card, = await camille.wait_for(lambda s: from_bot(second)(s) and "R-1 ·" in s.body)
    assert card.room_id == second
    assert not [s for s in camille.seen if s.room_id == first and s.sender == BOT]

    unknown = grappe(["directory", "import", str(directory_file(
        tmp_path, f"#personne-{alias}:{SERVER_NAME}"))], coop_db, synapse, tmp_path)
    assert unknown.returncode != 0
    assert "personne-" in unknown.stdout + unknown.stderr
    assert "Traceback" not in unknown.stdout + unknown.stderr
    assert await matrix_channels(coop_db) == [(second, True)]
