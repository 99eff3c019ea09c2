"""What a request looks like: the tally of answers, its card, its history.

The card is rebuilt from the database each time (never patched), so an edit
always shows the whole truth; it is written in the cooperative's language. Load,
then render: ``RequestView.load`` reads what the card shows in a fixed number of
batched queries, ``render`` draws it without touching storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.context import mentions_with
from commands.dates.when import format_day, format_moment
from commands.i18n import N_, Translator, translator
from commands.messages import (
    Block,
    Choice,
    Choices,
    Confirm,
    Context,
    FieldItem,
    Fields,
    Heading,
    Mention,
    Span,
    Text,
    bold,
    para,
    spans,
)
from commands.messages import bullets as bullet_list
from commands.requests.answer_values import availability_text, capacity_text
from commands.text import collation_key
from storage.models import Answer, Consultation, Cooperative, Enterprise, Request, Skill
from storage.repo import directory as dir_repo
from storage.repo import requests as repo

R = TypeVar("R")

STATUS = {
    "open": N_("open"), "staffed": N_("staffed"), "won": N_("won"), "lost": N_("lost"),
    "delivered": N_("delivered"), "cancelled": N_("cancelled"),
}
CHOICES = [("interested", N_("Interested"), "👍", False), ("lead", N_("Can lead"), "🙋", False),
           ("decline", N_("Decline"), "👎", False), ("available", N_("Available…"), "📅", True)]
EMOJIS = {emoji: action for action, _label, emoji, _asks in CHOICES}
STYLES: dict[str, Literal["positive", "negative"]] = {"interested": "positive",
                                                      "decline": "negative"}


def confirm_of(t: Translator, ref: str, action: str) -> Confirm | None:
    """Declining is asked again: a slip of the finger would drop the enterprise out."""
    if action != "decline":
        return None
    return Confirm(title=t.t("Decline this request?"),
                   text=t.t("Your enterprise will not be reminded about {ref} any more; you "
                            "can still answer in its thread later.", ref=ref),
                   yes=t.t("Decline"), no=t.t("Cancel"))


@dataclass
class Standing:
    """An enterprise's current answer: its answer versions folded in order."""

    enterprise: Enterprise
    consulted: bool
    role: str = ""
    answered: bool = False
    interested: bool = False
    can_lead: bool = False
    declined: bool = False
    availability: str = ""
    capacity: str = ""
    reason: str = ""
    comments: list[str] = field(default_factory=list)
    last_at: datetime | None = None

    def apply(self, a: Answer) -> None:
        self.last_at = a.created_at
        if a.declined:
            self.answered, self.declined, self.interested, self.can_lead = True, True, False, False
            self.reason = a.reason
            return
        if a.interested or a.can_lead or a.availability or a.capacity:
            self.answered, self.declined, self.interested = True, False, True
            self.can_lead = self.can_lead or a.can_lead
            self.availability = a.availability or self.availability
            self.capacity = a.capacity or self.capacity
        if a.comment:
            self.comments.append(a.comment)


@dataclass
class Tally:
    request: Request
    standings: list[Standing]
    answers: list[Answer]

    @property
    def consulted(self) -> list[Standing]:
        return [s for s in self.standings if s.consulted]

    @property
    def volunteers(self) -> list[Standing]:
        return [s for s in self.standings if not s.consulted and s.answered]

    def of(self, enterprise_id: int) -> Standing | None:
        return next((s for s in self.standings if s.enterprise.id == enterprise_id), None)


async def tally(s: AsyncSession, request: Request) -> Tally:
    assert request.id is not None
    consultations = list(await repo.consultations(s, request.id))
    answers = list(await repo.answers(s, request.id))
    enterprises = await dir_repo.enterprises_by_id(s, _enterprise_ids(consultations, answers))
    return _tally(request, consultations, answers, enterprises)


async def tallies(s: AsyncSession, requests: Sequence[Request]) -> list[Tally]:
    """The tallies of several requests in three queries (not three per request)."""
    ids = [r.id or 0 for r in requests]
    consultations = await repo.consultations_of(s, ids)
    answers = await repo.answers_of(s, ids)
    enterprises = await dir_repo.enterprises_by_id(s, _enterprise_ids(
        [c for group in consultations.values() for c in group],
        [a for group in answers.values() for a in group]))
    return [_tally(r, consultations.get(r.id or 0, []), answers.get(r.id or 0, []), enterprises)
            for r in requests]


def _enterprise_ids(consultations: Sequence[Consultation], answers: Sequence[Answer]) -> set[int]:
    return {c.enterprise_id for c in consultations} | {
        a.enterprise_id for a in answers if a.enterprise_id}


def _tally(request: Request, consultations: Sequence[Consultation], answers: Sequence[Answer],
           enterprises: dict[int, Enterprise]) -> Tally:
    standings = {c.enterprise_id: Standing(enterprises[c.enterprise_id], c.consulted, c.role)
                 for c in consultations if c.active}
    for a in current_versions(answers):
        if a.enterprise_id is None:
            continue
        if a.enterprise_id not in standings:
            standings[a.enterprise_id] = Standing(enterprises[a.enterprise_id], consulted=False)
        standings[a.enterprise_id].apply(a)
    return Tally(request, list(standings.values()), list(answers))


def current_versions(answers: Sequence[Answer]) -> list[Answer]:
    """The answers that count, in order: a message's latest version only (its author edited
    it; the edit is their latest word), every click."""
    latest = {a.message_id: a for a in answers if a.message_id}
    return [a for a in answers if not a.message_id or latest[a.message_id] is a]


def status_label(t: Translator, status: str) -> str:
    return t.t(STATUS.get(status, status))


def standing_text(t: Translator, st: Standing) -> str:
    if not st.answered:
        return t.t("⏳ no answer yet") + (" · 💬" if st.comments else "")
    if st.declined:
        return t.t("👎 declines") + (f" ({st.reason})" if st.reason else "")
    parts = [t.t("👍 interested")]
    if st.can_lead:
        parts.append(t.t("🙋 can lead"))
    if st.availability:
        parts.append(t.t("📅 available: {when}", when=availability_text(t, st.availability)))
    if st.capacity:
        parts.append(t.t("⏱ {capacity}", capacity=capacity_text(t, st.capacity)))
    if st.comments:
        parts.append("💬")
    return " · ".join(parts)


def _line(t: Translator, st: Standing, mentions: list[Mention], role: str = "") -> list[Span]:
    items: list[Span] = spans(bold(st.enterprise.name))
    if role:
        items.append(bold(f" ({role})"))
    for m in mentions:
        items += spans(" ", m)
    items += spans(" — ", standing_text(t, st))
    return items


@dataclass(frozen=True)
class RequestView:
    """Everything a request's card shows, read at once: ``load`` queries, ``render`` draws.

    ``mentions`` are the people of each enterprise standing on the request;
    ``coordinators`` are pinged only when no enterprise is consulted.
    """

    tally: Tally
    skills: Sequence[Skill]
    mentions: Mapping[int, list[Mention]]
    coordinators: list[Mention]
    relayed_by: str | None = None  # the name of who relayed it (None: not in the directory)

    @property
    def request(self) -> Request:
        return self.tally.request

    @classmethod
    async def load(cls, s: AsyncSession, request: Request) -> RequestView:
        """A fixed number of batched reads (the people and their ids from the directory's
        copy), whatever the number of enterprises."""
        return await cls._of(s, await tally(s, request),
                             await repo.skills_of(s, request.id or 0))

    @classmethod
    async def opened(cls, s: AsyncSession, request: Request,
                     consulted: Sequence[tuple[Consultation, Enterprise]],
                     skills: Sequence[Skill]) -> RequestView:
        """The view of a request this transaction has just opened with these skills,
        consulting these enterprises: nobody can have answered yet, so it is drawn without
        reading them back (``repo.consultations``' order kept)."""
        ordered = sorted(consulted, key=lambda ce: (ce[0].added_at, ce[0].enterprise_id))
        return await cls._of(s, _tally(request, [c for c, _ in ordered], [],
                                       {e.id or 0: e for _, e in ordered}), skills)

    @classmethod
    async def _of(cls, s: AsyncSession, current: Tally, skills: Sequence[Skill]) -> RequestView:
        request = current.request
        people = await dir_repo.people_of(s, [st.enterprise.id or 0 for st in current.standings])
        coordinators = [] if current.consulted else list(await dir_repo.coordinators(s))
        every = [p for group in people.values() for p in group] + coordinators
        ids = await dir_repo.identities_of(s, {p.id or 0 for p in every})
        relayer = (await dir_repo.people_by_id(s, [request.created_by])).get(
            request.created_by or 0) if request.created_by else None
        return cls(current, skills,
                   {eid: mentions_with(group, ids) for eid, group in people.items()},
                   mentions_with(coordinators, ids),
                   relayer.display_name if relayer is not None else None)


def urgent_first(requests: Iterable[R], of: Callable[[R], Request]) -> list[R]:
    """The urgent requests first, the others after, each group in its given order: every
    list of requests (the command, the home, the digest) keeps this one rule."""
    return sorted(requests, key=lambda item: not of(item).urgent)


def urgent_mark(t: Translator, request: Request) -> str:
    """What a list line says before an urgent request's client ("" for the others)."""
    return " 🚨 " + t.t("urgent") + " ·" if request.urgent else ""


def render(view: RequestView, coop: Cooperative, *, today: datetime | None = None) -> list[Block]:
    """The request's card, in the cooperative's language (no I/O: ``RequestView.load``)."""
    t = translator(coop.locale)
    tz = ZoneInfo(coop.timezone)
    request, current = view.request, view.tally
    title = f"{request.ref} · {request.client}"
    if request.urgent:
        title = "🚨 " + t.t("Urgent") + f" · {title}"
    if request.status != "open":
        title += f" — {status_label(t, request.status)}"
    fields = [FieldItem(label=t.t("Need: "), value=[Text(text=request.need)])]
    if request.deadline:
        local_today = (today or request.created_at).astimezone(tz).date()
        day = format_day(request.deadline.astimezone(tz).date(), t.locale, today=local_today)
        fields.append(FieldItem(label=t.t("Deadline: "), value=[Text(text=day)]))
    labels = sorted((k.label_in(t.locale) for k in view.skills), key=collation_key)
    fields.append(FieldItem(label=t.t("Skills: "),
                            value=[Text(text=", ".join(labels) or t.t("none given"))]))
    when = format_moment(request.created_at, tz, t.locale,
                         today=(today or request.created_at).astimezone(tz).date())
    context = (t.t("Relayed by {name} · {when}", name=view.relayed_by, when=when)
               if view.relayed_by else
               t.t("Written by the client in their room · {when}", when=when)
               if request.client_id is not None and request.created_by is None
               else t.t("Recorded on {when}", when=when))
    blocks: list[Block] = [Heading(text=title), Context(spans=[Text(text=context)]),
                           Fields(items=fields)]
    consulted = current.consulted
    role_names = {"lead": t.t("lead"), "partner": t.t("partner")}
    if consulted:
        answered = sum(1 for st in consulted if st.answered)
        blocks.append(para(bold(t.t("Enterprises consulted ({answered}/{total} answered):",
                                    answered=answered, total=len(consulted)))))
        blocks.append(bullet_list([_line(t, st, view.mentions.get(st.enterprise.id or 0, []),
                                         role_names.get(st.role, "")) for st in consulted]))
    else:
        pings: list[Span] = []
        for m in view.coordinators:
            pings += spans(" ", m)
        blocks.append(para(t.t("No member enterprise matches these skills."), *pings,
                           t.t(" — please direct this request: /grappe relay {ref} +slug",
                               ref=request.ref)))
    if current.volunteers:
        blocks.append(para(bold(t.t("Also volunteered:"))))
        blocks.append(bullet_list([_line(t, st, [], role_names.get(st.role, ""))
                                   for st in current.volunteers]))
    if request.status == "open":
        blocks.append(choices(t, request))
    return blocks


def choices(t: Translator, request: Request, *, hint: bool = True) -> Choices:
    """The answers an open request offers, on its card and on a person's home alike (a
    click on either is the same answer); ``hint``: how to answer in its thread instead."""
    return Choices(object_ref=request.ref, options=[
        Choice(action=a, label=t.t(label), emoji=e, asks_text=asks,
               style=STYLES.get(a, "default"), confirm=confirm_of(t, request.ref, a))
        for a, label, e, asks in CHOICES], hint=t.t(
            "Answer in this thread (“interested”, “available Thursday”, “3 days”, "
            "“we can lead”, “not available”).") if hint else "")
