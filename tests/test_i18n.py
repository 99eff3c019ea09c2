"""Every text a person reads exists in French (the catalog) and in English (the ids)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from commands import i18n
from commands.i18n import Translator, read_catalog

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"tr": None, "t": None, "N_": None, "trn": (1, 2), "tn": (1, 2),
            "CommandError": None, "UsageError": None, "NotAllowed": None}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _extracted() -> set[str]:
    ids: set[str] = set()
    for package in ("bot", "commands"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS, comment_tags=()
        ):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def _catalog():  # type: ignore[no-untyped-def]
    return read_catalog("fr")


def test_every_text_in_the_code_has_a_french_translation() -> None:
    catalog = _catalog()
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id
                  for m in catalog if m.id and m.string and not m.fuzzy
                  and (not isinstance(m.string, tuple) or all(m.string))}
    missing = sorted(_extracted() - translated)
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted, message.id
            assert wanted - set(PLACEHOLDER.findall(string)) <= {"n"}, message.id


def test_french_is_the_default_and_english_is_complete() -> None:
    assert Translator(None).locale == "fr"
    assert Translator("en_GB").locale == "en"
    assert Translator("de").locale == "fr"
    en, fr = Translator("en"), Translator("fr")
    assert en.t("Choose fr or en.") == "Choose fr or en."
    assert fr.t("Choose fr or en.") != "Choose fr or en."
    assert fr.tn("The {n} member enterprise of {cooperative}",
                 "The {n} member enterprises of {cooperative}", 3, cooperative="X").startswith(
        "Les 3 entreprises")


def test_the_compiled_catalog_is_kept_and_compiled_again_once_a_po_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(i18n.LOCALE_DIR, locales, ignore=shutil.ignore_patterns("__cache__"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locales)
    compiled = i18n._compiled
    i18n._catalog.cache_clear()
    try:
        assert i18n._catalog("fr").gettext("Choose fr or en.") == "Choisissez fr ou en."
        first = list((locales / "__cache__").iterdir())
        assert [p.suffix for p in first] == [".mo"]
        i18n._catalog.cache_clear()  # the next start reads what was kept
        monkeypatch.setattr(i18n, "_compiled", lambda locale: pytest.fail("compiled again"))
        assert i18n._catalog("fr").gettext("Choose fr or en.") == "Choisissez fr ou en."
        po = locales / "fr" / "LC_MESSAGES" / "messages.po"
        po.write_text(po.read_text(encoding="utf-8").replace(
            'msgstr "Choisissez fr ou en."', 'msgstr "Choisissez : fr ou en."'), encoding="utf-8")
        monkeypatch.setattr(i18n, "_compiled", compiled)
        i18n._catalog.cache_clear()
        assert i18n._catalog("fr").gettext("Choose fr or en.") == "Choisissez : fr ou en."
        again = list((locales / "__cache__").iterdir())
        assert len(again) == 1  # the earlier one is removed
        assert again != first
    finally:
        i18n._catalog.cache_clear()  # the other tests read the real catalogs


def test_a_start_with_the_catalog_kept_does_not_load_babels_catalog_reader() -> None:
    code = ("import sys; from commands.i18n import translator; "
            "print(translator('fr').t('Choose fr or en.'), 'babel.messages' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=ROOT).stdout.split() for _ in range(2)]
    assert runs[1] == ["Choisissez", "fr", "ou", "en.", "False"]  # the first may compile it
