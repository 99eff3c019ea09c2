"""A request's whole answer history and its metrics, in business hours."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from commands.context import Context
from commands.dates.business_hours import business_duration, format_hours
from commands.dates.when import format_moment
from commands.i18n import Translator
from commands.messages import Block, Span, bold, bullets, para, spans
from commands.requests.view import Standing, Tally, standing_text
from storage.models import Answer, Cooperative, Enterprise, Request
from storage.repo import directory as dir_repo


def answer_text(t: Translator, a: Answer, enterprise_name: str) -> str:
    """One answer version, as its own standing would show it."""
    standing = Standing(Enterprise(id=a.enterprise_id, slug="", name=enterprise_name),
                        consulted=True)
    standing.apply(a)
    text = standing_text(t, standing) if standing.answered else ""
    if a.comment:
        text = f"{text} · 💬 « {a.comment} »" if text else f"💬 « {a.comment} »"
    return text


def metrics(request: Request, coop: Cooperative) -> tuple[timedelta | None, timedelta | None]:
    """Business time to the first answer and to staffing."""
    tz = ZoneInfo(coop.timezone)
    first = (business_duration(request.created_at, request.first_answer_at, tz,
                               coop.business_hours) if request.first_answer_at else None)
    staffed = (business_duration(request.created_at, request.staffed_at, tz,
                                 coop.business_hours) if request.staffed_at else None)
    return first, staffed


async def history_blocks(ctx: Context, request: Request, current: Tally) -> list[Block]:
    t = ctx.t
    today = ctx.now.astimezone(ctx.tz).date()
    people = await dir_repo.people_by_id(ctx.session, [a.person_id for a in current.answers
                                                   if a.person_id])
    names = {st.enterprise.id: st.enterprise.name for st in current.standings}
    items: list[list[Span]] = []
    written: set[str] = set()  # messages already answered in: a later version is an edit
    for a in current.answers:
        who = people[a.person_id].display_name if a.person_id in people else t.t("former member")
        where = names.get(a.enterprise_id, t.t("the cooperative's team"))
        edited = " · ✏️ " + t.t("edited") if a.message_id in written else ""
        written.update([a.message_id] if a.message_id else [])
        items.append(spans(format_moment(a.created_at, ctx.tz, t.locale, today=today), " — ",
                           bold(f"{who} ({where})"), " : " if t.locale == "fr" else ": ",
                           answer_text(t, a, where) + edited))
    blocks: list[Block] = [para(bold(t.t("History of the answers:")))]
    blocks.append(bullets(items) if items else para(t.t("No answer yet.")))
    first, staffed = metrics(request, ctx.coop)
    facts = [t.t("created {when}", when=format_moment(request.created_at, ctx.tz, t.locale,
                                                        today=today))]
    if first is not None:
        facts.append(t.t("first answer after {hours} of business time",
                         hours=format_hours(first, t.locale)))
    if staffed is not None:
        facts.append(t.t("staffed after {hours} of business time",
                         hours=format_hours(staffed, t.locale)))
    if request.close_note:
        facts.append(t.t("closing note: {note}", note=request.close_note))
    blocks.append(para(bold(t.t("Metrics: ")), " · ".join(facts)))
    return blocks
