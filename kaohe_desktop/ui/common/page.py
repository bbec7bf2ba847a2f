"""What every page of the main window has: the database, the change hub, refresh()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:  # the window shows before the database layer is imported
    from kaohe_desktop.services.database import Database


class Changes(QObject):
    """After a write, a page says what changed ("roster", "rubrics", "scores" …);
    every page decides for itself whether to redraw."""

    changed = Signal(str)


class Page(QWidget):
    title = ""

    def __init__(self, db: Database, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.changes = changes
        changes.changed.connect(self.on_changed)

    _stale = True  # data changed since the page last drew it

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def on_changed(self, what: str) -> None:
        if self.isVisible():
            self.refresh()
            self._stale = False
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        if self._stale:  # a revisit with nothing changed costs nothing
            self.refresh()
            self._stale = False
        super().showEvent(event)
