"""What is wrong in a directory file, said in the person's language and at its place.

A problem is a message id and its parameters (translated where it is shown: the command
line, a log), and its place in the file in the file's own words: the table and the
entry's key — ``enterprises[3] (compta-plus).people[0] (nadia).role`` — so that the
person finds the line without counting. pydantic's refusals are read back into our
messages by their ``type`` (``PYDANTIC``), the patterns by what they stand for
(``PATTERNS``); an unknown one keeps pydantic's English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from commands.i18n import N_, Translator, one_of

# the key an entry of each table is known by, to name it beside its index
ENTRY_KEYS = ("slug", "handle", "name")
THE_FILE = N_("the file")


@dataclass(frozen=True)
class Problem:
    """One error of the file: ``message`` is a catalog id whose ``{where}`` is its place."""

    message: str
    where: str
    params: Mapping[str, object] = field(default_factory=dict)
    translated: tuple[str, ...] = ()  # the params that are message ids themselves

    def text(self, t: Translator) -> str:
        params = {k: t.t(str(v)) if k in self.translated else v for k, v in self.params.items()}
        if "expected" in params and self.message == PYDANTIC["literal_error"]:
            params["expected"] = one_of(t, str(params["expected"]))
        return t.t(self.message, where=self.where or t.t(THE_FILE), **params)

    def __str__(self) -> str:  # the English, for logs and tests
        return self.message.format(where=self.where or THE_FILE, **self.params)


def place(loc: Sequence[int | str], raw: Any) -> str:
    """``("enterprises", 3, "people", 0, "role")`` as the person finds it in the file."""
    where = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            where += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            key = next((node[k] for k in ENTRY_KEYS if isinstance(node, dict)
                        and isinstance(node.get(k), str) and node[k]), None)
            if key:
                where += f" ({key})"
        else:
            where += f".{part}" if where else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return where


PYDANTIC = {
    "missing": N_("{where}: this field is required."),
    "extra_forbidden": N_("{where}: this field is unknown (a typo?)."),
    "literal_error": N_("{where}: the possible values are {expected}."),
    "string_too_short": N_("{where}: must not be empty."),
    "string_too_long": N_("{where}: at most {max_length} characters."),
    "string_type": N_("{where}: a text between quotes is expected."),
    "int_parsing": N_("{where}: a whole number is expected."),
    "int_type": N_("{where}: a whole number is expected."),
    "int_from_float": N_("{where}: a whole number is expected."),
    "float_parsing": N_("{where}: a number is expected."),
    "float_type": N_("{where}: a number is expected."),
    "bool_type": N_("{where}: true or false is expected."),
    "bool_parsing": N_("{where}: true or false is expected."),
    "greater_than_equal": N_("{where}: at least {ge} is expected."),
    "greater_than": N_("{where}: more than {gt} is expected."),
    "less_than_equal": N_("{where}: at most {le} is expected."),
    "list_type": N_("{where}: a list is expected, like [\"a\", \"b\"]."),
    "model_type": N_("{where}: a table is expected."),
    "model_attributes_type": N_("{where}: a table is expected."),
    "dict_type": N_("{where}: a table is expected."),
}
PATTERN_MISMATCH = N_("{where}: “{value}” is not {expected}.")
NOT_UNDERSTOOD = N_("{where}: {detail}")


def from_pydantic(error: Any, raw: Any, patterns: Mapping[str, str]) -> Problem:
    """One of pydantic's errors (``ValidationError.errors()``) as a problem of ours;
    ``patterns`` says what a value of each of the schema's patterns looks like."""
    where = place(error["loc"], raw)
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, FileValueError):
        return Problem(cause.message, where, cause.params)
    if error["type"] == "string_pattern_mismatch" and ctx.get("pattern") in patterns:
        return Problem(PATTERN_MISMATCH, where, {"value": error.get("input"),
                                                 "expected": patterns[ctx["pattern"]]},
                       translated=("expected",))
    known = PYDANTIC.get(error["type"])
    if known is not None:
        return Problem(known, where, {k: v for k, v in ctx.items() if k != "error"})
    return Problem(NOT_UNDERSTOOD, where, {"detail": error["msg"]})


class FileValueError(ValueError):
    """A validator's refusal in the file's words: ``message`` is an id with ``{where}``."""

    def __init__(self, message: str, **params: object):
        super().__init__(message.format(where="", **params))
        self.message = message
        self.params = params
