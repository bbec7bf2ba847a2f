"""The backups of the database from the command line:

    kaohe backup create [--out FILE] [--json]
    kaohe backup list [--json]
    kaohe backup restore [BACKUP] [--to NEW.db] [--json]   (with accounts: --user, a 管理员)

BACKUP is a file name from the list, its number there (1 = newest) or a path; without it
the newest backup that checks whole. Without --to the backup replaces the database after
a copy of the current file is kept. On a SQLite file these commands work on the file
itself (not through `open_db`): they are what a damaged database is repaired with.

On a PostgreSQL server (`--db postgresql://…`) a backup is the program's own portable
dump (services/server_backup.py), kept in the data folder of the PC that made it or
written to `--out`; `restore` replaces the server database's data with a dump's after
dumping what it holds now. `create --out` writes such a dump of a SQLite file as well.
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
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.services import accounts, server_backup
from kaohe_desktop.services.backup import (
    find_backup,
    list_backups,
    login_on_file,
    restore_backup,
    restore_needs_login,
)
from kaohe_desktop.services.database import Database, MigrationFailed, open_db
from kaohe_desktop.services.permissions import Actor
from kaohe_desktop.store.db import backup_sqlite, safe_url
from kaohe_desktop.store.dump import DumpInfo


def _dump_dict(info: DumpInfo) -> dict[str, object]:
    return {"file": info.path.name, "path": str(info.path), "taken_at": info.created_at,
            "schema_revision": info.revision, "counts": info.counts, "ok": True}


def cmd_create(target: Path | Database, args: argparse.Namespace) -> None:
    if isinstance(target, Path) and args.out is None:
        made = backup_sqlite(target, "manual")
        print_json({"file": made.name, "path": str(made)}) if args.json else print(f"已备份到 {made}")
        return
    if isinstance(target, Path):  # a portable dump of the file (e.g. to move it to the server)
        db = open_db(target)
        try:
            info = server_backup.dump_database(db, "manual", args.out)
        finally:
            db.close()
    else:
        info = server_backup.dump_database(target, "manual", args.out)
    if args.json:
        print_json(_dump_dict(info))
        return
    print(f"已备份到 {info.path}（{info.holds()}）")


def _server_list(db: Database, args: argparse.Namespace) -> None:
    found = server_backup.list_dumps(db)
    if args.json:
        print_json([_dump_dict(d) for d in found])
        return
    if not found:
        print(f"没有备份（{server_backup.dump_folder(db)}）")
        return
    for n, d in enumerate(found, 1):
        print(f"{n:>3}  {d.created_at}  {d.holds()}  {d.path.name}")


def _server_restore(db: Database, args: argparse.Namespace) -> None:
    if args.to is not None:
        raise InputError(Problem("服务器数据库不能恢复为新文件（--to）：请先在服务器上新建数据库，"
                                 "再用 --db 指向它恢复", column="--to"))
    source = server_backup.find_dump(db, args.backup)
    restored, kept = server_backup.restore_database(db, source)
    if args.json:
        print_json({"restored": safe_url(str(db.engine.url)), "backup": str(source),
                    "kept_copy": str(kept), "kept_copy_damaged": False})
        return
    print(f"已从备份 {source.name}（{restored.created_at}，{restored.holds()}）恢复")
    print(f"恢复前的数据已备份为 {kept}")


def cmd_list(path: Path | Database, args: argparse.Namespace) -> None:
    if not isinstance(path, Path):
        _server_list(path, args)
        return
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


def cmd_restore(path: Path | Database, args: argparse.Namespace) -> None:
    if not isinstance(path, Path):
        _server_restore(path, args)
        return
    if args.backup and args.backup.lower().endswith(".zip"):  # a portable dump into the file
        db = open_db(path)
        try:
            given = credentials(args)  # with accounts, the service wants a 管理员
            if given is not None:
                db.actor = accounts.login(db, *given)
            _server_restore(db, args)
        finally:
            db.close()
        return
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
    """`kaohe backup create|list|restore`."""
    grp = add_group(sub, "backup", "数据库备份：备份、列出、恢复")
    sp = add(grp, "create", cmd_create,  # type: ignore[arg-type]
             "立即备份：本机数据库文件复制到 backups；PostgreSQL 写出本程序的备份文件（--out 指定位置）")
    sp.add_argument("--out", type=Path, help="写出可移植的备份文件（.zip）到这里，可在任何电脑上恢复")
    sp.set_defaults(file_only=True)
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
        print("错误：此 --db 不是数据库文件，也不是 PostgreSQL 地址（postgresql://用户@服务器/数据库）",
              file=sys.stderr)
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
