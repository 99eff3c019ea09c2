"""The exports as a spreadsheet reads them: CSV for French spreadsheets (``;``, a BOM, a
decimal comma) or RFC 4180, and ODS with typed cells."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

from bot.spreadsheet import Dialect, csv_bytes, write_ods
from commands.table import Table

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ROWS = [["R-1", "Mairie d’Évreux ; service culture", datetime(2026, 12, 10, 9, 30),
         date(2027, 1, 15), timedelta(hours=2, minutes=30), 4, 1.5, None]]
HEADER = ["Demande", "Client", "Créée le", "Échéance", "Délai", "Réponses", "Note", "Vide"]


class FrenchExcel(csv.excel):
    """What a French Excel or LibreOffice expects: the list separator is ``;``."""

    delimiter = ";"


def test_csv_opens_as_columns_in_a_french_spreadsheet() -> None:
    data = csv_bytes(Table("Demandes", HEADER, ROWS, "fr"))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: the accents read right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), dialect=FrenchExcel))
    assert rows == [HEADER, ["R-1", "Mairie d’Évreux ; service culture", "2026-12-10 09:30",
                             "2027-01-15", "2,5", "4", "1,5", ""]]


def test_csv_in_english_and_rfc4180() -> None:
    english = csv_bytes(Table("Requests", HEADER, ROWS, "en")).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(english), dialect="excel"))[1][4:7] == ["2.5", "4",
                                                                                "1.5"]
    plain = csv_bytes(Table("Demandes", HEADER, ROWS, "fr"), Dialect.RFC4180)
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in plain
    rows = list(csv.reader(io.StringIO(plain.decode("utf-8")), dialect="excel"))
    assert rows[1][4] == "2.5"


def test_ods_cells_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "demandes.ods"
    write_ods(Table("Demandes", HEADER, ROWS, "fr"), path)
    with zipfile.ZipFile(path) as ods:
        content = ElementTree.fromstring(ods.read("content.xml"))
    (sheet,) = content.iter(f"{{{TABLE}}}table")
    assert sheet.get(f"{{{TABLE}}}name") == "Demandes"
    header, row = ([cell.attrib for cell in r.iter(f"{{{TABLE}}}table-cell")]
                   for r in sheet.iter(f"{{{TABLE}}}table-row"))
    assert {cell[f"{{{OFFICE}}}value-type"] for cell in header} == {"string"}
    assert [cell.get(f"{{{OFFICE}}}value-type") for cell in row] == [
        "string", "string", "date", "date", "time", "float", "float", "string"]
    assert row[2][f"{{{OFFICE}}}date-value"] == "2026-12-10T09:30:00"
    assert row[3][f"{{{OFFICE}}}date-value"] == "2027-01-15"
    assert row[4][f"{{{OFFICE}}}time-value"] == "PT2H30M0S"
    assert row[5][f"{{{OFFICE}}}value"] == "4"
    assert row[6][f"{{{OFFICE}}}value"] == "1.5"
