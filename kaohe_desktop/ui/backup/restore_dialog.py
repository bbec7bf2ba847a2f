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
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services.backup import (
    BackupInfo,
    RestoreResult,
    check_may_restore,
    list_backups,
    login_on_file,
    restore_backup,
    restore_needs_login,
)

from ..common.messages import show_error

COLUMNS = ("备份时间", "原因", "状态", "所含数据", "文件")


class RestoreDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None, *, damaged: str = "",
                 before_overwrite: Callable[[], None] | None = None,
                 actor: object | None = None) -> None:
        super().__init__(parent)
        self.actor = actor  # the window's logged-in account (the service checks its role)
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
        self._restore(b, None, self.before_overwrite)

    def restore_into_new_file(self) -> None:
        b = self.chosen()
        if b is None:
            return
        suggested = self.db_path.with_name(f"{self.db_path.stem}-恢复-{b.taken_at:%Y%m%d-%H%M}.db")
        path, _ = QFileDialog.getSaveFileName(self, "恢复为新文件", str(suggested), "考核数据库 (*.db)")
        if path:
            self._restore(b, Path(path))

    def _who(self, b: BackupInfo) -> object | None:
        """The account restoring: the window's login, or — for a damaged database that
        never opened — one asked for here and checked against its accounts. False when
        the user gave up."""
        if self.actor is not None or not restore_needs_login(self.db_path, b.path):
            return self.actor
        login, ok = QInputDialog.getText(self, "从备份恢复",
                                         "本数据库已启用账户，恢复需要管理员登录。\n账户名：")
        if not ok or not login.strip():
            return False
        password, ok = QInputDialog.getText(self, "从备份恢复", f"账户 {login} 的密码：",
                                            QLineEdit.EchoMode.Password)
        if not ok:
            return False
        try:
            self.actor = login_on_file(self.db_path, b.path, login, password)
        except InputError as exc:
            show_error(self, "从备份恢复", exc)
            return False
        return self.actor

    def _restore(self, b: BackupInfo, into: Path | None,
                 before: Callable[[], None] | None = None) -> None:
        actor = self._who(b)
        if actor is False:
            return
        try:  # refused before the window lets go of its database, not after
            check_may_restore(self.db_path, b.path, actor)
        except InputError as exc:
            show_error(self, "从备份恢复", exc)
            return
        if before is not None:
            before()  # the window lets go of the file first
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result_ = restore_backup(self.db_path, b, into=into, actor=actor)
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
