"""Every accuracy table reads at least 97 % of its rows right (``make accuracy`` prints them)."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.accuracy import BAR, rows, score, tables

TABLES = tables()


def test_the_tables_are_found() -> None:
    assert {m.NAME for m in TABLES} >= {"answers", "ballots"}


@pytest.mark.parametrize("table", TABLES, ids=[m.NAME for m in TABLES])
def test_table_reads_right(table: ModuleType) -> None:
    result = score(table.NAME, table.TABLE, table.check)
    assert result.total >= getattr(table, "MINIMUM", 1)
    assert result.share >= BAR, "\n".join([result.line()] + [
        f"{line!r}: {wrong}" for line, wrong in result.wrong])


def test_a_table_row_that_is_wrong_is_counted_wrong(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.tsv"
    path.write_text("# comment\na\tright\nb\twrong\n\n", encoding="utf-8")
    result = score("t", path, lambda row: None if row[1] == "right" else "said wrong")
    assert (result.total, result.right, result.wrong) == (2, 1, [("b\twrong", "said wrong")])
    assert result.line() == "t: 1/2 (50.0 %)"
    assert [cells for _, cells in rows(path)] == [["a", "right"], ["b", "wrong"]]
