"""Arbitrary arguments after every command keyword: a reply, no traceback, no partial write."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.features import registry as load_all
from tests.conftest import Console
from tests.hardening import figures
from tests.hardening.conftest import HARDENING, INCIDENT, WORK_TABLES
from tests.hardening.strategies import texts
from tests.snapshots import snapshot

SPECS = {spec.name: spec.keywords for spec in load_all().commands}
@pytest.mark.parametrize("name", sorted(SPECS))
@settings(HARDENING, max_examples=figures.size(4, 60))
@given(who=st.sampled_from(["camille", "nadia", "olivia"]), args=texts, data=st.data())
async def test_any_command_text_gets_a_reply_and_nothing_partial(
    console: Console, refusals: list[str], name: str, who: str, args: str, data: st.DataObject
) -> None:
    """Every registered command, by each of its keywords, from a coordinator, a member and
    an English-speaking member, with arbitrary arguments."""
    keyword = data.draw(st.sampled_from(SPECS[name]), label="keyword")
    figures.add("fuzz examples run", f"/grappe {name} (through the dispatcher)")
    line = f"{who}: /grappe {keyword} {args}".replace("\n", " ").replace("\r", " ")
    before = await snapshot(console.bot.db, WORK_TABLES)
    count = len(refusals)
    out = await console.run(line)
    assert out.strip(), line
    assert "Traceback" not in out
    assert INCIDENT not in out, line  # a handler raised something other than a refusal
    if len(refusals) > count:
        assert await snapshot(console.bot.db, WORK_TABLES) == before, line
