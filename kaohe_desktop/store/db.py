"""Opening the database: engine, sessions, migrations and backups.

`open_database` creates a new file or upgrades an old one to the newest schema. SQLite
runs with foreign keys on, WAL and a busy timeout. Before any migration, and once a day
at the first open, the file is copied with SQLite's online backup API into `backups/`
beside it (the newest 30 are kept). A migration that fails restores that copy.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

# An up-to-date database opens without importing Alembic (0.1 s of start-up).
from .schema_head import SCHEMA_HEAD

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic loads its scripts by path. In the PyInstaller bundle they are data files under
# sys._MEIPASS, at the same place relative to the package (installer/kaohe.spec).
MIGRATIONS = (Path(sys._MEIPASS) / "kaohe_desktop" / "store" if hasattr(sys, "_MEIPASS")
              else Path(__file__).resolve().parent) / "migrations"
KEEP_BACKUPS = 30


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
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
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
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


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
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"迁移后外键不一致：{broken[:5]}")
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def backup_sqlite(path: Path, reason: str = "") -> Path:
    """Copy a live SQLite file with the online backup API; prune to the newest 30."""
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}{'-' + reason if reason else ''}.db"
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    backups = sorted(folder.glob(f"{path.stem}-*.db"))
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def _backed_up_today(path: Path) -> bool:
    today = datetime.now().strftime("%Y%m%d")
    return any((path.parent / "backups").glob(f"{path.stem}-{today}-*.db"))


def _restore(backup: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, path)


def make_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_database(target: str | Path) -> Database:
    """Open (creating or upgrading) the database at a file path or SQLAlchemy URL."""
    text = str(target)
    path: Path | None = None
    if "://" in text:
        url = text
        if text.startswith("sqlite:///"):
            path = Path(text.removeprefix("sqlite:///"))
    else:
        path = Path(text).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    existed = path is not None and path.exists() and path.stat().st_size > 0
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
