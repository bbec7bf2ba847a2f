"""The measure and scoring rule of the 数据折算 leaf selected in the tree (issue 17 §3).

Edits the item's `rule` in the working dict in place: which service measure (满意率,
按时办结率, 差评数 …) and how it turns into points — by bands (分档), by the gap to a
target (按差距扣分) or by place in the group (按名次). The page validates the rubric
through the domain; problems name the item and colour its row in the tree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.metric_rules import (
    MEASURES,
    MODES,
    NO_DATA,
    SERVICE_SOURCE,
    rule_from_raw,
)
from kaohe_desktop.domain.rubric_edit import Check

from .levels_editor import number_or_text, number_text
from .table_editor import Entry, TableEditor

NOT_SERVICE = ""  # the measure combo's first entry: the item does not take service records
DEFAULT_BANDS = {True: [{"at": 99, "percent": 100}, {"at": 97, "percent": 80},
                        {"at": 95, "percent": 60}],
                 False: [{"at": 0, "percent": 100}, {"at": 2, "percent": 60}]}


class BandsEditor(TableEditor):
    """分档: value reaches 界限 → 得分比例 (% of the item's max)."""

    headers = ("界限", "得分比例（%）")
    column_widths = (90, 110)
    buttons_beside = True
    fit_rows = 3
    add_text = "添加一档"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("分档", parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        self.side.addWidget(self.note)
        self.side.addStretch(1)

    def entries(self) -> list[Entry]:
        return self.raw.setdefault("bands", [])

    def cells(self, entry: Entry) -> list[str]:
        return [number_text(entry.get("at")), number_text(entry.get("percent"))]

    def apply(self, entry: Entry, column: int, text: str) -> None:
        entry["at" if column == 0 else "percent"] = number_or_text(text)

    def new_entry(self) -> Entry:
        bands = self.entries()
        return {"at": bands[-1].get("at", 0) if bands else 0, "percent": 0}


class MetricEditor(QGroupBox):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("数据指标（所选项目）", parent)
        self.item: dict[str, Any] = {}
        self.read_only = True
        self._filling = False
        self.measure_combo = QComboBox()
        self.measure_combo.addItem("（不取自服务记录）", NOT_SERVICE)
        for m in MEASURES.values():
            self.measure_combo.addItem(f"{m.label}（{m.unit}）", m.key)
        self.mode_combo = QComboBox()
        for key, name in MODES.items():
            self.mode_combo.addItem(name, key)
        self.no_data_combo = QComboBox()
        for key, name in NO_DATA.items():
            self.no_data_combo.addItem(name, key)
        self.target_edit = QLineEdit()
        self.per_edit = QLineEdit()
        for edit in (self.target_edit, self.per_edit):
            edit.setMaximumWidth(100)
        self.per_label = QLabel("每单位扣分")
        self.target_label = QLabel("目标值")
        self.bands_editor = BandsEditor()
        self.rule_text = QLabel()
        self.rule_text.setWordWrap(True)
        form = QFormLayout()
        form.addRow("指标", self.measure_combo)
        form.addRow("计分方式", self.mode_combo)
        form.addRow(self.target_label, self.target_edit)
        form.addRow(self.per_label, self.per_edit)
        form.addRow("无数据时", self.no_data_combo)
        row = QHBoxLayout()
        row.addLayout(form)
        row.addWidget(self.bands_editor, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.rule_text)
        self.measure_combo.activated.connect(self._measure_chosen)
        self.mode_combo.activated.connect(self._mode_chosen)
        self.no_data_combo.activated.connect(lambda _: self._set("no_data",
                                                                 self.no_data_combo.currentData()))
        self.target_edit.textEdited.connect(lambda t: self._set("target", number_or_text(t)))
        self.per_edit.textEdited.connect(lambda t: self._set("per", number_or_text(t)))
        self.bands_editor.edited.connect(self._changed)

    # ------------------------------------------------------------------ loading
    def load_item(self, item: dict[str, Any] | None, read_only: bool) -> None:
        """Show `item`'s measure and rule; hidden unless it is a 数据折算 leaf that does
        not take attendance or the annual roll-up."""
        rule = (item or {}).get("rule") or {}
        shown_here = bool(item) and not item.get("children") and item.get("kind") == "derived" \
            and rule.get("source") in (None, SERVICE_SOURCE)
        self.setVisible(shown_here)
        if not shown_here:
            return
        assert item is not None
        self.item, self.read_only = item, read_only
        self.setTitle(f"数据指标：{item.get('code', '')} {item.get('title', '')}")
        self.fill()

    def _rule(self) -> dict[str, Any] | None:
        rule = self.item.get("rule")
        return rule if isinstance(rule, dict) and rule.get("source") == SERVICE_SOURCE else None

    def fill(self) -> None:
        self._filling = True
        rule = self._rule()
        self.measure_combo.setCurrentIndex(max(0, self.measure_combo.findData(
            rule.get("measure") if rule else NOT_SERVICE)))
        mode = (rule or {}).get("mode", "thresholds")
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(mode)))
        self.no_data_combo.setCurrentIndex(max(0, self.no_data_combo.findData(
            (rule or {}).get("no_data", "pending"))))
        self.target_edit.setText(number_text((rule or {}).get("target")))
        self.per_edit.setText(number_text((rule or {}).get("per")))
        for w in (self.mode_combo, self.no_data_combo, self.target_edit, self.per_edit):
            w.setEnabled(rule is not None and not self.read_only)
        self.measure_combo.setEnabled(not self.read_only)
        linear, ranked = mode == "linear", mode == "rank"
        for w in (self.target_label, self.target_edit):
            w.setVisible(rule is not None and linear)
        for w in (self.per_label, self.per_edit):
            w.setVisible(rule is not None and (linear or ranked))
        self.bands_editor.setVisible(rule is not None and mode == "thresholds")
        if rule is not None and mode == "thresholds":
            self.bands_editor.load(rule, self.read_only)
            info = MEASURES.get(str(rule.get("measure")))
            if info:
                cmp = "≥" if info.higher_better else "≤"
                self.bands_editor.note.setText(
                    f"{info.label} {cmp} 界限（{info.unit}）得满分的这个百分比；从最好的一档排起，"
                    "一档也达不到得 0 分。")
        self._filling = False
        self._show_rule()

    def _show_rule(self) -> None:
        rule = self._rule()
        if rule is None:
            self.rule_text.setText("选择一个指标后，此项的得分由导入的服务记录（办件、好差评、投诉）算出，"
                                   "评分人不能手工录入。")
            return
        parsed, problems = rule_from_raw(rule)
        if parsed is None:
            self.rule_text.setText("<span style='color:#c62828'>"
                                   + "；".join(p.reason for p in problems[:3]) + "</span>")
        else:
            self.rule_text.setText(f"<b>计分：</b>{parsed.text()}")

    def show_check(self, check: Check) -> None:
        if self.isVisible():
            self._show_rule()

    # ------------------------------------------------------------------ editing
    def _measure_chosen(self, _: int) -> None:
        if self._filling or self.read_only:
            return
        key = self.measure_combo.currentData()
        if key == NOT_SERVICE:
            self.item.pop("rule", None)
        else:
            rule = self._rule()
            if rule is None:
                better = MEASURES[key].higher_better
                rule = {"source": SERVICE_SOURCE, "mode": "thresholds",
                        "bands": [dict(b) for b in DEFAULT_BANDS[better]]}
                self.item["rule"] = rule
            elif MEASURES[key].higher_better != MEASURES.get(
                    str(rule.get("measure")), MEASURES[key]).higher_better \
                    and rule.get("mode") == "thresholds":
                # the direction changed: bands written for a rate would be upside down
                rule["bands"] = [dict(b) for b in DEFAULT_BANDS[MEASURES[key].higher_better]]
            rule["measure"] = key
        self._changed()

    def _mode_chosen(self, _: int) -> None:
        rule = self._rule()
        if self._filling or self.read_only or rule is None:
            return
        mode = self.mode_combo.currentData()
        rule["mode"] = mode
        better = MEASURES.get(str(rule.get("measure")), next(iter(MEASURES.values()))).higher_better
        if mode == "thresholds" and not rule.get("bands"):
            rule["bands"] = [dict(b) for b in DEFAULT_BANDS[better]]
        if mode == "linear":
            rule.setdefault("target", 98 if better else 0)
        if mode in ("linear", "rank"):
            rule.setdefault("per", 0.5 if mode == "linear" else 1)
        self._changed()

    def _set(self, key: str, value: object) -> None:
        rule = self._rule()
        if self._filling or self.read_only or rule is None:
            return
        if key == "no_data" and value == "pending":
            rule.pop("no_data", None)
        else:
            rule[key] = value
        self._show_rule()
        self.edited.emit()

    def _changed(self) -> None:
        if self._filling:
            return
        self.fill()
        self.edited.emit()
