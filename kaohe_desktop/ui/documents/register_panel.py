"""发证登记: the certificates issued for the chosen assessment (number, assessed subject,
holder, title, date), read from the register the services keep, and exported to a
workbook. Drafts are never listed: they are not issued."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import documents as docs

from ..common.messages import error_text
from ..common.tasks import run_job

COLUMNS = ("证书编号", "对象编号", "考核对象", "获证者", "称号", "发证日期")


class RegisterPanel(QWidget):
    """The table and its export button; `show_for(db, assessment_id)` fills it."""

    exported = Signal(object)  # the workbook's path
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(False)  # the register's order is the numbers' order
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.export_button = QPushButton("导出发证登记（Excel）…")
        self.export_button.clicked.connect(self.export)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.db = None
        self.assessment_id: int | None = None
        self.folder = Path.home()

    def show_for(self, db, assessment_id: int | None) -> None:
        self.db, self.assessment_id = db, assessment_id
        self.table.setRowCount(0)
        if assessment_id is None:
            self.label.setText("")
            self.export_button.setEnabled(False)
            return
        try:
            entries = docs.certificate_register(db, assessment_id)
        except InputError as exc:
            self.label.setText(error_text(exc))
            self.export_button.setEnabled(False)
            return
        self.label.setText(f"已发荣誉证书 {len(entries)} 份（草稿预览不登记；重印沿用原编号，不重复登记）。"
                           if entries else "本考核还没有发过荣誉证书（草稿预览不登记）。")
        self.export_button.setEnabled(bool(entries))
        self.table.setRowCount(len(entries))
        for n, e in enumerate(entries):
            cells = (e.number, e.subject_code, e.subject_name, e.recipient, e.title,
                     e.issued.isoformat() if e.issued else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(n, column, item)

    def rows(self) -> list[tuple[str, ...]]:
        t = self.table
        return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]

    def choose_file(self) -> str:
        """Where the workbook goes (a dialog; tests replace it)."""
        path, _ = QFileDialog.getSaveFileName(self, "导出发证登记", str(self.folder / "发证登记.xlsx"),
                                              "Excel 工作簿 (*.xlsx)")
        return path

    def export(self) -> None:
        if self.db is None or self.assessment_id is None:
            return
        path = self.choose_file()
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        db, aid = self.db, self.assessment_id
        run_job(self, "导出发证登记", lambda: docs.register_job(db, aid, path),
                on_done=self.exported.emit, on_error=lambda exc: self.failed.emit(error_text(exc)))
