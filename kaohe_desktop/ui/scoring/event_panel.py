"""The bonus, deduction and veto events of the subject on the form: list, add, remove,
open the evidence file. Writes go through `services.scores`; `events_changed` tells the
entry view so it can update the total and broadcast the change."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.services import scores
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import EventInfo, SubjectInfo

from ..common.busy_wait import call_writing
from ..common.messages import error_text, show_error
from .event_dialog import EventDialog

HEADERS = ("规则", "分值", "事项", "日期", "说明", "附件")
EVIDENCE = HEADERS.index("附件")


def _rule_title(rubric: Rubric, code: str) -> str:
    found = rubric.event_rule(code)
    if found is not None:
        return found[1].title
    veto = rubric.veto_rule(code)
    return veto.title if veto else ""


class EventPanel(QWidget):
    events_changed = Signal(str, list)  # subject code, its events now

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.assessment_id: int | None = None
        self.rubric: Rubric | None = None
        self.subject: SubjectInfo | None = None
        self.events: list[EventInfo] = []
        self.editable = False
        self.dialog: EventDialog | None = None

        self.title = QLabel("加分与减分")
        self.title.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for col, mode in enumerate((QHeaderView.ResizeMode.Interactive,
                                    QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Interactive,
                                    QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.Interactive)):
            header.setSectionResizeMode(col, mode)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(2, 200)
        self.table.setColumnWidth(EVIDENCE, 140)
        self.table.cellDoubleClicked.connect(lambda row, _: self.open_evidence(row))
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton("登记加减分…")
        self.remove_button = QPushButton("删除")
        self.open_button = QPushButton("查看附件")
        self.add_button.clicked.connect(self.add_event)
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button.clicked.connect(lambda: self.open_evidence(self.table.currentRow()))
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def show_subject(self, assessment_id: int, rubric: Rubric, subject: SubjectInfo | None,
                     events: list[EventInfo], editable: bool) -> None:
        self.assessment_id, self.rubric, self.subject = assessment_id, rubric, subject
        self.editable = editable
        self.events = list(events)
        self.table.setRowCount(len(self.events))
        for row, e in enumerate(self.events):
            title = _rule_title(rubric, e.rule_code)
            sign = {"bonus": "+", "deduction": "−"}.get(e.section, "")
            cells = (f"{e.rule_code}　{title}",
                     "一票否决" if e.section == "veto" else f"{sign}{shown(e.amount)}",
                     e.matter, e.occurred_on.isoformat() if e.occurred_on else "", e.note,
                     Path(e.evidence).name if e.evidence else "")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(e.evidence if col == EVIDENCE else text)
                self.table.setItem(row, col, item)
        has_rules = bool(rubric.bonus.rules or rubric.deduction.rules or rubric.veto)
        self.title.setText("加分与减分" if has_rules else "加分与减分（本细则没有加减分规则）")
        self._update_buttons()

    def _update_buttons(self) -> None:
        rubric = self.rubric
        has_rules = rubric is not None and bool(rubric.bonus.rules or rubric.deduction.rules
                                                or rubric.veto)
        row = self.table.currentRow() if self.table.selectedItems() else -1
        self.add_button.setEnabled(self.editable and has_rules and self.subject is not None)
        self.remove_button.setEnabled(self.editable and row >= 0)
        self.open_button.setEnabled(row >= 0 and bool(self.events[row].evidence))

    # ------------------------------------------------------------------ actions
    def add_event(self) -> EventDialog | None:
        if self.rubric is None or self.subject is None:
            return None
        self.dialog = EventDialog(self.rubric, f"{self.subject.code}　{self.subject.name}", self,
                                  save=self._record)
        self.dialog.open()
        return self.dialog

    def _record(self, dialog: EventDialog) -> str | None:
        """Register the dialog's claim; the service's refusal (a date outside the period …)
        comes back to the dialog, which stays open with what was typed."""
        if self.subject is None or self.assessment_id is None:
            return "请先选择考核对象"
        try:
            db, aid, subject = self.db, self.assessment_id, self.subject.code
            rule, amount, matter, note, on, evidence = (dialog.rule_code(), dialog.amount(), dialog.matter(),
                                                        dialog.note(), dialog.occurred_on(), dialog.evidence)
            call_writing(dialog, "加减分", lambda: scores.record_event(
                db, aid, subject, rule, amount, matter=matter, note=note, occurred_on=on,
                evidence_file=evidence), db=db)
        except (InputError, OSError) as exc:
            return error_text(exc)
        self._reload()
        return None

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.events):
            return
        e = self.events[row]
        answer = QMessageBox.question(self, "删除加减分",
                                      f"删除 {e.rule_code}（{shown(e.amount)} 分）“{e.matter or e.note}”？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            db = self.db
            call_writing(self, "删除加减分", lambda: scores.remove_event(db, e.id), db=db)
        except InputError as exc:
            show_error(self, "删除加减分", exc)
            return
        self._reload()

    def _reload(self) -> None:
        assert self.subject is not None and self.assessment_id is not None
        events = scores.list_events(self.db, self.assessment_id, subject=self.subject.code)
        assert self.rubric is not None
        self.show_subject(self.assessment_id, self.rubric, self.subject, events, self.editable)
        self.events_changed.emit(self.subject.code, events)

    def open_evidence(self, row: int) -> None:
        if 0 <= row < len(self.events) and self.events[row].evidence:
            try:  # only a file inside the attachments folder is ever opened
                path = scores.evidence_path(self.db, self.events[row].evidence)
            except InputError as exc:
                QMessageBox.warning(self, "查看附件", "\n".join(exc.lines()))
                return
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
