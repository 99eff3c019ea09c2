"""A tiny test-only command family on a throwaway registry: a card with a choice, its thread.

``!grappe carte <text>`` posts card T-1 (mentioning its author, quoting the
text); a 👍 on it is the ``interested`` action; a text answer in its thread is
echoed there and acknowledged with ✅.
"""

from __future__ import annotations

from commands.context import Context
from commands.messages import Choice, Choices, Heading, para
from commands.registry import Registry, command, on_action, on_reply


def card_family() -> Registry:
    registry = Registry()

    @command(("carte", "card"), usage="!grappe carte <text>", summary="test card",
             registry=registry)
    async def card(ctx: Context, args: str) -> None:
        ctx.object_ref = "T-1"
        ctx.post(Heading(text="T-1 · test"),
                 para("Demande de ", await ctx.mention(ctx.person), " : ", args),
                 Choices(object_ref="T-1", options=[
                     Choice(action="interested", label="Intéressé", emoji="👍")]),
                 card_of="T-1")

    @on_action("T", emojis={"👍": "interested"}, registry=registry)
    async def act(ctx: Context, action: str) -> None:
        assert ctx.object_ref is not None
        ctx.in_thread(ctx.object_ref, para(f"{ctx.person.handle} → {action}"))

    @on_reply("T", registry=registry)
    async def reply(ctx: Context, text: str) -> None:
        assert ctx.object_ref is not None
        ctx.in_thread(ctx.object_ref, para(f"{ctx.person.handle} a écrit : {text}"))
        ctx.acknowledge()

    return registry
