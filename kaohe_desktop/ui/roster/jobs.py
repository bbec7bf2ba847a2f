"""The roster's long work as tasks.run_job jobs: plain generators that touch no widget.

Each wraps a service generator (`roster_files.import_steps`, which yields rows done and rows
in the file) into `Progress`; closing a job (the user pressed 取消) closes the service's
generator inside its session, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from kaohe_desktop.services import roster_files
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import RowPreview

from ..common.tasks import Job, Progress, single_step


def relay(steps: Generator[tuple[int, int], None, Any], message: str) -> Generator[Progress, None, Any]:
    """A service's (done, total) steps as Progress; returns what the service returns."""
    try:
        while True:
            try:
                done, total = next(steps)
            except StopIteration as stop:
                return stop.value
            yield Progress(done, total, f"{message}（{done}/{total} 行）")
    finally:
        steps.close()


def preview_job(db: Database, kind: str, path: Path, mapping: dict[str, str] | None = None) -> Job:
    """Read and check a roster workbook; the result is a RosterImportPreview (the file's
    columns as read, one RowPreview per row)."""

    def job() -> Generator[Progress, None, roster_files.RosterImportPreview]:
        yield Progress(0, 0, f"正在读取 {path.name}…")
        steps = roster_files.preview_steps(db, kind, path, mapping)
        return (yield from relay(steps, "正在核对"))

    return job


def import_job(db: Database, kind: str, path: Path, mapping: dict[str, str] | None = None) -> Job:
    """Import for real: checked again (the file or the database may have changed since
    the preview), one transaction; InputError if any row is bad."""

    def job() -> Generator[Progress, None, list[RowPreview]]:
        steps = roster_files.import_steps(db, kind, path, strict=True, dry_run=False, mapping=mapping)
        return (yield from relay(steps, "正在导入"))

    return job


def export_job(db: Database, kind: str, path: Path) -> Job:
    export = roster_files.export_units if kind == "units" else roster_files.export_staff
    return single_step(lambda: export(db, path), f"正在写入 {path.name}…")
