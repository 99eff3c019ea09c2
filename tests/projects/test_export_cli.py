"""``grappe export projects`` and ``grappe report`` as a person runs them: real processes on
a real SQLite file; the ODS read back with odfpy, typed cells; bad input refused in French
with nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from odf.namespaces import OFFICENS
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from tests.conftest import EXAMPLE
from tests.projects.test_export_report import FLOW
from tests.projects.test_project_flow import WON
from tests.test_cli import _run


@pytest.fixture
def delivered(tmp_path: Path) -> Path:
    assert _run(["directory", "import", str(EXAMPLE)], tmp_path).returncode == 0
    lines = [*WON, *FLOW, "camille: /grappe clore R-1 livre"]
    ran = _run(["run"], tmp_path, stdin="\n".join(lines) + "\n")
    assert ran.returncode == 0, ran.stderr
    return tmp_path


def _cells(path: Path, sheet: int = 0) -> list[list[tuple[str, str]]]:
    """Each row's cells as (value type, value or shown text)."""
    table = load(str(path)).spreadsheet.getElementsByType(Table)[sheet]
    rows = []
    for row in table.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.attributes.get((OFFICENS, "value-type"), "")
            value = (cell.attributes.get((OFFICENS, "value"))
                     or cell.attributes.get((OFFICENS, "date-value")) or str(cell))
            cells.append((kind, value))
        rows.append(cells)
    return rows


def test_the_export_and_the_report_give_back_what_was_entered(delivered: Path) -> None:
    written = _run(["export", "projects", "-o", "projets.csv"], delivered)
    assert written.returncode == 0, written.stderr
    assert "2 lignes écrites dans projets.csv" in written.stdout
    header, lead, partner = csv.reader(io.StringIO(
        (delivered / "projets.csv").read_bytes().decode("utf-8-sig")), delimiter=";")
    assert header[6:10] == ["Part (€ HT)", "Part (%)", "Jours prévus", "Jours consommés"]
    assert lead[4:10] == ["Chiffres & Communs", "pilote", "14400", "60", "10", "2"]
    assert partner[4:10] == ["Le Grand Livre", "partenaire", "9600", "40", "", "0,5"]

    assert _run(["export", "projects", "--format", "ods", "-o", "p.ods"], delivered
                ).returncode == 0
    _, first, _ = _cells(delivered / "p.ods")
    assert first[6] == ("float", "14400.0")
    assert first[9] == ("float", "2.0")
    assert first[15][0] == first[16][0] == "date"

    made = _run(["report", "--format", "ods", "--year", first[15][1][:4]], delivered)
    assert made.returncode == 0, made.stderr
    (path,) = delivered.glob("rapport-cooperation-*.ods")
    figures = dict(_cells(path, 0)[1:])
    assert figures[("string", "Montant gagné (€ HT)")] == ("float", "24000.0")
    assert figures[("string", "Jours consommés")] == ("float", "2.5")
    assert _run(["report", "--format", "html", "-o", "r.html"], delivered).returncode == 0
    page = (delivered / "r.html").read_text(encoding="utf-8")
    assert "<svg" in page
    assert "24\u202f000,00\u00a0€" in page or "24\u00a0000,00\u00a0€" in page


@pytest.mark.parametrize(("args", "said"), [
    (["export", "projects", "--format", "xls", "-o", "x.xls"], "«\u00a0xls\u00a0» n’est pas"),
    (["export", "projects", "--from", "2027-01-01", "--to", "2026-01-01", "-o", "x.csv"],
     "--from 2027-01-01 doit précéder --to 2026-01-01"),
    (["export", "projects", "--from", "31/12/2026", "-o", "x.csv"],
     "n’est pas une date de la forme 2026-12-31"),
    (["report", "--year", "26", "-o", "x.html"], "«\u00a026\u00a0» n’est pas une année"),
    (["report", "--format", "pdf", "-o", "x.pdf"], "«\u00a0pdf\u00a0» n’est pas"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_written(
        args: list[str], said: str, tmp_path: Path) -> None:
    assert _run(["db", "upgrade"], tmp_path).returncode == 0
    result = _run(args, tmp_path)
    assert result.returncode == 2
    assert said.replace("\u00a0", " ") in result.stderr.replace("\u00a0", " ")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / args[-1]).exists()
