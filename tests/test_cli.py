"""The ``grappe`` command, run as a person runs it: a real process on a real SQLite file."""

from __future__ import annotations

import csv
import io
import os
import re
import select
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE

GRAPPE = [sys.executable, "-m", "bot.cli"]


def _run(args: list[str], tmp_path: Path, stdin: str = "",
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items()
              if k != "GRAPPE_LOCALE" and not k.startswith("MATRIX_")},
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", **(env or {})}
    return subprocess.run([*GRAPPE, *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, check=False)


@pytest.mark.parametrize("args", [[], ["run"], ["console"], ["db", "upgrade"],
                                  ["directory", "import"], ["directory", "show"]])
def test_help_on_each_command(args: list[str], tmp_path: Path) -> None:
    result = _run([*args, "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


EVERY_COMMAND = [[], ["run"], ["serve"], ["console"], ["db"], ["db", "upgrade"], ["directory"],
                 ["directory", "import"], ["directory", "show"], ["export"],
                 ["export", "requests"], ["export", "projects"], ["export", "ical"],
                 ["export", "person"], ["member"], ["member", "forget"], ["report"],
                 ["matrix"], ["matrix", "recovery-key"], ["matrix", "status"]]
# what typer says in English when a text of its escaped the translation
TYPER_ENGLISH = ("Usage:", "Show this message", "[required]", "[default:", "<bool>", "<path>",
                 "<str>", "Commands ─", "Error ─", "for help.")


@pytest.mark.parametrize("args", EVERY_COMMAND)
def test_every_help_is_french_by_default_and_english_on_request(args: list[str],
                                                                tmp_path: Path) -> None:
    french = _run([*args, "--help"], tmp_path)
    assert french.returncode == 0, french.stderr
    assert "Usage\u00a0: " in french.stdout
    assert "Afficher cette aide et quitter." in french.stdout
    assert [text for text in TYPER_ENGLISH if text in french.stdout] == []
    english = _run([*args, "--help"], tmp_path, env={"GRAPPE_LOCALE": "en"})
    assert english.returncode == 0, english.stderr
    assert "Usage: " in english.stdout
    assert "Show this message and exit." in english.stdout


@pytest.mark.parametrize(("args", "french", "english"), [
    (["directory", "import"], "Il manque l’argument «\u00a0FICHIER\u00a0».",
     "Missing argument 'FILE'."),
    (["run", "--nope"], "L’option --nope n’existe pas.", "No such option: --nope"),
    (["serve", "--port", "x"], "--port\u00a0: un nombre entier est attendu",
     "'--port': a whole number is expected"),
    (["export", "requests", "--format", "xls"], "«\u00a0xls\u00a0» n’est pas",
     "'xls' is not one of"),
    (["nope"], "La commande 'nope' n’existe pas.", "No such command 'nope'."),
    (["runn"], "La commande 'runn' n’existe pas. Vouliez-vous dire 'run' ?",
     "No such command 'runn'. Did you mean 'run'?"),
])
def test_a_usage_error_is_in_the_persons_language(args: list[str], french: str, english: str,
                                                  tmp_path: Path) -> None:
    result = _run(args, tmp_path)
    assert result.returncode == 2
    assert french in result.stderr
    assert "Erreur" in result.stderr
    assert "Pour l’aide, tapez" in result.stderr
    result = _run(args, tmp_path, env={"GRAPPE_LOCALE": "en"})
    assert result.returncode == 2
    assert english in result.stderr
    assert "Traceback" not in result.stderr


def test_piped_script_prints_the_members_in_french(tmp_path: Path) -> None:
    assert _run(["db", "upgrade"], tmp_path).returncode == 0
    imported = _run(["directory", "import", str(EXAMPLE), "--if-empty"], tmp_path)
    assert imported.returncode == 0, imported.stderr
    again = _run(["directory", "import", str(EXAMPLE), "--if-empty"], tmp_path)
    assert "n’est pas vide" in again.stdout
    result = _run(["run"], tmp_path, stdin="camille: /grappe membres\n")
    assert result.returncode == 0, result.stderr
    assert "Les 18 entreprises membres de La Grappe" in result.stdout.replace("\u00a0", " ")
    assert len(re.findall(r"^  • ", result.stdout, re.M)) == 18
    assert "Traceback" not in result.stdout + result.stderr


def test_script_file_and_default_handle(tmp_path: Path) -> None:
    _run(["directory", "import", str(EXAMPLE)], tmp_path)
    script = tmp_path / "demo.txt"
    script.write_text("# démo\n/grappe moi\nolivia: /grappe whoami\n", encoding="utf-8")
    result = _run(["console", "--as", "nadia", "--script", str(script)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Nadia Benali" in result.stdout
    assert "Olivia Bennett" in result.stdout


def test_a_broken_directory_file_is_refused_with_its_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        'skills = ["comptabilite"', 'skills = ["inconnue"', 1).replace(
        'role = "coordinator"', 'role = "chef"', 1), encoding="utf-8")
    result = _run(["directory", "import", str(bad)], tmp_path)
    assert result.returncode == 2
    assert "rien n’a été importé" in result.stderr
    assert "Traceback" not in result.stderr
    shown = _run(["directory", "show"], tmp_path)
    assert "chiffres" not in shown.stdout


def test_missing_script_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(["console", "--script", "nope.txt"], tmp_path)
    assert result.returncode == 2
    assert "nope.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_named_at_start_up_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("GRAPPE_MORNING=9h-12h\n")  # read like the environment
    result = _run(["run"], tmp_path, stdin="camille: /grappe aide\n")
    assert result.returncode == 2
    assert ("Le réglage GRAPPE_MORNING n’est pas valide\u00a0: «\u00a09h-12h\u00a0» n’est pas "
            "une plage horaire comme 08:30-12:00") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cli.db").exists()  # stopped before touching the database


def test_pydantics_own_refusals_are_in_french_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=trois-mille\nGRAPPE_LOG_FORMAT=xml\n")
    result = _run(["run"], tmp_path, stdin="camille: /grappe aide\n")
    assert result.returncode == 2
    assert "Le réglage PORT n’est pas valide\u00a0: un nombre entier est attendu" in result.stderr
    assert ("Le réglage GRAPPE_LOG_FORMAT n’est pas valide\u00a0: les valeurs possibles sont "
            "'text' ou 'json'") in result.stderr
    assert "Traceback" not in result.stderr


def _database(path: Path) -> list[str]:
    """The whole SQLite file as SQL, to compare before and after."""
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def _changed_example(tmp_path: Path) -> Path:
    """The example with a corrected room id, one person and one resource less."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "!cooperation:grappe.example", "!YZwi9hAuSrjv_paGXxffRIceiLVgjMeq3vKDAAPMGiA")
    text = re.sub(r'\[\[people\]\]\nhandle = "leo".*?\n\n', "", text, flags=re.S)
    text = re.sub(r'\[\[resources\]\]\nslug = "sono-portable".*?\n\n', "", text, flags=re.S)
    path = tmp_path / "changed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_prints_the_changes_and_changes_nothing(tmp_path: Path) -> None:
    assert _run(["directory", "import", str(EXAMPLE)], tmp_path).returncode == 0
    changed = _changed_example(tmp_path)
    before = _database(tmp_path / "cli.db")
    result = _run(["directory", "import", "--check", str(changed)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _database(tmp_path / "cli.db") == before
    lines = result.stdout.replace("\u00a0", " ").splitlines()
    assert lines[:2] == ["Simple vérification : rien n’a été modifié.",
                         "L’import de ce fichier apporterait ces changements :"]
    assert "Modifications :" in lines
    assert "  canaux (1) : cooperation (matrix) → !YZwi9hAuSrjv_paGXxffRIceiLVgjMeq3vKDAAPMGiA" \
        in lines
    assert "Retraits (leur historique est conservé) :" in lines
    assert "  personnes (1) : leo" in lines
    assert "  ressources (1) : sono-portable" in lines

    english = _run(["directory", "import", "--check", str(changed)], tmp_path,
                   env={"GRAPPE_LOCALE": "en"})
    assert "Check only: nothing was changed." in english.stdout
    assert "  people (1): leo" in english.stdout
    assert _database(tmp_path / "cli.db") == before

    applied = _run(["directory", "import", str(changed)], tmp_path)
    assert "  personnes (1) : leo" in applied.stdout.replace("\u00a0", " ")
    again = _run(["directory", "import", "--check", str(changed)], tmp_path)
    assert "L’annuaire correspond déjà à ce fichier." in again.stdout


def test_check_on_a_database_not_set_up_writes_nothing(tmp_path: Path) -> None:
    result = _run(["directory", "import", "--check", str(EXAMPLE)], tmp_path)
    assert result.returncode == 2
    assert "lancez d’abord grappe db upgrade" in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_export_requests_for_a_french_spreadsheet(tmp_path: Path) -> None:
    assert _run(["directory", "import", str(EXAMPLE)], tmp_path).returncode == 0
    asked = _run(["run"], tmp_path, stdin="camille: /grappe demande Mairie d’Évreux : un "
                                          "plan de com pour le 15 janvier\n")
    assert asked.returncode == 0, asked.stderr
    written = _run(["export", "requests", "-o", "demandes.csv"], tmp_path)
    assert written.returncode == 0, written.stderr
    assert "1 demande écrite" in written.stdout
    data = (tmp_path / "demandes.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, row = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    assert header[:5] == ["Demande", "Client", "Besoin", "Créée le", "Échéance"]
    assert row[:2] == ["R-1", "Mairie d’Évreux"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", row[4])
    plain = _run(["export", "requests", "--dialect", "rfc4180"], tmp_path)
    assert plain.stdout.startswith("Demande,Client,")

    assert _run(["export", "requests", "--format", "ods"], tmp_path).returncode == 0
    with zipfile.ZipFile(tmp_path / "demandes.ods") as ods:
        content = ods.read("content.xml").decode("utf-8")
    assert 'office:value-type="date"' in content
    assert 'office:value-type="float"' in content


def test_an_edited_file_is_told_at_the_next_start(tmp_path: Path) -> None:
    """`make run` imports the example --if-empty --quiet: silent while the database holds
    what the file says, then it tells what differs and how to import it."""
    assert _run(["directory", "import", str(EXAMPLE)], tmp_path).returncode == 0
    same = _run(["directory", "import", str(EXAMPLE), "--if-empty", "--quiet"], tmp_path)
    assert (same.returncode, same.stdout) == (0, "")
    changed = _changed_example(tmp_path)
    told = _run(["directory", "import", str(changed), "--if-empty", "--quiet"], tmp_path)
    lines = told.stdout.replace("\u00a0", " ").splitlines()
    assert lines[0] == (f"L’annuaire de la base de données diffère de {changed} ; pour "
                        f"importer le fichier, tapez : grappe directory import {changed}")
    assert "  personnes (1) : leo" in lines
    assert "sono-portable" in _run(["directory", "show"], tmp_path).stdout  # not imported


def _interactive(tmp_path: Path, args: list[str], typed: list[str]) -> str:
    """The console on a terminal (a pseudo-terminal): what it printed."""
    import pty

    leader, follower = pty.openpty()
    env = {**{k: v for k, v in os.environ.items()
              if k != "GRAPPE_LOCALE" and not k.startswith("MATRIX_")},
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "HOME": str(tmp_path)}
    with subprocess.Popen([*GRAPPE, *args], stdin=follower, stdout=follower, stderr=follower,
                          env=env, cwd=tmp_path) as process:
        os.close(follower)
        for line in typed:
            os.write(leader, (line + "\n").encode())
        output, deadline = b"", time.monotonic() + 60
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the console has left: the terminal is closed
                break
            if not chunk:
                break
            output += chunk
        else:
            process.kill()
        assert process.wait(timeout=10) == 0, output
    os.close(leader)
    return output.decode("utf-8", "replace").replace("\r\n", "\n")


def test_the_console_asks_who_you_are_and_quitter_leaves(tmp_path: Path) -> None:
    assert _run(["directory", "import", str(EXAMPLE)], tmp_path).returncode == 0
    out = _interactive(tmp_path, ["run"], ["camille", "/GRAPPE moi", "quitter",
                                           "/grappe aide"])
    assert "Qui êtes-vous" in out
    assert "vous parlez en tant que camille" in out
    assert "Camille Roussel" in out  # /GRAPPE in capitals, with no "camille:" prefix
    assert "Ce que je peux faire pour vous" not in out  # after quitter: nothing more
    out = _interactive(tmp_path, ["run", "--as", "nadia"], ["/grappe moi", "exit"])
    assert "Qui êtes-vous" not in out
    assert "Nadia Benali" in out


def test_forget_asks_in_french_and_oui_confirms(tmp_path: Path) -> None:
    assert _run(["directory", "import", str(EXAMPLE)], tmp_path).returncode == 0
    kept = _run(["member", "forget", "leo"], tmp_path, stdin="n\n")
    assert kept.returncode == 1
    assert "Oublier leo définitivement\u202f? [o/N]" in kept.stdout
    assert "Rien n’a été modifié." in kept.stderr
    forgotten = _run(["member", "forget", "leo"], tmp_path, stdin="oui\n")
    assert forgotten.returncode == 0, forgotten.stderr
    assert "Données personnelles de leo effacées" in forgotten.stdout


@pytest.mark.parametrize("args", [["directory", "show"], ["export", "requests"],
                                  ["export", "person", "nadia"], ["member", "forget", "leo"],
                                  ["matrix", "status"]])
def test_reading_a_database_not_set_up_says_what_to_do(args: list[str],
                                                       tmp_path: Path) -> None:
    result = _run(args, tmp_path)
    assert result.returncode == 2
    assert "lancez grappe db upgrade, puis grappe directory import FICHIER" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cli.db").exists()


RECOVERY_KEY = re.compile(r"(?:[A-Z2-7]{4}-){11}[A-Z2-7]{4}")


def test_a_recovery_key_is_printed_once_with_where_to_put_it(tmp_path: Path) -> None:
    french = _run(["matrix", "cle-de-recuperation"], tmp_path)  # the French name too
    english = _run(["matrix", "recovery-key"], tmp_path, env={"GRAPPE_LOCALE": "en"})
    keys = [result.stdout.strip() for result in (french, english)]
    assert all(RECOVERY_KEY.fullmatch(key) for key in keys), keys
    assert keys[0] != keys[1]
    assert "Indiquez-la dans MATRIX_RECOVERY_KEY" in french.stderr
    assert "Elle n’est enregistrée nulle part ailleurs" in french.stderr
    assert "It is stored nowhere else" in english.stderr
    assert not (tmp_path / "cli.db").exists()  # nothing kept, not even a database


def test_matrix_status_says_what_is_wrong_without_a_traceback(tmp_path: Path) -> None:
    assert _run(["db", "upgrade", "-q"], tmp_path).returncode == 0
    with socket.socket() as closed:  # a loopback port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    unset = _run(["matrix", "etat"], tmp_path)
    away = _run(["matrix", "status"], tmp_path, env={
        "MATRIX_HOMESERVER": f"http://127.0.0.1:{port}", "MATRIX_USER_ID": "@grappe:x.example",
        "MATRIX_ACCESS_TOKEN": "syt_token"})
    assert (unset.returncode, away.returncode) == (1, 1)
    assert "Matrix n’est pas configuré\u00a0: renseignez MATRIX_HOMESERVER" in unset.stderr
    assert f"Le serveur Matrix http://127.0.0.1:{port} ne répond pas" in away.stderr
    assert "Vérifiez MATRIX_HOMESERVER et le réseau" in away.stderr
    assert "Traceback" not in unset.stderr + away.stderr
