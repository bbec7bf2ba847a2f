"""站点与人员 (placeholder until the page is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .page import Changes, Page


class RosterPage(Page):
    title = "站点与人员"

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(db, changes, parent)
        QVBoxLayout(self).addWidget(QLabel("站点与人员"))
