"""Must hold (#20): whatever people do — commands, answers, clicks, clients' messages, in
any order, with a handler among them written to leak — nothing addressed to the team
reaches a client's room, and nothing there names a mention, a tally or an enterprise but
the team's in the letter. The guard, not luck: the leaking handler's rows are refused."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter
from bot.features import FEATURES
from commands.context import Context
from commands.events import Actor, Command
from commands.messages import Envelope, Mention, Message, Reaction, para
from commands.registry import Registry, command
from commands.render import plain
from storage.db import Database
from storage.repo import directory as dir_repo
from tests import leaks
from tests.clients.rooms import ROOM, add_client
from tests.conftest import Clock, Console
from tests.digest.conftest import outbox
from tests.hardening import figures
from tests.hardening.conftest import HARDENING

OTHER_ROOM = "#cc-flandre"


def _registry() -> Registry:
    registry = Registry.discover(FEATURES)

    @command(("fuite",), usage="/grappe fuite", summary="test", registry=registry)
    async def leak(ctx: Context, args: str) -> None:
        ctx.post(para("décompte : 3 intéressées, Encre Verte décline"), purpose="client")
        ctx.in_thread("R-1", para("Sobre & Clair n’est pas retenue"), purpose="client")
        ctx.reply(para("pour vous seule"))

    return registry


@pytest.fixture
async def room_console(coop_db: Database, clock: Clock) -> AsyncIterator[Console]:
    await add_client(coop_db)
    await add_client(coop_db, "cc-flandre", "Communauté de communes de Flandre",
                     room=OTHER_ROOM, contact="bruno")
    out = io.StringIO()
    adapter = ConsoleAdapter(out)
    bot = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [adapter], registry=_registry(),
              clock=clock)
    await bot.start(background_delivery=False)
    yield Console(bot, adapter, out)
    await bot.stop()


class Refusals(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("audience:")


REF = st.integers(1, 4).map(lambda n: f"R-{n}")
NEEDS = ["Nous cherchons un accompagnement comptable pour notre ressourcerie",
         "Il nous faudrait de la communication pour le festival de printemps",
         "Précision : plutôt en février", "3", "5", "", "R-1 : le budget est de 20 000 €",
         "x" * 4100]
CLIENT = st.one_of(
    st.tuples(st.sampled_from(["agathe", "inconnue", "passant"]), st.sampled_from(NEEDS))
    .map(lambda p: f"{p[0]} in {ROOM}: {p[1]}"),
    st.sampled_from(NEEDS).map(lambda text: f"bruno in {OTHER_ROOM}: {text}"),
    st.tuples(REF, st.integers(1, 5)).map(lambda p: f"agathe clicks {p[0]} note-{p[1]}"),
)
TEAM = st.one_of(
    st.tuples(st.sampled_from(["nadia", "marion", "anais", "hugo"]), REF,
              st.sampled_from(["Intéressés, on peut piloter", "pas dispo, désolés",
                               "dispo jeudi matin, 2 jours"]))
    .map(lambda p: f"{p[0]} in {p[1]}: {p[2]}"),
    st.tuples(st.sampled_from(["nadia", "anais", "hugo"]), REF,
              st.sampled_from(["interested", "decline", "lead"]))
    .map(lambda p: f"{p[0]} clicks {p[1]} {p[2]}"),
    REF.map(lambda r: f"camille: /grappe attribuer {r} pilote=chiffres-et-communs "
                      "partenaires=le-grand-livre"),
    st.tuples(REF, st.sampled_from(["gagne", "perdu", "livre", "annule"]))
    .map(lambda p: f"camille: /grappe clore {p[0]} {p[1]}"),
    st.tuples(st.sampled_from(["camille", "nadia", "hugo"]), REF)
    .map(lambda p: f"{p[0]}: /grappe repondre {p[1]} : Bonjour, voici où nous en sommes."),
    REF.map(lambda r: f"camille: /grappe synthese {r} envoyer"),
    REF.map(lambda r: f"camille: /grappe synthese {r}"),
    st.just("nadia: /grappe demande Mairie de Roubaix : de la com pour le festival"),
    st.just("camille: /grappe fuite"),
    st.just(f"camille in {ROOM}: un mot de l’équipe dans le salon"),
    st.just(f"{ROOM} camille: /grappe fuite"),  # typed in the client's room itself
    st.just(f"{ROOM} nadia: /grappe demandes"),
)
STEP = st.one_of(CLIENT, TEAM, st.integers(1, 600).map(lambda minutes: f"+{minutes}"))


async def _client_rows(db: Database) -> list[tuple[int, Message | Reaction]]:
    async with db.session(read_only=True) as s:
        rooms = {(c.platform, c.platform_channel_id): c.client_id
                 for c in await dir_repo.channels(s, purpose="client")}
    found = []
    for row in await outbox(db):
        if (row.platform, row.channel) in rooms:
            item = Envelope.model_validate_json(row.payload).item
            assert item.audience.client_id == rooms[(row.platform, row.channel)], row
            found.append((row.id or 0, item))
    return found


@settings(HARDENING, max_examples=figures.size(12, 80))
@given(steps=st.lists(STEP, min_size=1, max_size=14))
async def test_nothing_for_the_team_ever_reaches_a_client_room(
        room_console: Console, clock: Clock, steps: list[str]) -> None:
    console, db = room_console, room_console.bot.db
    refusals = Refusals()
    logging.getLogger("commands.routing").addHandler(refusals)
    names = [e.name for e in await _enterprises(db)]
    try:
        for step in steps:
            figures.add("client room property", "steps")
            if step.startswith("+"):
                clock.advance(minutes=int(step[1:]))
                continue
            before = refusals.count
            if step.startswith(ROOM):  # a command typed in the client's room
                handle, _, text = step.removeprefix(f"{ROOM} ").partition(": ")
                leaks.sent(text)
                await console.bot.receive(Command(actor=Actor("console", handle), text=text,
                                                  event_id=uuid.uuid4().hex,
                                                  place=ROOM))
                await console.bot.drain()
            else:
                out = await console.run(step)
                assert "Traceback" not in out
            if step.endswith("/grappe fuite"):  # the guard held, not luck
                assert refusals.count > before, step
    finally:
        logging.getLogger("commands.routing").removeHandler(refusals)
    for _row, item in await _client_rows(db):
        if isinstance(item, Reaction):
            continue
        text = plain(item.blocks)
        assert not any(isinstance(span, Mention) for block in item.blocks
                       for span in getattr(block, "spans", [])), text
        assert "ont répondu" not in text
        assert "décline" not in text
        assert "pour vous seule" not in text
        if "voici notre proposition" not in text:  # only the letter names the team
            assert not [name for name in names if name in text], text


async def _enterprises(db: Database):  # type: ignore[no-untyped-def]
    async with db.session(read_only=True) as s:
        return list(await dir_repo.enterprises(s))
