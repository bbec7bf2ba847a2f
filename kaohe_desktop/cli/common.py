"""What every command group of the command line shares.

Exit codes, `CliError`, the parser class whose errors exit 2, the `--db/--json` options
every command takes, the `add(parent, name, func, help)` helper that the groups register
their commands with, and the printing helpers: display-width padding, JSON output and the
one-line-per-problem report of bad input. The command modules import this; it imports
none of them.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services.database import Database
from kaohe_desktop.settings import DB_ENV

USER_ENV, PASSWORD_ENV = "KAOHE_USER", "KAOHE_PASSWORD"

EXIT_OK = 0
EXIT_FAILED = 1  # the database or a file could not be used
EXIT_BAD_INPUT = 2  # one line per problem on stderr, nothing written

# More problems than this are counted, not listed: a bad workbook can have thousands.
MAX_PROBLEM_LINES = 50

Command = Callable[[Database, argparse.Namespace], None]
AddCommand = Callable[[Any, str, Command, str], argparse.ArgumentParser]


class CliError(Exception):
    """A usage problem found after parsing (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse with the usage errors in Chinese and exit code 2 like other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def shared_options(defaults: bool) -> argparse.ArgumentParser:
    """A parent parser with --db, --json, --user and --password-stdin.

    Subcommands repeat --db/--json so they work on either side of the subcommand; there
    their defaults are suppressed (`defaults=False`), or they would overwrite the
    top-level value.
    """
    parent = argparse.ArgumentParser(add_help=False)
    keep = {} if defaults else {"default": argparse.SUPPRESS}
    parent.add_argument("--db", help=f"数据库文件（默认：用户数据目录，环境变量 {DB_ENV} 可覆盖）",
                        **keep)
    parent.add_argument("--json", action="store_true", help="以 JSON 输出", **keep)
    parent.add_argument("--user", help=f"以此账户登录（数据库有账户时必需；环境变量 {USER_ENV}）",
                        **keep)
    parent.add_argument("--password-stdin", action="store_true",
                        help=f"从标准输入读密码（未设 {PASSWORD_ENV} 时第一行是登录密码；新密码在其后）",
                        **keep)
    return parent


def command_adder(common: argparse.ArgumentParser) -> AddCommand:
    """The `add(parent, name, func, help)` helper the groups register commands with: each
    command gets the shared options and runs `func(db, args)`."""

    def add(parent: Any, name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, help=help_text, parents=[common])
        sp.set_defaults(func=func)
        return sp

    return add


def add_group(sub: Any, name: str, help_text: str) -> Any:
    """`kaohe NAME …`: a command whose sub-commands are required; returns their subparsers.

    The sub-commands' parser class is the group's own, so they report errors the same way.
    """
    parent = sub.add_parser(name, help=help_text)
    return parent.add_subparsers(dest="sub", required=True, parser_class=type(parent))


def display_width(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: object, width: int, right: bool = False) -> str:
    """Pad to a display width (see `display_width`), on the left when `right`."""
    text = str(text)
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def name_width(names: list[str]) -> int:
    """A column wide enough for the longest name plus two, at least 12."""
    return max([12, *(display_width(n) + 2 for n in names)])


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_problems(exc: InputError) -> None:
    """Bad input on stderr: one line per problem, and that nothing was written."""
    lines = exc.lines()
    if len(lines) == 1:
        print(f"错误：{lines[0]}（未写入任何数据）", file=sys.stderr)
        return
    for line in lines[:MAX_PROBLEM_LINES]:
        print(f"错误：{line}", file=sys.stderr)
    hidden = len(lines) - MAX_PROBLEM_LINES
    more = f"，另有 {hidden} 处未列出" if hidden > 0 else ""
    print(f"共 {len(lines)} 处问题{more}；未写入任何数据。", file=sys.stderr)
