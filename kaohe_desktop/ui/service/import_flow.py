"""导入服务记录, start to end: choose the file → read and preview it off the GUI thread (取消
abandons the read; nothing is written) → for a layout the reader does not know, the
column-mapping dialog (remembered per header shape when the import commits) → the preview
dialog with a choice for every unmatched person and window/unit → commit in one
transaction → a summary. Dialogs open window-modally without blocking; the one on screen is
`active_dialog`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import roster
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.service_records import ServiceImportResult, ServicePreview

from ..attendance.jobs import Cancelled
from ..common.messages import show_error
from ..common.tasks import run_job, single_step
from .jobs import ServiceRead, commit_job, read_job, result_text
from .mapping_dialog import ServiceMappingDialog
from .preview_dialog import ServicePreviewDialog

FILES = ("电子表格 (*.xlsx *.xlsm *.xls *.ods *.csv);;Excel 工作簿 (*.xlsx *.xlsm *.xls);;"
         "CSV 文本 (*.csv);;所有文件 (*)")
TITLE = "导入服务记录"


class ServiceImportFlow(QObject):
    imported = Signal(object)  # ServiceImportResult
    message = Signal(str)      # a line for the page's status

    def __init__(self, parent: QWidget, db: Database) -> None:
        super().__init__(parent)
        self.widget = parent
        self.db = db
        self.last_dir = Path.home()
        self.active_dialog: QDialog | None = None
        self.last_message = ""

    def choose_file(self) -> None:
        path_text, _ = QFileDialog.getOpenFileName(self.widget, "导入服务记录（办件、好差评、投诉）",
                                                   str(self.last_dir), FILES)
        if path_text:
            self.read(Path(path_text))

    def read(self, path: Path, mapping: dict[str, str] | None = None, remember: bool = False) -> None:
        """Read `path` (with a column mapping, if given) and show what importing would do."""
        self.last_dir = path.parent
        runner = run_job(self.widget, "读取服务记录", read_job(self.db, path, mapping),
                         on_done=lambda result: self._read(result, remember),
                         on_error=lambda exc: self._failed("读取服务记录", exc))
        runner.signals.cancelled.connect(
            lambda: self._say(f"已取消读取 {path.name}：没有写入任何数据。"))

    def _read(self, result: ServiceRead, remember: bool) -> None:
        if result.preview is None:
            self.ask_mapping(result)
            return
        self.show_preview(result, remember)

    def ask_mapping(self, result: ServiceRead, initial: dict[str, str] | None = None,
                    auto: bool = False) -> None:
        """`auto`: the file's layout is recognised and the user overrides how it was read."""
        dialog = ServiceMappingDialog(
            self.widget, result.headers, reason=result.reason, initial=initial or result.mapping,
            reload=lambda sheet, then: self._reload(dialog, result.path, sheet, then), auto=auto)
        dialog.accepted.connect(lambda: self.read(result.path, dialog.mapping(), dialog.remember))
        self._open(dialog)

    def _reload(self, dialog: QDialog, path: Path, sheet: str, then) -> None:
        from kaohe_desktop.services import service_layout

        run_job(dialog, "读取表头", single_step(lambda: service_layout.file_headers(path, sheet),
                                              f"正在读取 {path.name} 的表头…"),
                on_done=then, on_error=lambda exc: show_error(dialog, "读取表头", exc),
                cancellable=False)

    def show_preview(self, result: ServiceRead, remember: bool) -> None:
        data = roster.load_roster(self.db)
        preview = result.preview
        dialog = ServicePreviewDialog(self.widget, preview, [p for p in data.staff if p.active],
                                      [u for u in data.units if u.active],
                                      mapped=result.mapping is not None,
                                      remembered=result.remembered)
        saved = result.mapping if remember else None
        dialog.accepted.connect(lambda: self.commit(preview, *dialog.choices(), saved))
        dialog.remap_requested.connect(lambda: self._remap(result))
        self._open(dialog)

    def _remap(self, result: ServiceRead) -> None:
        from kaohe_desktop.services import service_layout

        path, sheet = result.path, result.preview.sheet if result.preview else None
        run_job(self.widget, "读取表头", single_step(lambda: service_layout.file_headers(path, sheet),
                                                   f"正在读取 {path.name} 的表头…"),
                on_done=lambda headers: self.ask_mapping(
                    ServiceRead(path, headers=headers),
                    result.mapping or {"__kind__": result.preview.kind}, auto=result.mapping is None),
                on_error=lambda exc: self._failed(TITLE, exc), cancellable=False)

    def commit(self, preview: ServicePreview, people: dict[str, str], units: dict[str, str],
               remember: dict[str, str] | None) -> None:
        run_job(self.widget, TITLE, commit_job(self.db, preview, people, units, remember),
                on_done=self._done, on_error=lambda exc: self._failed(TITLE, exc),
                cancellable=False)  # one transaction: it commits whole or not at all

    def _done(self, result: ServiceImportResult) -> None:
        self._say(result_text(result))
        self.imported.emit(result)

    def _say(self, text: str) -> None:
        self.last_message = text
        self.message.emit(text)

    def _failed(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        self._say("；".join(exc.lines()) if isinstance(exc, InputError) else str(exc))
        show_error(self.widget, title, exc)

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _: setattr(self, "active_dialog", None)
                                if self.active_dialog is dialog else None)
        self.active_dialog = dialog
        dialog.open()
