"""添加人员 / 编辑人员: name, code, unit, post, 负责人, attendance number and phone."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QCompleter, QLabel, QVBoxLayout, QWidget

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.services.results import StaffInfo, UnitInfo
from kaohe_desktop.services.roster import staff_problems

from ..common.form_dialog import FormDialog, editable_combo, line_edit

POSTS = ["站长", "窗口受理员", "代办员", "网格员"]


class StaffDialog(FormDialog):
    """`units`: the units a person may belong to (the active ones). The unit box accepts
    "编号 名称" as listed, a code or a unique name; typing filters the list.

    `heads`: unit code → "编号 姓名" of the person marked 负责人 there, so the dialog can
    say before saving whose mark a tick takes (the service moves it)."""

    def __init__(self, parent: QWidget | None, *, save: Callable[[dict[str, str]], Any],
                 taken_codes: Collection[str], units: list[UnitInfo], posts: list[str] | None = None,
                 person: StaffInfo | None = None, unit_code: str = "",
                 heads: dict[str, str] | None = None) -> None:
        super().__init__(parent, "编辑人员" if person else "添加人员", save)
        self.person = person
        self._taken = set(taken_codes) - ({person.code} if person else set())
        self._by_text: dict[str, str] = {}
        names: dict[str, list[str]] = {}
        labels = []
        for u in units:
            label = f"{u.code} {u.name}" + ("" if u.active else "（已停用）")
            labels.append(label)
            self._by_text[label] = self._by_text[u.code] = u.code
            names.setdefault(u.name, []).append(u.code)
        self._by_text.update({n: codes[0] for n, codes in names.items() if len(codes) == 1
                              and n not in self._by_text})
        current = person.unit_code if person else unit_code
        current_label = next((t for t in labels if self._by_text[t] == current), "")

        self.name_edit = line_edit(person.name if person else "")
        self.code_edit = line_edit(person.code if person else "", "" if person else "留空则自动编号")
        self.unit_combo = editable_combo(labels, current_label)
        self.unit_combo.lineEdit().setPlaceholderText("输入编号或名称查找站点")
        completer = QCompleter(labels, self.unit_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.unit_combo.setCompleter(completer)
        self.post_combo = editable_combo(list(dict.fromkeys([*POSTS, *(posts or [])])),
                                         person.post if person else "")
        self.attendance_edit = line_edit(person.attendance_no if person else "",
                                         "考勤机或钉钉里的编号，可不填")
        self.phone_edit = line_edit(person.phone if person else "", "如：13800000000")
        self._heads = heads or {}
        self.head_check = QCheckBox("本站负责人(&H)")
        self.head_check.setChecked(bool(person and person.head))
        self.head_check.setToolTip("负责人收到发给“负责人”的通知；不勾选任何人时，按岗位站长或主任确定")
        self.head_note = QLabel()
        self.head_note.setObjectName("headNote")
        self.head_note.setStyleSheet("color: #666;")
        head_box = QWidget()
        head_layout = QVBoxLayout(head_box)
        head_layout.setContentsMargins(0, 0, 0, 0)
        head_layout.addWidget(self.head_check)
        head_layout.addWidget(self.head_note)
        for label, widget in (("姓名(&N)", self.name_edit), ("编号(&C)", self.code_edit),
                              ("所属站点(&U)", self.unit_combo), ("岗位(&J)", self.post_combo),
                              ("负责人", head_box),
                              ("考勤号(&A)", self.attendance_edit), ("电话(&P)", self.phone_edit)):
            self.form.addRow(label, widget)
            self.watch(widget)
        self.head_check.toggled.connect(self._update_head_note)
        self.unit_combo.currentTextChanged.connect(self._update_head_note)
        self._update_head_note()
        self.revalidate()

    def _update_head_note(self) -> None:
        """Say whose mark a tick takes over, or that moving unit drops the mark."""
        unit = self.unit_code()
        holder = self._heads.get(unit, "")
        own = f"{self.person.code} {self.person.name}" if self.person else ""
        note = ""
        if self.head_check.isChecked() and holder and holder != own:
            note = f"保存后原负责人 {holder} 的标记将取消"
        elif (self.person is not None and self.person.head and self.head_check.isChecked()
              and unit and unit != self.person.unit_code):
            note = "调到新站点后仍为负责人"
        self.head_note.setText(note)
        self.head_note.setVisible(bool(note))

    def unit_code(self) -> str:
        """The chosen unit's code, or "" when the text names no unit."""
        return self._by_text.get(self.unit_combo.currentText().strip(), "")

    def problems(self) -> list[Problem]:
        problems = staff_problems(self.name_edit.text(), self.code_edit.text(),
                                  self.phone_edit.text(), self.unit_code(), self._taken,
                                  code_required=self.person is not None)
        typed = self.unit_combo.currentText().strip()
        if typed and not self.unit_code():
            problems = [Problem("没有这个站点，请从列表中选择", column="所属单位", value=typed)
                        if p.column == "所属单位" else p for p in problems]
        return problems

    def values(self) -> dict[str, Any]:  # type: ignore[override]  # head is a bool
        return {"name": self.name_edit.text().strip(), "code": self.code_edit.text().strip(),
                "unit": self.unit_code(), "post": self.post_combo.currentText().strip(),
                "attendance_no": self.attendance_edit.text().strip(),
                "phone": self.phone_edit.text().strip(), "head": self.head_check.isChecked()}
