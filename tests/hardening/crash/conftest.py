"""Fixtures of the crash campaigns: a prepared SQLite file and a working folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.hardening.crash.campaign import prepare

# The real Synapse of the Matrix tests (and its log shown when a test fails), reused here:
# fixtures of tests/matrix/conftest.py are visible in that folder only.
from tests.matrix.conftest import pytest_runtest_makereport, synapse  # noqa: F401


@pytest.fixture
async def start_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[tuple[Path, Database]]:
    """The campaign's SQLite file, ready (see ``campaign.prepare``), and a handle on it."""
    path = tmp_path / "grappe.db"
    db = await prepare(sqlite_template, path)
    yield path, db
    await db.dispose()
