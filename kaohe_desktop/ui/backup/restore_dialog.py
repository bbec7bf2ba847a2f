"""从备份恢复: the backups beside the database with their dates, why each was taken,
whether it still checks whole and what it holds; restore the chosen one into a new file
or over the current database (a copy of the current file is kept first).

The dialog does the restore itself (`services.backup`); the caller closes its database
before an overwrite (`before_overwrite`) and opens `restored` afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.backup import BackupInfo, RestoreResult, list_backups, restore_backup

from ..common.messages import show_error

COLUMNS = ("备份时间", "原因", "状态", "所含数据", "文件")


class RestoreDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None, *, damaged: str = "",
                 before_overwrite: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.resize(860, 420)
        self.db_path = Path(db_path)
        self.before_overwrite = before_overwrite
        self.result_: RestoreResult | None = None
        layout = QVBoxLayout(self)
        intro = (f"当前数据库文件已损坏（{damaged[:120]}），不能再写入。请选择一个完好的备份恢复。\n"
                 if damaged else "")
        intro += (f"数据库：{self.db_path}\n覆盖当前数据库前，会先把当前文件另存一份到 backups 文件夹；"
                  "也可以恢复为新文件，当前数据库保持不变。")
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.overwrite_button = QPushButton("覆盖当前数据库(&R)")
        self.new_file_button = QPushButton("恢复为新文件(&N)…")
        buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.new_file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.overwrite_button.clicked.connect(self.restore_over_current)
        self.new_file_button.clicked.connect(self.restore_into_new_file)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(buttons)
        self.backups: list[BackupInfo] = []
        self.reload()

    @property
    def restored(self) -> Path | None:
        """The file holding the restored data once a restore was made."""
        return self.result_.restored if self.result_ else None

    def reload(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # each copy is checked
        try:
            self.backups = list_backups(self.db_path)
        finally:
            QApplication.restoreOverrideCursor()
        self.table.setRowCount(len(self.backups))
        first_good = -1
        for row, b in enumerate(self.backups):
            state = "完好" if b.ok else "已损坏"
            for col, text in enumerate((f"{b.taken_at:%Y-%m-%d %H:%M:%S}", b.reason_text, state,
                                        b.holds(), b.path.name)):
                item = QTableWidgetItem(text)
                if not b.ok:
                    item.setForeground(Qt.GlobalColor.gray)
                    item.setToolTip(b.problem)
                self.table.setItem(row, col, item)
            if b.ok and first_good < 0:
                first_good = row
        if first_good >= 0:
            self.table.selectRow(first_good)
        self._update_buttons()

    def chosen(self) -> BackupInfo | None:
        row = self.table.currentRow()
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def _update_buttons(self) -> None:
        b = self.chosen()
        for button in (self.overwrite_button, self.new_file_button):
            button.setEnabled(b is not None and b.ok)

    def restore_over_current(self) -> None:
        b = self.chosen()
        if b is None:
            return
        answer = QMessageBox.question(
            self, "从备份恢复",
            f"用 {b.taken_at:%Y-%m-%d %H:%M} 的备份（{b.holds()}）覆盖当前数据库？\n"
            "当前文件会先另存到 backups 文件夹。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.before_overwrite is not None:
            self.before_overwrite()  # the window lets go of the file first
        self._restore(b, None)

    def restore_into_new_file(self) -> None:
        b = self.chosen()
        if b is None:
            return
        suggested = self.db_path.with_name(f"{self.db_path.stem}-恢复-{b.taken_at:%Y%m%d-%H%M}.db")
        path, _ = QFileDialog.getSaveFileName(self, "恢复为新文件", str(suggested), "考核数据库 (*.db)")
        if path:
            self._restore(b, Path(path))

    def _restore(self, b: BackupInfo, into: Path | None) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result_ = restore_backup(self.db_path, b, into=into)
        except Exception as exc:  # InputError, OSError: said in Chinese
            QApplication.restoreOverrideCursor()
            show_error(self, "从备份恢复", exc)
            return
        QApplication.restoreOverrideCursor()
        kept = ""
        if self.result_.kept_copy is not None:
            kept = ("\n原文件已损坏，原样保存在：" if self.result_.kept_copy_damaged
                    else "\n恢复前的数据库已备份为：") + str(self.result_.kept_copy)
        QMessageBox.information(self, "从备份恢复", f"已恢复到 {self.result_.restored}{kept}")
        self.accept()
