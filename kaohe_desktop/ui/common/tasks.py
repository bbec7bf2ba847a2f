"""Long work off the GUI thread, with a progress dialog and cancel.

A job is a plain generator function that yields `Progress` and returns its result; it
must not touch widgets (it runs on a worker thread). Jobs run one at a time on a
dedicated pool so database work stays serialized. Cancelling stops the generator at its
next yield (`GeneratorExit` inside it); services commit only when a job finishes, so a
cancelled job leaves the database as it was. For the same reason a job that meets another
writer (DatabaseBusy) is simply run again once the database is free, its dialog saying how
long it has waited (busy_wait.py); 取消 during that wait, or WAIT_LIMIT_S, ends it with a
message that nothing was written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from kaohe_desktop.domain.errors import InputError


@dataclass(frozen=True)
class Progress:
    done: int
    total: int  # 0: unknown
    message: str = ""
    waiting: bool = False  # waiting for another writer: 取消 is offered even if it was not


Job = Callable[[], Generator[Progress, None, Any]]


def single_step(func: Callable[[], Any], message: str = "") -> Job:
    """A job from a plain function: one indeterminate step."""

    def job() -> Generator[Progress, None, Any]:
        yield Progress(0, 0, message)
        return func()

    return job


class _Signals(QObject):
    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runner(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.signals = _Signals()
        self.cancel_requested = False

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError as exc:
            # the signals' object went with the application (quit while a job ran):
            # nobody is left to tell; anything else is a real error
            if "deleted" not in str(exc):
                raise

    def _run(self) -> None:
        started = time.monotonic()
        waited = False  # met another writer at least once
        while True:
            gen = self.job()
            try:
                while True:
                    if self.cancel_requested:
                        gen.close()
                        self._cancelled(waited)
                        return
                    self.signals.progress.emit(next(gen))
            except StopIteration as stop:
                self.signals.finished.emit(stop.value)
                return
            except Exception as exc:  # reported to the user by the GUI thread
                from .busy_wait import is_busy

                if not is_busy(exc):
                    self.signals.failed.emit(exc)
                    return
            waited = True
            if not self._wait_for_writer(started):
                return

    def _cancelled(self, waited: bool) -> None:
        if waited:  # the user gave up on the other writer: say that nothing was saved
            from .busy_wait import CANCELLED_TEXT, WriteNotDone

            self.signals.failed.emit(WriteNotDone(CANCELLED_TEXT))
        else:
            self.signals.cancelled.emit()

    def _wait_for_writer(self, started: float) -> bool:
        """Until the database's write lock is free (True) or 取消/the limit ends the job
        (False, having said so)."""
        from .busy_wait import GAVE_UP_TEXT, WAIT_LIMIT_S, WriteNotDone, lock_is_free, wait_text, watched_path

        path = watched_path()
        while True:
            elapsed = time.monotonic() - started
            self.signals.progress.emit(Progress(0, 0, wait_text(elapsed), waiting=True))
            if self.cancel_requested:
                self._cancelled(True)
                return False
            if elapsed >= WAIT_LIMIT_S:
                self.signals.failed.emit(WriteNotDone(GAVE_UP_TEXT.format(m=WAIT_LIMIT_S // 60)))
                return False
            if path is None:  # a server: its lock_timeout makes the next attempt wait
                time.sleep(0.2)
                return True
            if lock_is_free(path):  # the probe waits up to PROBE_TIMEOUT_S
                return True


_pool: QThreadPool | None = None
_running: set[_Runner] = set()


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


def run_job(parent: QWidget | None, title: str, job: Job, *,
            on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None,
            cancellable: bool = True) -> _Runner:
    """Run `job` in the background behind a modal progress dialog."""
    dialog = QProgressDialog(title, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    # finish() resets and closes it; a job run again after waiting for another writer
    # starts its steps from 0, which must not hide the dialog (autoReset at the maximum)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    if not cancellable:
        dialog.setCancelButton(None)
    runner = _Runner(job)
    runner.setAutoDelete(False)
    _running.add(runner)

    cancel_offered = cancellable

    def progress(p: Progress) -> None:
        nonlocal cancel_offered
        dialog.setMaximum(p.total)
        dialog.setValue(p.done)
        if p.message:
            dialog.setLabelText(p.message)
        if getattr(p, "waiting", False) and not cancel_offered:  # services yield their own Progress
            # nothing is written while it waits, so even a job that may not be stopped
            # midway may be given up here
            cancel_offered = True
            dialog.setCancelButtonText("取消")
            dialog.rejected.connect(request_cancel)

    def finish() -> None:
        # reset() and close() emit `canceled`; detach first so a finished job is not
        # mistaken for a cancelled one
        dialog.canceled.disconnect(request_cancel)
        if cancel_offered:
            dialog.rejected.disconnect(request_cancel)
        dialog.reset()
        dialog.close()
        _running.discard(runner)

    def done(result: Any) -> None:
        finish()
        on_done(result)

    def failed(exc: BaseException) -> None:
        finish()
        if on_error is not None:
            on_error(exc)
        else:
            from .messages import show_error

            show_error(parent, title, exc)

    runner.signals.progress.connect(progress)
    runner.signals.finished.connect(done)
    runner.signals.failed.connect(failed)
    runner.signals.cancelled.connect(finish)

    def request_cancel() -> None:
        runner.cancel_requested = True

    dialog.canceled.connect(request_cancel)
    if cancellable:  # Esc hides a progress dialog without `canceled`: it cancels too
        dialog.rejected.connect(request_cancel)
    pool().start(runner)
    return runner


def run_in_background(job: Job, *, on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None] | None = None) -> _Runner:
    """Run `job` on the worker with no dialog, for work whose progress the page shows
    itself (a month being judged); `runner.cancel_requested = True` drops it at its next
    step."""
    runner = _Runner(job)
    runner.setAutoDelete(False)
    _running.add(runner)

    def done(result: Any) -> None:
        _running.discard(runner)
        on_done(result)

    def failed(exc: BaseException) -> None:
        _running.discard(runner)
        if on_error is not None:
            on_error(exc)

    runner.signals.finished.connect(done)
    runner.signals.failed.connect(failed)
    runner.signals.cancelled.connect(lambda: _running.discard(runner))
    pool().start(runner)
    return runner


def is_input_error(exc: BaseException) -> bool:
    return isinstance(exc, InputError)
