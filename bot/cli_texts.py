"""The command line's own texts in the person's language: typer's and its click's.

typer 0.29 carries its own copy of click (``typer._click``) whose texts — "Usage:", "Show
this message and exit.", "Missing argument 'FILE'.", "No such option: --x" — are English
literals, not gettext lookups; only ``typer.core`` and ``typer.rich_utils`` still call
``gettext``, in the default domain, from ``.mo`` files on disk. grappe's catalogs are
compiled in memory (``commands.i18n``), so ``install`` puts grappe's translator at the
few places where those texts are made:

- typer's gettext lookups (``typer.core._``) and the rich help's titles (constants read
  once, at import), translated through the ids of ``click.po``; typer imports
  ``typer.rich_utils`` (and rich, ~7 MB) only to print a help or an error, so its part
  is put in place when it is imported (``_when_imported``), never by ``grappe run``;
- the usage line's prefix and the help option's help;
- a usage error's message, read back by ``ERRORS`` (click's English → a message id
  of ours, its parts as parameters) when typer prints it.

``tests/test_cli.py`` runs the command line in both languages, so that a new typer that
moves these texts shows up there.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from commands.i18n import N_, Translator, operator

if TYPE_CHECKING:  # typer is imported by what builds the typer app (bot.cli_app), not
    # by those that only need T (a bare `grappe run`, the console)
    import typer

# the command line's language: GRAPPE_LOCALE, French by default
T = operator()

# typer.rich_utils: constant → typer's English text (an id of click.po)
RICH_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ", "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]", "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands", "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
USAGE = N_("Usage:")
HELP_OPTION = N_("Show this message and exit.")

# A usage error as typer's click words it (English) → our message id; a group named
# ``detail`` is itself read again (``Invalid value for 'X': <the value's error>``).
ERRORS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern, re.S), message) for
                                              pattern, message in (
    # typer's own suggestion, in English after click's translated message
    (r"(?P<detail>.+)\. Did you mean (?P<suggestions>.+)\?",
     N_("{detail}. Did you mean {suggestions}?")),
    (r"Missing argument '(?P<name>.+)'\.", N_("Missing argument '{name}'.")),
    (r"Missing option '(?P<name>.+)'\.", N_("Missing option '{name}'.")),
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
     N_("No such option: {name} (Possible options: {options})")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"Got unexpected extra arguments? \((?P<args>.+)\)",
     N_("Got unexpected extra argument(s) ({args})")),
    (r"Option '(?P<name>.+)' requires an argument\.", N_("Option '{name}' requires a value.")),
    (r"Option '(?P<name>.+)' requires (?P<n>\d+) arguments\.",
     N_("Option '{name}' requires {n} values.")),
    (r"Option '(?P<name>.+)' does not take a value\.",
     N_("Option '{name}' does not take a value.")),
    (r"Invalid value for '(?P<name>.+?)': (?P<detail>.+)",
     N_("Invalid value for '{name}': {detail}")),
    (r"Input should be a valid integer.*", N_("a whole number is expected")),
    (r"Input should be a valid number.*", N_("a number is expected")),
    (r"(?:Value error, )?'(?P<value>.+)' is not one of (?P<choices>.+)\.",
     N_("'{value}' is not one of {choices}.")),
    (r"(?:file|dir|path) '(?P<name>.+)' does not exist\.", N_("'{name}' does not exist.")),
)]

# a parameter's type as typer's help shows it (<int>) → ours; None: not shown (a flag)
TYPE_NAMES: dict[str, str | None] = {
    "bool": None, "str": N_("text"), "int": N_("whole number"), "float": N_("number"),
    "path": N_("path"), "file": N_("file"), "dir": N_("folder"), "datetime": N_("date"),
}


def group(help_text: str, **options: Any) -> typer.Typer:
    """A group of commands (``grappe db``, ``grappe export``…) whose usage line is in
    the person's language."""
    import typer

    return typer.Typer(help=help_text, no_args_is_help=True,
                       subcommand_metavar=T.t("COMMAND [ARGS]..."), **options)


YES = frozenset({"o", "oui", "y", "yes"})  # a confirmation, in either language


def confirm(question: str, t: Translator = T) -> bool:
    """Ask ``question``; yes only when the person says so (o, oui, y, yes), in place of
    click's prompt, which only knows y/yes and says "[y/N]" in English."""
    try:
        answer = input(t.t("{question} [y/N] ", question=question))
    except EOFError:
        return False
    return answer.strip().casefold() in YES


def usage_error(message: str, t: Translator) -> str:
    """A usage error of typer's click in ``t``'s language (as it is when none matches)."""
    for pattern, message_id in ERRORS:
        match = pattern.fullmatch(message)
        if match:
            parts = match.groupdict()
            if "detail" in parts:
                parts["detail"] = usage_error(parts["detail"], t)
            return t.t(message_id, **parts)
    return message


def _wrap(owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]
          ) -> None:
    """``owner.name`` becomes ``make(original)``; installing again wraps typer's own, once."""
    original = getattr(owner, name)
    setattr(owner, name, make(getattr(original, "__wrapped_by_grappe__", original)))
    getattr(owner, name).__wrapped_by_grappe__ = getattr(
        original, "__wrapped_by_grappe__", original)


class _WhenImported(importlib.abc.MetaPathFinder):
    """Runs ``then`` on module ``name`` once it is executed, wherever it is imported from."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]):
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if spec is None or not isinstance(loader, importlib.abc.Loader):
            return spec
        found: importlib.abc.Loader = loader
        execute, then = found.exec_module, self.then

        class Patched(importlib.abc.Loader):
            def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
                return found.create_module(spec)

            def exec_module(self, module: ModuleType) -> None:
                execute(module)
                then(module)

        spec.loader = Patched()
        return spec


def _when_imported(name: str, then: Callable[[ModuleType], None]) -> None:
    """``then(module)`` now if ``name`` is imported already, else as soon as it is."""
    if name in sys.modules:
        then(sys.modules[name])
        return
    for finder in sys.meta_path:
        if isinstance(finder, _WhenImported) and finder.name == name:
            finder.then = then  # installed again: the latest translator is the one
            return
    sys.meta_path.insert(0, _WhenImported(name, then))


def install(t: Translator) -> None:
    """From now on typer's help and usage errors speak ``t``'s language."""
    catalog = t.catalog
    core = importlib.import_module("typer.core")
    formatting = importlib.import_module("typer._click.formatting")
    click_core = importlib.import_module("typer._click.core")
    core._ = catalog.gettext  # type: ignore[attr-defined]

    def usage_prefix(write: Callable[..., None]) -> Callable[..., None]:
        def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None
                        ) -> None:
            write(self, prog, args, f"{t.t(USAGE)} " if prefix is None else prefix)
        return write_usage

    def help_text(get: Callable[..., Any]) -> Callable[..., Any]:
        def get_help_option(self: Any, ctx: Any) -> Any:
            option = get(self, ctx)
            if option is not None:
                option.help = t.t(HELP_OPTION)
            return option
        return get_help_option

    def translated_error(show: Callable[[Any], None]) -> Callable[[Any], None]:
        def rich_format_error(error: Any) -> None:
            message = usage_error(error.format_message(), t)
            error.format_message = lambda: message
            show(error)
        return rich_format_error

    def type_name(display: Callable[..., str]) -> Callable[..., str | None]:
        def display_type(self: Any, ctx: Any) -> str | None:
            shown = display(self, ctx)
            bare = shown.removeprefix("<").removesuffix(">")
            if bare not in TYPE_NAMES:
                return shown
            name = TYPE_NAMES[bare]
            return None if name is None else f"<{t.t(name)}>"
        return display_type

    def rich_texts(rich: ModuleType) -> None:
        for constant, text in RICH_CONSTANTS.items():
            setattr(rich, constant, catalog.gettext(text))
        _wrap(rich, "rich_format_error", translated_error)

    _wrap(formatting.HelpFormatter, "write_usage", usage_prefix)
    _wrap(click_core.Command, "get_help_option", help_text)
    _wrap(core._TyperParameter, "display_type", type_name)
    _when_imported("typer.rich_utils", rich_texts)
