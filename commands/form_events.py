"""Forms on the one path: when a form opens instead of a command running, and what a
filled form means (the command or the answer a person would have typed)."""

from __future__ import annotations

from commands import forms
from commands.context import Context
from commands.events import Action, Command, Inbound, Submission, Thread
from commands.prefixes import strip_prefix
from commands.registry import Registry, Role


async def form_for(ctx: Context, registry: Registry) -> forms.Form | None:
    """A form to open instead of running: a command with a form given no arguments,
    or a choice that asks for text, where the platform can show one."""
    event = ctx.event
    if isinstance(event, Action) and event.asks is not None and not event.value:
        ref = event.thread.object_ref
        return forms.Form(
            key=f"{forms.ANSWER}{ref}:{event.action}", title=ctx.tr("Your answer"),
            submit=ctx.tr("Record"), cancel=ctx.tr("Cancel"),
            fields=[forms.FormField(name="answer", label=event.asks, max_length=500)],
            place=event.thread.channel, message_id=event.thread.message_id)
    if not (isinstance(event, Command) and event.forms):
        return None
    found = registry.match(strip_prefix(event.text))
    if found is None or found[1] or found[0].form is None:
        return None
    spec, _ = found
    if spec.role is Role.COORDINATOR and not ctx.is_coordinator:
        return None  # the command itself says who may
    ctx.spec = spec
    assert spec.form is not None
    return forms.Form(key=f"{forms.COMMAND}{spec.name}", title=ctx.tr(spec.form.title),
                      submit=ctx.tr(spec.form.submit), cancel=ctx.tr("Cancel"),
                      fields=await spec.form.fields(ctx), place=event.place)

def as_typed(event: Inbound, registry: Registry) -> Inbound:
    """A form's submission as the command or the answer a person would have typed."""
    if not isinstance(event, Submission):
        return event
    if event.form.startswith(forms.ANSWER):
        ref, _, action = event.form.removeprefix(forms.ANSWER).partition(":")
        return Action(actor=event.actor, action=action, event_id=event.event_id,
                      value=forms.text_of(event.values, "answer"),
                      thread=Thread(object_ref=ref or None, channel=event.place,
                                    message_id=event.message_id))
    spec = registry.named(event.form.removeprefix(forms.COMMAND))
    args = spec.form.text(event.values) if spec is not None and spec.form else ""
    keyword = spec.name if spec is not None else "aide"
    return Command(actor=event.actor, event_id=event.event_id, place=event.place,
                   text=f"/grappe {keyword} {args}".rstrip())
