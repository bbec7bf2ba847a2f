"""Entering one assessment's scores: assessor chooser, subjects with completion marks, the
rubric form, the subject's bonus/deduction events, templates, imports and submission.

The view keeps the assessor's `SheetData` as its cache: it is loaded once per assessor
(`services.score_sheet.sheet_for`) and updated after each successful write, so switching
subjects touches no database. Every write goes through `services.scores` at once and is
announced with `wrote` ("scores"), which the page turns into a change broadcast.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.completeness import DATA_SOURCES
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import ranking, score_sheet, scores
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import AssessorInfo, EventInfo, SheetData, SubjectInfo
from kaohe_desktop.services.scores import ScoreConflict

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..common.tasks import run_job, single_step
from .event_panel import EventPanel
from .import_dialog import ScoreImportDialog
from .score_form import ScoreForm
from .subject_list import SubjectListModel

SEAT_ROLE = Qt.ItemDataRole.UserRole + 1  # the assessor combo's group of each seat
BANNER_STYLE = ("background: #fff4ce; border: 1px solid #e0c36a; border-radius: 3px; "
                "padding: 6px 10px; color: #5c4400;")


class ScoreEntryView(QWidget):
    back_requested = Signal()
    wrote = Signal(str)  # what changed: "scores"

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.assessment_id: int | None = None
        self.sheet: SheetData | None = None
        self.assessors: list[AssessorInfo] = []
        self.subject_code: str | None = None
        self.import_dialog: ScoreImportDialog | None = None
        self._chosen: dict[int, str] = {}  # assessment id → the assessor last chosen

        self.back_button = QPushButton("← 考核列表")
        self.back_button.clicked.connect(self.back_requested)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.state_label = QLabel()
        self.state_label.setStyleSheet("color: #555;")
        head = QHBoxLayout()
        head.addWidget(self.back_button)
        head.addWidget(self.title_label, 1)
        head.addWidget(self.state_label)
        self.banner = QLabel()
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.assessor_combo = QComboBox()
        self.assessor_combo.setMinimumWidth(240)
        self.assessor_combo.currentIndexChanged.connect(self._assessor_changed)
        self.new_assessor_button = QPushButton("新评分人…")
        self.template_button = QPushButton("生成评分表…")
        self.import_button = QPushButton("导入评分表…")
        self.submit_button = QPushButton("提交评分表")
        self.new_assessor_button.clicked.connect(self.new_assessor)
        self.template_button.clicked.connect(self.write_template)
        self.import_button.clicked.connect(self.import_scores)
        self.submit_button.clicked.connect(self.submit_sheet)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("评分人："))
        bar.addWidget(self.assessor_combo)
        bar.addWidget(self.new_assessor_button)
        bar.addStretch(1)
        bar.addWidget(self.template_button)
        bar.addWidget(self.import_button)
        bar.addWidget(self.submit_button)

        self.subjects = SubjectListModel(self)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("筛选：编号、名称或街道（Ctrl+F）")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.installEventFilter(self)
        self.open_only_check = QCheckBox("只看未评完")
        self.open_only_check.setToolTip("只列出本评分人还没有评完的对象")
        self.open_only_check.toggled.connect(self._filter_changed)
        self.subject_view = QListView()
        self.subject_view.setModel(self.subjects)
        self.subject_view.setUniformItemSizes(True)
        self.subject_view.setMinimumWidth(200)
        self.subject_view.selectionModel().currentChanged.connect(self._subject_clicked)
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet("color: #555;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("考核对象"))
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.open_only_check)
        left_layout.addWidget(self.subject_view, 1)
        left_layout.addWidget(self.progress_label)

        self.form = ScoreForm()
        self.form.saver = self._save_score
        self.form.remark_saver = self._save_remark
        self.form.subject_step.connect(self.step)
        self.events = EventPanel(db)
        self.events.events_changed.connect(self._events_changed)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.form)
        right.addWidget(self.events)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        right.setSizes([520, 150])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 800])

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        for keys, delta in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda delta=delta: self.step(delta))
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_filter)

    # ------------------------------------------------------------------ loading
    def open(self, assessment_id: int, assessor: str | None = None) -> None:
        if self.assessment_id is not None and self.subject_code is not None:
            self.form.commit_focused()
        if assessment_id != self.assessment_id:
            self.subject_code = None
        self.assessment_id = assessment_id
        self.reload(assessor)

    def reload(self, assessor: str | None = None) -> None:
        """Re-read the assessment and the sheet (keeping assessor and subject)."""
        if self.assessment_id is None:
            return
        # data sources (考勤系统 …) are not people with a sheet to fill in
        self.assessors = [a for a in score_sheet.list_assessors(self.db, self.assessment_id)
                          if a.name not in DATA_SOURCES]
        names = [a.name for a in self.assessors]
        wanted = assessor or self._chosen.get(self.assessment_id)
        if wanted not in names:
            wanted = names[0] if names else None
        self.assessor_combo.blockSignals(True)
        self.assessor_combo.clear()
        if not self.assessors:
            self.assessor_combo.addItem("（还没有评分人）", None)
        for a in self.assessors:
            group = f"{a.group}·{a.role}" if a.group else a.role
            self.assessor_combo.addItem(f"{a.name}（{group}）" + ("　已提交" if a.submitted else ""),
                                        a.name)
            # one person may sit in several groups: each seat is its own sheet
            self.assessor_combo.setItemData(self.assessor_combo.count() - 1, a.group, SEAT_ROLE)
        self.assessor_combo.setCurrentIndex(max(0, self.assessor_combo.findData(wanted)))
        self.assessor_combo.blockSignals(False)
        self._load_sheet(wanted)

    def _load_sheet(self, assessor: str | None) -> None:
        assert self.assessment_id is not None
        seat = (self.assessor_combo.currentData(SEAT_ROLE)
                if self.assessor_combo.currentData() == assessor else None)
        sheet = self.sheet = score_sheet.sheet_for(self.db, self.assessment_id, assessor,
                                                   group=seat or None)
        if assessor:
            self._chosen[self.assessment_id] = assessor
        info = sheet.assessment
        self.title_label.setText(info.name)
        self.state_label.setText(f"{info.rubric_code}　{info.period_label}　"
                                 f"{STATE_NAMES[State(info.state)]}")
        self.form.build(sheet.rubric)  # a no-op for the rubric already built
        rubric = sheet.rubric
        self.events.setVisible(bool(rubric.bonus.rules or rubric.deduction.rules or rubric.veto
                                    or any(sheet.events.values())))
        self.form.set_read_only(not sheet.editable)
        self.subjects.set_sheet(sheet)
        self._update_banner()
        codes = [s.code for s in self.subjects.subjects]  # those the filter lists
        code = self.subject_code if self.subject_code in codes else (codes[0] if codes else None)
        self.subject_code = None
        if code is None:
            self.form.clear("没有符合筛选条件的对象" if sheet.subjects else "本评分人没有需要评分的对象")
            self.events.show_subject(info.id, sheet.rubric, None, [], False)
        else:
            self._select_row(self.subjects.row_of(code))
        self._update_progress()

    def _update_banner(self) -> None:
        sheet = self.sheet
        assert sheet is not None
        state = State(sheet.assessment.state)
        text = ""
        if sheet.locked:
            text = (f"本考核{STATE_NAMES[state]}，已锁定，只能查看。"
                    "如需更正，请管理员填写理由后重新打开。")
        elif sheet.assessor is None:
            text = "请先选择评分人，或点击“新评分人…”添加；选定后即可逐项录入，每一项随录随存。"
        elif sheet.assessor.submitted_at is not None:
            when = sheet.assessor.submitted_at.strftime("%Y-%m-%d %H:%M")
            text = f"评分人“{sheet.assessor.name}”已于 {when} 提交评分表，只能查看。"
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.new_assessor_button.setEnabled(not sheet.locked)
        self.import_button.setEnabled(not sheet.locked)
        self.submit_button.setEnabled(sheet.editable)

    def _update_progress(self) -> None:
        sheet = self.sheet
        shown_rows, total = self.subjects.rowCount(), self.subjects.total()
        listed = f"；列出 {shown_rows} 个" if shown_rows != total else ""
        if sheet is None or sheet.assessor is None:
            self.progress_label.setText(f"共 {total} 个对象{listed}")
            return
        done = sum(sheet.is_complete(s.code) for s in sheet.subjects)
        self.progress_label.setText(f"已评完 {done} / {total} 个对象{listed}")

    # ------------------------------------------------------------------ filter
    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _filter_changed(self) -> None:
        """List the matching subjects; the one on the form stays when it still matches,
        otherwise the first match is shown."""
        keep = self.subject_code
        self.subjects.set_filter(self.filter_edit.text(), self.open_only_check.isChecked())
        row = self.subjects.row_of(keep) if keep else -1
        if row < 0 and self.subjects.rowCount():
            row = 0
        if row >= 0:
            index = self.subjects.index(row)
            self.subject_view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.subject_view.scrollTo(index)
        self._update_progress()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """In the filter box: Enter starts typing scores for the listed subject, Down goes
        to the list, Esc clears the filter."""
        if obj is self.filter_edit and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.subject_code:
                if self.subjects.row_of(self.subject_code) >= 0 and self.form.rows:
                    self.form.focus_item(self.form.first_item())
                return True
            if key == Qt.Key.Key_Down:
                self.subject_view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if key == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ subjects
    def _select_row(self, row: int) -> None:
        if 0 <= row < self.subjects.rowCount():
            index = self.subjects.index(row)
            self.subject_view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.subject_view.scrollTo(index)
            if self.subject_code != self.subjects.subjects[row].code:
                self.show_subject(self.subjects.subjects[row].code)

    def select_subject(self, code: str) -> None:
        """Show `code` on the form and select it in the list (no-op for an unknown code)."""
        self._select_row(self.subjects.row_of(code))

    def _subject_clicked(self, current, _previous=None) -> None:
        if current.isValid():
            self.show_subject(self.subjects.subjects[current.row()].code)

    def show_subject(self, code: str) -> None:
        sheet = self.sheet
        if sheet is None or code == self.subject_code:
            return
        subject = next(s for s in sheet.subjects if s.code == code)
        self.subject_code = code
        where = f"（{subject.area}）" if subject.area else ""
        self.form.load(f"{subject.code}　{subject.name}{where}", sheet.values.get(code, {}),
                       sheet.remarks.get(code, {}), sheet.events.get(code, []),
                       sheet.derived.get(code, {}))
        self.events.show_subject(sheet.assessment.id, sheet.rubric, subject,
                                 sheet.events.get(code, []), not sheet.locked)

    def current_subject(self) -> SubjectInfo | None:
        if self.sheet is None:
            return None
        return next((s for s in self.sheet.subjects if s.code == self.subject_code), None)

    def step(self, delta: int) -> None:
        """Ctrl+PgDn / Ctrl+PgUp: save the item being typed, then the next/previous subject
        (of those the filter shows). With the form focused, the same item stays focused —
        scoring one item across subjects — except that Ctrl+PgDn from the last item starts
        the next subject at its first item, as the last item's hint promises."""
        if self.sheet is None or self.subject_code is None:
            return
        had_focus = self.form.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        if not self.form.commit_focused():
            return
        row = self.subjects.row_of(self.subject_code) + delta
        if 0 <= row < self.subjects.rowCount():
            item = self.form.current
            if delta > 0 and item >= self.form.last_item():
                item = self.form.first_item()
            self._select_row(row)
            if had_focus:
                self.form.focus_item(item)

    # ------------------------------------------------------------------ writes
    def _who(self) -> str:
        assert self.sheet is not None and self.sheet.assessor is not None
        return self.sheet.assessor.name

    def _seat(self) -> str | None:
        """The group of the sheet's seat (a person may sit in several groups)."""
        assert self.sheet is not None and self.sheet.assessor is not None
        return self.sheet.assessor.group or None

    def _save_score(self, code: str, value: Decimal | None) -> str | None:
        sheet, subject = self.sheet, self.subject_code
        if sheet is None or subject is None or sheet.assessor is None:
            return "请先选择评分人"
        versions = sheet.versions.setdefault(subject, {})
        seen = versions.get(code, 0)
        db, aid, who, seat = self.db, sheet.assessment.id, self._who(), self._seat()
        try:
            if value is None:
                call_writing(self, "保存评分", lambda: scores.clear_score(
                    db, aid, subject, code, assessor=who, group=seat), db=db)
            else:
                call_writing(self, "保存评分", lambda: scores.set_score(
                    db, aid, subject, code, value, assessor=who, group=seat, seen_version=seen), db=db)
        except ScoreConflict as exc:  # another PC saved it meanwhile: show theirs, keep it
            self._take_theirs(subject, code, exc)
            return "；".join(exc.lines())
        except InputError as exc:
            return "；".join(exc.lines())
        was_done = sheet.is_complete(subject)
        values = sheet.values.setdefault(subject, {})
        if value is None:
            values.pop(code, None)
            versions.pop(code, None)
        else:
            values[code] = value
            versions[code] = seen + 1
        if sheet.is_complete(subject) != was_done:  # the whole assessment's view may change
            sheet.standing = ranking.standings_of(self.db, sheet.assessment.id)
        self.subjects.refresh_row(subject)
        self._update_progress()
        self.wrote.emit("scores")
        return None

    def _take_theirs(self, subject: str, code: str, exc: ScoreConflict) -> None:
        """The value another writer saved becomes what this sheet knows (and the form
        shows when it reverts): the next save is made on top of it."""
        assert self.sheet is not None
        values = self.sheet.values.setdefault(subject, {})
        if exc.theirs is None:
            values.pop(code, None)
            self.sheet.versions.setdefault(subject, {}).pop(code, None)
            self.form.values.pop(code, None)
        else:
            values[code] = exc.theirs
            self.sheet.versions.setdefault(subject, {})[code] = exc.version
            self.form.values[code] = exc.theirs

    def _save_remark(self, code: str, text: str) -> str | None:
        sheet, subject = self.sheet, self.subject_code
        if sheet is None or subject is None or sheet.assessor is None:
            return "请先选择评分人"
        db, aid, who, seat = self.db, sheet.assessment.id, self._who(), self._seat()
        try:
            call_writing(self, "保存备注", lambda: scores.set_remark(
                db, aid, subject, code, text, assessor=who, group=seat), db=db)
        except InputError as exc:
            return "；".join(exc.lines())
        sheet.remarks.setdefault(subject, {})[code] = text
        self.wrote.emit("scores")
        return None

    def _events_changed(self, code: str, events: list[EventInfo]) -> None:
        if self.sheet is not None:
            self.sheet.events[code] = list(events)
            if code == self.subject_code:
                self.form.set_events(events)
        self.wrote.emit("scores")

    def _assessor_changed(self) -> None:
        if self.assessment_id is None:
            return
        self.form.commit_focused()
        self._load_sheet(self.assessor_combo.currentData())

    def new_assessor(self) -> str | None:
        sheet = self.sheet
        if sheet is None:
            return None
        name, ok = QInputDialog.getText(self, "新评分人", "评分人姓名：")
        if not ok or not name.strip():
            return None
        group = None
        groups = sheet.assessment.groups
        if len(groups) > 1:
            labels = [f"{g.name}（{g.role}）" for g in groups]
            label, ok = QInputDialog.getItem(self, "新评分人", f"“{name.strip()}”所在的评分组：",
                                             labels, 0, False)
            if not ok:
                return None
            group = groups[labels.index(label)].name
        try:
            db, aid = self.db, sheet.assessment.id
            added, _ = call_writing(self, "新评分人",
                                    lambda: scores.add_assessor(db, aid, name, group=group), db=db)
        except InputError as exc:
            show_error(self, "新评分人", exc)
            return None
        self.wrote.emit("scores")
        self.reload(added)
        return added

    def submit_sheet(self) -> bool:
        sheet = self.sheet
        if sheet is None or not sheet.editable or not self.form.commit_focused():
            return False
        who = self._who()
        open_ = [s.code for s in sheet.subjects if not sheet.is_complete(s.code)]
        more = (f"\n\n注意：还有 {len(open_)} 个对象没有评完（{'、'.join(open_[:8])}"
                f"{'……' if len(open_) > 8 else ''}）。" if open_ else "")
        answer = QMessageBox.question(
            self, "提交评分表", f"提交评分人“{who}”的评分表？提交后该评分人不能再修改。{more}")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            db, aid, seat = self.db, sheet.assessment.id, self._seat()
            call_writing(self, "提交评分表", lambda: scores.submit_sheet(db, aid, who, group=seat), db=db)
        except InputError as exc:
            show_error(self, "提交评分表", exc)
            return False
        self.wrote.emit("scores")
        self.reload(who)
        return True

    def write_template(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        who = sheet.assessor.name if sheet.assessor else None
        suggested = Path.home() / f"{sheet.assessment.name}评分表{'-' + who if who else ''}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "生成评分表", str(suggested),
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")
        aid = sheet.assessment.id
        run_job(self, "生成评分表", single_step(
            lambda: scores.write_template(self.db, aid, target, assessor=who), "正在生成评分表…"),
            on_done=lambda p: QMessageBox.information(self, "生成评分表", f"已生成：{p}"))

    def import_scores(self) -> ScoreImportDialog | None:
        sheet = self.sheet
        if sheet is None:
            return None
        self.form.commit_focused()
        dialog = self.import_dialog = ScoreImportDialog(
            self.db, sheet.assessment, self.assessors,
            sheet.assessor.name if sheet.assessor else None, self)
        dialog.accepted.connect(lambda: self._imported(dialog))
        dialog.open()
        return dialog

    def _imported(self, dialog: ScoreImportDialog) -> None:
        self.wrote.emit("scores")
        self.reload(dialog.assessor_combo.currentText().strip())  # reloads the form too
        if dialog.report is not None:
            self.progress_label.setText(f"已导入：{dialog.report.summary()}")
