"""The subjects of one score sheet, with a ✓ once this assessor scored every item they are
assigned, and the subject's standing over every assessor (未评完 / 不参评: no grade yet)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kaohe_desktop.services.results import SheetData, SubjectInfo

DONE = "✓"
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class SubjectListModel(QAbstractListModel):
    """Rows are the sheet's subjects; completion is read from the sheet (the window's
    cache), so `refresh_row` after a save is all it takes to update the mark."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sheet: SheetData | None = None
        self.subjects: tuple[SubjectInfo, ...] = ()
        self._leaves = 0

    def set_sheet(self, sheet: SheetData | None) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self.subjects = sheet.subjects if sheet else ()
        self._leaves = len(sheet.leaves) if sheet else 0
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.subjects)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.sheet is None:
            return None
        subject = self.subjects[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = DONE if self.done(subject.code) else "　"
            return f"{mark} {subject.code}  {subject.name}{self._standing_text(subject.code)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"（{subject.area}）" if subject.area else ""
            standing = self.sheet.standing.get(subject.code)
            overall = ("" if standing is None else "\n不参评" if standing.excluded
                       else "\n全部评分人已评完" if standing.complete
                       else "\n尚未评完（暂不定档）：\n" + "\n".join(standing.missing))
            return (f"{subject.name}{where}\n"
                    f"本人已评 {self.sheet.scored_count(subject.code)} / {self._leaves} 项{overall}")
        if role == Qt.ItemDataRole.ForegroundRole and self.done(subject.code):
            return QBrush(QColor("#1e7b34"))
        if role == Qt.ItemDataRole.UserRole:
            return subject.code
        return None

    def _standing_text(self, code: str) -> str:
        standing = self.sheet.standing.get(code) if self.sheet else None
        if standing is None or (standing.complete and not standing.excluded):
            return ""
        return "　·不参评" if standing.excluded else "　·未评完"

    def done(self, code: str) -> bool:
        return self.sheet is not None and self.sheet.assessor is not None \
            and self.sheet.is_complete(code)

    def row_of(self, code: str) -> int:
        return next((n for n, s in enumerate(self.subjects) if s.code == code), -1)

    def refresh_row(self, code: str) -> None:
        row = self.row_of(code)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index)
