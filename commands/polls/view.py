"""What a poll looks like: its options with the tally, who has not answered, the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.context import mentions_with
from commands.dates.slots import Interval, format_range
from commands.dates.when import format_day, format_moment
from commands.i18n import Translator, translator
from commands.messages import Block, Choice, Choices, Heading, Mention, Span, bold, para, spans
from commands.messages import bullets as bullet_list
from commands.polls.ballots import MAYBE, NO, YES
from storage.models import Cooperative, Enterprise, Person, Poll, PollOption, PollVote
from storage.repo import directory as dir_repo
from storage.repo import polls as repo

KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"]
EMOJIS = {emoji: str(n) for n, emoji in enumerate(KEYCAPS, start=1)}


@dataclass
class PollTally:
    poll: Poll
    options: list[PollOption]
    counts: dict[int, dict[str, int]]
    names: dict[int, dict[str, list[str]]]
    voters: set[str]
    answered_people: set[int]
    invitees: list[Person] = field(default_factory=list)

    @property
    def missing(self) -> list[Person]:
        return [p for p in self.invitees if p.id not in self.answered_people
                and f"enterprise:{p.enterprise_id}" not in self.voters]

    def best(self) -> PollOption:
        """Most yes, then most if-need-be, then the earliest."""
        return min(self.options, key=lambda o: (-self.counts[o.position][YES],
                                                -self.counts[o.position][MAYBE], o.starts_at))


async def tally(s: AsyncSession, poll: Poll) -> PollTally:
    return (await tallies(s, [poll]))[0]


async def tallies(s: AsyncSession, polls: Sequence[Poll]) -> list[PollTally]:
    """The tallies of several polls in three queries (the names from the directory's copy),
    not three per poll."""
    ids = [p.id or 0 for p in polls]
    options, votes = await repo.options_of(s, ids), await repo.votes_of(s, ids)
    invitees = await repo.invitees_of(s, ids)
    every = [v for group in votes.values() for v in group]
    people = await dir_repo.people_by_id(s, [v.person_id for v in every if v.person_id])
    enterprises = await dir_repo.enterprises_by_id(
        s, [int(v.voter.split(":")[1]) for v in every if v.voter.startswith("enterprise:")])
    return [_tally(p, options.get(p.id or 0, []), votes.get(p.id or 0, []), people, enterprises,
                   invitees.get(p.id or 0, [])) for p in polls]


def _tally(poll: Poll, options: list[PollOption], votes: list[PollVote],
           people: dict[int, Person], enterprises: dict[int, Enterprise],
           invitees: list[Person]) -> PollTally:
    counts = {o.position: {YES: 0, MAYBE: 0, NO: 0} for o in options}
    names: dict[int, dict[str, list[str]]] = {o.position: {YES: [], MAYBE: [], NO: []}
                                              for o in options}
    for v in votes:
        if v.position not in counts:
            continue
        counts[v.position][v.value] += 1
        kind, _, ident = v.voter.partition(":")
        who = (enterprises[int(ident)].name if kind == "enterprise" and int(ident) in enterprises
               else people[v.person_id].handle if v.person_id in people else "?")
        names[v.position][v.value].append(who)
    return PollTally(poll, options, counts, names, {v.voter for v in votes},
                     {v.person_id for v in votes if v.person_id}, invitees)


def option_label(option: PollOption | Interval, tz: ZoneInfo, t: Translator, *,
                 all_day: bool, today: date) -> str:
    start = option.starts_at if isinstance(option, PollOption) else option.start
    end = option.ends_at if isinstance(option, PollOption) else option.end
    if all_day:
        return format_day(start.astimezone(tz).date(), t.locale, today=today)
    return format_range(Interval(start, end), tz, t.locale, today=today)


def option_line(option: PollOption, tz: ZoneInfo, t: Translator, *, today: date) -> list[Span]:
    """``1. mar. 1 déc., 14 h–16 h``: an option as a poll's card and a home list it."""
    return spans(bold(f"{option.position}. "), option_label(option, tz, t, all_day=option.all_day,
                                                            today=today))


def choices(t: Translator, poll: Poll, options: Sequence[PollOption], *, tz: ZoneInfo,
            today: date, hint: bool = True) -> Choices:
    """The answers an open poll offers, on its card and on a person's home alike (a click on
    either is the same ballot); ``hint``: how to answer in its thread instead."""
    rows: list[Choice] = []
    for o in options:
        if o.position > len(KEYCAPS):
            continue
        n = str(o.position)
        label = option_label(o, tz, t, all_day=o.all_day, today=today)
        # the keycap is the option's reaction too; "if need be" and "no" are buttons alone
        rows += [Choice(action=n, label=label, emoji=KEYCAPS[o.position - 1], group=n),
                 Choice(action=f"{n}:{MAYBE}", label="🤷 " + t.t("if need be"), group=n),
                 Choice(action=f"{n}:{NO}", label="❌ " + t.t("no"), group=n)]
    return Choices(object_ref=poll.ref, options=rows, hint=t.t(
        "Answer in this thread: “1 and 3”, “1 yes, 2 if need be”, “none”, "
        "“all but 2”.") if hint else "")


def clicked(action: str) -> tuple[int, str] | None:
    """``2:maybe`` → option 2 "if need be", ``2:no`` → option 2 "no" (the row's other
    buttons); a bare ``2`` is a ballot read as typed (``ballots.add_to``)."""
    n, _, value = action.partition(":")
    return (int(n), value) if n.isdigit() and value in (MAYBE, NO) else None


def voter_of(poll: Poll, person: Person) -> str:
    """Whose ballot a person casts: theirs, or their enterprise's on a poll answered per
    enterprise (``PollVote.voter``)."""
    if poll.per_enterprise and person.enterprise_id:
        return f"enterprise:{person.enterprise_id}"
    return f"person:{person.id}"


def awaits(current: PollTally, person: Person) -> bool:
    """Whether an open poll waits for ``person``'s answer: they are invited and have not
    answered (nor has their enterprise, when it answers for them), or everyone may answer
    and no ballot of theirs is in."""
    if current.invitees:
        return any(p.id == person.id for p in current.missing)
    return voter_of(current.poll, person) not in current.voters


def _counts(t: Translator, c: dict[str, int], names: dict[str, list[str]]) -> str:
    text = f"✅ {c[YES]} · 🤷 {c[MAYBE]} · ❌ {c[NO]}"
    maybe = t.t("if need be")
    who = ", ".join(names[YES] + [f"{n} ({maybe})" for n in names[MAYBE]])
    return f"{text} — {who}" if who else text


@dataclass(frozen=True)
class PollView:
    """Everything a poll's card shows, read at once: ``load`` queries, ``render`` draws.

    ``missing`` mentions who has not answered yet (the card pings them while the poll
    is open and its results are shown).
    """

    tally: PollTally
    missing: list[Mention]

    @classmethod
    async def load(cls, s: AsyncSession, poll: Poll) -> PollView:
        current = await tally(s, poll)
        ids = await dir_repo.identities_of(s, [p.id or 0 for p in current.missing])
        return cls(current, mentions_with(current.missing, ids))


def render(view: PollView, coop: Cooperative, *, today: date) -> list[Block]:
    """The poll's card, in the cooperative's language (no I/O: ``PollView.load``)."""
    t = translator(coop.locale)
    tz = ZoneInfo(coop.timezone)
    current = view.tally
    poll = current.poll
    title = f"{poll.ref} · {poll.title}"
    if poll.status == "closed":
        title += " — " + t.t("closed")
    blocks: list[Block] = [Heading(text=title)]
    facts = []
    if poll.request_id:
        facts.append(t.t("for R-{number}", number=poll.request_id))
    if poll.deadline:
        facts.append(t.t("answers before {when}", when=format_moment(poll.deadline, tz,
                                                                       t.locale, today=today)))
    if poll.per_enterprise:
        facts.append(t.t("one answer per enterprise"))
    if poll.hidden and poll.status == "open":
        facts.append(t.t("results hidden until it closes"))
    if facts:
        blocks.append(para(" · ".join(facts)))
    show = not poll.hidden or poll.status == "closed"
    items: list[list[Span]] = []
    for o in current.options:
        line = option_line(o, tz, t, today=today)
        if show:
            line += spans(" — ", _counts(t, current.counts[o.position],
                                         current.names[o.position]))
        if poll.chosen_position == o.position:
            line = spans("👉 ", *line)
        items.append(line)
    blocks.append(bullet_list(items))
    blocks.append(para(t.tn("{n} answer so far.", "{n} answers so far.", len(current.voters))
                       if poll.status == "open" else
                       t.tn("{n} answer in all.", "{n} answers in all.", len(current.voters))))
    if poll.status == "open" and view.missing and not poll.hidden:
        pings: list[Span] = []
        for m in view.missing:
            pings += spans(" ", m)
        blocks.append(para(bold(t.t("Not answered yet:")), *pings))
    if poll.status == "open":
        blocks.append(choices(t, poll, current.options, tz=tz, today=today))
    elif poll.chosen_position is not None:
        chosen = next(o for o in current.options if o.position == poll.chosen_position)
        blocks.append(para(bold(t.t("Chosen: ")), option_label(
            chosen, tz, t, all_day=chosen.all_day, today=today)))
        if poll.booking_note:
            blocks.append(para(poll.booking_note))
    return blocks
