"""Where a setting is read (bot/config.py): what ``Settings(...)`` is given, else the
environment, else the ``.env`` file of the working directory, else the default; a name in
any case; a refused value named as the person wrote it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings

DEFAULT_PORT = 3000


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("PORT", "port", "GRAPPE_HOST", "GRAPPE_LOG_FORMAT", "SLACK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


# (.env file, environment, given to Settings, expected port)
@pytest.mark.parametrize(("dotenv", "env", "given", "port"), [
    ("", {}, {}, DEFAULT_PORT),
    ("PORT=4000\n", {}, {}, 4000),
    ("PORT=4000\n", {"PORT": "5000"}, {}, 5000),  # the environment over the file
    ("PORT=4000\n", {"PORT": "5000"}, {"PORT": 6000}, 6000),  # what is given first
    ("", {"PORT": "5000"}, {"port": 6000}, 6000),  # given by its field's name
    ("port=4000\n", {}, {}, 4000),  # any case, in the file
    ("", {"port": "5000"}, {}, 5000),  # and in the environment
    ("# a comment\nPORT=\"4000\"\nUNKNOWN=1\n", {}, {}, 4000),  # dotenv's syntax; extras left
])
def test_where_a_setting_is_read(workdir: Path, monkeypatch: pytest.MonkeyPatch, dotenv: str,
                                 env: dict[str, str], given: dict[str, object],
                                 port: int) -> None:
    (workdir / ".env").write_text(dotenv, encoding="utf-8")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings(**given).port == port


def test_no_env_file_reads_none(workdir: Path) -> None:
    (workdir / ".env").write_text("PORT=4000\n", encoding="utf-8")
    assert Settings(_env_file=None).port == DEFAULT_PORT
    assert Settings(_env_file=workdir / ".env").port == 4000


def test_a_refused_value_is_named_by_its_setting(workdir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / ".env").write_text("GRAPPE_LOG_FORMAT=xml\n", encoding="utf-8")
    monkeypatch.setenv("SLACK_TIMEOUT", "ten")
    with pytest.raises(ValidationError) as refused:
        Settings(PORT="three")
    assert sorted(error["loc"] for error in refused.value.errors()) == [
        ("GRAPPE_LOG_FORMAT",), ("PORT",), ("SLACK_TIMEOUT",)]


def test_a_copy_keeps_the_values_and_takes_the_changes(workdir: Path) -> None:
    settings = Settings(PORT=4000, GRAPPE_HOST="127.0.0.1")
    served = settings.model_copy(update={"serve_http": True})
    assert (served.port, served.host, served.serve_http) == (4000, "127.0.0.1", True)
