"""Importing a filled score workbook for one assessor: preview first, then commit.

The preview is `services.scores.import_scores(..., dry_run=True)` on the job thread; it
shows what would be added, changed and left alone, or every problem (file, sheet, row,
column, value, reason). 确认导入 is enabled only by a clean preview of the very file,
assessor and group shown, and runs the same import for real.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import scores
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import AssessmentInfo, AssessorInfo, ImportReport

from ..common.guarded_dialog import GuardedDialog
from ..common.messages import error_text
from ..common.tasks import run_job, single_step

PROBLEM_HEADERS = ("文件", "工作表", "行", "列", "值", "原因")
WORKBOOK_FILTER = "Excel 工作簿 (*.xlsx *.xlsm *.xls);;所有文件 (*)"


def _cell_text(value: object) -> str:
    """A cell value as the user typed it: Excel's 25.0 is 25."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ScoreImportDialog(GuardedDialog):
    def __init__(self, db: Database, assessment: AssessmentInfo, assessors: list[AssessorInfo],
                 assessor: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入评分表")
        self.resize(860, 520)
        self.db = db
        self.assessment = assessment
        self.assessors = {a.name: a for a in assessors}
        self.report: ImportReport | None = None  # what the commit did
        self.previewed: tuple[str, str, str] | None = None  # inputs of the clean preview

        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("选择评分人填好的评分表（Excel）")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.assessor_combo = QComboBox()
        self.assessor_combo.setEditable(True)
        self.assessor_combo.addItems(list(self.assessors))
        self.assessor_combo.setCurrentText(assessor or "")
        self.assessor_combo.lineEdit().setPlaceholderText("评分人姓名（新名字即新评分人）")
        self.assessor_combo.setMinimumWidth(260)
        self.group_combo = QComboBox()
        for g in assessment.groups:
            self.group_combo.addItem(f"{g.name}（{g.role}）", g.name)
        self.group_combo.setMinimumWidth(260)
        self.preview_button = QPushButton("预览")
        self.preview_button.clicked.connect(self.preview)

        form = QFormLayout()
        form.addRow("评分表文件：", file_row)
        form.addRow("评分人：", self.assessor_combo)
        form.addRow("评分组：", self.group_combo)

        self.summary_label = QLabel("选择文件和评分人后点击“预览”：先检查，确认后才写入。")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 11pt;")
        self.problems = QTableWidget(0, len(PROBLEM_HEADERS))
        self.problems.setHorizontalHeaderLabels(PROBLEM_HEADERS)
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setWordWrap(True)
        header = self.problems.horizontalHeader()
        for col in range(len(PROBLEM_HEADERS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(PROBLEM_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)

        self.buttons = QDialogButtonBox()
        self.commit_button = self.buttons.addButton("确认导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.commit_button.setEnabled(False)
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.cancel)

        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.buttons)

        self.file_edit.textChanged.connect(self._inputs_changed)
        self.assessor_combo.currentTextChanged.connect(self._inputs_changed)
        self.group_combo.currentIndexChanged.connect(self._inputs_changed)
        self._inputs_changed()

    # ------------------------------------------------------------------ inputs
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择评分表", str(Path.home()), WORKBOOK_FILTER)
        if path:
            self.file_edit.setText(path)

    def _inputs(self) -> tuple[str, str, str]:
        return (self.file_edit.text().strip(), self.assessor_combo.currentText().strip(),
                self.group_combo.currentData() or "")

    def _inputs_changed(self) -> None:
        known = self.assessors.get(self.assessor_combo.currentText().strip())
        if known is not None and known.group:
            self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(known.group)))
        self.group_combo.setEnabled(known is None and self.group_combo.count() > 1)
        self.commit_button.setEnabled(self.previewed == self._inputs())
        file, name, _ = self._inputs()
        self.preview_button.setEnabled(bool(file and name))

    def _job(self, dry_run: bool):
        file, name, group = self._inputs()
        known = name in self.assessors
        aid = self.assessment.id
        return single_step(lambda: scores.import_scores(
            self.db, aid, Path(file), assessor=name, group=None if known or not group else group,
            dry_run=dry_run), "正在读取评分表…" if dry_run else "正在导入评分表…")

    # ------------------------------------------------------------------ preview / commit
    def preview(self) -> None:
        inputs = self._inputs()
        self.previewed = None
        self.commit_button.setEnabled(False)
        self.summary_label.setText("正在检查……")

        def done(report: ImportReport) -> None:
            self.previewed = inputs
            self.show_problems([])
            self.summary_label.setText(f"检查通过：将{report.summary()}。点击“确认导入”写入。")
            self._inputs_changed()

        run_job(self, "预览导入", self._job(dry_run=True), on_done=done, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.previewed = None
        self._inputs_changed()
        if isinstance(exc, InputError):
            self.show_problems(exc.problems)
            self.summary_label.setText(
                f"<span style='color:#c0392b'>发现 {len(exc.problems)} 处问题，未写入任何数据。"
                "请改正评分表后重新预览。</span>")
        else:
            self.show_problems([])
            self.summary_label.setText(f"<span style='color:#c0392b'>{error_text(exc)}</span>")

    def show_problems(self, problems: list) -> None:
        self.problems.setRowCount(len(problems))
        for row, p in enumerate(problems):
            cells = (p.file, p.sheet, "" if p.row is None else str(p.row), p.column,
                     _cell_text(p.value), p.reason)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.problems.setItem(row, col, item)
        self.problems.resizeRowsToContents()

    def commit(self) -> None:
        if self.previewed != self._inputs():
            return

        def done(report: ImportReport) -> None:
            self.report = report
            self.accept()

        self.commit_button.setEnabled(False)
        run_job(self, "导入评分表", self._job(dry_run=False), on_done=done, on_error=self._failed,
                cancellable=False)
