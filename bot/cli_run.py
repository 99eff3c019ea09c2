"""What ``grappe run`` does, without typer: ``bot.cli`` runs it straight away for a bare
``grappe run`` (the typer app, its subcommands and their exporters stay unloaded: about
2 MB of a running bot's memory), and the typer app's ``run`` and ``console`` commands call
the same functions. An exit is ``SystemExit``, which typer lets through with its code."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from commands.errors import SettingValueError
from commands.i18n import N_, one_of, operator

# the operator's language, as bot.cli_texts.T (the same translator), without that module:
# its typer texts and their patterns are the typer app's
T = operator()

# pydantic's errors on the kinds of settings grappe has, in the person's language
SETTING_ERRORS = {
    "int_parsing": N_("a whole number is expected"),
    "float_parsing": N_("a number is expected"),
    "bool_parsing": N_("yes or no is expected (true, false, 1 or 0)"),
    "literal_error": N_("the possible values are {expected}"),
}


def fail(message: str, code: int = 2) -> None:
    """Say ``message`` on stderr and leave with ``code``."""
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(code)


def settings(service: bool | None = False):  # type: ignore[no-untyped-def]
    """The settings, with logging configured (INFO by default for a running service;
    ``None``: a service unless the console is all they run)."""
    from pydantic import ValidationError

    from bot import logs
    from bot.config import Settings

    try:
        found = Settings()
    except ValidationError as exc:  # a person's mistake in the environment: no traceback
        for error in exc.errors():
            where = ", ".join(str(part) for part in error["loc"]) or "?"
            print(T.t("Setting {name} is not valid: {error}", name=where,
                      error=setting_error(error)), file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if service is None:
        service = found.platforms != ["console"]
    logs.configure(found.log_level or ("INFO" if service else "WARNING"), found.log_format)
    return found


def setting_error(error: Any) -> str:
    """What is wrong with a setting, translated: ours (SettingValueError), pydantic's
    usual ones, else pydantic's own English text."""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, SettingValueError):
        return T.t(cause.message, **cause.params)
    known = SETTING_ERRORS.get(error["type"])
    if known is not None:
        ctx = error.get("ctx") or {}
        if "expected" in ctx:
            ctx = {**ctx, "expected": one_of(T, ctx["expected"])}
        return T.t(known, **ctx)
    return str(error["msg"]).removeprefix("Value error, ")


def run_platforms(configured: Any) -> None:
    """Run the platforms; a start a person must fix (a refused token) is said, no traceback."""
    from bot.adapters.base import StartRefused
    from bot.runner import run_platforms as run_them

    try:
        asyncio.run(run_them(configured, whole_process=True))
    except StartRefused as exc:
        fail(str(exc), code=1)


def run(script: Path | None = None, as_handle: str | None = None) -> None:
    """``grappe run``: Slack and/or Matrix when configured, else the console."""
    configured = settings(service=None)  # read once
    if configured.platforms == ["console"]:
        console(script=script, as_handle=as_handle, configured=configured)
        return
    run_platforms(configured)


def console(script: Path | None = None, as_handle: str | None = None,
            configured: Any = None) -> None:
    """``grappe console``: the console, a script when stdin is not a terminal."""
    from bot.console_session import run_console

    configured = settings() if configured is None else configured
    if script is not None and not script.is_file():
        fail(T.t("No such file: {path}", path=script))
    lines = script.read_text(encoding="utf-8").splitlines() if script else None
    raise SystemExit(asyncio.run(run_console(configured, lines=lines,
                                             default_handle=as_handle,
                                             resumable=script is not None)))
