"""The backups kept beside the database: what each holds, and restoring one.

`store.db.backup_sqlite` writes them (before a migration, once a day, before deletions,
by hand) and keeps only copies that passed integrity_check. Here:

- `list_backups(path)`: newest first, each with its date, why it was taken, whether it
  still checks whole, and what it holds (units, staff, assessments, scores);
- `newest_good_backup(path)`: what a damaged database is offered to restore from;
- `restore_backup(path, backup, into=None)`: into a new file, or over the database after
  a copy of the current file is kept (checked and in the kept set when it is whole; in
  backups/damaged/ when it is not, so a damaged file never pushes out a good backup).

A restore copies a whole file, so the audit chain it holds stays exactly as it was
written and verifies as before. Restoring works on a file that cannot be opened (that is
when it is needed), so nothing here goes through `open_db`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import (
    backup_folder,
    backup_sqlite,
    check_file,
    integrity_problem,
    kept_backups,
)

from .permissions import ADMIN, ROLES, Actor

REASONS = {
    "daily": "每日自动备份",
    "before-migration": "升级数据库前",
    "before-restore": "从备份恢复前",
    "manual": "手动备份",
    "delete": "删除评分前",
    "demo-removal": "删除演示数据前",
}
_NAME = re.compile(r"-(\d{8}-\d{6}-\d{6})(?:-(.*))?\.db$")
COUNTED = (("units", "unit"), ("staff", "staff"), ("assessments", "assessment"), ("scores", "score"))


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str  # as written in the name: daily, manual, …
    size: int
    problem: str  # "" when the copy checks whole
    units: int | None = None  # None when the copy cannot be read
    staff: int | None = None
    assessments: int | None = None
    scores: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason or "备份")

    def holds(self) -> str:
        if self.units is None:
            return "无法读取"
        return f"站点 {self.units}，人员 {self.staff}，考核 {self.assessments}，评分 {self.scores}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.path.name, "path": str(self.path),
                "taken_at": self.taken_at.isoformat(" ", "seconds"),
                "reason": self.reason, "reason_text": self.reason_text, "size": self.size, "ok": self.ok,
                "problem": self.problem, "units": self.units, "staff": self.staff,
                "assessments": self.assessments, "scores": self.scores}


@dataclass(frozen=True)
class RestoreResult:
    restored: Path  # the file now holding the backup's data
    backup: Path  # the backup it came from
    kept_copy: Path | None  # the copy of the file it replaced (None: restored into a new file)
    kept_copy_damaged: bool = False


def _readonly(path: Path) -> sqlite3.Connection:
    # immutable: a backup file is never written, so no locks and no -shm beside it (the
    # copy's header may say WAL, which a plain read-only open could not serve)
    return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)


def describe(path: Path, check: bool = True) -> BackupInfo:
    """What one backup file holds; `check` runs integrity_check on it."""
    m = _NAME.search(path.name)
    taken = (datetime.strptime(m.group(1), "%Y%m%d-%H%M%S-%f") if m
             else datetime.fromtimestamp(path.stat().st_mtime))
    reason = (m.group(2) or "") if m else ""
    counts: dict[str, int | None] = dict.fromkeys(k for k, _ in COUNTED)
    problem = ""
    try:
        with closing(_readonly(path)) as conn:
            problem = integrity_problem(conn) if check else ""
            if not problem:
                for key, table in COUNTED:
                    counts[key] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error as exc:
        problem = problem or str(exc)
    return BackupInfo(path, taken, reason, path.stat().st_size, problem, **counts)


def list_backups(db_path: Path | str, check: bool = True) -> list[BackupInfo]:
    """The backups of the database at `db_path`, newest first."""
    return [describe(p, check) for p in reversed(kept_backups(Path(db_path).expanduser().resolve()))]


def newest_good_backup(db_path: Path | str) -> BackupInfo | None:
    """The newest backup that passes integrity_check (checked newest first, stopping at
    the first whole one)."""
    for p in reversed(kept_backups(Path(db_path).expanduser().resolve())):
        info = describe(p)
        if info.ok:
            return info
    return None


def find_backup(db_path: Path | str, which: str | None) -> BackupInfo:
    """A backup by its file name, its path, or its number in `list_backups` (1 = newest);
    None picks the newest good one. InputError when there is none such or it is damaged."""
    db_path = Path(db_path).expanduser().resolve()
    if which is None:
        found = newest_good_backup(db_path)
        if found is None:
            raise InputError(Problem("没有可用的备份（backups 文件夹中没有通过校验的备份）",
                                     file=str(backup_folder(db_path))))
        return found
    kept = list(reversed(kept_backups(db_path)))
    path: Path | None = None
    if which.isdigit() and 1 <= int(which) <= len(kept):
        path = kept[int(which) - 1]
    else:  # a path, else a name in the backups folder
        path = next((c for c in (Path(which).expanduser(), backup_folder(db_path) / which)
                     if c.is_file()), None)
    if path is None:
        raise InputError(Problem("没有这个备份：请用 kaohe backup list 查看，可写文件名或序号",
                                 value=which))
    info = describe(path)
    if not info.ok:
        raise InputError(Problem(f"这个备份已损坏（{info.problem}），不能用来恢复", file=str(path)))
    return info


def _prepare(source: Path, target: Path) -> Path:
    """`source`'s data in a checked temporary file beside `target` (same filesystem, so
    the final rename is atomic)."""
    partial = target.with_name(f".{target.name}.restoring")
    partial.unlink(missing_ok=True)
    try:
        with closing(_readonly(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            if problem := integrity_problem(dst):
                raise InputError(Problem(f"恢复出的文件校验失败（{problem}），未恢复", file=str(source)))
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def _put_in_place(partial: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):  # the old file's log must not be replayed onto the new
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)


def _keep_current(db_path: Path) -> tuple[Path, bool]:
    """A copy of the file about to be replaced: a checked backup when it is whole, else a
    raw copy (with its -wal) in backups/damaged/, outside the kept set."""
    if not check_file(db_path):
        return backup_sqlite(db_path, "before-restore"), False
    damaged = backup_folder(db_path) / "damaged"
    damaged.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    copy = damaged / f"{db_path.stem}-{stamp}-before-restore.db"
    shutil.copyfile(db_path, copy)
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{copy}-wal"))
    return copy, True


# ----------------------------------------------------------------------------- who may


@dataclass(frozen=True)
class _AccountRow:
    login: str
    name: str
    roles: tuple[str, ...]
    password_hash: str
    active: bool
    locked_until: str | None
    id: int


def _accounts_of(path: Path) -> list[_AccountRow] | None:
    """The accounts in the file at `path` (read-only); None when it cannot be read."""
    if not path.is_file() or path.stat().st_size == 0:
        return []
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='account'"
                            ).fetchone() is None:
                return []  # a database from before accounts existed
            rows = conn.execute("SELECT login, name, roles, password_hash, active, locked_until, id "
                                "FROM account").fetchall()
    except sqlite3.Error:
        return None
    return [_AccountRow(login, name, tuple(r for r in (roles or "").split(",") if r), pw,
                        bool(active), locked, id_) for login, name, roles, pw, active, locked, id_ in rows]


def restore_accounts(db_path: Path | str, backup: Path | str) -> list[_AccountRow]:
    """Whose say counts for restoring: the accounts of the current database, or — when it
    is too damaged to read — those of the backup about to take its place."""
    found = _accounts_of(Path(db_path).expanduser())
    if found is None:
        found = _accounts_of(Path(backup)) or []
    return found


def restore_needs_login(db_path: Path | str, backup: Path | str) -> bool:
    return bool(restore_accounts(db_path, backup))


def login_on_file(db_path: Path | str, backup: Path | str, login: str, password: str) -> Actor:
    """Check a password against the accounts of a database that cannot be opened (a
    damaged one being restored): read-only, so nothing is counted; an account locked by
    failed logins stays locked. A database that opens logs in through `accounts.login`."""
    from .accounts import hash_password, password_matches

    refused = InputError(Problem("账户名或密码不正确", column="--user", value=login))
    found = {a.login: a for a in restore_accounts(db_path, backup)}
    a = found.get(login.strip())
    if a is None:
        password_matches(password, hash_password("-"))  # the same time as for a real one
        raise refused
    if a.locked_until and a.locked_until > datetime.now().isoformat(" "):
        raise InputError(Problem("登录失败次数过多，请稍后再试", column="--user", value=login))
    if not password_matches(password, a.password_hash):
        raise refused
    if not a.active:
        raise InputError(Problem("该账户已停用", column="--user", value=login))
    return Actor(a.login, a.name, frozenset(a.roles), a.id)


def check_may_restore(db_path: Path | str, backup: Path | str, actor: object | None) -> None:
    """Restoring replaces every record: with accounts, only an active 管理员 of this
    database may (a database without accounts is the local user, as before)."""
    accounts = restore_accounts(db_path, backup)
    if not accounts:
        return
    if not isinstance(actor, Actor) or actor.account_id is None:
        raise InputError(Problem("本数据库已启用账户：从备份恢复需要管理员登录（命令行用 --user 账户名）",
                                 column="权限"))
    mine = next((a for a in accounts if a.login == actor.login), None)
    if mine is None or not mine.active or ADMIN not in mine.roles:
        have = "、".join(r for r in ROLES if mine and r in mine.roles) or "无"
        raise InputError(Problem(f"从备份恢复需要{ADMIN}权限（当前账户 {actor.login} 的角色：{have}）",
                                 column="权限"))


def restore_backup(db_path: Path | str, backup: Path | str | BackupInfo,
                   into: Path | str | None = None, *, actor: object | None = None) -> RestoreResult:
    """Restore `backup` into the new file `into`, or (None) over the database at
    `db_path` after keeping a copy of it. The database must not be open in this process
    (the window closes it first); another program still using it will see the old file.
    With accounts, `actor` (the logged-in account) must be a 管理员 of this database —
    also for a new file, which would hold every record and password hash."""
    db_path = Path(db_path).expanduser().resolve()
    info = backup if isinstance(backup, BackupInfo) else describe(Path(backup))
    check_may_restore(db_path, info.path, actor)
    if not info.ok:
        raise InputError(Problem(f"这个备份已损坏（{info.problem}），不能用来恢复", file=str(info.path)))
    if into is not None:
        target = Path(into).expanduser().resolve()
        if target.exists() and target.stat().st_size > 0:
            raise InputError(Problem("目标文件已存在：恢复为新文件时不覆盖已有文件", file=str(target)))
        if not target.parent.is_dir():
            raise InputError(Problem("目标文件夹不存在", file=str(target)))
        _put_in_place(_prepare(info.path, target), target)
        return RestoreResult(target, info.path, None)
    # the backup's data first: keeping the current file may prune the oldest backup,
    # which may be the very one being restored
    partial = _prepare(info.path, db_path)
    try:
        kept, damaged = (_keep_current(db_path) if db_path.exists() and db_path.stat().st_size
                         else (None, False))
        _put_in_place(partial, db_path)
    finally:
        partial.unlink(missing_ok=True)
    return RestoreResult(db_path, info.path, kept, damaged)
