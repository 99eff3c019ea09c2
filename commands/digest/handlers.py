"""The weekly digest on demand, and pausing it per channel (coordinators)."""

from __future__ import annotations

from commands.context import Context
from commands.dates.when import format_moment
from commands.digest.sections import COOPERATION, DigestWeek, build, next_scheduled
from commands.errors import CommandError, UsageError
from commands.events import where
from commands.i18n import N_
from commands.messages import para
from commands.registry import Role, command
from commands.text import fold, shorten
from storage.repo import digest as repo
from storage.repo import directory as dir_repo

HELP_ORDER = 60  # where these commands come in the help

PREVIEW = ("apercu", "preview")


async def digest_channel(ctx: Context, args: str) -> str:
    """The channel named in ``args`` (``#cooperation``), else the one where the command was
    typed, else the only digest channel there is."""
    groups = await repo.channels_by_name(ctx.session)
    name = args.strip().lstrip("#")
    if not name:
        place = where(ctx.event)
        here = (await dir_repo.channel_by_platform_id(ctx.session, ctx.platform, place)
                if place else None)
        if here is not None:
            name = here.name
        else:
            digest = [n for n, rows in groups.items() if rows[0].purpose == COOPERATION]
            if len(digest) != 1:
                raise UsageError("Name the channel, for example #{name}.",
                                 name=digest[0] if digest else COOPERATION)
            name = digest[0]
    rows = groups.get(name)
    if not rows:
        raise CommandError("There is no channel “{name}”.", name=shorten(name, 40))
    if rows[0].purpose != COOPERATION:
        raise CommandError("#{name} gets no weekly digest.", name=name)
    return name


@command(("resume", "digest"), usage=N_("/grappe digest [preview]"),
         summary=N_("The weekly digest, now: “preview” shows it to you alone; without it, "
                    "a coordinator posts it in the channel."))
async def digest_now(ctx: Context, args: str) -> None:
    word = fold(args.strip())
    if word and word not in PREVIEW:
        raise UsageError("Write “preview” to see the digest yourself, or nothing to post it.")
    week = DigestWeek.ending(ctx.now, ctx.tz, purpose=COOPERATION, files_dir=ctx.env.files_dir)
    if word:
        ctx.reply(*await build(ctx.session, ctx.coop, week, ctx.registry, ctx.t.locale))
        return
    if not ctx.is_coordinator:
        raise CommandError("Only a coordinator can post the digest in the channel; "
                           "“/grappe digest preview” shows it to you alone.")
    ctx.post(*await build(ctx.session, ctx.coop, week, ctx.registry), purpose=COOPERATION)
    ctx.reply(para(ctx.tr("The digest is posted in the channel.")))


@command(("resume pause", "digest pause"), role=Role.COORDINATOR,
         usage=N_("/grappe digest pause [#channel]"),
         summary=N_("Stop the weekly digest of a channel until it is resumed."))
async def digest_pause(ctx: Context, args: str) -> None:
    name = await digest_channel(ctx, args)
    was = await repo.is_paused(ctx.session, name)
    await repo.set_paused(ctx.session, name, COOPERATION, True, ctx.person.id, ctx.now)
    ctx.object_ref = f"#{name}"
    ctx.reply(para(ctx.tr("The weekly digest of #{channel} was already paused.", channel=name)
                   if was else
                   ctx.tr("The weekly digest of #{channel} is paused; “/grappe digest resume” "
                          "starts it again.", channel=name)))


@command(("resume reprendre", "digest resume"), role=Role.COORDINATOR,
         usage=N_("/grappe digest resume [#channel]"),
         summary=N_("Start the weekly digest of a channel again."))
async def digest_resume(ctx: Context, args: str) -> None:
    name = await digest_channel(ctx, args)
    await repo.set_paused(ctx.session, name, COOPERATION, False, None, ctx.now)
    ctx.object_ref = f"#{name}"
    when = format_moment(next_scheduled(ctx.coop, ctx.now), ctx.tz, ctx.t.locale,
                         today=ctx.now.astimezone(ctx.tz).date())
    ctx.reply(para(ctx.tr("The weekly digest of #{channel} is on; the next one comes {when}.",
                          channel=name, when=when)))
