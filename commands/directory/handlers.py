"""Reading the directory: members, one member, skills, me, my language."""

from __future__ import annotations

from commands import lookup
from commands.context import Context
from commands.errors import UsageError
from commands.i18n import LOCALES, N_
from commands.messages import Block, Heading, Span, bold, bullets, para, spans
from commands.registry import command
from commands.text import collation_key, fold
from storage.models import PersonRole, Skill
from storage.repo import directory as dir_repo

HELP_ORDER = 20  # where these commands come in the help


def skill_label(ctx: Context, skill: Skill) -> str:
    return skill.label_in(ctx.t.locale)


def _some(words: list[str], most: int = 8) -> str:
    """The first ``most`` words, and an ellipsis when there are more."""
    return ", ".join(words[:most]) + (", …" if len(words) > most else "")


def _labels(ctx: Context, skills: list[Skill]) -> str:
    """Skills as the reader names them, in the reader's order."""
    return ", ".join(sorted((skill_label(ctx, s) for s in skills), key=collation_key))


@command(("membres", "members"), usage=N_("/grappe members"),
         summary=N_("List the member enterprises and their skills."))
async def members(ctx: Context, args: str) -> None:
    enterprises = sorted(await dir_repo.enterprises(ctx.session),
                         key=lambda e: collation_key(e.name))
    skills = await dir_repo.skills_by_enterprise(ctx.session)
    items: list[list[Span]] = []
    for e in enterprises:
        labels = _labels(ctx, skills.get(e.id or 0, []))
        items.append(spans(bold(e.name), f" ({e.slug})", f" — {labels}" if labels else ""))
    title = ctx.trn("The {n} member enterprise of {cooperative}",
                    "The {n} member enterprises of {cooperative}",
                    len(enterprises), cooperative=ctx.coop.name)
    ctx.reply(Heading(text=title), bullets(items),
              para(ctx.tr("Details of one enterprise: /grappe member <slug>")))


@command(("membre", "member"), usage=N_("/grappe member <slug>"),
         summary=N_("Show one member enterprise: what it does, its skills, its people."))
async def member(ctx: Context, args: str) -> None:
    words = args.split()
    if len(words) != 1:
        raise UsageError("Say which enterprise, by its slug.")
    e = await lookup.enterprise(ctx, words[0])
    skills = (await dir_repo.skills_by_enterprise(ctx.session)).get(e.id or 0, [])
    people = sorted(await dir_repo.people(ctx.session, enterprise_id=e.id),
                    key=lambda p: collation_key(p.display_name))
    lines: list[list[Span]] = []
    for p in people:
        role = ctx.tr(" (coordinator)") if p.role == PersonRole.COORDINATOR else ""
        lines.append(spans(await ctx.mention(p, named=True), role))
    blocks: list[Block] = [Heading(text=f"{e.name} ({e.slug})")]
    if e.description:
        blocks.append(para(e.description))
    labels = _labels(ctx, skills) or ctx.tr("none")
    blocks.append(para(bold(ctx.tr("Skills: ")), labels))
    blocks.append(para(bold(ctx.tr("People:"))))
    blocks.append(bullets(lines) if lines else para(ctx.tr("nobody yet")))
    ctx.reply(*blocks)


@command(("competences", "skills"), usage=N_("/grappe skills"),
         summary=N_("List the skills, the words that point to them, and who has them."))
async def skills_list(ctx: Context, args: str) -> None:
    skills = await dir_repo.skills(ctx.session)
    synonyms = await dir_repo.synonyms(ctx.session)
    by_enterprise = await dir_repo.skills_by_enterprise(ctx.session)
    names = {e.id: e.name for e in await dir_repo.enterprises(ctx.session)}
    holders: dict[int, list[str]] = {}
    for enterprise_id, owned in by_enterprise.items():
        if enterprise_id in names:
            for s in owned:
                holders.setdefault(s.id or 0, []).append(names[enterprise_id])
    items: list[list[Span]] = []
    for s in sorted(skills, key=lambda s: collation_key(skill_label(ctx, s))):
        who = ", ".join(sorted(holders.get(s.id or 0, []), key=collation_key)) or ctx.tr(
            "nobody yet")
        words = _some(sorted(synonyms.get(s.id or 0, []), key=collation_key))
        items.append(spans(bold(skill_label(ctx, s)), f" (#{s.slug}) — {who}",
                           ctx.tr(" · words: {words}", words=words) if words else ""))
    ctx.reply(Heading(text=ctx.tr("Skills of the cooperative")), bullets(items))


@command(("moi", "whoami"), usage=N_("/grappe whoami"),
         summary=N_("Show how the directory knows you."))
async def whoami(ctx: Context, args: str) -> None:
    p = ctx.person
    enterprise = (await dir_repo.enterprise_by_id(ctx.session, p.enterprise_id)
                  if p.enterprise_id else None)
    ids = (await dir_repo.identities_of(ctx.session, [p.id or 0])).get(p.id or 0, {})
    role = ctx.tr("coordinator") if p.role == PersonRole.COORDINATOR else ctx.tr("member")
    linked = ", ".join(f"{k} {v}" for k, v in sorted(ids.items())) or ctx.tr("none")
    items = [
        spans(bold(ctx.tr("Name: ")), p.display_name),
        spans(bold(ctx.tr("Handle: ")), p.handle),
        spans(bold(ctx.tr("Enterprise: ")),
              enterprise.name if enterprise else ctx.tr("the cooperative's team")),
        spans(bold(ctx.tr("Role: ")), role),
        spans(bold(ctx.tr("Language: ")), ctx.tr("French") if p.locale == "fr"
              else ctx.tr("English")),
        spans(bold(ctx.tr("Linked accounts: ")), linked),
    ]
    ctx.reply(bullets(items))


@command(("langue", "language"), usage=N_("/grappe language fr|en"),
         summary=N_("Choose the language I use with you."))
async def language(ctx: Context, args: str) -> None:
    choice = fold(args.strip())
    aliases = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en"}
    choice = aliases.get(choice, choice)
    if choice not in LOCALES:
        raise UsageError("Choose fr or en.")
    ctx.person.locale = choice
    ctx.session.add(ctx.person)
    ctx.reply(para(ctx.tr("From now on I will write to you in French.")
                   if choice == "fr" else ctx.tr("From now on I will write to you in English.")))
