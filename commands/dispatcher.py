"""The one path of every inbound event.

find the object a reply or reaction is on (once; none: ignored) → resolve the actor →
record the event id (idempotency) → match the command and check the role → run the
handler in a savepoint → write its messages to the outbox → commit → hand the rows
to the delivery loops. Each cross-cutting rule lives here once, for every platform;
adapters only convert, handlers only do their own work.

An edited command is not run again (its author is told, once); an edited reply is an
answer like any other, given again in place of the original (its ``message_id`` is the
original's, so the family replaces that message's answer and the ✅ goes on it).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

from commands import direct, home, presence, unreachable
from commands.client_side import Closed, Entry, emojis_of, enter_of
from commands.context import Context, Environment
from commands.dates.when import format_day
from commands.errors import CommandError, ExplainedAfterRollback
from commands.events import (
    Action,
    Command,
    HomeOpened,
    Inbound,
    Invitation,
    Joined,
    RoomMessage,
    Submission,
    ThreadReply,
    Unreadable,
    where,
)
from commands.form_events import as_typed, form_for
from commands.i18n import translator
from commands.messages import para
from commands.outcome import Handoff, Outcome, Result
from commands.prefixes import has_address, strip_prefix
from commands.registry import Registry, Role
from commands.routing import queue
from commands.text import MAX_INPUT, clean, shorten
from storage.db import Database, unavailable
from storage.models import Person, utcnow
from storage.repo import client_rooms
from storage.repo import directory as dir_repo
from storage.repo import inbound_events as events_repo
from storage.repo import message_refs as refs_repo

log = logging.getLogger(__name__)

_LEADING_REF = re.compile(r"^\s*([A-Za-z]-\d{1,9})\s*[:,—-]?\s*(.*)$", re.S)
_DB_ERRORS = (OperationalError, InterfaceError, DBAPIError, OSError)


class Dispatcher:
    """``redelivering``: the platforms that give an event again when the database could
    not take it (Matrix's sync), whose people must not be asked to send it again."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        *,
        platforms: Sequence[str],
        clock: Callable[[], datetime] = utcnow,
        handoff: Handoff | None = None,
        redelivering: Sequence[str] = (),
        environment: Environment | None = None,
    ):
        self.environment = environment or Environment()  # the runtime's: in every Context
        self.db = db
        self.registry = registry
        self.platforms = tuple(platforms)
        self.clock = clock
        self.handoff = handoff
        self.redelivering = frozenset(redelivering)
        # each person's language, kept from their last event: the database may be away when
        # they must be asked to try again (bounded by the directory's size)
        self._locales: dict[tuple[str, str], str | None] = {}
        self._coop_locale: str | None = None

    async def dispatch(self, event: Inbound) -> Outcome:
        started = time.perf_counter()
        try:
            outcome = await self._dispatch(as_typed(event, self.registry))
        except _DB_ERRORS as exc:
            away = unavailable(exc)
            log.log(logging.WARNING if away else logging.ERROR, "database %s for %s: %s",
                    "unavailable" if away else "error", event.event_id, exc)
            t = translator(self._locales.get(_key(event), self._coop_locale))
            said = direct.retry_later(t, redelivered=event.actor.platform in self.redelivering)
            outcome = Outcome(handled=False,
                              direct=[] if isinstance(event, Invitation | Joined | HomeOpened)
                              else [said],
                              result=Result.DB_UNAVAILABLE if away else Result.DB_ERROR)
        else:
            if self.handoff is not None:
                outcome.delivering = self.handoff.hand(outcome.rows)
                if outcome.due:
                    self.handoff.wake(event.actor.platform)
        _log_inbound(event, outcome, time.perf_counter() - started)
        return outcome

    async def _dispatch(self, event: Inbound) -> Outcome:
        if isinstance(event, Invitation):
            return await self._invitation(event)
        if isinstance(event, Joined):
            return await self._joined(event)
        if isinstance(event, HomeOpened):  # read only: nothing is recorded, not even the id
            async with self.db.session(read_only=True) as s:
                drawn, person = await home.home_of(s, self.registry, event, self.clock())
            return Outcome(handled=False, home=drawn,
                           result=Result.OK if person else Result.UNKNOWN_PERSON)
        if isinstance(event, Action) and event.reaction and not self._known_emoji(event.action):
            return Outcome(handled=False, result=Result.IGNORED)  # a casual reaction (❤️)
        if isinstance(event, RoomMessage) and not await self._in_client_room(event):
            return Outcome(handled=False, result=Result.IGNORED)  # the team's conversation
        async with self.db.session() as s:
            person = await dir_repo.person_by_identity(s, event.actor.platform, event.actor.user_id)
            if person is None and (turn := await self._client_side(s, event)) is not None:
                return await self._client_turn(s, event, turn)
            found = await self._addressed(s, event)
            if found is None:  # a conversation among people, not an answer to one of ours
                return Outcome(handled=False, result=Result.IGNORED)
            event = found  # the same actor, with the object it answers
            coop = await dir_repo.cooperative(s)
            self._coop_locale = coop.locale
            t = translator(person.locale if person is not None else coop.locale)
            if isinstance(event, Unreadable):
                return Outcome(handled=False, direct=[direct.unreadable(t, event, person)],
                               result=Result.UNREADABLE)
            if person is None:
                message = direct.unknown_person(t, coop, await dir_repo.coordinators(s), event)
                return Outcome(handled=False, direct=[message], result=Result.UNKNOWN_PERSON)
            self._locales[_key(event)] = person.locale
            ctx = Context(session=s, person=person, event=event, now=self.clock(), coop=coop,
                          registry=self.registry, env=self.environment)
            form = await form_for(ctx, self.registry)
            if form is not None:  # nothing is recorded until the form comes back
                return Outcome(handled=False, result=Result.FORM, form=form,
                               command=ctx.spec.name if ctx.spec else None)
            if not await events_repo.record_event(s, event.actor.platform, event.event_id):
                return Outcome(duplicate=True, result=Result.DUPLICATE)
            if isinstance(event, Command) and event.edit_of is not None:
                result = await self._edited(ctx, event.edit_of)
            else:
                result = await self._run(ctx)
            rows = await queue(s, ctx.out, event, self.platforms, handoff=self.handoff)
        command = ctx.spec.name if ctx.spec else (ctx.object_ref or "").split("-", 1)[0] or None
        return Outcome(result=result, command=command, rows=rows)

    # --- the client's side ------------------------------------------------------
    async def _client_side(self, s: AsyncSession, event: Inbound) -> Entry | Closed | None:
        """A client writing in their room, or a client's contact acting: the feature that
        knows clients says so (``commands.client_side``). The team is never the client (the
        caller asks only for an actor the directory does not know)."""
        enter = enter_of(self.registry)
        if enter is None or not isinstance(event, RoomMessage | ThreadReply | Action | Command):
            return None
        return await enter(s, event, await dir_repo.cooperative(s))

    async def _client_turn(self, s: AsyncSession, event: Inbound,
                           turn: Entry | Closed) -> Outcome:
        """The client's event on the one path: recorded once, run in a savepoint, its
        messages queued in the same transaction (their audience is the client's)."""
        if isinstance(turn, Closed):  # nothing is written, the author is told
            return Outcome(handled=False, direct=[turn.message], result=Result.REFUSED,
                           command="client")
        ctx = Context(session=s, person=turn.person, event=event, now=self.clock(),
                      coop=await dir_repo.cooperative(s), registry=self.registry,
                      env=self.environment, audience=turn.audience)
        if not await events_repo.record_event(s, event.actor.platform, event.event_id):
            return Outcome(duplicate=True, result=Result.DUPLICATE, command="client")
        result = await self._run(ctx, turn.work)
        rows = await queue(s, ctx.out, event, self.platforms, handoff=self.handoff)
        return Outcome(result=result, command="client", rows=rows)

    # --- is it for us ------------------------------------------------------------
    async def _addressed(self, s: AsyncSession, event: Inbound) -> Inbound | None:
        """The event with the object it answers, a direct reply as a command, or None.

        A reply or reaction on a platform message is looked up once here: a thread that
        maps to none of our objects is people's chatter (ignored silently), unless it was
        written in a direct conversation with the bot, where any text is a command. An
        unprefixed text the platform took for a direct conversation is ignored when its
        room is one of the directory's channels.
        """
        if isinstance(event, ThreadReply | Action):
            thread = event.thread
            ref = thread.object_ref
            if ref is None and thread.message_id is not None:
                ref = await refs_repo.object_of_message(s, event.actor.platform, thread.channel,
                                                        thread.message_id)
            if ref is None:
                if isinstance(event, ThreadReply) and event.direct:
                    return Command(actor=event.actor, text=event.text, event_id=event.event_id,
                                   place=thread.channel, direct=True, edit_of=event.edit_of)
                return None
            event = replace(event, thread=replace(thread, object_ref=ref))
            if isinstance(event, Action) and event.reaction:
                action = self._reaction_action(ref, event.action)
                return replace(event, action=action) if action is not None else None
            return event
        if isinstance(event, RoomMessage):  # the team's conversation, not for the bot
            return None
        if isinstance(event, Command) and event.direct and event.place \
                and not has_address(event.text) and await self._is_channel(s, event):
            return None
        return event

    async def _in_client_room(self, event: RoomMessage) -> bool:
        """Read only, so that the team's chatter never waits for a write turn."""
        async with self.db.session(read_only=True) as s:
            return await client_rooms.room(s, event.actor.platform, event.place) is not None

    async def _is_channel(self, s: AsyncSession, event: Inbound) -> bool:
        channels = await dir_repo.channels(s, platforms=[event.actor.platform])
        return any(c.platform_channel_id == where(event) for c in channels)

    def _known_emoji(self, emoji: str) -> bool:
        bare = emoji.replace("\ufe0f", "")
        tables = [*self.registry.choice_emojis.values(), emojis_of(self.registry)]
        return any(known.replace("\ufe0f", "") == bare for table in tables for known in table)

    def _reaction_action(self, ref: str, emoji: str) -> str | None:
        """The action a reaction stands for on its card's family, if any."""
        bare = emoji.replace("\ufe0f", "")
        table = self.registry.choice_emojis.get(ref.split("-", 1)[0], {})
        return next((action for known, action in table.items()
                     if known.replace("\ufe0f", "") == bare), None)

    async def _invitation(self, event: Invitation) -> Outcome:
        """Join the directory's rooms, rooms a coordinator invites to, people's direct rooms."""
        async with self.db.session(read_only=True) as s:
            if await self._is_channel(s, event):
                return Outcome(handled=False, result=Result.ACCEPTED)
            person = await dir_repo.person_by_identity(s, event.actor.platform,
                                                       event.actor.user_id)
        welcome = person is not None and (person.role == "coordinator" or event.direct)
        return Outcome(handled=False, result=Result.ACCEPTED if welcome else Result.DECLINED)

    async def _joined(self, event: Joined) -> Outcome:
        """The bot is in these rooms now: what waited for the directory's ones goes out."""
        async with self.db.session() as s:  # the outbox's times are the wall clock's
            if event.direct:  # a person's own direct room: what waited for them goes
                due = await unreachable.opened(s, event.actor.platform, event.actor.user_id,
                                            utcnow())
                return Outcome(handled=False, result=Result.OK, due=due)
            found = await presence.arrived(s, event.actor.platform, event.places, utcnow())
        for name, due in found.items():
            if due:
                log.warning("%s: the bot is in #%s; %d message(s) that waited for it go out "
                            "now", event.actor.platform, name, due)
        return Outcome(handled=False, result=Result.OK, due=sum(found.values()))

    # --- running -------------------------------------------------------------------
    async def _edited(self, ctx: Context, original: str) -> Result:
        """A command already handled as it was sent is never run again for an edit: running
        it twice would post a second card or book twice. Its author is told, once however
        often they edit it."""
        told = f"edited:{original}"
        if await events_repo.record_event(ctx.session, ctx.platform, told):
            ctx.reply(para(ctx.tr("You edited a command that was already handled: it is not "
                                  "run again. Send it again if needed.")))
        return Result.EDITED

    async def _run(self, ctx: Context,
                   work: Callable[[Context], Awaitable[None]] | None = None) -> Result:
        s = ctx.session
        savepoint = await s.begin_nested()
        try:
            if len(ctx.command_text) > MAX_INPUT:  # whoever wrote it, nothing is written
                raise CommandError(
                    "Your message is too long ({length} characters; {limit} at most). "
                    "Please shorten it.", length=f"{len(ctx.command_text):,}".replace(",", " "),
                    limit=f"{MAX_INPUT:,}".replace(",", " "))
            await (work or self._handle)(ctx)
            await s.flush()
            await savepoint.commit()
            return Result.OK
        except CommandError as exc:
            await savepoint.rollback()
            ctx.discard()
            if isinstance(exc, ExplainedAfterRollback):
                await self._run(ctx, exc.explain)
            else:
                self._refuse(ctx, exc)
            return Result.REFUSED
        except Exception as exc:
            if isinstance(exc, DBAPIError) and unavailable(exc):
                raise  # away or busy (a lock timeout): the whole transaction goes, nothing stays
            await savepoint.rollback()
            ctx.discard()
            incident = uuid.uuid4().hex[:8]
            event = ctx.event  # ids only: what the person wrote is theirs (DEBUG shows it)
            log.exception("handler failed (incident %s) on %s event %s from %s", incident,
                          _kind(event), event.event_id, event.actor.user_id)
            log.debug("incident %s was on %r", incident, event)
            ctx.reply(para(ctx.tr(
                "Sorry, something went wrong on our side and nothing was changed. "
                "Please try again; if it persists, give the coordinators this reference: "
                "{incident}.", incident=incident)))
            return Result.INCIDENT

    async def _handle(self, ctx: Context) -> None:
        event = ctx.event
        text = clean(ctx.command_text)
        if isinstance(event, Command):
            await self._command(ctx, strip_prefix(text))
        elif isinstance(event, ThreadReply | Action):
            await self._threaded(ctx, event, text)

    async def _command(self, ctx: Context, text: str) -> None:
        if not text:
            text = "aide" if ctx.t.locale == "fr" else "help"
        found = self.registry.match(text)
        if found is None:
            first = text.split()[0]
            suggestion = self.registry.suggest(first)
            if suggestion is not None:
                raise CommandError(
                    "Unknown command “{word}”. Did you mean “{suggestion}”? "
                    "Type /grappe help for the list.",
                    word=shorten(first, 40), suggestion=suggestion.keywords[0]
                    if ctx.t.locale == "fr" else suggestion.english)
            raise CommandError("Unknown command “{word}”. Type /grappe help for the list.",
                               word=shorten(first, 40))
        spec, rest = found
        ctx.spec = spec
        if spec.role is Role.COORDINATOR and not ctx.is_coordinator:
            raise CommandError(
                "Only a coordinator can do that. Ask {names}.",
                names=_names(await dir_repo.coordinators(ctx.session), ctx.tr("a coordinator")))
        await spec.handler(ctx, rest)
        if spec.role is Role.COORDINATOR:
            await ctx.audit(f"command:{spec.name}", ctx.object_ref, shorten(text, 200))

    async def _threaded(self, ctx: Context, event: ThreadReply | Action, text: str) -> None:
        ref = event.thread.object_ref
        assert ref is not None  # found by _addressed
        if isinstance(event, ThreadReply) and (named := _LEADING_REF.match(text)):
            # "P-5 : 1 et 3" in R-3's thread answers P-5 (threads are flat on Slack and Matrix)
            if named.group(1).upper().split("-")[0] in self.registry.replies:
                ref, text = named.group(1).upper(), named.group(2)
        ctx.object_ref = ref
        prefix = ref.split("-", 1)[0]
        table = self.registry.replies if isinstance(event, ThreadReply) else self.registry.actions
        handler = table.get(prefix)
        if handler is None:
            raise CommandError("Nothing can be answered on {ref}.", ref=ref)
        arg = text if isinstance(event, ThreadReply) else event.action
        await handler(ctx, arg)

    def _refuse(self, ctx: Context, exc: CommandError) -> None:
        params = {k: format_day(v, ctx.t.locale, today=ctx.now.astimezone(ctx.tz).date())
                  if isinstance(v, date) else v for k, v in exc.params.items()}
        text = ctx.tr(exc.message, **params)
        if exc.show_usage and ctx.spec is not None:
            usage = ctx.tr("Usage: {usage}", usage=ctx.tr(ctx.spec.usage))
            text = f"{text}\n{usage}"
        ctx.reply(para(text))


def _names(people: Sequence[Person], fallback: str) -> str:
    return ", ".join(p.display_name for p in people) or fallback


def _key(event: Inbound) -> tuple[str, str]:
    return event.actor.platform, event.actor.user_id


def _log_inbound(event: Inbound, outcome: Outcome, seconds: float) -> None:
    """One line per inbound event: ids, latency and outcome, never the text."""
    log.info("inbound", extra={"fields": {
        "platform": event.actor.platform, "event": event.event_id, "kind": _kind(event),
        "actor": event.actor.user_id, "command": outcome.command, "outcome": outcome.result,
        "queued": outcome.queued, "ms": round(seconds * 1000, 2)}})


def _kind(event: Inbound) -> str:
    if isinstance(event, Action):
        return "reaction" if event.reaction else "action"
    return {ThreadReply: "reply", Command: "command", Submission: "form",
            Invitation: "invitation", Joined: "joined", Unreadable: "unreadable",
            HomeOpened: "home", RoomMessage: "room"}[type(event)]
