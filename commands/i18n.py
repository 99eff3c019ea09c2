"""Translations through gettext catalogs kept as ``.po`` files (Babel).

Message ids are the English text; French is the default locale and its catalog
must translate every id (a test checks it). Catalogs are compiled in memory at
first use, so a fresh checkout needs no build step.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

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
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(locale: str) -> gettext.NullTranslations:
    path = po_path(locale)
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
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

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"


@cache
def translator(locale: str | None = None) -> Translator:
    return Translator(locale)
