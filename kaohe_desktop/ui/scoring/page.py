"""考核评分: the list of assessments, the 新建考核 wizard, and score entry for the one opened.

The page broadcasts what it wrote ("scores", "assessments") and ignores its own
broadcasts: its views already show what they wrote, and reloading the sheet on every
saved keystroke would be wasted work.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import assessments

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..common.page import Changes, Page
from .assessment_list import AssessmentList
from .assessment_wizard import AssessmentWizard
from .entry_view import ScoreEntryView


class ScoringPage(Page):
    title = "考核评分"

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        self._own_change = False
        super().__init__(db, changes, parent)
        self.wizard: AssessmentWizard | None = None
        self.list = AssessmentList()
        self.entry = ScoreEntryView(db)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.entry)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.stack)
        self.list.new_requested.connect(self.new_assessment)
        self.list.open_requested.connect(self.open_assessment)
        self.list.rename_requested.connect(self.rename_assessment)
        self.list.delete_requested.connect(self.delete_assessment)
        self.entry.back_requested.connect(self.show_list)
        self.entry.wrote.connect(self._announce)

    # ------------------------------------------------------------------ refresh
    def refresh(self) -> None:
        self.list.set_items(assessments.list_assessments(self.db))
        if self.stack.currentWidget() is self.entry and self.entry.assessment_id is not None:
            self.entry.reload()

    def on_changed(self, what: str) -> None:
        if not self._own_change:
            super().on_changed(what)

    def _announce(self, what: str) -> None:
        self._own_change = True
        try:
            self.changes.changed.emit(what)
        finally:
            self._own_change = False

    # ------------------------------------------------------------------ navigation
    def open_assessment(self, assessment_id: int, assessor: str | None = None) -> None:
        self.list.select(assessment_id)
        self.stack.setCurrentWidget(self.entry)
        self.entry.open(assessment_id, assessor)

    def show_list(self) -> None:
        self.entry.form.commit_focused()
        self.stack.setCurrentWidget(self.list)
        self.list.set_items(assessments.list_assessments(self.db))
        self.list.table.setFocus()

    def new_assessment(self) -> AssessmentWizard:
        wizard = self.wizard = AssessmentWizard(self.db, self)
        wizard.accepted.connect(lambda: self._created(wizard))
        wizard.open()
        return wizard

    # ------------------------------------------------------------------ rename, delete
    def rename_assessment(self, assessment_id: int) -> None:
        try:
            current = assessments.for_editing(self.db, assessment_id)
        except InputError as exc:  # locked, or gone meanwhile
            show_error(self, "重命名考核", exc)
            return
        name, ok = QInputDialog.getText(self, "重命名考核", f"考核 {assessment_id} 的新名称：",
                                        text=current.name)
        if not ok or name.strip() == current.name:
            return
        try:
            db = self.db
            call_writing(self, "重命名考核", lambda: assessments.rename_assessment(db, assessment_id, name),
                         db=db)
        except InputError as exc:
            show_error(self, "重命名考核", exc)
            return
        self._reload_list("assessments", assessment_id)

    def delete_assessment(self, assessment_id: int) -> None:
        """Ask first (naming the scores that would go and the backup), then delete."""
        current = next((a for a in self.list.model.items if a.id == assessment_id), None)
        if current is None:
            return
        try:
            count = assessments.removal_cost(self.db, assessment_id)
        except InputError as exc:  # locked, or gone meanwhile
            show_error(self, "删除考核", exc)
            return
        more = (f"\n\n其中的 {count} 条评分将一并删除。删除前会先把数据库备份到数据库所在文件夹的"
                "“backups”中。" if count else "\n\n这项考核还没有评分。")
        answer = QMessageBox.question(
            self, "删除考核", f"删除考核 {assessment_id}“{current.name}”及其对象、评分组和评分人？{more}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            db = self.db
            removal = call_writing(self, "删除考核", lambda: assessments.delete_assessment(
                db, assessment_id, confirmed=True), db=db)
        except InputError as exc:
            show_error(self, "删除考核", exc)
            return
        self._reload_list("assessments")
        if removal.backup is not None:
            QMessageBox.information(self, "删除考核", removal.summary())

    def _reload_list(self, what: str, select: int | None = None) -> None:
        self._announce(what)
        self.list.set_items(assessments.list_assessments(self.db))
        if select is not None:
            self.list.select(select)
        self.list.table.setFocus()

    def _created(self, wizard: AssessmentWizard) -> None:
        if wizard.created is None:
            return
        self._announce("assessments")
        self.list.set_items(assessments.list_assessments(self.db))
        self.open_assessment(wizard.created.id)
