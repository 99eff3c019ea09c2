"""Matrix round trip: a member's ``!grappe reservations`` → the reply seen through their sync.

    python -m bench.matrix_roundtrip [--rounds 200] [--warmup 20] [--no-opsdroid]
                                     [--compare DIR] [--timeline DIR]

On one real Synapse (tests/matrix/synapse.py, from ``.venv-synapse``), three bots each
in a direct room with the member: (a) ``grappe run`` (a subprocess, SQLite, the example
cooperative), (b) a bare matrix-nio echo bot (``python -m bench.matrix_roundtrip echo``)
and (c) opsdroid's Matrix connector with an echo skill, from its own ``.venv-opsdroid``
(skipped when it is not installed). The member (tests/matrix/members.py, in this
process) sends the same text to each in turn, interleaved (the order rotates every
round), and times the send until its own sync shows the bot's reply. Server CPU per
round trip comes from /proc/<pid>/stat around the measured rounds. ``--compare DIR`` adds
another checkout of grappe ("before", an earlier commit, on a database its own code made)
to the same interleaved rounds, for a before/after that saw the same moments of the machine.
``--timeline DIR`` runs grappe under ``bench.matrix_timeline`` (time stamps along its path)
and adds where a reply's time goes, from the sync that carried the command to the send.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Child, machine, rss_mb, sqlite_url, summary, table, write_result
from bench.goals import MATRIX_RATIO
from bench.slack_ack import ROOT, cpu_seconds, prepare_db

OPSDROID_PYTHON = ROOT / ".venv-opsdroid" / "bin" / "python"
OPSDROID_STAMP = ROOT / ".venv-opsdroid" / ".installed-0.31.0"  # written by `make bench`
TEXT = "!grappe reservations"
MEMBER = "nadia"  # in the example directory, so grappe answers her
BOTS = {"grappe": "grappe", "nio-echo": "nioecho", "opsdroid": "opsdroid",
        "before": "grappebefore"}
WAIT = 30.0

OPSDROID_SKILL = '''
from opsdroid.matchers import match_regex
from opsdroid.skill import Skill


class Echo(Skill):
    @match_regex(r"(?s)(.*)")
    async def echo(self, message):
        await message.respond(message.text)
'''


# --- the bare matrix-nio echo bot (its own process) -----------------------------------------

async def echo_bot(url: str, user_id: str, password: str) -> None:
    """The usual nio bot: callbacks for invitations and texts, ``sync_forever``."""
    from nio import AsyncClient, InviteMemberEvent, MatrixRoom, RoomMessageText

    client = AsyncClient(url, user_id)
    await client.login(password, device_name="echo")
    await client.sync(timeout=0, full_state=True)  # history is not answered

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_text(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender != client.user_id:
            await client.room_send(room.room_id, "m.room.message",
                                   {"msgtype": "m.text", "body": event.body})

    client.add_event_callback(on_invite, InviteMemberEvent)  # type: ignore[arg-type]
    client.add_event_callback(on_text, RoomMessageText)  # type: ignore[arg-type]
    print("echo bot ready", file=sys.stderr, flush=True)
    await client.sync_forever(timeout=30_000)


# --- the orchestrator -----------------------------------------------------------------------

@dataclass
class Bot:
    name: str
    child: Child
    user_id: str
    room: str = ""
    ms: list[float] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)  # replies already counted


def grappe_env(db_url: str, synapse_url: str, **extra: str) -> dict[str, str]:
    from tests.matrix.harness import password, user

    env = {**os.environ, "DATABASE_URL": db_url, "MATRIX_HOMESERVER": synapse_url,
           "MATRIX_USER_ID": user(BOTS["grappe"]), "MATRIX_PASSWORD": password(BOTS["grappe"]),
           "PYTHONPATH": str(ROOT), **extra}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MATRIX_ACCESS_TOKEN", "PORT",
                 "GRAPPE_SERVE_HTTP", "GRAPPE_LOCALE"):
        if name not in extra:
            env.pop(name, None)
    return env


def grappe_child(env: dict[str, str], timeline: Path | None = None) -> Child:
    if timeline is not None:
        return Child("grappe", [sys.executable, str(ROOT / "bench" / "matrix_timeline.py")],
                     {**env, "GRAPPE_TIMELINE": str(timeline)}, ROOT)
    if os.environ.get("BENCH_WRAP"):
        return Child("grappe", [sys.executable, os.environ["BENCH_WRAP"]], env, ROOT)
    return Child("grappe", [sys.executable, "-m", "bot.cli", "run"], env, ROOT)


async def before_child(checkout: Path, folder: Path, synapse_url: str) -> Child:
    """``grappe run`` of another checkout, as its own bot, on a database its own code
    made (its ``prepare_db``: its migrations, its example directory)."""
    from tests.matrix.harness import password, user

    name, url = BOTS["before"], sqlite_url(folder / "before.db")
    env = {**grappe_env(url, synapse_url, MATRIX_USER_ID=user(name),
                        MATRIX_PASSWORD=password(name)), "PYTHONPATH": str(checkout)}
    made = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import asyncio, sys; from bench.slack_ack import prepare_db; "
        "asyncio.run(prepare_db(sys.argv[1]))", url, env=env, cwd=checkout)
    if await made.wait():
        raise RuntimeError(f"{checkout}: its database could not be made")
    return Child("before", [sys.executable, "-m", "bot.cli", "run"], env, checkout)


async def start_synapse(folder: Path) -> Any:
    from tests.matrix.harness import password
    from tests.matrix.synapse import PYTHON, Synapse

    if not PYTHON.exists():
        raise SystemExit(f"{PYTHON} is missing: run `make synapse`")
    server = Synapse(folder)
    await asyncio.to_thread(server.start)
    for name in (MEMBER, *BOTS.values()):  # "before" too: registered whether it runs or not
        await asyncio.to_thread(server.register, name, password(name))
    return server


async def direct_room(member: Any, bot_id: str) -> str:
    """A direct room of the member with ``bot_id``, once the bot joined it."""
    from nio import RoomPreset

    from tests.matrix.harness import joined

    room = str(await member.create_room(invite=[bot_id], is_direct=True,
                                        preset=RoomPreset.trusted_private_chat))
    await member.wait_for(lambda s: s.room_id == room and joined(bot_id)(s), within=60)
    return room


def opsdroid_child(folder: Path, synapse_url: str, room: str) -> Child:
    import json

    from tests.matrix.harness import password, user

    skill = folder / "echo_skill"
    skill.mkdir(parents=True)
    (skill / "__init__.py").write_text(OPSDROID_SKILL)
    config = {  # JSON is YAML
        "logging": {"level": "info", "console": True, "path": False},
        "welcome-message": False,
        "module-path": str(folder / "modules"),
        "web": {"host": "127.0.0.1", "port": _free_port()},
        "connectors": {"matrix": {
            "mxid": user(BOTS["opsdroid"]), "password": password(BOTS["opsdroid"]),
            "homeserver": synapse_url, "rooms": {"main": room},
            "store_path": str(folder / "store")}},
        "skills": {"echo": {"path": str(skill), "no-cache": True}},
    }
    path = folder / "configuration.yaml"
    path.write_text(json.dumps(config))
    env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"),
           "XDG_CONFIG_HOME": str(folder / "config")}
    return Child("opsdroid", [str(OPSDROID_PYTHON), "-m", "opsdroid", "start", "-f", str(path)],
                 env, folder)


def _free_port() -> int:
    from tests.matrix.synapse import free_port

    return free_port()


async def round_trip(member: Any, bot: Bot, within: float = WAIT) -> float:
    """Send ``TEXT`` to the bot's room; milliseconds until the member's sync shows its reply."""
    t0 = time.perf_counter()
    await member.say(bot.room, TEXT)
    reply, = await member.wait_for(lambda s: (
        s.room_id == bot.room and s.sender == bot.user_id
        and s.event.source.get("type") == "m.room.message"
        and s.event.event_id not in bot.answered), within=within)
    ms = (time.perf_counter() - t0) * 1000
    bot.answered.add(reply.event.event_id)
    return ms


async def answering(member: Any, bot: Bot, within: float = 90) -> None:
    """Wait until the bot answers (opsdroid skips what arrives before its first sync)."""
    deadline = time.perf_counter() + within
    while True:
        try:
            await round_trip(member, bot, within=3)
            break
        except AssertionError:
            if time.perf_counter() > deadline:
                raise
    await asyncio.sleep(3)  # late answers to the earlier tries are not counted later
    bot.answered |= {s.event.event_id for s in member.seen if s.sender == bot.user_id}


async def run(rounds: int, warmup: int, opsdroid: bool = True,
              profile: Path | None = None, compare: Path | None = None,
              timeline: Path | None = None) -> dict[str, Any]:
    from tests.matrix.harness import joined, password, user
    from tests.matrix.members import Member

    with tempfile.TemporaryDirectory(prefix="grappe-mx-") as tmp:
        folder = Path(tmp)
        calls = None if timeline is None else timeline / "grappe-timeline.json"
        if timeline is not None:
            await asyncio.to_thread(timeline.mkdir, parents=True, exist_ok=True)
        (folder / "synapse").mkdir()
        synapse = await start_synapse(folder / "synapse")
        bots: list[Bot] = []
        member = Member(synapse.url, user(MEMBER), password(MEMBER))
        skipped: str | None = None
        try:
            db_url = await prepare_db(sqlite_url(folder / "grappe.db"))
            grappe = Bot("grappe", grappe_child(grappe_env(db_url, synapse.url), calls),
                         user(BOTS["grappe"]))
            echo = Bot("nio-echo", Child("nio-echo", [
                sys.executable, "-m", "bench.matrix_roundtrip", "echo", synapse.url,
                user(BOTS["nio-echo"]), password(BOTS["nio-echo"])], None, ROOT),
                user(BOTS["nio-echo"]))
            started = [(grappe, "grappe is running"), (echo, "echo bot ready")]
            if compare is not None:
                started.append((Bot("before", await before_child(compare, folder, synapse.url),
                                    user(BOTS["before"])), "grappe is running"))
            for bot, ready in started:
                bots.append(bot)
                await bot.child.start()
                await bot.child.wait_line(ready)
            await member.start()
            for bot in bots:
                bot.room = await direct_room(member, bot.user_id)
            if opsdroid and OPSDROID_STAMP.exists():
                ops = Bot("opsdroid", Child("opsdroid", []), user(BOTS["opsdroid"]))
                ops.room = str(await member.create_room(invite=[ops.user_id], is_direct=True))
                ops.child = opsdroid_child(folder / "opsdroid", synapse.url, ops.room)
                bots.append(ops)
                await ops.child.start()
                await member.wait_for(lambda s: s.room_id == ops.room
                                      and joined(ops.user_id)(s), within=90)
                await answering(member, ops)
            elif opsdroid:
                skipped = f"{OPSDROID_STAMP} is missing (`make bench` installs opsdroid there)"
            result = await _measure(member, bots, rounds, warmup, synapse, skipped, profile)
        except BaseException:
            for bot in bots:
                print(f"--- {bot.name} (stderr, last lines)\n{bot.child.tail()}", file=sys.stderr)
            raise
        finally:
            try:
                await member.stop()
                for bot in reversed(bots):
                    await bot.child.stop()
            finally:
                await asyncio.to_thread(synapse.stop)
    if calls is not None:  # written by grappe at its exit
        from bench.matrix_timeline import summary

        result["timeline"] = summary(calls, rounds)
    return result


async def _measure(member: Any, bots: list[Bot], rounds: int, warmup: int, synapse: Any,
                   skipped: str | None, profile: Path | None) -> dict[str, Any]:
    for _ in range(warmup):
        for bot in bots:
            await round_trip(member, bot)
    spy = None
    if profile is not None:  # py-spy samples grappe during the measured rounds
        await asyncio.to_thread(profile.mkdir, parents=True, exist_ok=True)
        spy = Child("py-spy", [str(Path(sys.executable).parent / "py-spy"), "record", "-r", "250",
                               "--nonblocking", "-p", str(bots[0].child.pid), "-f", "raw",
                               "-o", str(profile / "grappe-matrix.txt")])
        await spy.start()
        await asyncio.sleep(1)
    cpu0 = {bot.name: cpu_seconds(bot.child.pid) for bot in bots}
    synapse_cpu0 = cpu_seconds(synapse.process.pid)
    t0 = time.perf_counter()
    for i in range(rounds):
        for k in range(len(bots)):  # interleaved; who goes first rotates
            bot = bots[(i + k) % len(bots)]
            bot.ms.append(await round_trip(member, bot))
    elapsed = time.perf_counter() - t0
    if spy is not None:
        await spy.stop(sig=signal.SIGINT)
    if os.environ.get("BENCH_SHOW_LOGS"):
        print(bots[0].child.tail(40), file=sys.stderr)
    runs = []
    for bot in bots:
        cpu = cpu_seconds(bot.child.pid) - cpu0[bot.name]
        runs.append({"bot": bot.name, "round_trip_ms": summary(bot.ms),
                     "median_ms": statistics.median(bot.ms),
                     "each_ms": [round(ms, 2) for ms in bot.ms],  # in the order of the rounds
                     "cpu_ms_per_round_trip": cpu * 1000 / rounds,
                     "rss_mb": round(rss_mb(bot.child.pid), 1)})
    synapse_cpu = cpu_seconds(synapse.process.pid) - synapse_cpu0
    return {"benchmark": "matrix_roundtrip", "machine": machine(), "rounds": rounds,
            "warmup": warmup, "text": TEXT, "runs": runs, "elapsed_s": round(elapsed, 1),
            "synapse_cpu_ms_per_round_trip": synapse_cpu * 1000 / (rounds * len(bots)),
            "opsdroid_skipped": skipped, "ratios": ratios(runs),
            "goal": f"grappe median ≤ {MATRIX_RATIO:.2f}× the bare nio echo bot"}


def ratios(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each bot / the bare nio echo bot, and grappe / "before" (``--compare``): median,
    p95, CPU."""
    by = {r["bot"]: r for r in runs}
    pairs = [(name, "nio-echo") for name in by if name != "nio-echo"] + [("grappe", "before")]
    return {f"{name}/{base}": _ratio(by[name], by[base])
            for name, base in pairs if name in by and base in by}


def _ratio(r: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    return {"median": round(r["median_ms"] / base["median_ms"], 3),
            "p95": round(r["round_trip_ms"]["p95"] / base["round_trip_ms"]["p95"], 3),
            "cpu": round(r["cpu_ms_per_round_trip"]
                         / max(base["cpu_ms_per_round_trip"], 1e-9), 2)}


def report(result: dict[str, Any]) -> str:
    rows = [[r["bot"], r["median_ms"], r["round_trip_ms"]["p95"], r["round_trip_ms"]["p99"],
             r["cpu_ms_per_round_trip"], r["rss_mb"]] for r in result["runs"]]
    text = table(["bot", "median ms", "p95 ms", "p99 ms", "cpu ms/rt", "rss MB"], rows)
    for name, r in result["ratios"].items():
        text += f"\n{name}: " + ", ".join(f"{k} {v:.3f}x" for k, v in r.items())
    if result["opsdroid_skipped"]:
        text += f"\nopsdroid skipped: {result['opsdroid_skipped']}"
    for step, value in result.get("timeline", {}).items():
        text += f"\ngrappe's timeline (median): {step} {value}"
    return text + (f"\nSynapse CPU {result['synapse_cpu_ms_per_round_trip']:.1f} ms per round "
                   f"trip; {result['rounds']} rounds in {result['elapsed_s']} s"
                   f"\n(goal: grappe's median ≤ {MATRIX_RATIO:.2f}× the bare nio echo bot)")


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["echo"]:
        asyncio.run(echo_bot(*argv[1:4]))
        return None
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-opsdroid", action="store_true")
    parser.add_argument("--results", type=Path, default=None)
    parser.add_argument("--profile", type=Path, default=None,
                        help="write py-spy's samples of grappe (raw stacks) in this folder")
    parser.add_argument("--compare", type=Path, default=None,
                        help="another checkout of grappe, run beside this one as \"before\"")
    parser.add_argument("--timeline", type=Path, default=None,
                        help="time stamps along grappe's path, kept in this folder")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.rounds, args.warmup, not args.no_opsdroid, args.profile,
                             args.compare, args.timeline))
    print(report(result))
    print(f"→ {write_result('matrix_roundtrip', result, args.results)}")
    return result


if __name__ == "__main__":
    main()
