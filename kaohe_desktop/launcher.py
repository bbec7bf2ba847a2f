"""The `kaohe` entry point: the window when no subcommand is given, else the command line.

Kept apart from the `cli` package so that starting the window does not first import every
service (and SQLAlchemy) before anything is on screen.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _window_args(argv: Sequence[str]) -> tuple[str | None, bool] | None:
    """(database, demo) when argv asks only for the window, else None."""
    db: str | None = None
    demo = False
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--demo":
            demo = True
        elif arg == "--db" and rest:
            db = rest.pop(0)
        elif arg.startswith("--db="):
            db = arg.removeprefix("--db=")
        else:
            return None
    return db, demo


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    window = _window_args(args)
    if window is not None:
        from kaohe_desktop.settings import DB_ENV
        from kaohe_desktop.ui.app import run_app

        db, demo = window
        return run_app(db or os.environ.get(DB_ENV) or None, demo=demo)
    from kaohe_desktop.cli import main as cli_main

    return cli_main(args)
