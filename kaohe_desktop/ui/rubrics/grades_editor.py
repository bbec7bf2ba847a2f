"""The grade scale: mode (thresholds, rank quota, or both) and bands, with a preview.

The preview ranks ten example totals with the domain's `assign_grades` under the
scale being edited, so what it shows is what ranking will do.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from kaohe_desktop.domain.numbers import shown, to_decimal
from kaohe_desktop.domain.rubric import GradeMode
from kaohe_desktop.domain.rubric_edit import grade_preview, sample_totals, to_number

from .levels_editor import number_or_text, number_text
from .table_editor import Entry, TableEditor

MODE_NAMES = {
    GradeMode.THRESHOLD: "按分数线定档",
    GradeMode.QUOTA: "按名次比例定档",
    GradeMode.BOTH: "按分数线定档，并限比例",
}


def _share_text(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        return shown(to_decimal(value) * 100)
    except ValueError:
        return str(value)


def _share_value(text: str) -> int | float | str:
    try:
        return to_number(to_decimal(text) / 100)
    except ValueError:
        return text


class GradesEditor(TableEditor):
    headers = ("等次", "最低分", "比例上限（%）", "名额上限")
    column_widths = (180, 90, 120, 90)
    fit_rows = 5
    add_text = "添加等次"

    def __init__(self, parent=None) -> None:
        super().__init__("等次划分", parent)
        self.mode_combo = QComboBox()
        for mode, name in MODE_NAMES.items():
            self.mode_combo.addItem(name, str(mode))
        self.mode_combo.activated.connect(self._mode_chosen)
        row = QHBoxLayout()
        row.addWidget(QLabel("定档方式"))
        row.addWidget(self.mode_combo)
        row.addStretch(1)
        self.body.insertLayout(0, row)
        hint = QLabel("等次从高到低排列，最后一档为最低等次（一票否决的对象也归入最低等次）。"
                      "比例与名额是“至多”：同分跨过名额线时整体归入下一档。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        self.body.addWidget(hint)
        self.preview = QLabel()
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setWordWrap(True)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.addWidget(self.preview)
        self.body.addStretch(1)
        self.edited.connect(self.update_preview)

    def _grades(self) -> dict:
        return self.raw.setdefault("grades", {"mode": str(GradeMode.THRESHOLD), "scale": []})

    def load(self, raw, read_only: bool) -> None:
        super().load(raw, read_only)
        found = self.mode_combo.findData(str(self._grades().get("mode", GradeMode.THRESHOLD)))
        self.mode_combo.setCurrentIndex(max(found, 0))
        self.mode_combo.setEnabled(not read_only)
        self.update_preview()

    def _mode_chosen(self, _index: int) -> None:
        self._grades()["mode"] = self.mode_combo.currentData()
        self.edited.emit()

    def entries(self) -> list[Entry]:
        return self._grades().setdefault("scale", [])

    def cells(self, entry: Entry) -> list[str]:
        count = entry.get("quota_count")
        return [str(entry.get("name", "")), number_text(entry.get("min", 0)),
                _share_text(entry.get("quota_share")), "" if count is None else str(count)]

    def apply(self, entry: Entry, column: int, text: str) -> None:
        if column == 0:
            # The consequences name grades: a renamed grade keeps what follows from it.
            old = entry.get("name")
            for consequence in self.raw.get("consequences") or []:
                if old and consequence.get("grade") == old:
                    consequence["grade"] = text
            entry["name"] = text
        elif column == 1:
            entry["min"] = number_or_text(text or "0")
        elif column == 2:
            if text:
                entry["quota_share"] = _share_value(text)
            else:
                entry.pop("quota_share", None)
        elif text:
            entry["quota_count"] = number_or_text(text)
        else:
            entry.pop("quota_count", None)

    def new_entry(self) -> Entry:
        return {"name": f"等次{len(self.entries()) + 1}", "min": 0}

    def problem_key(self, entry: Entry) -> str:
        return str(entry.get("name", ""))

    # ------------------------------------------------------------------ preview
    def _condition(self, index: int, band: Entry, mode: str) -> str:
        last = index == len(self.entries()) - 1
        parts = []
        if mode != GradeMode.QUOTA:
            low = number_text(band.get("min", 0))
            parts.append("其余" if last and low == "0" else f"总分 ≥ {low}")
        elif last:
            parts.append("其余")
        if mode != GradeMode.THRESHOLD and not last:
            if band.get("quota_share") is not None:
                parts.append(f"至多 {_share_text(band.get('quota_share'))}%")
            if band.get("quota_count") is not None:
                parts.append(f"至多 {band.get('quota_count')} 名")
            if len(parts) == (0 if mode == GradeMode.QUOTA else 1):
                parts.append("不限名额")
        return "，".join(parts)

    def update_preview(self) -> None:
        totals: list[Decimal] = sample_totals(self.raw)
        preview = grade_preview(self.raw, totals)
        if preview is None:
            self.preview.setText(
                "<span style='color:#c62828'>等次划分有问题（见下方问题列表），暂无预览。</span>")
            return
        mode = str(self._grades().get("mode", GradeMode.THRESHOLD))
        rows = []
        for index, band in enumerate(self.entries()):
            name = str(band.get("name", ""))
            got = [shown(t) for t, g in preview if g == name]
            rows.append(f"<tr><td><b>{escape(name)}</b></td><td>{escape(self._condition(index, band, mode))}"
                        f"</td><td>{len(got)} 个：{'、'.join(got) or '—'}</td></tr>")
        self.preview.setText(
            f"<p>预览：10 个对象，总分 {'、'.join(shown(t) for t in totals)}</p>"
            "<table cellspacing='0' cellpadding='3'><tr><th align='left'>等次</th>"
            "<th align='left'>条件</th><th align='left'>示例结果</th></tr>" + "".join(rows) + "</table>")
