"""Opening the program's database for a use-case session."""

from __future__ import annotations

import contextlib
import struct
from pathlib import Path

from sqlalchemy.exc import DatabaseError, OperationalError

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.settings import is_server_url
from kaohe_desktop.store.db import (
    BackupDamaged,
    Database,
    DatabaseBusy,
    DatabaseDamaged,
    MigrationFailed,
    is_locked_error,
    open_database,
    safe_url,
)

from .backup import BackupInfo, newest_good_backup
from .office_key import ensure_key
from .permissions import as_program, install_guard
from .rubrics import ensure_builtin_rubrics

__all__ = ["Damaged", "Database", "DatabaseBusy", "MigrationFailed", "ServerUnreachable", "open_db"]


class Damaged(InputError):
    """The database failed its integrity check at open; nothing was written to it.
    `backup` is the newest backup that checks whole (None when there is none): the CLI
    names it with the restore command, the window offers to restore it."""

    def __init__(self, path: Path, detail: str, backup: BackupInfo | None) -> None:
        self.path, self.detail, self.backup = path, detail, backup
        if backup is None:
            offer = "backups 文件夹中没有完好的备份"
        else:
            offer = (f"最新的完好备份是 {backup.path.name}（{backup.taken_at:%Y-%m-%d %H:%M}，"
                     f"{backup.reason_text}；{backup.holds()}），恢复：kaohe backup restore "
                     f"{backup.path.name} --db \"{path}\"（恢复前先保存当前文件）")
        super().__init__(Problem(f"数据库文件已损坏（{detail[:120]}），为免写坏数据不再写入；{offer}",
                                 file=str(path)))


SQLITE_MAGIC = b"SQLite format 3\x00"


def _not_a_database(path: Path) -> str:
    """Why the file at `path` cannot be this program's database ("" when it may be): a
    folder, a text or other file, or a SQLite file cut short (a copy that stopped)."""
    if path.is_dir():
        return "这是文件夹，不是数据库文件：--db 应指向一个 .db 文件"
    if not path.exists() or path.stat().st_size == 0:
        return ""                                   # a new database is created there
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(100)
    if not head.startswith(SQLITE_MAGIC):
        return "不是本程序的数据库文件（不是 SQLite 数据库），请检查 --db 指向的文件"
    if len(head) < 100:
        return "数据库文件不完整（只有文件头，可能复制时中断），请从 backups 文件夹里的备份恢复"
    page = struct.unpack_from(">H", head, 16)[0]
    page = 65536 if page == 1 else page
    counter, pages, valid_for = (struct.unpack_from(">I", head, o)[0] for o in (24, 28, 92))
    if page < 512 or page & (page - 1):
        return "数据库文件头已损坏，请从 backups 文件夹里的备份恢复"
    # the header's page count is trustworthy when written by the same change (SQLite ≥ 3.7)
    if size % page or (pages and counter == valid_for and size < pages * page):
        return (f"数据库文件不完整（{size:,} 字节，应为 {pages * page:,} 字节，可能复制时中断），"
                "请从 backups 文件夹里的备份恢复")
    if _foreign_tables(path):
        return "不是本程序的数据库文件（是其他程序的 SQLite 数据库），请检查 --db 指向的文件"
    return ""


def _foreign_tables(path: Path) -> bool:
    """True when the SQLite file holds another program's tables: migrating would write this
    program's schema into that program's file. Ours always has alembic_version."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return False  # open_database reports it
    return bool(names) and "alembic_version" not in names


def open_db(target: str | Path) -> Database:
    """Open or create the database (migrating and backing up as needed) with the
    built-in rubrics present. InputError (in Chinese, naming the file) when the path is a
    folder, not a database, or a database cut short — never a driver traceback."""
    text = str(target)
    path = Path(text).expanduser() if "://" not in text else None
    if path is not None and (reason := _not_a_database(path)):
        raise InputError(Problem(reason, file=str(path)))
    try:
        db = open_database(target)
        install_guard(db)  # every write from here on is checked and recorded
        with as_program(db):
            ensure_builtin_rubrics(db)
    except DatabaseDamaged as exc:
        raise Damaged(exc.path, exc.detail, newest_good_backup(exc.path)) from None
    except BackupDamaged as exc:
        raise InputError(Problem(str(exc), file=text)) from None
    except (DatabaseError, OperationalError) as exc:
        if is_locked_error(exc):  # a migration waited on another program's write
            raise DatabaseBusy() from None
        detail = str(getattr(exc, "orig", exc)).splitlines()[0][:100]
        if is_server_url(text):  # never the password in a message
            raise ServerUnreachable(safe_url(text), detail) from None
        raise InputError(Problem(f"无法打开数据库（{detail}）：文件可能已损坏或不是本程序的数据库",
                                 file=text)) from None
    # the office's signing key is made at first run, beside the database; a folder that
    # cannot take it now gets it when a document is first signed (and says so then)
    with contextlib.suppress(OSError):
        ensure_key(db)
    return db


class ServerUnreachable(InputError):
    """The PostgreSQL server refused or could not be reached (address, password, rights)."""

    def __init__(self, where: str, detail: str) -> None:
        self.where, self.detail = where, detail
        super().__init__(Problem(f"无法连接数据库服务器（{detail}）：请检查服务器地址、端口、数据库名、"
                                 "用户名和密码，以及服务器是否允许本机连接", file=where))

    @property
    def needs_password(self) -> bool:
        text = self.detail.lower()
        return "password" in text or "密码" in text
