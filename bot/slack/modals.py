"""Neutral forms ↔ Slack modals. Pure functions, no I/O.

Any ``commands.forms.Form`` becomes a modal (one input block per field); its
submission becomes a neutral ``Submission`` with the values by field name. The
adapter knows no command: which form, its fields and what the values mean are the
core's (the command family that declares the form).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from commands.events import Actor, Submission
from commands.forms import Form, FormField

CALLBACK = "grappe:form"
MAX_OPTIONS = 100
TITLE_LIMIT = 24


def _plain(text: str, limit: int = 2000) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def _element(field: FormField) -> dict[str, Any]:
    element: dict[str, Any]
    if field.kind == "date":
        element = {"type": "datepicker"}
    elif field.kind == "choices":
        element = {"type": "multi_static_select", "options": [
            {"text": _plain(o.label, 75), "value": o.value[:150]}
            for o in field.options[:MAX_OPTIONS]]}
    else:
        element = {"type": "plain_text_input", "max_length": field.max_length,
                   "multiline": field.kind == "long_text"}
    if field.placeholder:
        element["placeholder"] = _plain(field.placeholder, 150)
    return {"action_id": "value", **element}


def _input(field: FormField) -> dict[str, Any]:
    return {"type": "input", "block_id": field.name, "label": _plain(field.label),
            "optional": field.optional, "element": _element(field)}


def modal(form: Form) -> dict[str, Any]:
    """The modal of ``form``; its key and where it was opened ride in the metadata."""
    fields = [f for f in form.fields if f.kind != "choices" or f.options]
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": _plain(form.title, TITLE_LIMIT),
        "submit": _plain(form.submit, TITLE_LIMIT),
        "close": _plain(form.cancel, TITLE_LIMIT),
        "private_metadata": json.dumps({"form": form.key, "channel": form.place,
                                        "ts": form.message_id}),
        "blocks": [_input(f) for f in fields],
    }


def _value(state: Mapping[str, Any]) -> Any:
    """A field's value as Slack gives it: a text, chosen options, a date."""
    if "selected_options" in state:
        return [o.get("value") for o in state.get("selected_options") or []]
    if "selected_date" in state:
        return state.get("selected_date")
    return state.get("value")


def parse_submission(actor: Actor, view: Mapping[str, Any]) -> Submission | None:
    """A submitted modal → the neutral submission of its form."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    if view.get("callback_id") != CALLBACK or not isinstance(meta, dict) or not meta.get("form"):
        return None
    values = (view.get("state") or {}).get("values") or {}
    return Submission(
        actor=actor, form=str(meta["form"]), event_id=f"view:{view['id']}",
        values={name: _value((block or {}).get("value") or {}) for name, block in values.items()},
        place=meta.get("channel"), message_id=meta.get("ts"))
