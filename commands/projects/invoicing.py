"""The identifiers a public client's invoice carries: its SIRET, its Chorus Pro service
code and the commitment number (numéro d'engagement) of its order.

The directory's client gives the SIRET and the service; a project may give its own (a
service of the client's other than the usual one, a client not in the directory), and
only the project gives the commitment number, which each order has anew. ``parse`` reads
``siret=… service=… engagement=…`` from ``/grappe facturation`` and refuses a SIRET that is
not one before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands import identifiers
from commands.errors import CommandError
from commands.i18n import Translator
from commands.text import fold
from storage.models import Client, Project

# the field a word names, French and English
KEYS = {"siret": "siret", "service": "chorus_service", "chorus": "chorus_service",
        "engagement": "commitment", "commitment": "commitment", "ej": "commitment"}
_FIELD = re.compile(r"(?:^|\s)(\w+)\s*=\s*", re.UNICODE)


@dataclass(frozen=True)
class Given:
    """What ``/grappe facturation`` was told: the invoicer's slug, the identifiers."""

    slug: str
    fields: dict[str, str]


def parse(text: str) -> Given:
    """``chiffres-et-communs siret=215 900 001 00011 engagement=EJ-42`` → the slug and the
    fields; a value runs to the next ``key=`` (a SIRET is copied with its spaces)."""
    found = [(m, KEYS.get(fold(m.group(1)))) for m in _FIELD.finditer(text)]
    found = [(m, key) for m, key in found if key is not None]
    slug = text[:found[0][0].start()] if found else text
    fields: dict[str, str] = {}
    for i, (m, key) in enumerate(found):
        end = found[i + 1][0].start() if i + 1 < len(found) else len(text)
        value = text[m.end():end].strip()
        if key is None or not value:
            continue
        if key == "siret":
            checked = identifiers.siret(value)
            if checked is None:
                raise CommandError("“{siret}” is not a SIRET: 14 digits whose check key is "
                                   "right, as on the avis de situation INSEE. Nothing was "
                                   "recorded.", siret=value[:40])
            value = checked
        fields[key] = value[:100 if key == "chorus_service" else 50]
    return Given(slug.strip(), fields)


@dataclass(frozen=True)
class Identifiers:
    """The identifiers that apply to a project: its own, else its client's."""

    siret: str | None
    chorus_service: str | None
    commitment: str | None

    @classmethod
    def of(cls, project: Project | None, client: Client | None) -> Identifiers:
        own = project or Project(request_id=0)
        return cls(own.siret or (client.siret if client else None),
                   own.chorus_service or (client.chorus_service if client else None),
                   own.commitment)


def format_siret(siret: str) -> str:
    """``21590000100011`` → ``215 900 001 00011`` (SIREN by threes, then the NIC)."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if len(siret) == 14 else siret


def describe(ids: Identifiers, t: Translator) -> str:
    """The identifiers as a sentence's parts; what is missing is said missing."""
    missing = t.t("not given")
    return " · ".join((
        t.t("SIRET: {value}", value=format_siret(ids.siret) if ids.siret else missing),
        t.t("Chorus Pro service: {value}", value=ids.chorus_service or missing),
        t.t("commitment number: {value}", value=ids.commitment or missing)))
