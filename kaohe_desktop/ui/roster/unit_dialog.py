"""添加站点 / 编辑站点: name, code, area, kind, phone and address of one unit."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtWidgets import QWidget

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.services.results import UnitInfo
from kaohe_desktop.services.roster import UNIT_KINDS, unit_problems

from ..common.form_dialog import FormDialog, editable_combo, line_edit


class UnitDialog(FormDialog):
    """`taken_codes`: codes of every other unit (checked as the user types; the service
    checks again on save). `unit`: the unit to edit, None to add one. `area`: the
    所属街道 a new unit starts with (the area selected in the tree, else the one the
    welcome dialog named, else the only area there is)."""

    def __init__(self, parent: QWidget | None, *, save: Callable[[dict[str, str]], Any],
                 taken_codes: Collection[str], areas: list[str], kinds: list[str] | None = None,
                 unit: UnitInfo | None = None, area: str = "") -> None:
        super().__init__(parent, "编辑站点" if unit else "添加站点", save)
        self.unit = unit
        self._taken = set(taken_codes) - ({unit.code} if unit else set())
        if unit is None and not area and len(areas) == 1:
            area = areas[0]  # one 街道/乡镇 so far: a new station is most likely in it
        kind_items = list(dict.fromkeys([*UNIT_KINDS, *(kinds or [])]))
        self.name_edit = line_edit(unit.name if unit else "", "如：东风社区便民服务站")
        self.code_edit = line_edit(unit.code if unit else "", "" if unit else "留空则自动编号")
        self.area_combo = editable_combo(areas, unit.area if unit else area)
        self.area_combo.lineEdit().setPlaceholderText("所属街道或乡镇，可直接输入新的")
        self.kind_combo = editable_combo(kind_items, unit.kind if unit else UNIT_KINDS[0])
        self.phone_edit = line_edit(unit.phone if unit else "", "如：0731-88886666")
        self.address_edit = line_edit(unit.address if unit else "")
        for label, widget in (("名称(&N)", self.name_edit), ("编号(&C)", self.code_edit),
                              ("所属街道(&A)", self.area_combo), ("类型(&K)", self.kind_combo),
                              ("电话(&P)", self.phone_edit), ("地址(&D)", self.address_edit)):
            self.form.addRow(label, widget)
            self.watch(widget)
        self.revalidate()

    def problems(self) -> list[Problem]:
        return unit_problems(self.name_edit.text(), self.code_edit.text(), self.phone_edit.text(),
                             self._taken, code_required=self.unit is not None)

    def values(self) -> dict[str, str]:
        return {"name": self.name_edit.text().strip(), "code": self.code_edit.text().strip(),
                "area": self.area_combo.currentText().strip(),
                "kind": self.kind_combo.currentText().strip(),
                "phone": self.phone_edit.text().strip(), "address": self.address_edit.text().strip()}
