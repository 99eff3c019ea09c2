"""The one path of every inbound event.

resolve the actor → record the event id (idempotency) → match the command and
check the role → run the handler in a savepoint → write its messages to the
outbox → commit → wake the delivery loops. Each cross-cutting rule lives here
once; handlers only do their own work.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from commands.context import Context
from commands.dates.when import format_day
from commands.errors import CommandError
from commands.events import Action, Command, Inbound, ThreadReply
from commands.i18n import translator
from commands.messages import Message, Outbound, Target, para
from commands.registry import Registry, Role
from commands.routing import plan
from commands.text import MAX_INPUT, clean, shorten
from storage.db import Database, unavailable
from storage.models import Outbox, utcnow
from storage.repo import directory as dir_repo
from storage.repo import inbound_events as events_repo
from storage.repo import message_refs as refs_repo
from storage.repo import outbox as outbox_repo

log = logging.getLogger(__name__)

PREFIXES = ("/grappe", "!grappe", "grappe")
_LEADING_REF = re.compile(r"^\s*([A-Za-z]-\d{1,9})\s*[:,—-]?\s*(.*)$", re.S)


@dataclass
class Outcome:
    """What the adapter needs to know once the transaction is over.

    ``direct`` holds replies that could not go through the outbox (an unknown
    person, the database unavailable): the adapter sends them at once.
    """

    handled: bool = True
    duplicate: bool = False
    direct: list[Outbound] = field(default_factory=list)
    # for the log line: ok, refused, incident, duplicate, unknown-person, ignored,
    # db-unavailable; the command's name or the answered object's family
    result: str = "ok"
    command: str | None = None
    # the outbox rows the command queued, handed to the delivery loops after the commit
    rows: list[Outbox] = field(default_factory=list, repr=False, compare=False)

    @property
    def queued(self) -> int:
        """The outbox rows the command queued."""
        return len(self.rows)


class Handoff(Protocol):
    """Who delivers what a command queues (the bot's delivery loops): ``lease`` leases the
    rows to them inside the command's transaction, ``hand`` gives them over once it
    committed, so they go out without being read back (bot/outbox.py)."""

    def lease(self, rows: Sequence[Outbox]) -> None: ...

    def hand(self, rows: Sequence[Outbox]) -> None: ...


def strip_prefix(text: str) -> str:
    stripped = text.strip()
    for prefix in PREFIXES:
        if stripped.lower().startswith(prefix + " ") or stripped.lower() == prefix:
            return stripped[len(prefix) :].strip()
    return stripped


class Dispatcher:
    def __init__(
        self,
        db: Database,
        registry: Registry,
        *,
        platforms: Sequence[str],
        clock: Callable[[], datetime] = utcnow,
        on_commit: Callable[[], None] | None = None,
        handoff: Handoff | None = None,
    ):
        self.db = db
        self.registry = registry
        self.platforms = tuple(platforms)
        self.clock = clock
        self.on_commit = on_commit
        self.handoff = handoff
        # each person's language, kept from their last event: the database may be away when
        # they must be asked to try again (bounded by the directory's size)
        self._locales: dict[tuple[str, str], str | None] = {}
        self._coop_locale: str | None = None

    async def dispatch(self, event: Inbound) -> Outcome:
        started = time.perf_counter()
        try:
            outcome = await self._dispatch(event)
        except (OperationalError, InterfaceError, DBAPIError, OSError) as exc:
            away = unavailable(exc)
            log.log(logging.WARNING if away else logging.ERROR, "database %s for %s: %s",
                    "unavailable" if away else "error", event.event_id, exc)
            outcome = Outcome(handled=False, direct=[self._retry_later(event)],
                              result="db-unavailable" if away else "db-error")
        else:
            if self.handoff is not None:
                self.handoff.hand(outcome.rows)
            elif self.on_commit is not None and not outcome.duplicate:
                self.on_commit()
        _log_inbound(event, outcome, time.perf_counter() - started)
        return outcome

    async def _dispatch(self, event: Inbound) -> Outcome:
        if isinstance(event, Action) and event.reaction:
            mapped = self._reaction_action(event)
            if mapped is None:  # a casual reaction (❤️) on a card: not an answer
                return Outcome(handled=False, result="ignored")
            event = mapped
        async with self.db.session() as s:
            actor = event.actor
            person = await dir_repo.person_by_identity(s, actor.platform, actor.user_id)
            if person is None:
                return Outcome(handled=False, direct=[await self._unknown_person(s, event)],
                               result="unknown-person")
            self._locales[(actor.platform, actor.user_id)] = person.locale
            if not await events_repo.record_event(s, actor.platform, event.event_id):
                return Outcome(duplicate=True, result="duplicate")
            ctx = Context(
                session=s,
                person=person,
                event=event,
                now=self.clock(),
                coop=await dir_repo.cooperative(s),
                registry=self.registry,
            )
            self._coop_locale = ctx.coop.locale
            result = await self._run(ctx)
            rows = await plan(s, ctx.out, event, self.platforms)
            if self.handoff is not None:
                self.handoff.lease(rows)
            rows = await outbox_repo.enqueue(s, rows)
        command = ctx.spec.name if ctx.spec else (ctx.object_ref or "").split("-", 1)[0] or None
        return Outcome(result=result, command=command, rows=rows)

    async def _run(self, ctx: Context) -> str:
        """Run the handler; "ok", "refused" (a CommandError) or "incident"."""
        s = ctx.session
        savepoint = await s.begin_nested()
        try:
            await self._handle(ctx)
            await s.flush()
            await savepoint.commit()
            return "ok"
        except CommandError as exc:
            await savepoint.rollback()
            ctx.discard()
            self._refuse(ctx, exc)
            return "refused"
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
            return "incident"

    async def _handle(self, ctx: Context) -> None:
        event = ctx.event
        text = clean(ctx.command_text)
        if len(ctx.command_text) > MAX_INPUT:
            raise CommandError(
                "Your message is too long ({length} characters; {limit} at most). "
                "Please shorten it.", length=f"{len(ctx.command_text):,}".replace(",", " "),
                limit=f"{MAX_INPUT:,}".replace(",", " "))
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
                names=await self._coordinator_names(ctx))
        await spec.handler(ctx, rest)
        if spec.role is Role.COORDINATOR:
            await ctx.audit(f"command:{spec.name}", ctx.object_ref, shorten(text, 200))

    async def _threaded(self, ctx: Context, event: ThreadReply | Action, text: str) -> None:
        ref = event.thread.object_ref
        if ref is None and event.thread.message_id is not None:
            ref = await refs_repo.object_of_message(
                ctx.session, event.actor.platform, event.thread.channel, event.thread.message_id)
        if ref is None:
            raise CommandError("This thread is not one of mine; nothing was recorded.")
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

    def _reaction_action(self, event: Action) -> Action | None:
        """The action a reaction stands for on its card's family, if any.

        A reaction on a platform message not yet mapped to an object is kept as
        is: the thread lookup happens inside the transaction.
        """
        ref = event.thread.object_ref
        emoji = event.action.replace("\ufe0f", "")
        families = [ref.split("-", 1)[0]] if ref else list(self.registry.choice_emojis)
        for prefix in families:
            for known, action in self.registry.choice_emojis.get(prefix, {}).items():
                if known.replace("\ufe0f", "") == emoji:
                    return replace(event, action=action)
        return None

    def _refuse(self, ctx: Context, exc: CommandError) -> None:
        params = {k: format_day(v, ctx.t.locale, today=ctx.now.astimezone(ctx.tz).date())
                  if isinstance(v, date) else v for k, v in exc.params.items()}
        text = ctx.tr(exc.message, **params)
        if exc.show_usage and ctx.spec is not None:
            usage = ctx.tr("Usage: {usage}", usage=ctx.tr(ctx.spec.usage))
            text = f"{text}\n{usage}"
        ctx.reply(para(text))

    async def _coordinator_names(self, ctx: Context) -> str:
        names = [p.display_name for p in await dir_repo.coordinators(ctx.session)]
        return ", ".join(names) if names else ctx.tr("a coordinator")

    async def _unknown_person(self, s, event: Inbound) -> Message:  # type: ignore[no-untyped-def]
        coop = await dir_repo.cooperative(s)
        t = translator(coop.locale)
        names = ", ".join(p.display_name for p in await dir_repo.coordinators(s))
        text = t.t(
            "You are not in {cooperative}'s directory yet, so I cannot act for you "
            "and nothing was recorded. Ask a coordinator ({names}) to link your account "
            "with: /grappe link <your-handle> {platform} {user_id}",
            cooperative=coop.name, names=names or t.t("a coordinator"),
            platform=event.actor.platform, user_id=event.actor.user_id)
        return Message(target=Target(kind="actor"), blocks=[para(text)], locale=t.locale)

    def _retry_later(self, event: Inbound) -> Message:
        key = (event.actor.platform, event.actor.user_id)
        t = translator(self._locales[key] if key in self._locales else self._coop_locale)
        text = t.t("I cannot reach my database right now, so nothing was recorded. "
                   "Please try again in a moment.")
        return Message(target=Target(kind="actor"), blocks=[para(text)], locale=t.locale)




def _log_inbound(event: Inbound, outcome: Outcome, seconds: float) -> None:
    """One line per inbound event: ids, latency and outcome, never the text."""
    log.info("inbound", extra={"fields": {
        "platform": event.actor.platform, "event": event.event_id, "kind": _kind(event),
        "actor": event.actor.user_id, "command": outcome.command, "outcome": outcome.result,
        "queued": outcome.queued, "ms": round(seconds * 1000, 2)}})


def _kind(event: Inbound) -> str:
    if isinstance(event, Action):
        return "reaction" if event.reaction else "action"
    return "reply" if isinstance(event, ThreadReply) else "command"
