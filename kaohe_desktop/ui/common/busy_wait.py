"""Waiting for another writer instead of failing: every write of the window goes through here.

A save, import or review action that finds the database held by another program (another
window, a `kaohe` command, another PC on the server) gets DatabaseBusy from the services
after the busy timeout, having written nothing. Every action is all-or-nothing, so running
it again is safe: `call_writing` does that behind a modal progress dialog
("另一处正在写入数据库，正在等待…（已等待 N 秒）") with 取消, until the action goes through,
the user cancels, or WAIT_LIMIT_S passes. Cancelling or giving up raises WriteNotDone, an
InputError whose Chinese text says nothing was saved, so the callers' existing
`except InputError` shows it like any other refusal. Background jobs (tasks.run_job) retry
the same way inside their worker.

The retries run on a worker thread so the dialog stays responsive while SQLite waits; the
action must therefore not touch widgets (callers read what they need first and pass a
closure over plain values). On a SQLite file, each retry first checks the lock with a
short-timeout connection of its own, so 取消 answers within a fraction of a second rather
than after a whole busy timeout. DatabaseBusy is imported when first needed: the window
shows before SQLAlchemy is loaded (README, start-up).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from kaohe_desktop.domain.errors import InputError, Problem

T = TypeVar("T")

WAIT_LIMIT_S = 120
WAIT_TEXT = "另一处正在写入数据库，正在等待…（已等待 {s} 秒）"
CANCELLED_TEXT = "已取消：另一处一直在写入数据库，本次操作没有保存任何内容。"
GAVE_UP_TEXT = "另一处写入数据库已超过 {m} 分钟仍未完成，本次操作没有保存任何内容；请等对方完成后再试。"
PROBE_TIMEOUT_S = 0.25

# The window works on one database at a time; main_window tells us which, so a wait
# started from a page that does not pass `db` can still check the file's lock.
_watched_path: Path | None = None
_watched_server = False
# On a server a write meeting another's lock waits inside the server (its lock_timeout,
# 60 s) before DatabaseBusy: the write runs off the GUI thread from the start, and the
# dialog shows once it has taken this long.
SERVER_SHOW_AFTER_S = 1.0
SAVING_TEXT = "正在保存，请稍候…（已等待 {s} 秒）\n另一处正在写入数据库时，会等对方写完再保存。"


def watch(db: Any) -> None:
    """Remember the database the window has open (None: none)."""
    global _watched_path, _watched_server
    _watched_path = getattr(db, "path", None)
    _watched_server = db is not None and _watched_path is None


def watched_path() -> Path | None:
    return _watched_path


class WriteNotDone(InputError):
    """The user cancelled the wait for another writer, or it lasted past the limit."""

    def __init__(self, text: str) -> None:
        super().__init__(Problem(text))


def wait_text(seconds: float, limit_s: float = WAIT_LIMIT_S) -> str:
    return (WAIT_TEXT.format(s=int(seconds))
            + f"\n对方写完后自动继续；最多等 {max(1, round(limit_s / 60))} 分钟，点“取消”则不保存。")


def lock_is_free(path: Path | None) -> bool:
    """False while another connection holds the SQLite file's write lock; True when it
    could be taken (released at once) or when there is no file to check (a server)."""
    if path is None:
        return True
    try:
        conn = sqlite3.connect(path, timeout=PROBE_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return True  # the action itself will say what is wrong with the file
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def is_busy(exc: BaseException) -> bool:
    """True for the services' DatabaseBusy (another writer held the database)."""
    from kaohe_desktop.services.database import DatabaseBusy

    return isinstance(exc, DatabaseBusy)


class _Retrier:
    """Runs `action` again on a thread of its own until it is not busy or is stopped."""

    def __init__(self, action: Callable[[], Any], path: Path | None, started: float,
                 limit_s: float) -> None:
        self.action, self.path, self.started, self.limit_s = action, path, started, limit_s
        self.stop = threading.Event()
        self.finished = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False  # the action went through
        self.busy_seen = False  # met another writer at least once
        self.thread = threading.Thread(target=self._run, daemon=True, name="kaohe-busy-retry")

    def _run(self) -> None:
        try:
            while not self.stop.is_set() and time.monotonic() - self.started < self.limit_s:
                if not lock_is_free(self.path):
                    continue  # the probe itself waited PROBE_TIMEOUT_S
                try:
                    self.result = self.action()
                    self.done = True
                    return
                except InputError as exc:
                    if not is_busy(exc):
                        raise
                    self.busy_seen = True
                    time.sleep(0.05)
        except BaseException as exc:  # handed to the GUI thread, which reports it
            self.error = exc
        finally:
            self.finished.set()


def call_writing(parent: QWidget | None, title: str, action: Callable[[], T], *,
                 db: Any = None, limit_s: float = WAIT_LIMIT_S) -> T:
    """`action()`; when another writer holds the database, wait for it with a progress
    dialog and run `action` again (see the module docstring). `db` (services'
    Database) lets the wait check a SQLite file's lock cheaply between attempts."""
    started = time.monotonic()
    path = getattr(db, "path", None) if db is not None else _watched_path
    server = (db is not None and path is None) if db is not None else _watched_server
    if server:
        return _wait_and_retry(parent, title, action, None, started, limit_s,
                               show_after=SERVER_SHOW_AFTER_S)
    # a file already held by another writer: straight to the dialog, rather than freezing
    # the window for a whole busy timeout first (the check takes a millisecond when free)
    if lock_is_free(path):
        try:
            return action()
        except InputError as exc:
            if not is_busy(exc):
                raise
    return _wait_and_retry(parent, title, action, path, started, limit_s)


def _wait_and_retry(parent: QWidget | None, title: str, action: Callable[[], T],
                    path: Path | None, started: float, limit_s: float,
                    show_after: float = 0.0) -> T:
    """Run `action` on the retrier's thread until it is through, cancelled or out of
    time. With `show_after` the first attempt has not been tried yet: the window keeps
    painting but takes no input (typing is queued, not lost) until either the action is
    through or `show_after` seconds pass and the dialog (and its 取消) comes up."""
    retrier = _Retrier(action, path, started, limit_s)
    if show_after > 0:
        retrier.thread.start()
        quiet = QEventLoop()
        poll = QTimer()
        poll.setInterval(2)  # a server save is a few milliseconds: do not add more
        poll.timeout.connect(lambda: (retrier.finished.is_set()
                                      or time.monotonic() - started >= show_after) and quiet.quit())
        poll.start()
        quiet.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        poll.stop()
        if retrier.finished.is_set():
            return _outcome(retrier, cancelled=False, limit_s=limit_s)
    # a busy bar: how long the other writer takes is unknown (a bar of the limit would
    # read as progress of the save)
    dialog = QProgressDialog(wait_text(time.monotonic() - started, limit_s), "取消", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    loop = QEventLoop()
    cancelled = False

    def cancel() -> None:
        nonlocal cancelled
        cancelled = True
        retrier.stop.set()
        dialog.setLabelText("正在取消…")

    def label() -> str:
        waited = time.monotonic() - started
        if show_after > 0 and not retrier.busy_seen:  # maybe only a slow network so far
            return SAVING_TEXT.format(s=int(waited))
        return wait_text(waited, limit_s)

    dialog.setLabelText(label())

    def tick() -> None:
        if retrier.finished.is_set():
            loop.quit()
            return
        if not cancelled:
            dialog.setLabelText(label())
        dialog.setValue(0)  # keeps the busy bar moving

    dialog.canceled.connect(cancel)
    dialog.rejected.connect(cancel)  # Esc hides a progress dialog without `canceled`
    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(tick)
    if not retrier.thread.is_alive() and not retrier.finished.is_set():
        retrier.thread.start()
    timer.start()
    dialog.show()
    loop.exec()
    timer.stop()
    dialog.canceled.disconnect(cancel)
    dialog.rejected.disconnect(cancel)
    dialog.close()
    dialog.deleteLater()
    return _outcome(retrier, cancelled=cancelled, limit_s=limit_s)


def _outcome(retrier: _Retrier, *, cancelled: bool, limit_s: float) -> Any:
    if retrier.error is not None:
        raise retrier.error
    if retrier.done:  # it went through, even when 取消 came while the last attempt ran
        return retrier.result
    if cancelled:
        raise WriteNotDone(CANCELLED_TEXT)
    raise WriteNotDone(GAVE_UP_TEXT.format(m=max(1, round(limit_s / 60))))
