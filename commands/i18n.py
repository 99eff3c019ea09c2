"""Translations through gettext catalogs kept as ``.po`` files (Babel).

Message ids are the English text; French is the default locale and its
catalogs must translate every id (a test checks it). A locale may have several
``.po`` files (one per command family or adapter, so that features are
translated side by side without touching one shared file); they are merged and
compiled in memory at first use, so a fresh checkout needs no build step.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction without translating it now."""
    return message


LOCALE_DIR = Path(__file__).parent / "locales"


def po_path(locale: str) -> Path:
    """The main catalog of ``locale``."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def po_paths(locale: str) -> list[Path]:
    """Every catalog of ``locale``: the main one first, then one per feature."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    return sorted(folder.glob("*.po"), key=lambda p: (p.stem != DOMAIN, p.name))


def read_catalog(locale: str) -> Catalog:
    """The merged catalog of ``locale``; an id translated twice is an error."""
    merged = Catalog(locale=locale)
    for path in po_paths(locale):
        with path.open("rb") as fp:
            part = read_po(fp, locale=locale)
        if not merged.plural_forms or merged.num_plurals != part.num_plurals:
            merged = _with_header(merged, part)
        for message in part:
            if not message.id:
                continue
            if message.id in merged:
                raise ValueError(f"{path.name}: {message.id!r} is already translated elsewhere")
            merged[message.id] = message
    return merged


def _with_header(merged: Catalog, part: Catalog) -> Catalog:
    fresh = Catalog(locale=part.locale)
    fresh.mime_headers = part.mime_headers
    for message in merged:
        if message.id:
            fresh[message.id] = message
    return fresh


@cache
def _catalog(locale: str) -> gettext.NullTranslations:
    if not po_paths(locale):
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(locale), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalize_locale(locale: str | None) -> str:
    if not locale:
        return DEFAULT_LOCALE
    short = locale.replace("-", "_").split("_")[0].lower()
    return short if short in LOCALES else DEFAULT_LOCALE


class Translator:
    """Translates and formats for one locale: ``t("Hello {name}", name=…)``."""

    def __init__(self, locale: str | None = None):
        self.locale = normalize_locale(locale)
        self._gt = _catalog(self.locale)

    def t(self, message: str, **params: object) -> str:
        text = self._gt.gettext(message)
        return text.format(**params) if params else text

    def tn(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._gt.ngettext(singular, plural, n)
        return text.format(n=n, **params)

    @property
    def catalog(self) -> gettext.NullTranslations:
        """The compiled catalog, for a library that looks its own texts up through
        ``gettext`` and formats them itself (click: ``bot/cli_texts.py``)."""
        return self._gt

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"


def one_of(t: Translator, expected: str) -> str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'") in ``t``'s language."""
    head, sep, last = expected.rpartition(" or ")
    return f"{head} {t.t('or')} {last}" if sep else expected


@cache
def translator(locale: str | None = None) -> Translator:
    return Translator(locale)


def operator() -> Translator:
    """The translator of the person who runs grappe (``GRAPPE_LOCALE``, French by
    default): the command line's texts and what start-up tells the operator."""
    return translator(os.environ.get("GRAPPE_LOCALE"))
