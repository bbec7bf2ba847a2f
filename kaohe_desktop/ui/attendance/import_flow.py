"""导入考勤文件, start to end: choose the file → read and preview it off the GUI thread →
(a layout the program does not know: the column-mapping dialog, remembered for the next
file of that shape) → the preview dialog with a choice per unmatched or 同名 person →
commit in one transaction off the GUI thread → a summary of what was added.

Cancelling the read or the commit (取消 in the progress dialog) leaves the database as it
was. Dialogs open window-modally without blocking; the one on screen is `active_dialog`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import attendance, roster
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import AttendanceImportResult, ImportPreview

from ..common.column_mapping_dialog import ColumnMappingDialog
from ..common.messages import show_error
from ..common.tasks import run_job
from .import_dialog import AttendanceImportDialog
from .jobs import Cancelled, CommitJob, ReadResult, headers_job, read_job

FILES = ("考勤文件 (*.xlsx *.xlsm *.xls *.ods *.dat *.txt);;Excel 工作簿 (*.xlsx *.xlsm *.xls *.ods);;"
         "考勤机数据 (*.dat *.txt);;所有文件 (*)")
TITLE = "导入考勤"


def result_text(result: AttendanceImportResult, preview: ImportPreview) -> str:
    nothing_new = not (result.punches_added or result.days_saved or result.leave_saved
                       or result.staff_created)
    if nothing_new:
        known = f"文件中的 {result.punches_known} 条打卡都已导入过，" if result.punches_known else ""
        return f"{preview.file}：没有新的考勤记录。{known}数据库没有变化。"
    return f"{preview.file} 已导入：{result.summary()}。"


class AttendanceImportFlow(QObject):
    imported = Signal(object, object)  # AttendanceImportResult, ImportPreview

    def __init__(self, parent: QWidget, db: Database) -> None:
        super().__init__(parent)
        self.widget = parent
        self.db = db
        self.last_dir = Path.home()
        self.active_dialog: QDialog | None = None
        self.last_message = ""
        self._headers: dict[Path, Any] = {}

    # ------------------------------------------------------------------ reading
    def choose_file(self) -> None:
        path_text, _ = QFileDialog.getOpenFileName(self.widget, "导入考勤文件", str(self.last_dir), FILES)
        if path_text:
            self.read(Path(path_text))

    def read(self, path: Path, mapping: Any = None, remember: str | None = None) -> None:
        """Read `path` (with a column mapping, if given) and show what importing would do.
        `remember`: the file-shape signature to save the mapping under once it reads."""
        self.last_dir = path.parent
        run_job(self.widget, "读取考勤文件", read_job(self.db, path, mapping),
                on_done=lambda result: self._read(result, remember),
                on_error=lambda exc: self._failed("读取考勤文件", exc))

    def _read(self, result: ReadResult, remember: str | None) -> None:
        if result.headers is not None:
            self._headers[result.path] = result.headers
        if result.preview is None:
            self.ask_mapping(result.path, result.headers, result.reason, result.mapping)
            return
        if remember and result.mapping is not None:
            attendance.remember_mapping(self.db, remember, result.mapping)
        self.show_preview(result)

    def ask_mapping(self, path: Path, headers: Any, reason: str = "", initial: Any = None) -> None:
        dialog = ColumnMappingDialog(self.widget, path, headers, reason=reason, initial=initial,
                                     reload=lambda sheet, row, then: self._reload(dialog, path, sheet,
                                                                                  row, then))
        dialog.accepted.connect(lambda: self.read(
            path, dialog.mapping(), dialog.signature if dialog.remember else None))
        self._open(dialog)

    def _reload(self, dialog: ColumnMappingDialog, path: Path, sheet: str, row: int, then) -> None:
        run_job(dialog, "读取表头", headers_job(path, sheet, row), on_done=then,
                on_error=lambda exc: show_error(dialog, "读取表头", exc), cancellable=False)

    # ------------------------------------------------------------------ preview and commit
    def show_preview(self, result: ReadResult) -> None:
        data = roster.load_roster(self.db)
        preview = result.preview
        mapped = result.mapping is not None
        dialog = AttendanceImportDialog(self.widget, preview, [p for p in data.staff if p.active],
                                        [u for u in data.units if u.active], mapped=mapped,
                                        remembered=result.remembered)
        dialog.accepted.connect(lambda: self.commit(preview, dialog.choices()))
        headers = self._headers.get(result.path)
        if mapped and headers is not None:
            dialog.remap_requested.connect(
                lambda: self.ask_mapping(result.path, headers, "", result.mapping))
        self._open(dialog)

    def commit(self, preview: ImportPreview, choices: dict) -> None:
        job = CommitJob(self.db, preview, choices)
        runner = run_job(self.widget, TITLE, job, on_done=lambda result: self._done(result, preview),
                         on_error=lambda exc: self._failed(TITLE, exc))
        runner.signals.cancelled.connect(lambda: self._cancelled(job, preview))

    def _done(self, result: AttendanceImportResult, preview: ImportPreview) -> None:
        self.last_message = result_text(result, preview)
        QMessageBox.information(self.widget, TITLE, self.last_message)
        self.imported.emit(result, preview)

    def _cancelled(self, job: CommitJob, preview: ImportPreview) -> None:
        if job.outcome.error is None and job.outcome.value is not None:  # committed before the cancel
            self._done(job.outcome.value, preview)
            return
        self.last_message = f"已取消导入 {preview.file}：没有写入任何数据。"
        QMessageBox.information(self.widget, TITLE, self.last_message)

    def _failed(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        self.last_message = "；".join(exc.lines()) if isinstance(exc, InputError) else str(exc)
        show_error(self.widget, title, exc)

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _: setattr(self, "active_dialog", None)
                                if self.active_dialog is dialog else None)
        self.active_dialog = dialog
        dialog.open()
