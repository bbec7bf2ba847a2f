"""`kaohe` opens the window for no subcommand and hands everything else to the CLI."""

from __future__ import annotations

import subprocess
import sys

from kaohe_desktop.launcher import _window_args


def test_window_arguments():
    assert _window_args([]) == (None, False)
    assert _window_args(["--demo"]) == (None, True)
    assert _window_args(["--db", "甲 乙.db"]) == ("甲 乙.db", False)
    assert _window_args(["--db=x.db", "--demo"]) == ("x.db", True)
    assert _window_args(["rank", "1"]) is None
    assert _window_args(["--version"]) is None


def test_window_start_does_not_load_the_command_line(tmp_path):
    code = ("import sys, kaohe_desktop.launcher, kaohe_desktop.ui.app; "
            "print('kaohe_desktop.cli' in sys.modules, 'sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}).stdout
    assert out.split() == ["False", "False"]
