"""The preview of a data package before it is merged: where it comes from, the counts per
kind (新增、更新、未变、冲突) and the disagreements it would record; 合并 merges it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services.package_import import ImportReport
from kaohe_desktop.services.package_merge import KIND_NAMES

COLUMNS = (("new", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("conflicts", "冲突"))


def side_text(side: dict) -> str:
    """A value with its author, office and time, as the conflicts list shows it."""
    values = side["values"]
    shown = values.get("value", "；".join(f"{k}={v}" for k, v in values.items()))
    who = f"{side['author']}，" if side.get("author") else ""
    return f"{shown}（{who}{side['office']}，{side['at'].replace('T', ' ')[:19]}）"


class PreviewDialog(QDialog):
    """Shows a dry run's report; accepted means 合并."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入数据包：预览")
        self.resize(900, 560)
        signed = "已签名" if report.signed else "未签名"
        head = (f"来自：{report.office}　制作于 {report.created_at.replace('T', ' ')[:19]}　{signed}\n"
                f"文件：{report.file}")
        if report.already:
            head += f"\n这个数据包已于 {report.already[:19]} 合并过；再次合并不会增加任何内容。"
        self.summary = QLabel(head)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 1 + len(COLUMNS))
        self.table.setHorizontalHeaderLabels(["类别", *(name for _, name in COLUMNS)])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        rows = [(kind, t.as_dict()) for kind, t in report.counts.items() if any(t.as_dict().values())]
        self.table.setRowCount(len(rows))
        for i, (kind, counts) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(KIND_NAMES[kind]))
            for j, (key, _) in enumerate(COLUMNS, start=1):
                item = QTableWidgetItem(str(counts[key]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        totals = report.totals()
        self.totals = QLabel("合计：" + "，".join(f"{name} {totals[key]}" for key, name in COLUMNS))
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 2)
        lay.addWidget(self.totals)
        if report.conflicts:
            lay.addWidget(QLabel("将记为冲突（不覆盖本库的值，合并后在“冲突”中逐条选择）："
                                 f"{len(report.conflicts)} 条"))
            self.conflicts = QTableWidget(len(report.conflicts), 3)
            self.conflicts.setHorizontalHeaderLabels(("记录", "本库的值", "数据包的值"))
            self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.conflicts.verticalHeader().setVisible(False)
            for i, c in enumerate(report.conflicts):
                for j, text in enumerate((c["label"], side_text(c["ours"]), side_text(c["theirs"]))):
                    self.conflicts.setItem(i, j, QTableWidgetItem(text))
            self.conflicts.resizeColumnsToContents()
            lay.addWidget(self.conflicts, 1)
        # units and people the village numbered differently (same name here): ticked ones
        # merge onto the record here instead of adding a second one
        self.mapping_checks: list[tuple[QCheckBox, object]] = []
        if report.mismatches or report.mapped:
            lay.addWidget(QLabel("编号与本机不同、名称相同（勾选的按本机编号合并，不另建；"
                                 "上面的数字已按勾选计算）："))
            for m, on in [*((m, True) for m in report.mapped),
                          *((m, False) for m in report.mismatches)]:
                what = "单位" if m.kind == "unit" else "人员"
                box = QCheckBox(f"{what} {m.name}：数据包 {m.code} → 本机 {m.suggested}")
                box.setChecked(on)
                lay.addWidget(box)
                self.mapping_checks.append((box, m))
        buttons = QDialogButtonBox()
        self.merge_button = QPushButton("合并")
        self.merge_button.setDefault(True)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def chosen_maps(self) -> tuple[dict[str, str], dict[str, str]]:
        """(units, staff): package code → code here, for the ticked mismatches."""
        units: dict[str, str] = {}
        staff: dict[str, str] = {}
        for box, m in self.mapping_checks:
            if box.isChecked():
                (units if m.kind == "unit" else staff)[m.code] = m.suggested
        return units, staff
