"""Every text a person reads exists in French (the catalog) and in English (the ids)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

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
