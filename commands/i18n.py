"""Translations through gettext catalogs kept as ``.po`` files (Babel).

Message ids are the English text; French is the default locale and its
catalogs must translate every id (a test checks it). A locale may have several
``.po`` files (one per command family or adapter, so that features are
translated side by side without touching one shared file); they are merged and
compiled at first use, so a fresh checkout needs no build step. The compiled catalog is
kept in ``locales/__cache__/`` under a digest of the ``.po`` files, as ``__pycache__``
keeps compiled modules: a later start reads it with the standard library's ``gettext``
and never imports Babel's catalog reader (``babel.messages``: 0.4 MB of a running bot's
memory, and 35 ms of CPU to read the ``.po`` files at each start); an edited ``.po`` has
another digest, so it is compiled again.
"""

from __future__ import annotations

import contextlib
import gettext
import hashlib
import io
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel's catalog reader: only to compile the catalogs (_compiled)
    from babel.messages.catalog import Catalog

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
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

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
    from babel.messages.catalog import Catalog

    fresh = Catalog(locale=part.locale)
    fresh.mime_headers = part.mime_headers
    for message in merged:
        if message.id:
            fresh[message.id] = message
    return fresh


@cache
def _catalog(locale: str) -> gettext.NullTranslations:
    paths = po_paths(locale)
    if not paths:
        return gettext.NullTranslations()
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    kept = LOCALE_DIR / "__cache__" / f"{locale}-{digest.hexdigest()[:20]}.mo"
    try:
        with kept.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    except OSError:  # not compiled yet (or unreadable): compile it
        pass
    compiled = _compiled(locale)
    _keep(kept, compiled)
    return gettext.GNUTranslations(io.BytesIO(compiled))


def _compiled(locale: str) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(locale), use_fuzzy=False)
    return buffer.getvalue()


def _keep(path: Path, compiled: bytes) -> None:
    """Keep ``compiled`` at ``path`` for the next start, in place of the locale's earlier
    ones; written whole or not at all (replicas and test workers may start together). A
    folder that cannot be written (an installation read-only) only means compiling at
    every start."""
    locale = path.name.rpartition("-")[0]
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(compiled)
        os.replace(temporary, path)
        for old in path.parent.glob(f"{locale}-*.mo"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


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
