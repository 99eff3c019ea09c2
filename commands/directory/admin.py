"""Directory edits, for coordinators: enterprises, people, linked accounts."""

from __future__ import annotations

import re

from commands import lookup
from commands.context import Context
from commands.errors import CommandError, UsageError
from commands.i18n import N_
from commands.messages import para
from commands.registry import Role, command
from commands.text import fold, is_slug, shorten
from storage.models import Enterprise, Identity, Person, PersonRole
from storage.repo import directory as dir_repo

HELP_ORDER = 80  # where these commands come in the help

PLATFORMS = ("slack", "matrix", "console")
_FIELD = re.compile(r"(?:^|\s)(\w+)=", re.UNICODE)
_TAG = re.compile(r"(?:^|\s)#([\w-]+)", re.UNICODE)


def _fields(text: str) -> dict[str, str]:
    """``nom=Les Tisseurs description=… competences=a,b`` → {field: value}."""
    matches = list(_FIELD.finditer(text))
    if not matches or text[: matches[0].start()].strip():
        raise UsageError("Give the fields to change as name=value.")
    result = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        result[fold(m.group(1))] = text[m.end() : end].strip()
    return result


@command(("membre ajouter", "member add"), role=Role.COORDINATOR,
         usage=N_("/grappe member add <slug> <name> [#skill …]"),
         summary=N_("Add a member enterprise."))
async def member_add(ctx: Context, args: str) -> None:
    words = args.split(maxsplit=1)
    if len(words) < 2:
        raise UsageError("Give the new enterprise's slug and name.")
    slug = fold(words[0])
    if not is_slug(slug):
        raise UsageError("“{slug}” is not a valid slug: use lowercase letters, digits and dashes.",
                         slug=shorten(words[0], 40))
    if await dir_repo.enterprise_by_slug(ctx.session, slug) is not None:
        raise CommandError("The slug “{slug}” is already taken.", slug=slug)
    tags = _TAG.findall(words[1])
    name = _TAG.sub("", words[1]).strip()
    if not name:
        raise UsageError("Give the new enterprise's slug and name.")
    skills = await lookup.skills(ctx, tags)
    enterprise = Enterprise(slug=slug, name=shorten(name, 200))
    ctx.session.add(enterprise)
    await ctx.session.flush()
    assert enterprise.id is not None
    await dir_repo.set_enterprise_skills(ctx.session, enterprise.id, [s.id or 0 for s in skills])
    ctx.object_ref = f"enterprise:{slug}"
    ctx.reply(para(ctx.tr("{name} ({slug}) is now a member enterprise.", name=enterprise.name,
                          slug=slug)))


@command(("membre modifier", "member edit"), role=Role.COORDINATOR,
         usage=N_("/grappe member edit <slug> name=… description=… skills=a,b"),
         summary=N_("Change a member enterprise's name, description or skills."))
async def member_edit(ctx: Context, args: str) -> None:
    words = args.split(maxsplit=1)
    if len(words) < 2:
        raise UsageError("Give the enterprise's slug and the fields to change.")
    enterprise = await lookup.enterprise(ctx, words[0])
    for key, value in _fields(words[1]).items():
        if key in ("nom", "name") and value:
            enterprise.name = shorten(value, 200)
        elif key == "description":
            enterprise.description = value[:2000]
        elif key in ("competences", "skills"):
            skills = await lookup.skills(ctx, [w for w in re.split(r"[,\s]+", value) if w])
            await dir_repo.set_enterprise_skills(
                ctx.session, enterprise.id or 0, [s.id or 0 for s in skills])
        else:
            raise UsageError("Unknown field “{field}”: use name, description or skills.",
                             field=shorten(key, 30))
    ctx.session.add(enterprise)
    ctx.object_ref = f"enterprise:{enterprise.slug}"
    ctx.reply(para(ctx.tr("{name} is updated.", name=enterprise.name)))


@command(("membre retirer", "member remove"), role=Role.COORDINATOR,
         usage=N_("/grappe member remove <slug>"),
         summary=N_("Remove a member enterprise (its history is kept)."))
async def member_remove(ctx: Context, args: str) -> None:
    words = args.split()
    if len(words) != 1:
        raise UsageError("Say which enterprise, by its slug.")
    enterprise = await lookup.enterprise(ctx, words[0])
    enterprise.active = False
    ctx.session.add(enterprise)
    ctx.object_ref = f"enterprise:{enterprise.slug}"
    ctx.reply(para(ctx.tr("{name} is no longer a member enterprise; its history is kept.",
                          name=enterprise.name)))


@command(("personne ajouter", "person add"), role=Role.COORDINATOR,
         usage=N_("/grappe person add <handle> <enterprise-slug|-> <full name> [coordinator]"),
         summary=N_("Add a person to the directory."))
async def person_add(ctx: Context, args: str) -> None:
    words = args.split()
    if len(words) < 3:
        raise UsageError("Give the handle, the enterprise's slug (or -) and the full name.")
    handle = fold(words[0]).lstrip("@")
    if not is_slug(handle):
        raise UsageError("“{handle}” is not a valid handle: use lowercase letters, digits "
                         "and dashes.", handle=shorten(words[0], 40))
    if await dir_repo.person_by_handle(ctx.session, handle) is not None:
        raise CommandError("The handle “{handle}” is already taken.", handle=handle)
    enterprise_id = None
    if words[1] != "-":
        enterprise_id = (await lookup.enterprise(ctx, words[1])).id
    name_words = words[2:]
    role = PersonRole.MEMBER
    if fold(name_words[-1]) in ("coordinateur", "coordinatrice", "coordinator"):
        role, name_words = PersonRole.COORDINATOR, name_words[:-1]
    if not name_words:
        raise UsageError("Give the handle, the enterprise's slug (or -) and the full name.")
    person = Person(handle=handle, display_name=shorten(" ".join(name_words), 200),
                    enterprise_id=enterprise_id, role=role, locale=ctx.coop.locale)
    ctx.session.add(person)
    await ctx.session.flush()
    ctx.session.add(Identity(person_id=person.id or 0, platform="console",
                             platform_user_id=handle))
    ctx.object_ref = f"person:{handle}"
    ctx.reply(para(ctx.tr("{name} ({handle}) is in the directory. Link their accounts with "
                          "/grappe link {handle} slack|matrix <id>.",
                          name=person.display_name, handle=handle)))


@command(("lier", "link"), role=Role.COORDINATOR,
         usage=N_("/grappe link <handle> slack|matrix|console <platform-user-id>"),
         summary=N_("Link a person to their Slack or Matrix account."))
async def link(ctx: Context, args: str) -> None:
    words = args.split()
    if len(words) != 3:
        raise UsageError("Give the handle, the platform and the account's id.")
    person = await lookup.person(ctx, words[0])
    platform = fold(words[1])
    if platform not in PLATFORMS:
        raise UsageError("Unknown platform “{platform}”: use slack, matrix or console.",
                         platform=shorten(words[1], 20))
    user_id = words[2]
    if len(user_id) > 255:
        raise UsageError("This account id is too long.")
    existing = await dir_repo.identity_of(ctx.session, platform, user_id)
    if existing is not None and existing.person_id != person.id:
        raise CommandError("This {platform} account is already linked to someone else.",
                           platform=platform)
    if existing is None:
        ctx.session.add(Identity(person_id=person.id or 0, platform=platform,
                                 platform_user_id=user_id))
    ctx.object_ref = f"person:{person.handle}"
    ctx.reply(para(ctx.tr("{name} is linked to {platform} account {user_id}.",
                          name=person.display_name, platform=platform, user_id=user_id)))
