"""The ``grappe`` command.

A bare ``grappe run`` — what ``make run`` and the Procfile's worker start — goes straight
to ``bot.cli_run``: building the typer app (typer, its click, every subcommand and the
exporters they import) would cost the running bot about 2 MB of memory for a command line
it does not use. Every other command line, ``grappe run --help`` and ``grappe run`` with
options included, is the typer app's (``bot.cli_app``), which runs the same functions.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """The ``grappe`` console script (and ``python -m bot.cli``)."""
    if sys.argv[1:] == ["run"]:
        from bot.cli_run import run

        try:
            run()
        except KeyboardInterrupt:  # as typer ends it: exit code 130, no traceback
            raise SystemExit(130) from None
        return
    from bot.cli_app import app

    app()


def __getattr__(name: str) -> Any:
    """``bot.cli.app``, the typer app, for those that still import it from here (a console
    script installed before ``main``)."""
    if name == "app":
        from bot.cli_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    main()
