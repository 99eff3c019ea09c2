"""``/grappe journal [n]``: the audit log of coordinator actions, for coordinators."""

from __future__ import annotations

from commands.context import Context
from commands.dates.when import format_moment
from commands.errors import UsageError
from commands.i18n import N_
from commands.messages import Heading, bullets, para, spans
from commands.registry import Role, command
from commands.text import shorten
from storage.repo import audit as audit_repo
from storage.repo import privacy as privacy_repo

HELP_ORDER = 70  # where these commands come in the help

DEFAULT, MOST = 20, 200
# the audit's actions (``commands.dispatcher``, ``commands.privacy.forget``) as a
# coordinator reads them; a coordinator's command is shown as it was typed
COMMAND = "command:"
ACTIONS = {"privacy:forget": N_("personal data of {ref} erased (GDPR)")}


@command(("journal", "log"), role=Role.COORDINATOR, usage=N_("/grappe log [n]"),
         summary=N_("The latest coordinator actions (20 by default)."))
async def journal(ctx: Context, args: str) -> None:
    word = args.strip()
    if word and (not word.isdigit() or not 1 <= int(word) <= MOST):
        raise UsageError("Give a number of entries between 1 and {most}.", most=MOST)
    rows = await audit_repo.audit_log(ctx.session, int(word) if word else DEFAULT)
    if not rows:
        ctx.reply(para(ctx.tr("The log is empty.")))
        return
    names = await privacy_repo.names_of(ctx.session, {r.person_id for r in rows if r.person_id})
    today = ctx.now.astimezone(ctx.tz).date()
    lines = []
    for row in rows:
        who = names.get(row.person_id or 0, ctx.tr("the bot"))
        when = format_moment(row.at, ctx.tz, ctx.t.locale, today=today)
        what = _what(ctx, row.action, row.object_ref or "", shorten(row.detail, 120))
        lines.append(spans(ctx.tr("{when} — {who}: {what}", when=when, who=who, what=what)))
    heading = ctx.trn("The last {n} action", "The last {n} actions", len(rows))
    ctx.reply(Heading(text=heading), bullets(lines))


def _what(ctx: Context, action: str, ref: str, detail: str) -> str:
    if action.startswith(COMMAND):
        return f"/grappe {detail}" if detail else f"/grappe {action.removeprefix(COMMAND)}"
    if action in ACTIONS:
        return ctx.tr(ACTIONS[action], ref=ref)
    return " ".join(p for p in (action, ref, detail) if p)
