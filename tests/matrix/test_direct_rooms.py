"""One direct room per person, kept across restarts and across what a sync shows.

Seen in the SIGKILL campaign under load: Synapse takes seconds to create a room, and a
sync in between shows the new room with the bot alone in it (the invitation not made
yet). Taken for a room the person is no longer in, it made the bot create another room
for each message — and a message sent again after a crash, under the same transaction
id, landed in the new room where Synapse cannot recognise it: the person read it twice.
"""

from __future__ import annotations

from nio import MatrixRoom

from tests.matrix.harness import BOT, eventually, user


async def _rooms_of_bot(harness) -> set[str]:  # type: ignore[no-untyped-def]
    assert harness.adapter is not None
    resp = await harness.adapter.session.client.joined_rooms()
    return set(resp.rooms)


async def test_a_room_half_shown_by_a_sync_is_still_the_persons(harness, members) -> None:
    nadia = await members("nadia")
    adapter = await harness.start()
    first = await adapter.direct_room(nadia.user_id)
    await eventually(lambda: _async(first in nadia.client.rooms))  # she accepted it

    await harness.stop()  # a new process: nothing of the first one kept but the database
    adapter = await harness.start()
    rooms = await _rooms_of_bot(harness)
    # what a sync shows of a room in the making: the bot in it, the invitation not yet
    adapter.session.client.rooms[first] = MatrixRoom(first, BOT)
    assert await adapter.direct_room(nadia.user_id) == first
    assert await _rooms_of_bot(harness) == rooms  # no room created


async def test_a_person_who_left_gets_a_new_room(harness, members) -> None:
    nadia = await members("nadia")
    adapter = await harness.start()
    first = await adapter.direct_room(nadia.user_id)
    await eventually(lambda: _async(first in nadia.client.rooms))
    await nadia.client.room_leave(first)
    room = adapter.session.client.rooms[first]
    await eventually(lambda: _async(nadia.user_id not in room.users))

    second = await adapter.direct_room(user("nadia"))
    assert second != first
    assert await adapter.direct_room(user("nadia")) == second


async def _async(value: bool) -> bool:
    return value


async def test_a_room_the_bot_is_no_longer_in_is_replaced(harness, members) -> None:
    """The bot is out of their room (an operator made it leave; she cannot kick it, being
    only its equal): the next message opens a new room, the one kept, without asking the
    homeserver about a room the bot cannot see."""
    nadia = await members("nadia")
    adapter = await harness.start()
    first = await adapter.direct_room(nadia.user_id)
    await eventually(lambda: _async(first in nadia.client.rooms))
    await eventually(lambda: _async(nadia.user_id in adapter.session.client.rooms[first].users))
    await adapter.session.client.room_leave(first)
    await eventually(lambda: _async(adapter.member_of(first) is False))

    second = await adapter.direct_room(user("nadia"))
    assert second != first
    assert await adapter.direct_room(user("nadia")) == second
    assert first not in await _rooms_of_bot(harness)
