"""The ack of each kind of command, the slow ones included: ``resume apercu`` draws a chart,
``resume`` builds the digest, ``synthese`` the client letter — their slow work belongs to
the delivery, after the ack (issue #17). Signed slash commands, one at a time, on the
``grappe serve`` of ``bench.slack_ack``; the report names the slowest ack."""

from __future__ import annotations

import time
import uuid
from typing import Any

from bench.common import summary

CAMILLE = ("U01CAMILLE", "camille")  # a coordinator: every command is hers to run
COMMANDS = [
    "demande Atelier ack : un devis pour des chaises et de la communication",
    "resume apercu",
    "resume",
    "synthese R-1",
    "demandes",
    "reservations",
    "reserver salle-garance lundi 14h-15h : bench",
    "libre salle lundi 14h-16h",
    "dispo Point bench : lun 14h-15h | mar 10h-11h",
    "membres",
    "aide",
]


async def measure(url: str, each: int) -> list[dict[str, Any]]:
    """``each`` acks of every command of ``COMMANDS``, in turn; p50/p95/max in ms."""
    import aiohttp

    from tests.slack.payloads import body_of, payload, signed

    found = []
    async with aiohttp.ClientSession() as http:
        for command in COMMANDS:
            latencies, statuses = [], set()
            for _ in range(each):
                body, content_type = body_of("command", payload(
                    "slash_command", text=command, trigger_id=f"ack.{uuid.uuid4().hex[:12]}",
                    user_id=CAMILLE[0], user_name=CAMILLE[1]))
                t0 = time.perf_counter()
                async with http.post(url, data=body.encode(), headers={
                        "Content-Type": content_type, **signed(body)}) as response:
                    await response.read()
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses.add(response.status)
            found.append({"command": command.split(" :")[0][:40],
                          "ack_ms": {**summary(latencies), "max": max(latencies)},
                          "statuses": sorted(statuses)})
    return found


def slowest(acks: list[dict[str, Any]]) -> dict[str, Any]:
    return max(acks, key=lambda a: a["ack_ms"]["p95"])


def report(acks: list[dict[str, Any]]) -> str:
    if not acks:
        return ""
    worst = slowest(acks)
    lines = [f"  {a['command']:<42} p50 {a['ack_ms']['p50']:7.1f} ms  p95 "
             f"{a['ack_ms']['p95']:7.1f} ms  max {a['ack_ms']['max']:7.1f} ms" for a in acks]
    return ("\nack of each command (one at a time):\n" + "\n".join(lines)
            + f"\nslowest ack: {worst['command']} — p95 {worst['ack_ms']['p95']:.1f} ms "
            "(Slack's limit: 3000 ms)")
