"""The pure parts of encryption: where the keys live, an encrypted file's content, the
sealed cross-signing keys (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import STORE_FOLDER, Settings
from bot.matrix import outbound
from bot.matrix.signing import Key, canonical, seal, unseal
from commands.messages import Attachment

CHART = Attachment(path="/tmp/chart.png", title="synthese.png", mime="image/png")


@pytest.mark.parametrize(("url", "store", "expected"), [
    ("sqlite+aiosqlite:////srv/grappe/grappe.db", "", Path("/srv/grappe") / STORE_FOLDER),
    ("sqlite+aiosqlite:////srv/grappe/grappe.db", "/data/keys", Path("/data/keys")),
    ("postgresql+asyncpg://grappe@db/grappe", "", Path.cwd() / STORE_FOLDER),
    ("sqlite+aiosqlite://", "", Path.cwd() / STORE_FOLDER),
])
def test_the_store_is_next_to_the_sqlite_file_unless_set(url: str, store: str,
                                                         expected: Path) -> None:
    settings = Settings(DATABASE_URL=url, MATRIX_STORE_PATH=store, _env_file=None)
    assert settings.matrix_store() == expected


def test_an_encrypted_file_is_named_by_file_never_by_url() -> None:
    keys = {"v": "v2", "key": {"k": "secret", "alg": "A256CTR"}, "iv": "iv",
            "hashes": {"sha256": "hash"}}
    content = outbound.file(CHART, "mxc://grappe.example/abc", 42, keys)
    assert "url" not in content
    assert content["file"] == {**keys, "url": "mxc://grappe.example/abc"}
    assert content["msgtype"] == "m.image"
    assert content["info"] == {"mimetype": "image/png", "size": 42}
    plain = outbound.file(CHART, "mxc://grappe.example/abc", 42)
    assert plain["url"] == "mxc://grappe.example/abc"
    assert "file" not in plain


def test_the_cross_signing_keys_open_only_with_their_recovery_key() -> None:
    keys = {"master": Key(b"\x01" * 32), "self_signing": Key(b"\x02" * 32)}
    sealed = seal(keys, "the right one")
    assert b"\x01" * 4 not in sealed.encode()
    assert unseal(sealed, "the right one") == keys
    with pytest.raises(ValueError, match="MAC"):
        unseal(sealed, "another one")


def test_what_is_signed_leaves_out_signatures_and_unsigned() -> None:
    device = {"user_id": "@grappe:x", "keys": {"ed25519:D": "k"}, "device_id": "D",
              "signatures": {"@grappe:x": {"ed25519:D": "sig"}}, "unsigned": {"n": 1}}
    assert canonical(device) == (b'{"device_id":"D","keys":{"ed25519:D":"k"},'
                                 b'"user_id":"@grappe:x"}')
