"""Commands and answers on a real Synapse: typed by members, answered where they should be."""

from __future__ import annotations

import asyncio
import struct
import zlib

import pytest

from bot.config import Settings
from bot.runner import run_platforms
from commands.events import Actor, Command
from commands.messages import Attachment, Message, Target, para
from commands.routing import plan
from storage.repo import outbox as repo
from tests.matrix.family import card_family
from tests.matrix.harness import BOT, from_bot, open_room, password, user


async def test_members_round_trip(harness, members, coop_db) -> None:
    await harness.start()
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    await nadia.say(room, "!grappe membres")
    reply, = await nadia.wait_for(lambda s: from_bot()(s) and "Chiffres & Communs" in s.body)
    direct = reply.room_id
    assert direct != room  # only for her: in her direct room with the bot
    assert reply.content["msgtype"] == "m.text"  # she typed elsewhere: it must reach her
    assert reply.content["m.mentions"] == {"user_ids": []}
    assert "<strong>" in reply.content["formatted_body"]

    await nadia.say(room, "Grappe: grappe moi", format="org.matrix.custom.html",
                    formatted_body=f'<a href="https://matrix.to/#/{BOT}">Grappe</a>: grappe moi',
                    **{"m.mentions": {"user_ids": [BOT]}})
    await nadia.wait_for(lambda s: from_bot(direct)(s) and "Nadia Benali" in s.body)

    await nadia.say(direct, "competences")  # in the direct room, no prefix needed
    answer, = await nadia.wait_for(
        lambda s: from_bot(direct)(s) and s.body.startswith("Compétences de la coopérative"))
    assert answer.content["msgtype"] == "m.notice"  # read where she typed: no notification
    await nadia.say(direct, "membre chiffres-et-communs")
    people, = await nadia.wait_for(
        lambda s: from_bot(direct)(s) and s.body.startswith("Chiffres & Communs ("))
    assert people.body.count("Nadia Benali") == 1  # the pill shows her name, once
    assert f'<a href="https://matrix.to/#/{user("nadia")}">Nadia Benali</a>' in (
        people.content["formatted_body"])
    assert not [s for s in nadia.seen if from_bot(room)(s)]  # nothing said in the room


async def test_an_unknown_matrix_user_is_told_how_to_get_linked(harness, members, coop_db) -> None:
    await harness.start()
    camille, stranger = await members("camille"), await members("stranger")
    room = await open_room(camille, [stranger], coop_db)
    await stranger.say(room, "!grappe membres")
    notice, = await stranger.wait_for(from_bot(room))
    assert "annuaire" in notice.body
    assert user("stranger") in notice.body
    assert notice.content["m.mentions"] == {"user_ids": [user("stranger")]}


async def test_choices_are_reactions_and_threads_take_text_answers(
        harness, members, coop_db) -> None:
    await harness.start(registry=card_family())
    camille, karim, nadia = await members("camille"), await members("karim"), await members("nadia")
    room = await open_room(camille, [karim, nadia], coop_db)
    await nadia.say(room, "!grappe carte besoin @room <b>x</b>")
    card, = await karim.wait_for(from_bot(room))
    content = card.content
    assert content["msgtype"] == "m.text"
    assert "T-1" in card.body
    assert content["m.mentions"] == {"user_ids": [user("nadia")]}  # never @room
    assert "&lt;b&gt;x&lt;/b&gt;" in content["formatted_body"]
    assert "<b>" not in content["formatted_body"]
    assert f'href="https://matrix.to/#/{user("nadia")}"' in content["formatted_body"]
    card_id = card.event.event_id
    await nadia.wait_for(lambda s: s.room_id == room and s.event.event_id == card_id)
    assert nadia.highlights(room) >= 1  # the one real mention pings her
    assert karim.highlights(room) == 0  # "@room" typed by a member pings nobody

    await karim.wait_for(lambda s: s.sender == BOT and s.relates.get("rel_type") == "m.annotation"
                         and s.relates.get("event_id") == card_id and s.relates.get("key") == "👍")
    await karim.react(room, card_id, "❤️")  # a casual reaction: not an answer
    await karim.react(room, card_id, "👍")
    answer, = await karim.wait_for(lambda s: from_bot(room)(s) and "→" in s.body)
    assert answer.body == "karim → interested"
    assert answer.relates["rel_type"] == "m.thread"
    assert answer.relates["event_id"] == card_id

    reply_id = await nadia.reply_in_thread(room, card_id, "dispo jeudi <i>matin</i>")
    echo, = await nadia.wait_for(lambda s: from_bot(room)(s) and "a écrit" in s.body)
    assert echo.relates["event_id"] == card_id
    assert "&lt;i&gt;matin&lt;/i&gt;" in echo.content["formatted_body"]
    await nadia.wait_for(lambda s: s.sender == BOT and s.relates.get("event_id") == reply_id
                         and s.relates.get("key") == "✅")
    await karim.wait_for(lambda s: from_bot(room)(s) and "a écrit" in s.body)
    assert len([s for s in karim.seen if from_bot(room)(s)]) == 3  # card, 👍 answer, echo


async def test_an_event_the_bot_cannot_decrypt_is_named_to_its_author(
        harness, members, coop_db) -> None:
    """An encrypted event with a key that is no key: the bot, which decrypts the room,
    asks for the key, then tells its author once, by name, in their language."""
    await harness.start()
    camille = await members("camille", e2e=True)
    encryption = {"type": "m.room.encryption", "state_key": "",
                  "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
    room = await open_room(camille, [], coop_db, cooperation=False, initial_state=[encryption])
    await camille.send_raw(room, {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEpAB",
                                  "device_id": "CAMILLEPC", "sender_key": "qzxlpHiEuB3dbq4ak2mmn3Y",
                                  "session_id": "Yd0gmXRu1ILP"}, "m.room.encrypted")
    to_her, = await camille.wait_for(
        lambda s: from_bot(room)(s) and user("camille") in s.content["m.mentions"]["user_ids"])
    assert "déchiffrer votre message" in to_her.body
    assert to_her.body.startswith("Camille Roussel ")  # by her name, as a pill
    assert user("camille") not in to_her.body
    assert f'<a href="https://matrix.to/#/{user("camille")}">Camille Roussel</a>' in (
        to_her.content["formatted_body"])
    assert not [s for s in camille.seen if from_bot(room)(s) and s is not to_her]


def _png() -> bytes:
    """A 1×1 PNG, made here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00")) + chunk(b"IEND", b""))


async def test_a_file_is_uploaded_and_sent_as_an_image(harness, members, coop_db,
                                                       tmp_path) -> None:
    await harness.start()
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    chart = tmp_path / "chart.png"
    chart.write_bytes(_png())
    message = Message(target=Target(kind="channel", purpose="cooperation"), blocks=[
        para("Synthèse de la semaine"),
        Attachment(path=str(chart), title="synthese.png", mime="image/png")])
    event = Command(actor=Actor("matrix", user("camille")), text="", event_id="e-file", place=room)
    async with coop_db.session() as s:
        await repo.enqueue(s, await plan(s, [message], event, ["matrix"]))
    assert harness.bot is not None
    harness.bot.loops["matrix"].notify()
    text, image = await nadia.wait_for(from_bot(room), count=2)
    assert text.body == "Synthèse de la semaine"
    assert image.content["msgtype"] == "m.image"
    assert image.content["url"].startswith("mxc://")
    assert image.content["info"] == {"mimetype": "image/png", "size": len(_png())}


async def test_grappe_run_serves_matrix(members, coop_db, synapse) -> None:
    """The runner (``grappe run``) starts the adapter from the settings alone."""
    if not coop_db.is_sqlite:
        pytest.skip("the runner opens its own engine from DATABASE_URL (a PostgreSQL test "
                    "schema is only reachable through the test's engine)")
    camille, nadia = await members("camille"), await members("nadia")
    settings = Settings(DATABASE_URL=coop_db.url, MATRIX_HOMESERVER=synapse.url,
                        MATRIX_USER_ID=BOT, MATRIX_PASSWORD=password("grappe"))
    stop = asyncio.Event()
    running = asyncio.create_task(run_platforms(settings, stop))
    try:
        room = await open_room(camille, [nadia], coop_db)
        await nadia.say(room, "!grappe aide")
        await nadia.wait_for(lambda s: from_bot()(s) and "membres" in s.body)
    finally:
        stop.set()
        await running
