"""The levels (等次 → points) of the level item selected in the tree."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from kaohe_desktop.domain.numbers import shown, to_decimal
from kaohe_desktop.domain.rubric_edit import to_number

from .table_editor import Entry, TableEditor


def number_text(value: object) -> str:
    try:
        return shown(to_decimal(value))
    except ValueError:
        return "" if value is None else str(value)


def number_or_text(text: str) -> int | float | str:
    """A number when the text is one; otherwise the text, for validation to name."""
    try:
        return to_number(text)
    except ValueError:
        return text


class LevelsEditor(TableEditor):
    headers = ("等次", "分值")
    column_widths = (160, 80)
    buttons_beside = True
    fit_rows = 4
    add_text = "添加等次"

    def __init__(self, parent=None) -> None:
        super().__init__("等次分值（所选项目）", parent)
        note = QLabel("评分时从这些等次中选一个，得到对应分值。分值不能超过项目满分；"
                      "常用：优秀=满分，良好=80%，合格=60%，不合格=0。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        self.side.addWidget(note)
        self.side.addStretch(1)

    def load_item(self, item: dict[str, Any] | None, read_only: bool) -> None:
        """Show the levels of `item`; hidden unless it is a level leaf."""
        shown_here = bool(item) and not item.get("children") and item.get("kind") == "level"
        self.setVisible(shown_here)
        if shown_here:
            assert item is not None
            self.setTitle(f"等次分值：{item.get('code', '')} {item.get('title', '')}")
            self.load(item, read_only)

    def entries(self) -> list[Entry]:
        return self.raw.setdefault("levels", [])

    def cells(self, entry: Entry) -> list[str]:
        return [str(entry.get("name", "")), number_text(entry.get("points"))]

    def apply(self, entry: Entry, column: int, text: str) -> None:
        if column == 0:
            entry["name"] = text
        else:
            entry["points"] = number_or_text(text)

    def new_entry(self) -> Entry:
        return {"name": f"等次{len(self.entries()) + 1}", "points": 0}
