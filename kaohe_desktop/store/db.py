"""Opening the database: engine, sessions, migrations and backups.

`open_database` creates a new file or upgrades an old one to the newest schema. SQLite
runs with foreign keys on, WAL, a busy timeout and synchronous=FULL (a power cut cannot
drop a save that returned: bench/durability_bench.py measures the cost). An existing file
is checked before anything writes to it (integrity_check when small, quick_check when
large) and a damaged one raises DatabaseDamaged. Before any migration, and once a day at
the first open, the file is copied with SQLite's online backup API into `backups/` beside
it; each copy is checked before it gets its final name (a damaged copy goes to
`backups/damaged/` and never counts), and the newest 30 good copies are kept. A migration
that fails restores that copy. A write that waits longer than the busy timeout for another
program's write raises DatabaseBusy (an InputError in Chinese), never `database is locked`.

A PostgreSQL URL (`postgresql://user@host/kaohe`, README 乡镇服务器) opens through psycopg 3:
the same migrations run in one transaction under an advisory lock (two PCs starting at once
migrate once), lock waits end after SERVER_LOCK_TIMEOUT_S with DatabaseBusy, and the
file-only steps (integrity check, WAL, file backups) are skipped — a server database is
backed up as the program's own dump (services/server_backup.py).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.settings import is_server_url

# An up-to-date database opens without importing Alembic (0.1 s of start-up).
from .schema_head import SCHEMA_HEAD

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic loads its scripts by path. In the PyInstaller bundle they are data files under
# sys._MEIPASS, at the same place relative to the package (installer/kaohe.spec).
MIGRATIONS = (Path(sys._MEIPASS) / "kaohe_desktop" / "store" if hasattr(sys, "_MEIPASS")
              else Path(__file__).resolve().parent) / "migrations"
KEEP_BACKUPS = 30
# Below this size the open runs the full integrity_check (indexes against tables too,
# about 12 ms per MB); above it quick_check, which still reads every page.
FULL_CHECK_BELOW = 16 * 1024 * 1024
BUSY_TIMEOUT_MS = 5000
SERVER_LOCK_TIMEOUT_S = 60
BUSY_MESSAGE = ("数据库正被另一个程序（或另一个窗口）写入，等待 {s} 秒后仍未写完，本次操作没有保存任何内容；"
                "请等对方完成后再试")


class DatabaseDamaged(RuntimeError):
    """The file failed SQLite's integrity check: nothing may write to it."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"数据库文件已损坏（{detail}）：{path}")
        self.path = path
        self.detail = detail


class BackupDamaged(RuntimeError):
    """A fresh backup copy failed its check; it was set aside, not kept."""

    def __init__(self, copy: Path, detail: str) -> None:
        super().__init__(f"备份副本校验失败（{detail}），未保留：{copy}")
        self.copy = copy


class DatabaseBusy(InputError):
    """Another program held the write lock longer than the busy timeout."""

    def __init__(self, seconds: int = BUSY_TIMEOUT_MS // 1000) -> None:
        super().__init__(Problem(BUSY_MESSAGE.format(s=seconds)))


def is_locked_error(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy" (the busy timeout ran out), or a
    PostgreSQL lock wait past its lock_timeout."""
    text_ = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, (OperationalError, sqlite3.OperationalError)) and (
        "database is locked" in text_ or "database is busy" in text_ or "lock timeout" in text_)


class MigrationFailed(RuntimeError):
    """The schema upgrade failed; the database was restored from `backup`."""

    def __init__(self, backup: Path, cause: BaseException) -> None:
        super().__init__(f"数据库升级失败，已从备份 {backup} 恢复：{cause}")
        self.backup = backup


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    path: Path | None  # None for a non-file database (PostgreSQL)
    # who is logged in (services/permissions.Actor), None before a login or without
    # accounts; the services' session listeners read it to check and record each write
    actor: object | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back on any error.

        A use-case that only previews (a dry run) sets `s.info["dry_run"] = True` and
        everything it did is rolled back instead.
        """
        s = self.sessions()
        try:
            yield s
            if s.info.get("dry_run"):
                s.rollback()
            else:
                s.commit()
        except (OperationalError, sqlite3.OperationalError) as exc:  # the latter: raw-driver bulk writes
            s.rollback()
            if is_locked_error(exc):  # nothing was written: say so in Chinese
                raise DatabaseBusy(BUSY_TIMEOUT_MS // 1000 if self.path is not None
                                   else SERVER_LOCK_TIMEOUT_S) from None
            raise
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # FULL: each commit syncs the WAL, so a power cut keeps every save that returned
    # (NORMAL may drop the last ones); bench/durability_bench.py measures what it costs
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The head of the migration scripts (imports Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return current_revision_on(conn)


def current_revision_on(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def revision_target(revision: str) -> str:
    return SCHEMA_HEAD if revision == "head" else revision


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations in one transaction.

    On SQLite, foreign keys are switched off while migrating: a batch migration rebuilds
    a table by copy-and-drop, and dropping a parent table with foreign keys on would
    cascade and delete its children's rows (subjects, scores). The keys are checked with
    PRAGMA foreign_key_check before committing instead.
    """
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a no-op inside a transaction, so before anything begins one
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":  # DDL is transactional there too
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
                    if current_revision_on(conn) == revision_target(revision):
                        return  # another program migrated while this one waited
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"迁移后外键不一致：{broken[:5]}")
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def integrity_problem(conn: sqlite3.Connection, full: bool = True) -> str:
    """"" when SQLite finds the file whole, else its first complaint (in SQLite's words)."""
    try:
        rows = conn.execute("PRAGMA integrity_check(5)" if full else "PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed", …
        return str(exc)
    found = [str(r[0]) for r in rows]
    return "" if found == ["ok"] else "；".join(found)[:300]


def check_file(path: Path, full: bool | None = None) -> str:
    """"" when the SQLite file at `path` passes its check, else why not. `full` None picks
    integrity_check for a small file and quick_check for a large one. Opens read-write
    (no write is made) so a WAL file's recent commits are checked as well."""
    if full is None:
        full = path.stat().st_size < FULL_CHECK_BELOW
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return integrity_problem(conn, full)
    finally:
        conn.close()


def backup_folder(path: Path) -> Path:
    return path.parent / "backups"


def kept_backups(path: Path) -> list[Path]:
    """The backups of the database at `path`, oldest first (names sort by time)."""
    folder = backup_folder(path)
    stamp = re.compile(re.escape(path.stem) + r"-\d{8}-\d{6}-\d{6}(-.*)?\.db")
    return sorted(p for p in folder.glob(f"{path.stem}-*.db") if stamp.fullmatch(p.name))


def backup_sqlite(path: Path, reason: str = "") -> Path:
    """Copy a live SQLite file with the online backup API, check the copy, and prune to
    the newest 30 good ones. The copy is written under a temporary name and renamed only
    after integrity_check passes, so a damaged copy never takes a place in the kept set
    (it is moved to backups/damaged/ and BackupDamaged is raised)."""
    folder = backup_folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}{'-' + reason if reason else ''}.db"
    partial = folder / f".{target.name}.partial"
    src = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        problem = integrity_problem(dst)
    finally:
        dst.close()
        src.close()
    if problem:
        damaged = folder / "damaged"
        damaged.mkdir(exist_ok=True)
        os.replace(partial, damaged / target.name)
        raise BackupDamaged(damaged / target.name, problem)
    _fsync(partial)
    os.replace(partial, target)
    for old in kept_backups(path)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _backed_up_today(path: Path) -> bool:
    today = datetime.now().strftime("%Y%m%d")
    return any(p.name.startswith(f"{path.stem}-{today}-") for p in kept_backups(path))


def _restore(backup: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, path)


# Two programs opening a server database at once: one migrates, the other waits for it.
MIGRATION_LOCK = 0x6B616F6865  # "kaohe", a pg_advisory_xact_lock key


def server_url(text: str) -> str:
    """A PostgreSQL URL with the psycopg 3 driver named (`postgresql://` alone would make
    SQLAlchemy look for psycopg2)."""
    for scheme in ("postgresql://", "postgres://"):
        if text.startswith(scheme):
            return "postgresql+psycopg://" + text.removeprefix(scheme)
    return text


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and settings."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say it as given
        return url


def make_engine(url: str) -> Engine:
    if is_server_url(url):
        try:
            import psycopg  # noqa: F401  (the optional extra .[postgres])
        except ImportError:
            raise InputError(Problem("连接 PostgreSQL 需要 psycopg 3："
                                     "pip install \"kaohe_desktop[postgres]\"",
                                     file=safe_url(url))) from None
        # pool_pre_ping: a LAN server restarted overnight must not fail the morning's first
        # save; lock_timeout: a save waiting on another PC's unfinished transaction gives up
        # with DatabaseBusy (in Chinese) instead of hanging the window
        return create_engine(server_url(url), pool_pre_ping=True,
                             connect_args={"options": f"-c lock_timeout={SERVER_LOCK_TIMEOUT_S}s"})
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_database(target: str | Path) -> Database:
    """Open (creating or upgrading) the database at a file path or SQLAlchemy URL."""
    text = str(target)
    path: Path | None = None
    if is_server_url(text):
        url = server_url(text)
    elif "://" in text:
        url = text
        if text.startswith("sqlite:///"):
            path = Path(text.removeprefix("sqlite:///"))
    else:
        path = Path(text).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    existed = path is not None and path.exists() and path.stat().st_size > 0
    if existed and path is not None and (problem := check_file(path)):
        raise DatabaseDamaged(path, problem)  # before anything (a migration, a backup) writes
    engine = make_engine(url)
    current = current_revision(engine)
    if current != SCHEMA_HEAD:
        backup = backup_sqlite(path, "before-migration") if existed and path else None
        try:
            upgrade(engine)
        except Exception as exc:
            engine.dispose()
            if backup is not None and path is not None:
                _restore(backup, path)
                raise MigrationFailed(backup, exc) from exc
            raise
    elif existed and path is not None and not _backed_up_today(path):
        backup_sqlite(path, "daily")
    return Database(engine, sessionmaker(engine, expire_on_commit=False), path)
