"""帮助 → 核验文件…: is a printed certificate, notice, 公示 list or tally genuine, and what
does it state? The same check as `kaohe verify` (services/verification): type the short
code printed beside the QR code, or paste what a scanner read from the QR code; for
another office's paper choose the public key it handed out. The office's own public key
can be exported here for others to check with.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import office_key
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.verification import VerifyResult, verify_code

from ..common.messages import error_text, show_error

GENUINE_STYLE = "color: #1b5e20; font-weight: bold;"
REFUSED_STYLE = "color: #b71c1c; font-weight: bold;"


class VerifyDialog(QDialog):
    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("核验文件")
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        intro = QLabel("输入文件上二维码旁的核验码（如 KH000017-ABCD-EFGH-IJKL-MNOP），"
                       "或粘贴扫描二维码得到的全文。核验本单位的文件不需要公钥；核验其他单位的"
                       "二维码时选择该单位导出的公钥文件。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.code_edit = QPlainTextEdit()
        self.code_edit.setPlaceholderText("核验码或二维码全文")
        self.code_edit.setMaximumHeight(110)
        layout.addWidget(self.code_edit)
        row = QHBoxLayout()
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText("（可选）其他单位的公钥文件")
        self.key_button = QPushButton("选择公钥(&K)…")
        self.key_button.clicked.connect(self.choose_key)
        row.addWidget(self.key_edit, 1)
        row.addWidget(self.key_button)
        layout.addLayout(row)
        self.verify_button = QPushButton("核验(&V)")
        self.verify_button.setDefault(True)
        self.verify_button.clicked.connect(self.verify)
        layout.addWidget(self.verify_button)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(("项目", "文件所称"))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("导出本单位公钥(&E)…")
        self.export_button.setEnabled(db is not None)
        self.export_button.clicked.connect(self.export_key)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.outcome: VerifyResult | None = None
        self.code_edit.setFocus()

    def choose_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择公钥文件", str(Path.home()),
                                              "公钥 (*.pem);;所有文件 (*)")
        if path:
            self.key_edit.setText(path)

    def verify(self) -> None:
        text = self.code_edit.toPlainText().strip()
        self.table.setRowCount(0)
        self.outcome = None
        try:
            key = (office_key.load_public_key(Path(self.key_edit.text().strip()))
                   if self.key_edit.text().strip() else None)
            self.outcome = verify_code(text, db=self.db, public_key=key)
        except InputError as exc:
            self.result_label.setStyleSheet(REFUSED_STYLE)
            self.result_label.setText(error_text(exc))
            return
        r = self.outcome
        self.result_label.setStyleSheet(GENUINE_STYLE if r.genuine else REFUSED_STYLE)
        self.result_label.setText(("真实：" if r.genuine else "不能证实为真：") + r.reason
                                  + ("" if r.genuine or r.statement is None
                                     else "。下列内容未经证实。"))
        lines = r.statement.lines() if r.statement else []
        self.table.setRowCount(len(lines))
        for k, (label, value) in enumerate(lines):
            self.table.setItem(k, 0, QTableWidgetItem(label))
            self.table.setItem(k, 1, QTableWidgetItem(value))

    def export_key(self) -> None:
        if self.db is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出本单位公钥", str(Path.home() / "单位核验公钥.pem"),
                                              "公钥 (*.pem)")
        if not path:
            return
        try:
            office_key.export_public_key(self.db, path)
        except (InputError, OSError) as exc:
            show_error(self, "导出公钥", exc)
            return
        self.result_label.setStyleSheet("")
        self.result_label.setText(f"已导出本单位公钥：{path}（私钥不导出）")
