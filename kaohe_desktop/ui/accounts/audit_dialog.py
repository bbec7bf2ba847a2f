"""修改记录: who changed what and when (of one assessment or subject, or everything), and
a 校验 button that recomputes the hash chain and compares the tables with it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
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
from kaohe_desktop.services import audit
from kaohe_desktop.services.database import Database

HEADERS = ["时间", "操作人", "内容", "理由"]
SHOWN = 2000  # the newest rows; a filter narrows further


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 assessment_id: int | None = None, subject: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.assessment_id = assessment_id
        self.setWindowTitle("修改记录")
        self.resize(900, 520)
        self.subject = QLineEdit(subject or "")
        self.subject.setPlaceholderText("对象编号（空：全部）")
        self.item = QLineEdit()
        self.item.setPlaceholderText("项目（如 1.1）")
        show = QPushButton("查看")
        show.clicked.connect(self.refresh)
        verify = QPushButton("校验记录")
        verify.setObjectName("verify")
        verify.clicked.connect(self.verify)
        top = QHBoxLayout()
        for w in (QLabel("对象："), self.subject, QLabel("项目："), self.item, show):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(verify)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = audit.audit_log(self.db, assessment_id=self.assessment_id,
                                      subject=self.subject.text().strip() or None,
                                      item=self.item.text().strip() or None, limit=SHOWN)
        except InputError as exc:
            self.status.setText("；".join(exc.lines()))
            return
        self.table.setRowCount(len(entries))
        for i, e in enumerate(reversed(entries)):  # the newest first
            for j, text in enumerate((e.at, e.actor_name, e.text, e.reason)):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.status.setText(f"共 {len(entries)} 条（最新的在前）")

    def verify(self) -> None:
        report = audit.verify(self.db)
        if report.ok:
            QMessageBox.information(self, "校验记录", f"修改记录完整：{report.rows} 行逐行相接，"
                                    "评分、更正值、加减分和考核状态与记录一致。")
        else:
            QMessageBox.warning(self, "校验记录", "修改记录不完整：\n" + "\n".join(report.problems[:10]))
