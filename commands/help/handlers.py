"""Help: the commands a person may use, in their language."""

from __future__ import annotations

from commands.context import Context
from commands.errors import UsageError
from commands.i18n import N_
from commands.messages import Block, Heading, Span, bold, bullets, para, spans
from commands.registry import CommandSpec, Role, command
from commands.text import shorten

HELP_ORDER = 10  # where these commands come in the help


def _line(ctx: Context, spec: CommandSpec) -> list[Span]:
    return spans(bold(ctx.tr(spec.usage)), " — ", ctx.tr(spec.summary))


@command(("aide", "help"), usage=N_("/grappe help [command]"),
         summary=N_("List the commands, or explain one."))
async def help_(ctx: Context, args: str) -> None:
    if args.strip():
        found = ctx.registry.match(args)
        if found is None:
            raise UsageError("No command “{word}”.", word=shorten(args, 40))
        spec = found[0]
        keywords = " | ".join(spec.keywords)
        detail: list[Block] = [Heading(text=ctx.tr(spec.usage)), para(ctx.tr(spec.summary)),
                               para(ctx.tr("Also accepted: {keywords}", keywords=keywords))]
        if spec.role is Role.COORDINATOR:
            detail.append(para(ctx.tr("Coordinators only.")))
        ctx.reply(*detail)
        return
    visible = [s for s in ctx.registry.commands if not s.hidden]  # in the features' order
    everyone = [_line(ctx, s) for s in visible if s.role is Role.MEMBER]
    blocks: list[Block] = [Heading(text=ctx.tr("What I can do for you")), bullets(everyone)]
    if ctx.is_coordinator:
        coordination = [_line(ctx, s) for s in visible if s.role is Role.COORDINATOR]
        blocks += [Heading(text=ctx.tr("For coordinators")), bullets(coordination)]
    blocks.append(para(ctx.tr("Commands work in French and in English. "
                              "More on one command: /grappe help <command>")))
    ctx.reply(*blocks)
