"""指定服务记录的列: for a file whose layout the reader does not recognise, which kind of record
it holds (办件 / 好差评 / 投诉) and which header column holds each field; required fields
are marked and 按此读取 stays disabled until they are chosen.

Columns are named by their header text (what `read_service(mapping=…)` looks them up by),
so a later file of the same shape with reordered columns still fits. Accepting only says
"read it this way": the import flow reads the file again with `mapping()` and, when 记住 is
ticked, the mapping is saved for this header shape when the import commits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.io.service.reader import FIELD_NAMES, FIELDS, KIND_NAMES, KINDS, REQUIRED
from kaohe_desktop.services.service_layout import ServiceHeaders, guess_kind, guess_mapping

from ..common.guarded_dialog import GuardedDialog

NONE = "（无）"
# what a clerk reads next to a field whose name alone is unclear
HINTS = {"no": "每条记录唯一的编号：据此判断是否已导入过", "person_code": "可不选：按姓名匹配名册",
         "person_name": "人员和窗口/单位至少选一个", "unit": "受理或被评价的窗口、单位",
         "limit": "承诺办结的工作日数；即办件可为空", "level": "五级评价或 1～5 星",
         "at": "评价或投诉的时间", "req_no": "评价对应的办件编号"}


class ServiceMappingDialog(GuardedDialog):
    """Like every form, 取消 or Esc asks before throwing chosen columns away."""

    def __init__(self, parent: QWidget | None, headers: ServiceHeaders, *, reason: str = "",
                 initial: dict[str, str] | None = None,
                 reload: Callable[[str, Callable[[ServiceHeaders], None]], None] | None = None,
                 auto: bool = False) -> None:
        """`reload(sheet, then)` reads another sheet's headers (off the GUI thread) and calls
        `then(headers)`. `auto`: the layout is one the reader recognises (the user corrects
        how it was read): a mapping kept for it would never be looked up, so none is offered."""
        super().__init__(parent)
        self.setWindowTitle("指定服务记录的列")
        self.headers = headers
        self._reload = reload
        self._auto = auto
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.intro)
        if reason:
            why = QLabel(reason)
            why.setWordWrap(True)
            why.setStyleSheet("color:#b06000;")
            layout.addWidget(why)

        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(KIND_NAMES[kind], kind)
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItems(list(headers.sheets))
        self.sheet_combo.setCurrentText(headers.sheet)
        self.sheet_combo.setEnabled(len(headers.sheets) > 1 and reload is not None)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel("记录类型："))
        kind_row.addWidget(self.kind_combo)
        kind_row.addSpacing(16)
        kind_row.addWidget(QLabel("工作表："))
        kind_row.addWidget(self.sheet_combo)
        kind_row.addStretch(1)
        layout.addLayout(kind_row)

        self.form_box = QWidget()
        self.form = QFormLayout(self.form_box)
        self.form.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form_box)
        self.combos: dict[str, QComboBox] = {}

        layout.addWidget(QLabel("文件开头几行："))
        self.sample = QTableWidget()
        self.sample.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sample.verticalHeader().hide()
        self.sample.setMinimumHeight(self.fontMetrics().height() * 8)
        layout.addWidget(self.sample, 1)

        self.remember_check = QCheckBox("记住这个对应关系：以后同样表头的文件直接按它读取")
        self.remember_check.setChecked(not auto)
        if auto:
            self.remember_check.setEnabled(False)
            self.remember_check.setText("这种表头能自动识别：下次仍按自动识别读取，这里指定的列只用于这一次")
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

        kind = (initial or {}).get("__kind__") or guess_kind(headers.columns)
        self.kind_combo.setCurrentIndex(KINDS.index(kind))
        self.show_headers(headers, initial)
        self.kind_combo.currentIndexChanged.connect(lambda _: self._build_fields(None))
        self.sheet_combo.currentTextChanged.connect(self._ask_reload)
        self.resize(900, 680)

    def _ask_reload(self, sheet: str) -> None:
        if self._reload is not None and sheet != self.headers.sheet:
            self._reload(sheet, lambda headers: self.show_headers(headers, None))

    def show_headers(self, headers: ServiceHeaders, initial: dict[str, str] | None) -> None:
        """Show a sheet's header row and first rows, and choose the columns again."""
        self.headers = headers
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.setCurrentText(headers.sheet)
        self.sheet_combo.blockSignals(False)
        self.intro.setText(
            f"<b>{headers.file}</b>（工作表“{headers.sheet}”，表头在第 {headers.header_row} 行）"
            + ("按自动识别读取。如有读错，请重新选择记录类型和各项所在的列；" if self._auto else
               "不是能自动识别的导出格式。请选择记录类型，并指出各项在哪一列；")
            + "带 <span style='color:#c5221f'>*</span> 的必须选。")
        labels = self._labels()
        self.sample.clear()
        self.sample.setColumnCount(len(labels))
        self.sample.setHorizontalHeaderLabels(labels)
        self.sample.setRowCount(len(headers.sample))
        for r, row in enumerate(headers.sample):
            for c, value in enumerate(row[:len(labels)]):
                self.sample.setItem(r, c, QTableWidgetItem(value))
        self.sample.resizeColumnsToContents()
        self._build_fields(initial)

    def _labels(self) -> list[str]:
        return [f"{letter}  {title}" if title else f"{letter} 列"
                for letter, title in zip(self.headers.letters, self.headers.columns, strict=True)]

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def _build_fields(self, initial: dict[str, str] | None) -> None:
        """One combo per field of the chosen kind, preset from `initial` or a guess."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        kind = self.kind
        columns = self.headers.columns
        if initial and any(not f.startswith("__") for f in initial):
            chosen = {f: columns.index(t) for f, t in initial.items()
                      if not f.startswith("__") and t in columns}
        else:
            chosen = guess_mapping(columns, kind)
        for field in FIELDS[kind]:
            combo = QComboBox()
            combo.setMinimumWidth(240)
            combo.addItem(NONE, None)
            for j, label in enumerate(self._labels()):
                if columns[j]:  # a column is named by its header text: an untitled one cannot be
                    combo.addItem(label, j)
            if field in chosen:
                combo.setCurrentIndex(max(0, combo.findData(chosen[field])))
            combo.currentIndexChanged.connect(self._changed)
            self.combos[field] = combo
            row = QHBoxLayout()
            row.addWidget(combo)
            note = QLabel(HINTS.get(field, ""))
            note.setStyleSheet("color:#5f6368;")
            row.addWidget(note, 1)
            required = field in REQUIRED[kind]
            name = FIELD_NAMES.get(field, field)
            label = QLabel(f"{name}<span style='color:#c5221f'> *</span>：" if required else f"{name}：")
            label.setTextFormat(Qt.TextFormat.RichText)
            self.form.addRow(label, row)
            for w in (label, combo, note):  # a widget added to a shown dialog stays hidden otherwise
                w.show()
        self._changed()

    def choose(self, field: str, title: str | None) -> None:
        """Pick the column headed `title` (or none) for `field`."""
        combo = self.combos[field]
        combo.setCurrentIndex(0 if title is None else combo.findData(self.headers.columns.index(title)))

    def mapping(self) -> dict[str, str]:
        out = {"__kind__": self.kind}
        for field, combo in self.combos.items():
            j = combo.currentData()
            if j is not None:
                out[field] = self.headers.columns[j]
        return out

    def missing(self) -> list[str]:
        return [FIELD_NAMES.get(f, f) for f in REQUIRED[self.kind]
                if self.combos[f].currentData() is None]

    def _changed(self) -> None:
        missing = self.missing()
        used = [c.currentData() for c in self.combos.values() if c.currentData() is not None]
        mapping = self.mapping()
        nobody = not any(f in mapping for f in ("person_name", "person_code", "unit"))
        problems = (["还需要：" + "、".join(missing)] if missing else []) + (
            ["同一列被选了两次"] if len(used) != len(set(used)) else []) + (
            ["人员（姓名或工号）和窗口/单位至少选一个"] if nobody else [])
        self.hint.setText("；".join(problems))
        self.ok_button.setEnabled(not problems)

    @property
    def remember(self) -> bool:
        return self.remember_check.isChecked()
