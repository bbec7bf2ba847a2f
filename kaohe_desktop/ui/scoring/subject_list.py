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
    """Rows are the sheet's subjects that pass the filter; completion is read from the
    sheet (the window's cache), so `refresh_row` after a save is all it takes to update
    the mark. The filter is applied when it is set (and with a new sheet), not after each
    save: a subject finished under 只看未评完 stays listed until the filter changes."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sheet: SheetData | None = None
        self.subjects: tuple[SubjectInfo, ...] = ()  # the rows shown
        self._leaves = 0
        self._text = ""
        self._open_only = False

    def set_sheet(self, sheet: SheetData | None) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self._leaves = len(sheet.leaves) if sheet else 0
        self.subjects = self._passing()
        self.endResetModel()

    def set_filter(self, text: str, open_only: bool = False) -> None:
        """Show only subjects whose code, name or area contains `text` (any case), and with
        `open_only` those this assessor has not finished."""
        self.beginResetModel()
        self._text = text.strip().casefold()
        self._open_only = open_only
        self.subjects = self._passing()
        self.endResetModel()

    def total(self) -> int:
        return len(self.sheet.subjects) if self.sheet else 0

    def _passing(self) -> tuple[SubjectInfo, ...]:
        if self.sheet is None:
            return ()
        text = self._text
        return tuple(s for s in self.sheet.subjects
                     if (not text or text in f"{s.code}\n{s.name}\n{s.area}".casefold())
                     and not (self._open_only and self.done(s.code)))

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
