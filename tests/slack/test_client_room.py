"""The client's room on Slack (#20): a Slack Connect channel shared with the Mairie de
Roubaix, whose agents are external users (their own team id). Real payloads over real HTTP;
what the bot posts in the shared channel is only what is addressed to the client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests import leaks
from tests.clients.rooms import add_client
from tests.slack.conftest import CAMILLE, NADIA, SlackHarness
from tests.slack.fake_slack import FakeSlack

ROOM = "C09MAIRIE"
STORED = Path(__file__).resolve().parent.parent / "data" / "slack" / \
    "message_shared_channel_external.json"


def _external(n: int, user: str, name: str, said: str) -> dict[str, Any]:
    data = json.loads(STORED.read_text(encoding="utf-8"))["payload"]
    data["event_id"] = f"Ev09SHARED{n:02d}"
    event = data["event"]
    event.update({"user": user, "text": said, "ts": f"17000099{n:02d}.000100",
                  "event_ts": f"17000099{n:02d}.000100"})
    event["user_profile"] = {**event["user_profile"], "real_name": name}
    leaks.sent(said)
    return data


def _in_room(fake: FakeSlack) -> list[str]:
    return [c.text() for c in fake.delivered("chat.postMessage", "chat.postEphemeral",
                                             "chat.update")
            if c.args.get("channel") == ROOM]


async def test_an_external_user_writes_in_the_shared_channel(slack: SlackHarness) -> None:
    await add_client(slack.db)
    status, _ = await slack.send("event", _external(1, "U09AGATHE", "Agathe Martin",
                                                    "Bonjour, nous cherchons un accompagnement "
                                                    "comptable pour notre ressourcerie"))
    assert status == 200
    await slack.fake.wait_for(lambda f: any("R-1" in t for t in _in_room(f)))
    [ack] = _in_room(slack.fake)
    assert "Bonjour Agathe Martin" in ack
    assert "au plus tard le" in ack
    # the card went to the cooperation channel, not to the client's
    await slack.fake.wait_for(lambda f: any(c.args.get("channel") == "C01COOPERA"
                                            and "R-1 · Mairie de Roubaix" in c.text()
                                            for c in f.delivered("chat.postMessage")))
    # a member answers on the card, the lead replies to the client on purpose
    status, _ = await slack.command("repondre R-1 : Bien reçu, nous revenons vers vous "
                                    "jeudi.", user=CAMILLE)
    assert status == 200
    await slack.fake.wait_for(lambda f: len(_in_room(f)) == 2)
    assert "Bien reçu, nous revenons vers vous jeudi." in _in_room(slack.fake)[1]
    # a colleague of Agathe's the directory does not know: a contact, named by Slack
    status, _ = await slack.send("event", _external(2, "U09SOLENE", "Solène Garnier",
                                                    "R-1 : je suis sa collègue, voici le "
                                                    "budget prévu"))
    assert status == 200
    await slack.fake.wait_for(lambda f: any(c.args.get("channel") == ROOM
                                            for c in f.delivered("reactions.add")))
    await slack.settle()
    async with slack.db.session(read_only=True) as s:
        rows = (await (await s.connection()).execute(text(
            "SELECT name, slack, from_file FROM client_contacts WHERE slack = 'U09SOLENE'"))).all()
    assert [tuple(r) for r in rows] == [("Solène Garnier", "U09SOLENE", False)]
    # a member of the cluster writing in the shared channel is the team: nothing happens
    status, _ = await slack.send("event", _external(3, NADIA, "Nadia", "Je m’en occupe"))
    assert status == 200
    await slack.settle()
    assert len(_in_room(slack.fake)) == 2
