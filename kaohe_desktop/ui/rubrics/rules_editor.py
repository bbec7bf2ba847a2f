"""Bonus and deduction rules (编号, 内容, 分值 with a section cap) and veto items."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit

from kaohe_desktop.domain.rubric_edit import all_codes, amounts_text, set_amounts

from .levels_editor import number_or_text, number_text
from .table_editor import Entry, TableEditor

SECTION_TITLES = {"bonus": "加分项", "deduction": "减分项", "veto": "一票否决"}
CODE_PREFIX = {"bonus": "B", "deduction": "D", "veto": "V"}

AMOUNTS_HINT = ("分值写作范围 1～5（步长不是 1 时注明，如 1～5（步长 0.5）），或写可选的分值 1、3、5。"
                "同一事项多次申报只按最高一项计分；每部分合计不超过封顶分。")


class RulesEditor(TableEditor):
    """One section: "bonus" or "deduction" (with title, cap and amounts) or "veto"."""

    stretch_column = 1
    fit_rows = 3

    def __init__(self, section: str, parent=None) -> None:
        self.section = section
        self.headers = ("编号", "内容", "分值") if section != "veto" else ("编号", "内容")
        self.add_text = "添加规则" if section != "veto" else "添加否决项"
        super().__init__(SECTION_TITLES[section], parent)
        self.title_edit = QLineEdit()
        self.cap_edit = QLineEdit()
        self.cap_edit.setMaximumWidth(80)
        if section != "veto":
            row = QHBoxLayout()
            row.addWidget(QLabel("名称"))
            row.addWidget(self.title_edit, 1)
            row.addWidget(QLabel("封顶"))
            row.addWidget(self.cap_edit)
            row.addWidget(QLabel("分"))
            self.body.insertLayout(0, row)
        self.title_edit.textEdited.connect(self._title_edited)
        self.cap_edit.textEdited.connect(self._cap_edited)
        if section != "veto":
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(2, header.ResizeMode.Interactive)
            header.resizeSection(2, 150)

    def _section(self) -> dict:
        return self.raw.setdefault(self.section, {"title": "", "cap": 0, "rules": []})

    def load(self, raw, read_only: bool) -> None:
        super().load(raw, read_only)
        if self.section != "veto":
            section = self._section()
            self.title_edit.setText(str(section.get("title", "")))
            self.cap_edit.setText(number_text(section.get("cap", 0)))
        for edit in (self.title_edit, self.cap_edit):
            edit.setReadOnly(read_only)

    def _title_edited(self, text: str) -> None:
        self._section()["title"] = text.strip()
        self.edited.emit()

    def _cap_edited(self, text: str) -> None:
        self._section()["cap"] = number_or_text(text.strip() or "0")
        self.edited.emit()

    def entries(self) -> list[Entry]:
        if self.section == "veto":
            return self.raw.setdefault("veto", [])
        return self._section().setdefault("rules", [])

    def cells(self, entry: Entry) -> list[str]:
        cells = [str(entry.get("code", "")), str(entry.get("title", ""))]
        return cells if self.section == "veto" else [*cells, amounts_text(entry)]

    def apply(self, entry: Entry, column: int, text: str) -> None:
        if column == 0:
            entry["code"] = text
        elif column == 1:
            entry["title"] = text
        else:
            set_amounts(entry, text)

    def new_entry(self) -> Entry:
        taken = all_codes(self.raw)
        prefix = CODE_PREFIX[self.section]
        n = len(self.entries()) + 1
        while f"{prefix}{n}" in taken:
            n += 1
        entry: Entry = {"code": f"{prefix}{n}", "title": "新规则" if self.section != "veto" else "新否决项"}
        if self.section != "veto":
            entry["amounts"] = [1]
        return entry

    def problem_key(self, entry: Entry) -> str:
        return str(entry.get("code", ""))
