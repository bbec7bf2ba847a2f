"""The page 服务记录: import 办件 / 好差评 / 投诉 exports, the measures per person or unit
for a period, and the 整改 tracker (open 差评 with their deadlines)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
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
from kaohe_desktop.services import service_records, service_stats

HEADERS = ("编号", "姓名/单位", "办件量", "办结", "按时办结", "按时办结率", "平均工作日", "评价数",
           "满意率", "差评", "按时整改", "投诉", "有效投诉")
KEYS = ("code", "name", "requests", "finished", "on_time", "on_time_rate", "avg_days", "ratings",
        "satisfied_rate", "bad_ratings", "bad_rectified_in_time", "complaints", "valid_complaints")
RATES = {"on_time_rate", "satisfied_rate"}


def _shown(key: str, value: object) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.2f}%" if key in RATES else str(value)


class ServicePage(QWidget):
    def __init__(self, db, changes=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.import_button = QPushButton("导入服务记录…")
        self.period = QLineEdit()
        self.period.setPlaceholderText("期间，如 2024-06、2024-Q2、2024")
        self.by = QComboBox()
        self.by.addItem("按人员", "person")
        self.by.addItem("按窗口/单位", "unit")
        self.show_button = QPushButton("统计")
        self.status = QLabel("")
        bar = QHBoxLayout()
        for w in (self.import_button, QLabel("期间"), self.period, self.by, self.show_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tracker = QTableWidget(0, 6)
        self.tracker.setHorizontalHeaderLabels(
            ("评价编号", "评价时间", "等级", "人员", "窗口/单位", "整改期限"))
        self.tracker.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.status)
        lay.addWidget(self.table, 3)
        lay.addWidget(QLabel("未整改差评（整改跟踪）"))
        lay.addWidget(self.tracker, 1)
        self.show_button.clicked.connect(self.refresh)
        self.period.returnPressed.connect(self.refresh)
        self.import_button.clicked.connect(self.choose_file)

    def refresh(self) -> None:
        text = self.period.text().strip()
        if text:
            try:
                rows = service_stats.measures(self.db, text, self.by.currentData())
            except InputError as exc:
                self.status.setText("；".join(exc.lines()))
                return
            self.table.setRowCount(len(rows))
            for i, m in enumerate(rows):
                d = m.as_dict()
                for j, k in enumerate(KEYS):
                    self.table.setItem(i, j, QTableWidgetItem(_shown(k, d[k])))
            self.status.setText(f"{text}：{len(rows)} 行")
        open_ = service_stats.open_bad_ratings(self.db)
        self.tracker.setRowCount(len(open_))
        for i, r in enumerate(open_):
            state = "（已逾期）" if r.overdue else ""
            for j, v in enumerate((r.no, f"{r.rated_at:%Y-%m-%d %H:%M}", r.level, r.person, r.unit,
                                   f"{r.deadline}{state}")):
                self.tracker.setItem(i, j, QTableWidgetItem(v))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入服务记录", "", "电子表格 (*.xlsx *.xls)")
        if path:
            self.import_file(path)

    def import_file(self, path: str, confirm: bool = True) -> None:
        """Preview, ask, commit (people not in the roster count for their window only)."""
        try:
            preview = service_records.preview_import(self.db, path)
            if preview.problems:
                raise InputError(preview.problems)
            text = preview.summary()
            if preview.unmatched:
                text += "\n名册中没有（只计入窗口/单位）：" + "、".join(u.key for u in preview.unmatched)
            if confirm and QMessageBox.question(self, "导入服务记录", text + "\n\n确定导入？") \
                    != QMessageBox.StandardButton.Yes:
                return
            result = service_records.commit_import(
                self.db, preview, {u.key: "" for u in preview.unmatched},
                dict.fromkeys(preview.unmatched_units, ""))
        except InputError as exc:
            QMessageBox.warning(self, "无法导入", "\n".join(exc.lines()[:30]))
            return
        self.status.setText(f"已导入 {preview.file}：新增 {result.added} 条"
                            + (f"；{result.refreshed}" if result.refreshed else ""))
        self.refresh()
