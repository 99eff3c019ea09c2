"""Naming a resource as people do: its slug, its name or a part of it ("Salle Garance",
"garance", "la grande salle", "salle de formation"), a word of its kind ("camion" when
there is one vehicle), a usual alias ("projo"), a typo ("garence"), and as a last resort
a word only its description has ("enceinte"). Only a name that fits several resources
equally is asked about ("salle")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from functools import lru_cache

from commands.errors import UsageError
from commands.text import fold, shorten
from storage.models import Resource

KINDS = ("salle", "vehicule", "materiel", "personnel")
_KIND_WORDS = {"salle": "salle", "salles": "salle", "room": "salle", "rooms": "salle",
               "vehicule": "vehicule", "vehicules": "vehicule", "vehicle": "vehicule",
               "vehicles": "vehicule", "camion": "vehicule", "camionnette": "vehicule",
               "van": "vehicule", "bus": "vehicule", "voiture": "vehicule", "car": "vehicule",
               "utilitaire": "vehicule", "materiel": "materiel", "equipment": "materiel",
               "equipement": "materiel", "personnel": "personnel", "staff": "personnel"}
_ARTICLES = frozenset("le la les l un une the a an".split())
_LINKS = frozenset("de du des d la le l".split())
# Words people use for a resource without its letters; one place, beside the kinds' words.
ALIASES = {"projo": "projecteur", "beamer": "projecteur", "projector": "projecteur",
           "micro": "sonorisation", "micros": "sonorisation", "speaker": "sonorisation",
           "speakers": "sonorisation", "sound": "sonorisation", "secretaire": "secretariat"}
MAX_NAME_WORDS = 6
_TYPO = 80
WORDS = 50_000  # the memos of what members write are bounded (a bot runs for months)


def kind_of(word: str) -> str | None:
    """``"salles"``, ``"room"`` → ``"salle"``: the kind a word names, if any."""
    return _KIND_WORDS.get(fold(word))


@lru_cache(maxsize=WORDS)
def key_of(text: str) -> str:
    """``"Salle Garance"`` → ``"salle-garance"``, ``"Sobre & Clair"`` → ``"sobre-et-clair"``:
    a name compared as a slug."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(text.replace("&", " et "))))


@lru_cache(maxsize=WORDS)
def _vocabulary(slug: str, name: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", fold(f"{slug} {name}"))) - _LINKS


def _fits(word: str, resource: Resource) -> bool:
    return _word_fits(word, resource.kind, _vocabulary(resource.slug, resource.name))


@lru_cache(maxsize=WORDS)
def _word_fits(word: str, kind: str, vocabulary: frozenset[str]) -> bool:
    word = ALIASES.get(word, word)
    if kind_of(word) == kind:
        return True
    for known in vocabulary:
        if word == known or (len(word) >= 4 and known.startswith(word)):
            return True
        if len(word) >= 6 and known.endswith(word):  # "projecteur" of "vidéoprojecteur"
            return True
        if len(word) >= 5 and len(known) >= 5:
            from rapidfuzz.fuzz import ratio  # C, loaded with the first booking

            if ratio(word, known) >= _TYPO:
                return True
    return False


def _fitting(phrase: list[str], resources: Sequence[Resource]) -> tuple[list[Resource], bool]:
    """The resources ``phrase`` may name, and whether one is named exactly."""
    joined = "-".join(phrase)
    exact = [r for r in resources if joined in (r.slug, key_of(r.name))
             or "".join(phrase) == r.slug.replace("-", "")]
    if exact:
        return exact[:1], True
    content = [w for w in phrase if w not in _LINKS]
    if not content:
        return [], False
    return [r for r in resources
            if all(_fits(w, r) for w in content)], False


def find_in(words: Sequence[str], resources: Sequence[Resource]) -> tuple[Resource, int]:
    """The resource named by the first words, and how many words name it."""
    keys = [fold(w).replace("_", "-").replace("’", "'").strip(".,;!?") for w in words]
    if not keys:
        raise unknown("", resources)
    start = 0
    while start < len(keys) - 1 and (keys[start] in _ARTICLES or keys[start] in ("l'", "d'")):
        start += 1
    if keys[start].startswith(("l'", "d'")):
        keys[start] = keys[start][2:]
    active = [r for r in resources if r.active]
    slug = next((r for r in active if r.slug == keys[start]), None)
    if slug is not None and not (start + 1 < len(keys) and _fits(keys[start + 1], slug)):
        return slug, start + 1  # the slug itself, as most people type it
    for n in range(min(MAX_NAME_WORDS, len(keys) - start), 0, -1):
        phrase = [p for k in keys[start:start + n] for p in re.findall(r"[a-z0-9]+", k)]
        if not phrase or (n > 1 and phrase[-1].isdigit()):  # "minibus le 9 décembre"
            continue
        found, exact = _fitting(phrase, active)
        if len(found) == 1 or exact:
            return found[0], start + n
        if found:
            raise UsageError("“{word}” could be {choices}: say which one.",
                             word=shorten(" ".join(words[start:start + n]), 40),
                             choices=", ".join(sorted(r.slug for r in found)))
    described = [r for r in active if keys[start] and len(keys[start]) >= 5
                 and keys[start].rstrip("s") in re.findall(r"[a-z0-9]+", fold(r.description))]
    if len(described) == 1:
        return described[0], start + 1
    raise unknown(words[start] if words else "", active)


def resource_or_kind(words: Sequence[str], resources: Sequence[Resource]
                     ) -> tuple[Resource | None, str | None, int]:
    """A resource named by the first words, or a kind ("salles", "camion" when it is
    said alone), and how many words say it: ``salle garance`` is the room, ``salle`` the
    kind."""
    kind = kind_of(words[0]) if words else None
    if kind is not None:
        following = fold(words[1]) if len(words) > 1 else ""
        if not any(r.kind == kind and following and _fits(following, r) for r in resources):
            return None, kind, 1
    resource, used = find_in(words, resources)
    return resource, None, used


def unknown(word: str, resources: Sequence[Resource]) -> UsageError:
    names = {r.slug: r for r in resources} | {fold(r.name): r for r in resources}
    close = difflib.get_close_matches(fold(word), list(names), n=1, cutoff=0.6)
    if close:
        return UsageError("No resource “{word}”. Did you mean “{close}”?",
                          word=shorten(word, 40), close=names[close[0]].slug)
    return UsageError("No resource “{word}”. Type /grappe resources for the list.",
                      word=shorten(word, 40))
