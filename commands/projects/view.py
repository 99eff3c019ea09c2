"""What a project shows: its budget, who invoices, and per enterprise its share, the days
it planned and the days it spent. ``ProjectView.load`` reads, ``render`` draws."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.dates.when import format_day
from commands.i18n import Translator
from commands.messages import Block, Heading, Span, bold, bullets, para, spans
from commands.projects.amounts import format_amount, format_days
from storage.models import Enterprise, Milestone, Project, ProjectShare, Request
from storage.repo import directory as dir_repo
from storage.repo import projects as repo


@dataclass(frozen=True)
class Line:
    enterprise: Enterprise
    lead: bool
    share: ProjectShare | None
    spent_x100: int

    @property
    def percent_used(self) -> int | None:
        planned = self.share.planned_days_x100 if self.share else None
        return round(self.spent_x100 * 100 / planned) if planned else None


@dataclass(frozen=True)
class ProjectView:
    request: Request
    project: Project | None
    lines: list[Line]
    invoicer: Enterprise | None
    milestones: list[Milestone]

    @classmethod
    async def load(cls, s: AsyncSession, request: Request) -> ProjectView:
        request_id = request.id or 0
        team = await repo.team(s, request_id)
        by_enterprise = {sh.enterprise_id: sh for sh in await repo.shares(s, request_id)}
        spent = await repo.spent(s, request_id)
        project = await repo.get(s, request_id)
        ids = [c.enterprise_id for c in team]
        if project is not None and project.invoicer_id:
            ids.append(project.invoicer_id)
        names = await dir_repo.enterprises_by_id(s, ids)
        lines = [Line(names[c.enterprise_id], c.role == "lead", by_enterprise.get(c.enterprise_id),
                      spent.get(c.enterprise_id, 0)) for c in team if c.enterprise_id in names]
        invoicer = names.get(project.invoicer_id) if project and project.invoicer_id else None
        return cls(request, project, lines, invoicer, await repo.milestones(s, request_id))

    def line_of(self, enterprise_id: int) -> Line | None:
        return next((x for x in self.lines if x.enterprise.id == enterprise_id), None)


def _line(line: Line, budget: int | None, t: Translator) -> list[Span]:
    locale = t.locale
    out = spans(bold(line.enterprise.name))
    if line.lead:
        out += spans(" (", t.t("lead"), ")")
    if line.share is not None:
        share = format_amount(line.share.amount_cents, locale)
        if budget:
            share += f" ({round(line.share.amount_cents * 100 / budget)}\u00a0%)"
        out += spans(" — ", share)
    planned = line.share.planned_days_x100 if line.share else None
    whole = line.spent_x100 // 100  # French agrees with the whole days: 1,5 j consommé
    if planned:
        out += spans(" — ", t.tn("{spent} spent of {planned} planned ({percent} %)",
                                 "{spent} spent of {planned} planned ({percent} %)", whole,
                                 spent=format_days(line.spent_x100, locale),
                                 planned=format_days(planned, locale),
                                 percent=line.percent_used))
    elif line.spent_x100:
        out += spans(" — ", t.tn("{spent} spent", "{spent} spent", whole,
                                 spent=format_days(line.spent_x100, locale)))
    return out


def render(view: ProjectView, t: Translator, *, title: str | None = None) -> list[Block]:
    request, project = view.request, view.project
    budget = project.budget_cents if project else None
    blocks: list[Block] = [Heading(text=title or f"{request.ref} · {request.client}")]
    facts = [t.t("Budget excluding tax: {amount}", amount=format_amount(budget, t.locale))
             if budget else t.t("No budget yet: /grappe budget {ref} 24 000 €", ref=request.ref)]
    if view.invoicer is not None:
        facts.append(t.t("invoiced by {name}", name=view.invoicer.name))
    blocks.append(para(" · ".join(facts)))
    if view.lines:
        blocks.append(bullets([_line(line, budget, t) for line in view.lines]))
    total = sum(line.spent_x100 for line in view.lines)
    planned = sum(line.share.planned_days_x100 or 0 for line in view.lines if line.share)
    if planned or total:
        blocks.append(para(t.tn("Time: {spent} spent of {planned} planned.",
                                "Time: {spent} spent of {planned} planned.", total // 100,
                                spent=format_days(total, t.locale),
                                planned=format_days(planned, t.locale))))
    if view.milestones:
        blocks.append(para(bold(t.t("Milestones"))))
        blocks.append(bullets([spans("✅ " if m.done_at else "",
                                     bold(format_day(m.due_on, t.locale)),
                                     f" — {m.title} · {m.ref}") for m in view.milestones]))
    if budget and not any(line.share for line in view.lines):
        blocks.append(para(t.t("No split yet: /grappe split {ref} <slug>=60% <slug>=40%",
                               ref=request.ref)))
    return blocks
