"""考勤 → 月度汇总: per person the month's workdays, late and early counts and minutes,
missing punches, absent days and leave days by type; exported to .xlsx (off the GUI
thread, through `attendance.export_summary`) and printed (QPrintDialog, a QTextDocument
of the rows on screen).

Double-clicking a person asks the page to show their days in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import SummaryRow

from ..common.tables import make_table, size_columns
from ..common.tasks import run_job
from .empty_state import EmptyState
from .jobs import export_job
from .models import RowFilterProxy, SummaryModel
from .printing import print_to_pdf, print_with_dialog, summary_html


class AttendanceSummaryPanel(QWidget):
    person_activated = Signal(str)  # staff code

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.month = ""
        self.unit_code = ""
        self.unit_name = ""
        self.last_dir = Path.home()
        self.last_message = ""
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_summary)
        self.preview_button = QPushButton("预览…")
        self.preview_button.setToolTip("在程序里查看打印出来的样子（PDF），可从预览打印")
        self.preview_button.clicked.connect(self.preview)
        self.count_label = QLabel()
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color:#b06000;")
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.print_button)

        self.model = SummaryModel(self)
        self.proxy = RowFilterProxy(self.model, self)
        self.table = make_table(self.proxy, self, stretch_last=False)
        self.table.doubleClicked.connect(
            lambda index: self.person_activated.emit(self.proxy.row_at(index).staff_code))
        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.notes_label)

    # ------------------------------------------------------------------ content
    def set_rows(self, rows: Sequence[SummaryRow], month: str) -> None:
        self.month = month
        self.model.set_summary(rows)
        size_columns(self.table, self)
        self.stack.setCurrentWidget(self.table)
        notes = list(dict.fromkeys(n for r in rows for n in r.notes))
        self.notes_label.setText("<br>".join(f"提示：{n}" for n in notes))
        self.notes_label.setVisible(bool(notes))
        self._update()

    def show_empty(self, kind: str, month: str = "", months: Sequence[str] = ()) -> None:
        self.month = month
        self.model.set_summary([])
        self.empty.show_state(kind, month, months)
        self.stack.setCurrentWidget(self.empty)
        self.notes_label.hide()
        self._update()

    def set_filter(self, unit_code: str, unit_name: str, person: str) -> None:
        self.unit_code, self.unit_name = unit_code, unit_name
        self.proxy.set_filter(unit=unit_name, person=person)
        self._update()

    def _update(self) -> None:
        shown_, total = self.proxy.rowCount(), self.model.rowCount()
        more = f"（共 {total} 人）" if shown_ != total else ""
        self.count_label.setText(f"{self.month}：{shown_} 人{more}" if total else "")
        self.export_button.setEnabled(total > 0)
        self.print_button.setEnabled(shown_ > 0)
        self.preview_button.setEnabled(shown_ > 0)

    # ------------------------------------------------------------------ output
    def title(self) -> str:
        return f"考勤月度汇总（{self.month}）"

    def html(self) -> str:
        rows = self.proxy.visible_rows()
        where = self.unit_name or "全部单位"
        person = self.proxy.person
        subtitle = f"{where}" + (f"，人员“{person}”" if person else "") + f"，共 {len(rows)} 人"
        notes = list(dict.fromkeys(n for r in rows for n in r.notes))
        return summary_html(self.title(), subtitle, self.model.columns, rows, notes)

    def export(self) -> None:
        name = f"考勤汇总_{self.month}" + (f"_{self.unit_name}" if self.unit_name else "") + ".xlsx"
        path_text, _ = QFileDialog.getSaveFileName(self, "导出考勤汇总", str(self.last_dir / name),
                                                   "Excel 工作簿 (*.xlsx)")
        if not path_text:
            return
        path = Path(path_text)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.last_dir = path.parent
        run_job(self, "导出考勤汇总", export_job(self.db, self.month, path, self.unit_code),
                on_done=lambda written: self._say(f"已导出到 {written}"), cancellable=False)

    def print_summary(self) -> bool:
        return print_with_dialog(self, self.html())

    def preview(self) -> QWidget | None:
        """The printed summary as a PDF in the program's preview window (a temporary file:
        what is kept is exported or printed from there)."""
        import tempfile

        from ..common.pdf_preview import preview_file

        folder = Path(tempfile.gettempdir()) / "kaohe_desktop"
        folder.mkdir(exist_ok=True)
        unit = f"-{self.unit_code}" if self.unit_code else ""
        return preview_file(self, self.save_pdf(folder / f"考勤汇总-{self.month}{unit}.pdf"))

    def save_pdf(self, path: Path) -> Path:
        """The printed summary as a PDF file (what 打印 sends to a printer)."""
        return print_to_pdf(self.html(), path)

    def _say(self, text: str) -> None:
        self.last_message = text
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
