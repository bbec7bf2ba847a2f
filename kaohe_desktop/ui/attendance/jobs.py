"""The 考勤 page's long work as tasks.run_job jobs: reading a file (with its preview),
committing an import, exporting the summary.

The services report progress through a callback that may raise to cancel
(`preview_import(progress=…)`, `commit_import(progress=…)`), while a run_job job is a
generator that yields. `in_thread` joins the two: the service runs on a helper thread,
the job yields its latest progress every POLL seconds, and when the user presses 取消
(the job is closed) the next progress call raises `Cancelled` inside the service — which
abandons a read, or rolls the import's transaction back. For a commit the job waits
for the rollback before it reports, so the next job never meets a half-finished one.

Hazard: a worker must not touch widgets; these jobs only call services.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import attendance
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import AttendanceImportResult, ImportPreview, PersonChoice

from ..common.tasks import Job, Progress, single_step

POLL = 0.1  # seconds between progress updates (and cancel checks) of a job on a helper thread


class Cancelled(Exception):
    """The user pressed 取消; raised inside a service through its progress callback."""


@dataclass
class Outcome:
    """What a helper thread left behind: its value, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None
    finished: bool = False


def in_thread(work: Callable[[Callable[[int, int], None]], Any], describe: Callable[[int, int], str],
              *, wait_on_cancel: bool, outcome: Outcome | None = None) -> Generator[Progress, None, Any]:
    """Run `work(progress)` on a helper thread, yielding Progress until it is done."""
    outcome = outcome if outcome is not None else Outcome()
    cancel, finished = threading.Event(), threading.Event()
    latest = [0, 0]

    def progress(done: int, total: int) -> None:
        if cancel.is_set():
            raise Cancelled
        latest[0], latest[1] = done, total

    def run() -> None:
        try:
            outcome.value = work(progress)
        except BaseException as exc:  # handed to the job's thread below
            outcome.error = exc
        finally:
            outcome.finished = True
            finished.set()

    threading.Thread(target=run, name="kaohe-attendance", daemon=True).start()
    try:
        while not finished.wait(POLL):
            yield Progress(latest[0], latest[1], describe(latest[0], latest[1]))
    except GeneratorExit:
        cancel.set()
        if wait_on_cancel:
            finished.wait()
        raise
    if outcome.error is not None:
        raise outcome.error
    return outcome.value


# ---------------------------------------------------------------------------- reading


@dataclass
class ReadResult:
    """A read file: its preview, or — for a layout the readers do not know and no
    remembered mapping fits — the headers to choose a column mapping from."""

    path: Path
    preview: ImportPreview | None = None
    headers: Any = None  # io.attendance.HeaderInfo when a mapping is needed
    mapping: Any = None  # the io.attendance.ColumnMapping used (or that failed), if any
    remembered: bool = False  # read with the mapping saved for this file shape
    reason: str = ""  # why the saved mapping could not be used, when that is why one is needed


def mapping_from_saved(raw: dict[str, Any] | None) -> Any:
    from kaohe_desktop.io.attendance import ColumnMapping

    if not raw:
        return None
    return ColumnMapping(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def _read(db: Database, path: Path, mapping: Any, progress: Callable[[int, int], None]) -> ReadResult:
    if mapping is not None:
        return ReadResult(path, attendance.preview_import(db, path, mapping=mapping, progress=progress),
                          mapping=mapping)
    try:
        return ReadResult(path, attendance.preview_import(db, path, progress=progress))
    except InputError as exc:
        first = exc
    try:  # an unknown layout? (a file that cannot be opened keeps the first message)
        if attendance.detect_format(path) != "unknown":
            raise first
        headers = attendance.file_headers(path)
    except InputError:
        raise first from None
    reason = ""  # the readers' "no recognisable columns" is what the dialog itself says
    saved = mapping_from_saved(attendance.remembered_mapping(db, headers.signature))
    if saved is not None:
        try:
            preview = attendance.preview_import(db, path, mapping=saved, progress=progress)
            return ReadResult(path, preview, headers, saved, remembered=True)
        except InputError as exc:  # the saved mapping no longer fits: ask again
            reason = "上次保存的列对应不适用于这个文件：" + "；".join(p.reason for p in exc.problems)
    return ReadResult(path, headers=headers, mapping=saved, reason=reason)


def read_job(db: Database, path: Path, mapping: Any = None) -> Job:
    """Read and preview an attendance file (nothing is written)."""

    def describe(done: int, total: int) -> str:
        return f"正在读取 {path.name}" + (f"（{done}/{total} 行）" if total else "…")

    def job() -> Generator[Progress, None, ReadResult]:
        yield Progress(0, 0, describe(0, 0))
        return (yield from in_thread(lambda progress: _read(db, path, mapping, progress), describe,
                                     wait_on_cancel=False))

    return job


def headers_job(path: Path, sheet: str | int | None, header_row: int | None) -> Job:
    return single_step(lambda: attendance.file_headers(path, sheet, header_row),
                       f"正在读取 {path.name} 的表头…")


# ---------------------------------------------------------------------------- writing


class CommitJob:
    """Import a previewed file in one transaction. `outcome` tells, after a cancel,
    whether the transaction had already committed (the cancel came too late)."""

    STEPS = ("正在核对人员…", "正在写入打卡记录…", "正在写入日报状态和请假…", "正在提交…")

    def __init__(self, db: Database, preview: ImportPreview, choices: dict[str, PersonChoice]) -> None:
        self.db, self.preview, self.choices = db, preview, choices
        self.outcome = Outcome()

    def __call__(self) -> Generator[Progress, None, AttendanceImportResult]:
        yield Progress(0, 3, self.STEPS[0])

        def work(progress: Callable[[int, int], None]) -> AttendanceImportResult:
            return attendance.commit_import(self.db, self.preview, self.choices, progress=progress)

        return (yield from in_thread(work, lambda done, total: self.STEPS[min(done, 3)],
                                     wait_on_cancel=True, outcome=self.outcome))


def export_job(db: Database, month: str, path: Path, unit: str | None) -> Job:
    return single_step(lambda: attendance.export_summary(db, month, path, unit or None),
                       f"正在写入 {path.name}…")


def apply_job(db: Database, assessment_id: int) -> Job:
    return single_step(lambda: attendance.apply_to_assessment(db, assessment_id), "正在计算考勤得分…")
