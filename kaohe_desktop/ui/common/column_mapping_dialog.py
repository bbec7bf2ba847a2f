"""列对应: which column of a file the program does not recognise holds the person, the date,
the time (or date and time together) and the result.

Shows the file's sheets, its header row (guessed; can be changed), the column titles and
a few sample rows, with a first guess from the titles and sample values. Columns are
saved by their title when it is unique (so a file with reordered columns still fits),
else by letter. Accepting only says "read it this way": the import flow reads the file
again with `mapping()` and, if 记住 is ticked, saves it under `signature` — the shape of
the file as first opened, which is what the next file of that shape will be looked up by.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.io.attendance import ColumnMapping

from .guarded_dialog import GuardedDialog

NONE = "（无）"
# field → (label, hint, title keywords in order of preference)
FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "person_id": ("考勤号 / 工号列", "考勤机或钉钉、企业微信里的工号；可不选，按姓名匹配",
                  ("考勤号", "工号", "登记号", "人员编号", "员工编号", "编号", "userid", "用户id", "id")),
    "name": ("姓名列", "考勤号和姓名至少选一个", ("姓名", "名字", "员工", "人员")),
    "date_time": ("日期时间列", "日期和时间在同一格时选这一列", ("日期时间", "打卡时间", "时间")),
    "date": ("日期列", "日期和时间分在两列时选", ("日期",)),
    "time": ("时间列", "与日期列一起用", ("时间", "打卡")),
    "time2": ("第二个时间列", "可选：如“上班”“下班”分成两列", ("下班", "签退")),
    "result": ("结果列", "可选：考勤结果或状态（正常、迟到、请假……）", ("结果", "状态", "考勤")),
}
_DATE_TIME = re.compile(r"\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}:\d{2}")
_DATE = re.compile(r"^\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def _kind(values: list[str]) -> str:
    """"date_time", "date", "time" or "" from a column's sample values."""
    filled = [v.strip() for v in values if v.strip()]
    if not filled:
        return ""
    for kind, pattern in (("date_time", _DATE_TIME), ("date", _DATE), ("time", _TIME)):
        if all(pattern.search(v) for v in filled):
            return kind
    return ""


def guess_mapping(columns: tuple[str, ...], sample: tuple[tuple[str, ...], ...]) -> dict[str, int]:
    """field → column index, from the titles and what the sample values look like."""
    kinds = [_kind([row[j] if j < len(row) else "" for row in sample]) for j in range(len(columns))]
    taken: set[int] = set()
    out: dict[str, int] = {}

    def pick(field: str, want_kind: str = "") -> None:
        for word in FIELDS[field][2]:
            for j, title in enumerate(columns):
                if j in taken or word not in title.casefold():
                    continue
                if want_kind and kinds[j] and kinds[j] != want_kind:
                    continue
                out[field] = j
                taken.add(j)
                return

    pick("person_id")
    pick("name")
    dt = [j for j, k in enumerate(kinds) if k == "date_time" and j not in taken]
    if dt:
        out["date_time"] = dt[0]
        taken.add(dt[0])
    else:
        pick("date", "date")
        times = [j for j, k in enumerate(kinds) if k == "time" and j not in taken]
        for field, j in zip(("time", "time2"), times, strict=False):
            out[field] = j
            taken.add(j)
    pick("result")
    return out


class ColumnMappingDialog(GuardedDialog):
    """Opens in its first field; Esc or 取消 after choosing columns asks first."""

    def __init__(self, parent: QWidget | None, path: Path, headers: Any, *, reason: str = "",
                 initial: ColumnMapping | None = None,
                 reload: Callable[[str, int, Callable[[Any], None]], None] | None = None) -> None:
        """`headers` is the file's io.attendance.HeaderInfo; `reload(sheet, header_row,
        then)` reads the headers again (off the GUI thread) and calls `then(headers)`."""
        super().__init__(parent)
        self.setWindowTitle("指定考勤文件的列")
        self.path = path
        self.signature = headers.signature  # the shape as first opened: what is remembered
        self.headers = headers
        self._reload = reload
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{path.name}</b> 不是能自动识别的考勤导出格式。请指出各列的含义："
            "<br>需要 <b>考勤号或姓名</b>，以及 <b>日期时间</b>（或 <b>日期</b> + <b>时间</b>）；"
            "每行一条打卡，或每人每天一行带结果。")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        if reason:
            why = QLabel(reason)
            why.setWordWrap(True)
            why.setStyleSheet("color:#b06000;")
            layout.addWidget(why)

        self.sheet_combo = QComboBox()
        self.sheet_combo.addItems(list(headers.sheets))
        self.sheet_combo.setCurrentText(headers.sheet)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 200)
        self.header_spin.setValue(headers.header_row)
        self.header_spin.setSuffix(" 行")
        where = QHBoxLayout()
        where.addWidget(QLabel("工作表："))
        where.addWidget(self.sheet_combo, 1)
        where.addSpacing(16)
        where.addWidget(QLabel("表头在第"))
        where.addWidget(self.header_spin)
        where.addStretch(1)
        layout.addLayout(where)

        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        for field, (label, hint, _) in FIELDS.items():
            combo = QComboBox()
            combo.setMinimumWidth(220)
            combo.setToolTip(hint)
            combo.currentIndexChanged.connect(self._changed)
            self.combos[field] = combo
            row = QHBoxLayout()
            row.addWidget(combo)
            note = QLabel(hint)
            note.setStyleSheet("color:#5f6368;")
            row.addWidget(note, 1)
            form.addRow(f"{label}：", row)
        layout.addLayout(form)

        self.sample = QTableWidget()
        self.sample.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sample.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.sample.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(QLabel("文件开头几行："))
        self.sample.setMinimumHeight(self.fontMetrics().height() * 9)
        layout.addWidget(self.sample, 1)

        self.remember_check = QCheckBox("记住这个对应关系：以后同样表头的文件直接按它读取")
        self.remember_check.setChecked(True)
        layout.addWidget(self.remember_check)
        self.hint = QLabel()
        self.hint.setStyleSheet("color:#c5221f;")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("按此读取", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout.addWidget(self.buttons)

        self._show_headers(headers, initial)
        self.sheet_combo.currentTextChanged.connect(lambda _: self._ask_reload())
        self.header_spin.editingFinished.connect(self._ask_reload)
        self.resize(860, 640)

    # ------------------------------------------------------------------ headers
    def _ask_reload(self) -> None:
        sheet, row = self.sheet_combo.currentText(), self.header_spin.value()
        if self._reload is None or (sheet, row) == (self.headers.sheet, self.headers.header_row):
            return
        self._reload(sheet, row, lambda headers: self._show_headers(headers, None))

    def _labels(self, headers: Any) -> list[str]:
        return [f"{letter}  {title}" if title else f"{letter} 列"
                for letter, title in zip(headers.letters, headers.columns, strict=True)]

    def _show_headers(self, headers: Any, initial: ColumnMapping | None) -> None:
        self.headers = headers
        for widget in (self.sheet_combo, self.header_spin):
            widget.blockSignals(True)
        self.sheet_combo.setCurrentText(headers.sheet)
        self.header_spin.setValue(headers.header_row)
        for widget in (self.sheet_combo, self.header_spin):
            widget.blockSignals(False)
        labels = self._labels(headers)
        chosen = self._from_mapping(initial) if initial is not None else guess_mapping(
            headers.columns, headers.sample)
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NONE, None)
            for j, label in enumerate(labels):
                combo.addItem(label, j)
            index = chosen.get(field)
            combo.setCurrentIndex(index + 1 if index is not None and index < len(labels) else 0)
            combo.blockSignals(False)
        self.sample.clear()
        self.sample.setColumnCount(len(labels))
        self.sample.setHorizontalHeaderLabels(labels)
        self.sample.setRowCount(len(headers.sample))
        for r, row in enumerate(headers.sample):
            for c, value in enumerate(row[:len(labels)]):
                self.sample.setItem(r, c, QTableWidgetItem(value))
        self.sample.resizeColumnsToContents()
        self._changed()

    def _index_of(self, ref: Any) -> int | None:
        if ref is None or ref == "":
            return None
        if isinstance(ref, int):
            return ref
        titles = list(self.headers.columns)
        if ref in titles:
            return titles.index(ref)
        if ref.upper() in self.headers.letters:
            return list(self.headers.letters).index(ref.upper())
        return None

    def _from_mapping(self, m: ColumnMapping) -> dict[str, int]:
        times = m.time if isinstance(m.time, tuple) else (m.time,) if m.time is not None else ()
        refs = {"person_id": m.person_id, "name": m.name, "date_time": m.date_time, "date": m.date,
                "time": times[0] if times else None, "time2": times[1] if len(times) > 1 else None,
                "result": m.result}
        return {f: i for f, ref in refs.items() if (i := self._index_of(ref)) is not None}

    # ------------------------------------------------------------------ the mapping
    def choose(self, field: str, title: str | None) -> None:
        """Pick the column titled `title` (or none) for `field` — what a user does."""
        combo = self.combos[field]
        if title is None:
            combo.setCurrentIndex(0)
            return
        combo.setCurrentIndex(list(self.headers.columns).index(title) + 1)

    def _ref(self, field: str) -> str | None:
        j = self.combos[field].currentData()
        if j is None:
            return None
        title = self.headers.columns[j]
        unique = title and list(self.headers.columns).count(title) == 1
        return title if unique else self.headers.letters[j]

    def mapping(self) -> ColumnMapping:
        times = tuple(r for r in (self._ref("time"), self._ref("time2")) if r is not None)
        return ColumnMapping(sheet=self.headers.sheet, header_row=self.headers.header_row,
                             person_id=self._ref("person_id"), name=self._ref("name"),
                             date=self._ref("date"),
                             time=(times[0] if len(times) == 1 else times) if times else None,
                             date_time=self._ref("date_time"), result=self._ref("result"))

    def _changed(self) -> None:
        missing = self.mapping().missing()
        used = [c.currentData() for c in self.combos.values() if c.currentData() is not None]
        twice = len(used) != len(set(used))
        problems = (["还需要：" + "、".join(missing)] if missing else []) + (
            ["同一列被选了两次"] if twice else [])
        self.hint.setText("；".join(problems))
        self.ok_button.setEnabled(not problems)

    @property
    def remember(self) -> bool:
        return self.remember_check.isChecked()
