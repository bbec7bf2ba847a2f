"""考核细则: every rubric and version as a tree; edit, then save as a new version.

The page edits one working dict (the rubric's JSON form, from the services) and
validates it through the domain after every change (`rubric_edit.check`): problems are
listed live, items with problems and parents that do not add up turn red. Save is
enabled only for a changed, valid, unlocked rubric and stores a new version through
`services.rubrics.save_rubric`; stored versions never change. A version used by an
assessment that is no longer a draft is read-only here and refused by the service;
复制为新版本 stores an editable copy.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain import rubric_edit
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.services import rubrics

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..common.page import Changes, Page
from .consequences_editor import ConsequencesEditor
from .copy_dialog import ask_new_rubric
from .grades_editor import GradesEditor
from .items_editor import ItemsEditor
from .levels_editor import number_or_text, number_text
from .rules_editor import AMOUNTS_HINT, RulesEditor

LOCKED_TEXT = "该细则已被已提交的考核使用，只读"
SUBJECT_KINDS = {"unit": "单位（站点）", "staff": "工作人员"}
SECTION_WORDS = {"bonus": "加分项", "deduction": "减分项", "grades": "等次划分", "veto": "一票否决",
                 "full_marks": "总分", "version": "版本", "subject_kind": "考核对象",
                 "consequences": "结果运用"}
ITEMS_TAB, RULES_TAB, GRADES_TAB, CONSEQUENCES_TAB = range(4)


class RubricsPage(Page):
    title = "考核细则"

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(db, changes, parent)
        self._code: str | None = None
        self._version: int | None = None
        self._raw: dict[str, Any] = {}
        self._original: dict[str, Any] = {}
        self._locked = False
        self._check = rubric_edit.Check(None)
        self._emitting = False
        self._build()

    # ================================================================== layout
    def _build(self) -> None:
        self.rubric_list = QListWidget()
        self.rubric_list.setObjectName("rubricList")
        self.rubric_list.setStyleSheet("QListWidget#rubricList::item { padding: 6px 4px; }")
        self.rubric_list.setWordWrap(True)
        self.rubric_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.copy_button = QPushButton("复制为新细则…")
        self.import_button = QPushButton("导入细则文件…")
        self.export_button = QPushButton("导出细则文件…")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>细则与版本</b>"))
        left_layout.addWidget(self.rubric_list, 1)
        for button in (self.copy_button, self.import_button, self.export_button):
            left_layout.addWidget(button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(self._build_header())
        right_layout.addWidget(self._build_banner())
        self.tabs = QTabWidget()
        self.items_editor = ItemsEditor()
        self.tabs.addTab(self.items_editor, "评分项目")
        self.tabs.addTab(self._build_rules_tab(), "加减分与否决")
        self.grades_editor = GradesEditor()
        self.tabs.addTab(self._scrolled(self.grades_editor), "等次划分")
        self.consequences_editor = ConsequencesEditor()
        self.tabs.addTab(self._scrolled(self.consequences_editor), "结果运用")
        right_layout.addWidget(self.tabs, 1)
        self.problems_label = QLabel()
        self.problems_list = QListWidget()
        self.problems_list.setMaximumHeight(96)
        self.problems_list.setStyleSheet("QListWidget { color: #c62828; }")
        right_layout.addWidget(self.problems_label)
        right_layout.addWidget(self.problems_list)
        right_layout.addLayout(self._build_footer())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(splitter)

        self.rubric_list.currentRowChanged.connect(self._rubric_chosen)
        self.copy_button.clicked.connect(self.copy_rubric)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)
        self.problems_list.itemActivated.connect(self._problem_activated)
        self.problems_list.itemClicked.connect(self._problem_activated)
        # A renamed grade renames its consequences (GradesEditor.apply): show the new name.
        # Connected first, so the check that follows colours the refilled rows.
        self.grades_editor.edited.connect(lambda: self.consequences_editor.fill())
        for editor in (self.items_editor, self.bonus_editor, self.deduction_editor, self.veto_editor,
                       self.grades_editor, self.consequences_editor):
            editor.edited.connect(self._after_edit)
        self.items_editor.message.connect(self._status)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build_header(self) -> QVBoxLayout:
        self.name_edit = QLineEdit()
        self.version_combo = QComboBox()
        self.version_combo.setMinimumContentsLength(16)
        self.version_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.subject_combo = QComboBox()
        for key, text in SUBJECT_KINDS.items():
            self.subject_combo.addItem(text, key)
        self.full_edit = QLineEdit()
        self.full_edit.setMaximumWidth(70)
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("依据的文件、口径说明")
        first, second = QHBoxLayout(), QHBoxLayout()
        for row, widgets in ((first, (QLabel("名称"), self.name_edit, QLabel("版本"), self.version_combo)),
                             (second, (QLabel("对象"), self.subject_combo, QLabel("满分"), self.full_edit,
                                       QLabel("依据"), self.source_edit))):
            for widget in widgets:
                row.addWidget(widget, 1 if isinstance(widget, QLineEdit) and widget is not self.full_edit
                              else 0)
        header = QVBoxLayout()
        header.addLayout(first)
        header.addLayout(second)
        self.name_edit.textEdited.connect(lambda text: self._set_field("name", text.strip()))
        self.source_edit.textEdited.connect(lambda text: self._set_field("source", text))
        self.full_edit.textEdited.connect(
            lambda text: self._set_field("full_marks", number_or_text(text.strip())))
        self.subject_combo.activated.connect(
            lambda _=0: self._set_field("subject_kind", self.subject_combo.currentData()))
        self.version_combo.activated.connect(self._version_chosen)
        return header

    def _build_banner(self) -> QFrame:
        self.banner = QFrame()
        self.banner.setObjectName("lockedBanner")
        self.banner.setStyleSheet("QFrame#lockedBanner { background: #fff4d6; border: 1px solid #e0b44c;"
                                  " border-radius: 3px; }")
        self.banner_label = QLabel(LOCKED_TEXT)
        self.copy_version_button = QPushButton("复制为新版本")
        self.copy_version_button.clicked.connect(self.copy_as_new_version)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.copy_version_button)
        self.banner.hide()
        return self.banner

    def _build_rules_tab(self) -> QWidget:
        self.bonus_editor = RulesEditor("bonus")
        self.deduction_editor = RulesEditor("deduction")
        self.veto_editor = RulesEditor("veto")
        inner = QWidget()
        layout = QVBoxLayout(inner)
        hint = QLabel(AMOUNTS_HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        for editor in (self.bonus_editor, self.deduction_editor, self.veto_editor):
            layout.addWidget(editor)
        layout.addStretch(1)
        return self._scrolled(inner)

    @staticmethod
    def _scrolled(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(widget)
        return area

    def _build_footer(self) -> QHBoxLayout:
        self.status_label = QLabel()
        self.revert_button = QPushButton("放弃修改")
        self.save_button = QPushButton("保存为新版本")
        self.save_button.setDefault(True)
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.status_label, 1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        return row

    # ================================================================== loading
    @property
    def dirty(self) -> bool:
        return self._raw != self._original

    def refresh(self) -> None:
        infos = rubrics.list_rubrics(self.db)
        codes = [i.code for i in infos]
        if self._code not in codes:
            self._code, self._version = (codes[0] if codes else None), None
        self.rubric_list.blockSignals(True)
        self.rubric_list.clear()
        for info in infos:
            item = QListWidgetItem(f"{info.name}\n{info.code} · 最新第 {info.version} 版"
                                   + (" · 内置" if info.builtin else ""))
            item.setData(Qt.ItemDataRole.UserRole, info.code)
            item.setToolTip(info.name)
            self.rubric_list.addItem(item)
        if self._code is not None:
            self.rubric_list.setCurrentRow(codes.index(self._code))
        self.rubric_list.blockSignals(False)
        if self._code is None:
            return
        if self.dirty:  # keep the user's edits; only what the database says may change
            self._fill_versions()
            self._set_locked(rubrics.rubric_is_locked(self.db, self._code, self._raw["version"]))
            self._revalidate()
        else:
            self._load(self._code, self._version)

    def on_changed(self, what: str) -> None:
        if not self._emitting:
            super().on_changed(what)

    def _load(self, code: str, version: int | None) -> None:
        same_rubric = code == self._code
        raw = rubrics.rubric_definition(self.db, code, version)
        self._code, self._version, self._raw = code, raw["version"], raw
        self._fill_versions()
        self._locked = rubrics.rubric_is_locked(self.db, code, raw["version"])
        self.name_edit.setText(str(raw.get("name", "")))
        self.name_edit.setCursorPosition(0)
        self.subject_combo.setCurrentIndex(max(self.subject_combo.findData(raw.get("subject_kind")), 0))
        self.full_edit.setText(number_text(raw.get("full_marks", 100)))
        # "种子文本" is the developers' name for the office's source document
        source = str(raw.get("source", "")).replace("（种子文本）", "").replace("种子文本", "")
        self.source_edit.setText(source)
        self.source_edit.setCursorPosition(0)
        self.source_edit.setToolTip(source)
        for editor in (self.bonus_editor, self.deduction_editor, self.veto_editor, self.grades_editor,
                       self.consequences_editor):
            editor.load(raw, self._locked)
        self.items_editor.load(raw, self._locked, same_rubric)
        self._original = copy.deepcopy(raw)
        self._set_locked(self._locked)
        self._revalidate()

    def _fill_versions(self) -> None:
        assert self._code is not None
        versions = rubrics.rubric_versions(self.db, self._code)
        locked = rubrics.locked_versions(self.db, self._code)
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        for info in reversed(versions):
            text = f"第 {info.version} 版" + ("（最新）" if info is versions[-1] else "")
            self.version_combo.addItem(text + ("（只读）" if info.version in locked else ""), info.version)
        self.version_combo.setCurrentIndex(max(self.version_combo.findData(self._raw.get("version")), 0))
        self.version_combo.blockSignals(False)

    def _set_locked(self, locked: bool) -> None:
        self._locked = locked
        self.banner.setVisible(locked)
        for edit in (self.name_edit, self.full_edit, self.source_edit):
            edit.setReadOnly(locked)
        self.subject_combo.setEnabled(not locked)
        if self.items_editor.read_only != locked:
            self.items_editor.set_read_only(locked)
        for editor in (self.bonus_editor, self.deduction_editor, self.veto_editor, self.grades_editor,
                       self.consequences_editor):
            if editor.read_only != locked:
                editor.load(self._raw, locked)

    # ================================================================== validation
    def _revalidate(self) -> None:
        self._check = rubric_edit.check(self._raw)
        for editor in (self.items_editor, self.bonus_editor, self.deduction_editor, self.veto_editor,
                       self.grades_editor, self.consequences_editor):
            editor.show_check(self._check)
        self.grades_editor.update_preview()
        self.problems_list.clear()
        for problem in self._check.problems:
            item = QListWidgetItem(self._problem_text(problem))
            item.setData(Qt.ItemDataRole.UserRole, problem.column)
            self.problems_list.addItem(item)
        count = len(self._check.problems)
        self.problems_list.setVisible(bool(count))
        row_height = self.problems_list.sizeHintForRow(0) if count else 0
        self.problems_list.setFixedHeight(min(count, 4) * row_height + 2 * self.problems_list.frameWidth())
        self.problems_label.setText(
            f"<span style='color:#c62828'>发现 {count} 处问题，改正后才能保存（单击定位）：</span>"
            if count else "<span style='color:#2e7d32'>✓ 校验通过</span>")
        self._update_buttons()

    def _problem_text(self, problem: Problem) -> str:
        where = problem.column
        item = self.items_editor.item(where)
        where = f"{where} {item.get('title', '')}" if item is not None else SECTION_WORDS.get(where, where)
        value = "" if problem.value in (None, "") or str(problem.value) in problem.reason else (
            f"（{problem.value}）")
        return f"{where}：{problem.reason}{value}" if where else problem.reason + value

    def _problem_activated(self, item: QListWidgetItem) -> None:
        where = item.data(Qt.ItemDataRole.UserRole) or ""
        if self.items_editor.item(where) is not None:
            self.tabs.setCurrentIndex(ITEMS_TAB)
            self.items_editor.select(where)
        elif where == "grades" or any(b.get("name") == where for b in self.grades_editor.entries()):
            self.tabs.setCurrentIndex(GRADES_TAB)
        elif where == "consequences":
            self.tabs.setCurrentIndex(CONSEQUENCES_TAB)
        elif where in ("bonus", "deduction", "veto") or where in rubric_edit.all_codes(self._raw):
            self.tabs.setCurrentIndex(RULES_TAB)

    def _update_buttons(self) -> None:
        have = self._code is not None
        editable = have and not self._locked
        dirty = self.dirty
        self.save_button.setEnabled(editable and dirty and self._check.ok)
        if self._locked:
            self.save_button.setToolTip(LOCKED_TEXT)
        elif not dirty:
            self.save_button.setToolTip("没有修改")
        elif not self._check.ok:
            self.save_button.setToolTip(f"有 {len(self._check.problems)} 处问题，改正后才能保存")
        else:
            self.save_button.setToolTip("保存为新版本（Ctrl+S）；已有的版本保持不变")
        self.revert_button.setEnabled(dirty)
        for button in (self.copy_button, self.export_button):
            button.setEnabled(have)
        if dirty and not self.status_label.text():
            self._status("有未保存的修改")

    # ================================================================== editing
    def _set_field(self, key: str, value: object) -> None:
        if self._locked or self._code is None:
            return
        self._raw[key] = value
        self._after_edit()

    def _after_edit(self) -> None:
        if self.status_label.property("error"):
            self._status("")
        self._revalidate()
        if self.dirty:
            self._status("有未保存的修改")

    def revert(self) -> None:
        if self._code is not None:
            self._original = {}
            self._load(self._code, self._version)
            self._status("已放弃修改")

    # ================================================================== writes
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            db, raw = self.db, self._raw
            info = call_writing(self, "保存考核细则", lambda: rubrics.save_rubric(db, raw), db=db)
        except InputError as exc:
            show_error(self, "保存考核细则", exc)
            return
        if info.version == self._version:
            self._status(f"与第 {info.version} 版相同，没有保存新版本")
            return
        self._after_write(info.code, info.version, f"已保存为第 {info.version} 版")

    def copy_as_new_version(self) -> None:
        if self._code is None or not self._confirm_discard():
            return
        try:
            db, code, version = self.db, self._code, self._version
            info = call_writing(self, "复制为新版本",
                                lambda: rubrics.copy_as_new_version(db, code, version), db=db)
        except InputError as exc:
            show_error(self, "复制为新版本", exc)
            return
        self._after_write(info.code, info.version, f"已复制为第 {info.version} 版，可以修改")

    def copy_rubric(self) -> None:
        if self._code is None or not self._confirm_discard():
            return
        taken = {i.code for i in rubrics.list_rubrics(self.db)}
        n = 2
        while f"{self._code}-{n}" in taken:
            n += 1
        answer = ask_new_rubric(self, f"{self._code} 第 {self._version} 版", f"{self._code}-{n}",
                                f"{self._raw.get('name', '')}（副本）")
        if answer is None:
            return
        try:
            db, code, version = self.db, self._code, self._version
            info = call_writing(self, "复制为新细则",
                                lambda: rubrics.copy_rubric(db, code, answer[0], answer[1], version), db=db)
        except InputError as exc:
            show_error(self, "复制为新细则", exc)
            return
        self._after_write(info.code, info.version, f"已复制为新细则 {info.code}")

    def import_file(self) -> None:
        if not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, "导入考核细则", str(Path.home()),
                                              "考核细则 (*.json);;所有文件 (*)")
        if not path:
            return
        try:
            db = self.db
            info, added = call_writing(self, "导入考核细则",
                                       lambda: rubrics.import_rubric(db, Path(path)), db=db)
        except (InputError, OSError) as exc:
            show_error(self, "导入考核细则", exc)
            return
        message = (f"已导入 {info.code} 第 {info.version} 版" if added
                   else f"文件与 {info.code} 第 {info.version} 版相同，没有添加")
        self._after_write(info.code, info.version, message, wrote=added)

    def export_file(self) -> None:
        if self._code is None:
            return
        suggested = Path.home() / f"{self._code}-第{self._version}版.json"
        path, _ = QFileDialog.getSaveFileName(self, "导出考核细则", str(suggested), "考核细则 (*.json)")
        if not path:
            return
        try:
            target = rubrics.export_rubric(self.db, self._code, Path(path), self._version)
        except (InputError, OSError) as exc:
            show_error(self, "导出考核细则", exc)
            return
        note = "（未保存的修改没有导出）" if self.dirty else ""
        self._status(f"已导出第 {self._version} 版到 {target}{note}")

    def _after_write(self, code: str, version: int, message: str, wrote: bool = True) -> None:
        self._code, self._version = code, version
        self._original, self._raw = {}, {}  # not dirty: refresh loads the stored version
        self.refresh()
        self._status(message)
        if wrote:
            self._emitting = True
            try:
                self.changes.changed.emit("rubrics")
            finally:
                self._emitting = False

    # ================================================================== choosing
    def _confirm_discard(self) -> bool:
        return not self.dirty or QMessageBox.question(
            self, "考核细则", "有未保存的修改，放弃这些修改吗？") == QMessageBox.StandardButton.Yes

    def _rubric_chosen(self, row: int) -> None:
        item = self.rubric_list.item(row)
        code = item.data(Qt.ItemDataRole.UserRole) if item else None
        if code is None or code == self._code:
            return
        if not self._confirm_discard():
            self.rubric_list.blockSignals(True)
            codes = [self.rubric_list.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.rubric_list.count())]
            self.rubric_list.setCurrentRow(codes.index(self._code))
            self.rubric_list.blockSignals(False)
            return
        self._status("")
        self._load(code, None)

    def _version_chosen(self, _index: int) -> None:
        version = self.version_combo.currentData()
        if self._code is None or version == self._raw.get("version"):
            return
        if not self._confirm_discard():
            self._fill_versions()
            return
        self._status("")
        self._load(self._code, version)

    def _status(self, text: str, error: bool = False) -> None:
        self.status_label.setProperty("error", error)
        self.status_label.setStyleSheet("color: #c62828;" if error else "color: #555;")
        self.status_label.setText(text)

