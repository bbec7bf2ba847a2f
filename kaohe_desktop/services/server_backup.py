"""Backups of a PostgreSQL database (the township's LAN server), in the program's own
portable dump (store/dump.py): `kaohe backup create`, before deletions, and `kaohe backup
restore FILE`. They are kept on the PC that made them, in the data folder's
`backups/<server>-<database>/` (the newest 30), or written where `--out` says.

`backup_database(db, reason)` is what every use-case calls before it removes scores: a
SQLite copy beside the file, or a dump for a server database.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import KEEP_BACKUPS, Database, backup_sqlite
from kaohe_desktop.store.dump import DumpInfo, describe_dump, restore_dump, write_dump
from kaohe_desktop.store.schema_head import SCHEMA_HEAD

from .permissions import current_actor

SUFFIX = ".zip"
_STAMPED = re.compile(r"kaohe-\d{8}-\d{6}-\d{6}(-.*)?\.zip")


def dump_folder(db: Database) -> Path:
    from kaohe_desktop.settings import data_dir

    url = db.engine.url
    where = re.sub(r"[^\w.-]+", "_", f"{url.host or 'local'}-{url.database or ''}")
    return data_dir() / "backups" / where


def kept_dumps(db: Database) -> list[Path]:
    """The dumps kept for this server database, oldest first (names sort by time)."""
    folder = dump_folder(db)
    return sorted(p for p in folder.glob(f"kaohe-*{SUFFIX}") if _STAMPED.fullmatch(p.name))


def dump_database(db: Database, reason: str = "manual", out: Path | None = None) -> DumpInfo:
    """Dump the whole database to `out` (a new file) or into the kept set."""
    if out is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = dump_folder(db) / f"kaohe-{stamp}{'-' + reason if reason else ''}{SUFFIX}"
    else:
        target = Path(out).expanduser()
        if target.is_dir():
            target = target / f"kaohe-{datetime.now():%Y%m%d-%H%M%S}{SUFFIX}"
        if target.exists():
            raise InputError(Problem("目标文件已存在：备份不覆盖已有文件", file=str(target)))
    info = write_dump(db.engine, target, SCHEMA_HEAD)
    if out is None:
        for old in kept_dumps(db)[:-KEEP_BACKUPS]:
            old.unlink(missing_ok=True)
    return info


def backup_database(db: Database, reason: str) -> Path:
    """A copy of the database before something is removed: the file copy for SQLite, a
    dump for a server database. Taken before the session writes anything."""
    if db.path is not None:
        return backup_sqlite(db.path, reason)
    return dump_database(db, reason).path


def list_dumps(db: Database) -> list[DumpInfo]:
    """The kept dumps of this server database, newest first."""
    return [describe_dump(p) for p in reversed(kept_dumps(db))]


def find_dump(db: Database, which: str | None) -> Path:
    """A dump by path, by name in the kept set, or by number (1 = newest); None: the newest."""
    kept = list(reversed(kept_dumps(db)))
    if which is None:
        if not kept:
            raise InputError(Problem("还没有备份：先运行 kaohe backup create", file=str(dump_folder(db))))
        return kept[0]
    if which.isdigit() and 1 <= int(which) <= len(kept):
        return kept[int(which) - 1]
    for cand in (Path(which).expanduser(), dump_folder(db) / which):
        if cand.is_file():
            return cand
    raise InputError(Problem("没有这个备份：请用 kaohe backup list 查看，可写文件名、序号或路径",
                             value=which))


def restore_database(db: Database, source: Path) -> tuple[DumpInfo, Path]:
    """Replace the database's data with the dump's (one transaction), after backing up
    what it holds now ("before-restore"). Returns (restored, that backup)."""
    with db.session() as s:  # the whole data is replaced: only a 管理员, once accounts exist
        actor = current_actor(db, s)
    if actor is None or not actor.admin:
        raise InputError(Problem("恢复备份会替换全部数据，需要管理员账户登录（命令行用 --user）",
                                 column="--user"))
    describe_dump(source)  # refuses a file that is not a dump before anything else
    kept = backup_database(db, "before-restore")
    return restore_dump(db.engine, source, SCHEMA_HEAD), kept
