"""The backups beside the database from the command line:

    kaohe backup list [--json]
    kaohe backup restore [BACKUP] [--to NEW.db] [--json]   (with accounts: --user, a 管理员)

BACKUP is a file name from the list, its number there (1 = newest) or a path; without it
the newest backup that checks whole. Without --to the backup replaces the database after
a copy of the current file is kept. These commands work on the file itself (not through
`open_db`): they are what a damaged database is repaired with.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.accounts import credentials
from kaohe_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    AddCommand,
    add_group,
    pad,
    print_json,
    print_problems,
)
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import accounts
from kaohe_desktop.services.backup import (
    find_backup,
    list_backups,
    login_on_file,
    restore_backup,
    restore_needs_login,
)
from kaohe_desktop.services.database import MigrationFailed, open_db
from kaohe_desktop.services.permissions import Actor


def cmd_list(path: Path, args: argparse.Namespace) -> None:
    found = list_backups(path)
    if args.json:
        print_json([b.to_dict() for b in found])
        return
    if not found:
        print(f"没有备份（{path.parent / 'backups'}）")
        return
    for n, b in enumerate(found, 1):
        state = "完好" if b.ok else f"已损坏：{b.problem[:60]}"
        print(f"{n:>3}  {b.taken_at:%Y-%m-%d %H:%M:%S}  {pad(b.reason_text, 16)}{pad(state, 8)}"
              f"{b.holds()}  {b.path.name}")


def _restore_actor(path: Path, backup: Path, args: argparse.Namespace) -> Actor | None:
    """Who is restoring, when the database has accounts: logged in through the database
    when it opens (failed tries counted as for any command), else checked read-only
    against the accounts of the damaged file or the backup."""
    if not restore_needs_login(path, backup):
        return None
    given = credentials(args)
    if given is None:
        return None  # the service refuses, saying a 管理员 must log in
    try:
        db = open_db(path)
    except (InputError, MigrationFailed):  # damaged or not openable: what restoring is for
        return login_on_file(path, backup, *given)
    try:
        return accounts.login(db, *given)
    finally:
        db.close()


def cmd_restore(path: Path, args: argparse.Namespace) -> None:
    info = find_backup(path, args.backup)
    actor = _restore_actor(path, info.path, args)
    result = restore_backup(path, info, into=args.to, actor=actor)
    if args.json:
        print_json({"restored": str(result.restored), "backup": str(result.backup),
                    "kept_copy": str(result.kept_copy) if result.kept_copy else None,
                    "kept_copy_damaged": result.kept_copy_damaged})
        return
    print(f"已从备份 {info.path.name}（{info.taken_at:%Y-%m-%d %H:%M}，{info.holds()}）"
          f"恢复到 {result.restored}")
    if result.kept_copy is not None:
        what = "原文件已损坏，原样保存在" if result.kept_copy_damaged else "恢复前的数据库已备份为"
        print(f"{what} {result.kept_copy}")


def add_backup_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe backup list|restore`."""
    grp = add_group(sub, "backup", "数据库备份：列出、恢复")
    sp = add(grp, "list", cmd_list, "列出备份（时间、原因、是否完好、所含站点/人员/考核/评分数）")  # type: ignore[arg-type]
    sp.set_defaults(file_only=True)
    sp = add(grp, "restore", cmd_restore,  # type: ignore[arg-type]
             "从备份恢复：覆盖当前数据库（先备份当前文件）或 --to 恢复为新文件")
    sp.add_argument("backup", nargs="?", help="备份文件名、序号（1 为最新）或路径；不写则用最新的完好备份")
    sp.add_argument("--to", type=Path, help="恢复为这个新文件（不覆盖已有文件），当前数据库不变")
    sp.set_defaults(file_only=True)


def run_on_file(args: argparse.Namespace, target: str | Path) -> int:
    """Run a `file_only` command on the database path itself; the exit code."""
    text = str(target)
    if "://" in text:
        print("错误：备份与恢复只用于本机的数据库文件（PostgreSQL 请在服务器上备份）", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        args.func(Path(text).expanduser().resolve(), args)
    except InputError as exc:
        print_problems(exc)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"错误：无法读写文件 {exc.filename or ''}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
