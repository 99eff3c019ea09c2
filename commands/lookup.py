"""Finding directory entries from what a person typed, with helpful refusals."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from commands.context import Context
from commands.errors import CommandError, UsageError
from commands.text import fold, shorten
from storage.models import Client, Enterprise, Person, Skill
from storage.repo import clients as clients_repo
from storage.repo import directory as dir_repo


def _closest(word: str, candidates: list[str]) -> str | None:
    found = difflib.get_close_matches(fold(word), candidates, n=1, cutoff=0.6)
    return found[0] if found else None


async def enterprise(ctx: Context, slug: str, *, include_inactive: bool = False) -> Enterprise:
    found = await dir_repo.enterprise_by_slug(ctx.session, fold(slug))
    if found is not None and (found.active or include_inactive):
        return found
    slugs = [e.slug for e in await dir_repo.enterprises(ctx.session)]
    close = _closest(slug, slugs)
    if close:
        raise UsageError("No member enterprise “{slug}”. Did you mean “{close}”?",
                         slug=shorten(slug, 40), close=close)
    raise UsageError("No member enterprise “{slug}”. Type /grappe members for the list.",
                     slug=shorten(slug, 40))


async def person(ctx: Context, handle: str) -> Person:
    """The person in the directory with this handle; a retired one is no longer there."""
    found = await dir_repo.person_by_handle(ctx.session, fold(handle).lstrip("@"))
    if found is not None and found.active:
        return found
    raise UsageError("Nobody has the handle “{handle}” in the directory.",
                     handle=shorten(handle, 40))


async def skill_index(ctx: Context) -> dict[str, Skill]:
    """Every way to name a skill (slug, folded label, synonyms) → the skill (built once per
    directory generation: the folding is not redone by every command)."""
    return await dir_repo.skill_index(ctx.session, index_of)


def index_of(skills: Sequence[Skill], synonyms: Mapping[int, list[str]]) -> dict[str, Skill]:
    by_id = {s.id: s for s in skills}
    index: dict[str, Skill] = {}
    for skill_id, terms in synonyms.items():
        for term in terms:
            index[fold(term)] = by_id[skill_id]
    for skill in skills:
        index[fold(skill.label)] = skill
        index[skill.slug] = skill
    return index


async def skills(ctx: Context, words: list[str]) -> list[Skill]:
    index = await skill_index(ctx)
    result: list[Skill] = []
    for word in words:
        key = fold(word.lstrip("#")).replace("_", "-")
        skill = index.get(key) or index.get(key.replace("-", " "))
        if skill is None:
            close = _closest(key, list(index))
            if close:
                raise UsageError("Unknown skill “{skill}”. Did you mean “{close}”?",
                                 skill=shorten(word, 40), close=close)
            raise CommandError("Unknown skill “{skill}”. Type /grappe skills for the list.",
                               skill=shorten(word, 40))
        if skill not in result:
            result.append(skill)
    return result


async def client(ctx: Context, text: str) -> Client | None:
    """The directory's client a requester names in ``text`` (its slug or its name, case
    and accents aside), or None: a client not in the directory stays a name."""
    key = " ".join(fold(text).split())
    for known in await clients_repo.clients(ctx.session) if key else ():
        if key in (known.slug, " ".join(fold(known.name).split())):
            return known
    return None
