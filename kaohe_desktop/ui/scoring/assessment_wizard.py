"""新建考核: a wizard for rubric, period, subjects, assessor groups with role weights,
which group scores which subjects and which items (FRNL: item 5 by 街道工委, items 1–4 by
the cross-assessment groups), and a name. Finishing calls
`services.assessments.create_assessment`; a refusal keeps the wizard open with the reason.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.periods import PERIOD_KIND_NAMES, Period, PeriodKind, adhoc_period
from kaohe_desktop.services import assessments, roster, rubrics
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import AssessmentInfo, RubricInfo

from ..common.busy_wait import call_writing
from ..common.guarded_dialog import snapshot
from ..common.messages import show_error
from ..common.unsaved import confirm_discard
from .check_list import CheckList
from .wizard_assign import AssignPage

ROLES = ("上级", "同事", "下属", "自评", "群众")
DEFAULT_WEIGHTS = {"上级": 50, "同事": 30, "下属": 10, "自评": 10}
ALL_AREAS = "（全部）"


class RubricPage(QWizardPage):
    def __init__(self, items: list[RubricInfo]) -> None:
        super().__init__()
        self.setTitle("选择考核细则")
        self.setSubTitle("考核按哪一套细则评分；细则决定考核对象是站点还是工作人员。")
        self.items = items
        self.table = QTableWidget(len(items), 4)
        self.table.setHorizontalHeaderLabels(["编号", "名称", "考核对象", "评分项"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, r in enumerate(items):
            cells = (f"{r.code}（第 {r.version} 版）", r.name,
                     "站点" if r.subject_kind == "unit" else "工作人员", f"{r.leaves} 项")
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.completeChanged)
        QVBoxLayout(self).addWidget(self.table)
        if items:
            self.table.selectRow(0)

    def rubric(self) -> RubricInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def select(self, code: str) -> None:
        for row, r in enumerate(self.items):
            if r.code == code:
                self.table.selectRow(row)

    def isComplete(self) -> bool:
        return self.rubric() is not None


class PeriodPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("考核周期")
        self.setSubTitle("年度、季度、月度，或给出起止日期的专项考核。")
        today = date.today()
        self.kind_combo = QComboBox()
        for kind, name in PERIOD_KIND_NAMES.items():
            self.kind_combo.addItem(name, str(kind))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(" 年")
        self.quarter_combo = QComboBox()
        self.quarter_combo.addItems(["第一季度", "第二季度", "第三季度", "第四季度"])
        self.quarter_combo.setCurrentIndex((today.month - 1) // 3)
        self.month_combo = QComboBox()
        self.month_combo.addItems([f"{m} 月" for m in range(1, 13)])
        self.month_combo.setCurrentIndex(today.month - 1)
        self.from_date = QDateEdit(QDate(today.year, today.month, 1))
        self.to_date = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.result_label = QLabel()
        self.result_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        for widget in (self.kind_combo, self.year_spin, self.quarter_combo, self.month_combo,
                       self.from_date, self.to_date):
            widget.setMinimumWidth(160)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.form.addRow("周期类型：", self.kind_combo)
        self.form.addRow("年份：", self.year_spin)
        self.form.addRow("季度：", self.quarter_combo)
        self.form.addRow("月份：", self.month_combo)
        self.form.addRow("开始日期：", self.from_date)
        self.form.addRow("结束日期：", self.to_date)
        self.form.addRow("考核周期：", self.result_label)
        for signal in (self.kind_combo.currentIndexChanged, self.year_spin.valueChanged,
                       self.quarter_combo.currentIndexChanged, self.month_combo.currentIndexChanged,
                       self.from_date.dateChanged, self.to_date.dateChanged):
            signal.connect(self._update)
        self._update()

    def kind(self) -> PeriodKind:
        return PeriodKind(self.kind_combo.currentData())

    def set_kind(self, kind: PeriodKind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(str(kind)))

    def period(self) -> Period:
        """The chosen period; ValueError (Chinese) for an ad-hoc range that ends too early."""
        kind, y = self.kind(), self.year_spin.value()
        if kind == PeriodKind.YEAR:
            return Period(kind, date(y, 1, 1), date(y, 12, 31))
        if kind == PeriodKind.QUARTER:
            first = 3 * self.quarter_combo.currentIndex() + 1
            return Period(kind, date(y, first, 1),
                          date(y, first + 2, calendar.monthrange(y, first + 2)[1]))
        if kind == PeriodKind.MONTH:
            m = self.month_combo.currentIndex() + 1
            return Period(kind, date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]))
        return adhoc_period(self.from_date.date().toPython(), self.to_date.date().toPython())

    def _update(self) -> None:
        kind = self.kind()
        for widget, visible in ((self.year_spin, kind != PeriodKind.ADHOC),
                                (self.quarter_combo, kind == PeriodKind.QUARTER),
                                (self.month_combo, kind == PeriodKind.MONTH),
                                (self.from_date, kind == PeriodKind.ADHOC),
                                (self.to_date, kind == PeriodKind.ADHOC)):
            self.form.setRowVisible(widget, visible)
        try:
            text = self.period().label
            self.result_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        except ValueError as exc:
            text = str(exc)
            self.result_label.setStyleSheet("font-size: 11pt; color: #c0392b;")
        self.result_label.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        try:
            self.period()
        except ValueError:
            return False
        return True


class SubjectsPage(QWizardPage):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setTitle("考核对象")
        self.units = roster.list_units(db)
        self.staff = roster.list_staff(db)
        self.kind = "unit"
        self.all_radio = QRadioButton()
        self.pick_radio = QRadioButton("逐个挑选")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.all_radio)
        self.mode.addButton(self.pick_radio)
        self.all_radio.setChecked(True)
        self.area_combo = QComboBox()
        self.area_combo.setMinimumWidth(200)
        self.area_combo.addItem(ALL_AREAS, "")
        for area in sorted({u.area for u in self.units if u.area}):
            self.area_combo.addItem(area, area)
        self.checks = CheckList()
        self.count_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.all_radio)
        row.addWidget(self.area_combo)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.pick_radio)
        layout.addWidget(self.checks, 1)
        layout.addWidget(self.count_label)
        self.mode.buttonToggled.connect(self._update)
        self.area_combo.currentIndexChanged.connect(self._update)
        self.checks.changed.connect(self._update)

    def initializePage(self) -> None:
        rubric = self.wizard().rubric_page.rubric()
        kind = rubric.subject_kind if rubric else "unit"
        if kind != self.kind or not self.checks.model.rowCount():
            self.kind = kind
            if kind == "unit":
                items = [(u.code, f"{u.code}　{u.name}（{u.area or '未分街道'}）") for u in self.units]
            else:
                items = [(p.code, f"{p.code}　{p.name}（{p.unit_name or '未分站点'}）")
                         for p in self.staff]
            self.checks.set_items(items)
        self.setSubTitle("考核的是站点：可选某个街道（乡镇）的全部站点，或逐个挑选。" if kind == "unit"
                         else "考核的是工作人员：可选全部人员（或某个街道的人员），或逐个挑选。")
        self.all_radio.setText("某街道（乡镇）的全部站点：" if kind == "unit"
                               else "全部工作人员，街道（乡镇）：")
        self._update()

    def _area_codes(self) -> list[str]:
        area = self.area_combo.currentData()
        if self.kind == "unit":
            return [u.code for u in self.units if not area or u.area == area]
        in_area = {u.code for u in self.units if u.area == area}
        return [p.code for p in self.staff if not area or p.unit_code in in_area]

    def codes(self) -> list[str]:
        return self._area_codes() if self.all_radio.isChecked() else self.checks.checked()

    def spec(self) -> tuple[str | list[str], str]:
        """(subjects, area) as `create_assessment` takes them."""
        if self.all_radio.isChecked():
            return ("units" if self.kind == "unit" else "staff"), self.area_combo.currentData()
        return self.checks.checked(), ""

    def _update(self, *_: object) -> None:
        picking = self.pick_radio.isChecked()
        self.checks.setEnabled(picking)
        self.area_combo.setEnabled(not picking)
        n = len(self.codes())
        what = "个站点" if self.kind == "unit" else "名工作人员"
        problem = ("请至少勾选一个对象。" if picking else
                   "这个范围里没有可考核的对象：请先在“站点与人员”中添加，或另选范围。")
        self.count_label.setText(f"<b>将考核 {n} {what}。</b>" if n else
                                 f"<span style='color:#c0392b'>{problem}</span>")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.codes())


class GroupsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("评分组与角色权重")
        self.setSubTitle("同一角色的评分取平均，各角色按权重合成；"
                         "默认比例 上级 50、同事 30、下属 10、自评 10。")
        self.groups = QTableWidget(0, 2)
        self.groups.setHorizontalHeaderLabels(["组名", "角色"])
        self.groups.verticalHeader().hide()
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.groups.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.groups.setColumnWidth(1, 140)
        add = QPushButton("添加评分组")
        remove = QPushButton("删除评分组")
        add.clicked.connect(lambda: self.add_group())
        remove.clicked.connect(self.remove_group)
        self.weights = QTableWidget(0, 2)
        self.weights.setHorizontalHeaderLabels(["角色", "权重"])
        self.weights.verticalHeader().hide()
        self.weights.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.weights.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.weights.setColumnWidth(1, 120)
        self.sum_label = QLabel()
        self.trimmed = QCheckBox("同一角色满 5 人评分时，去掉一个最高分和一个最低分")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(QLabel("评分组"))
        left.addWidget(self.groups, 1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(QLabel("角色权重"))
        right.addWidget(self.weights, 1)
        right.addWidget(self.sum_label)
        tables = QHBoxLayout()
        tables.addLayout(left, 3)
        tables.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(tables, 1)
        layout.addWidget(self.trimmed)
        self._weights: dict[str, float] = {}
        self.add_group("评分组", "上级")
        self.groups.itemChanged.connect(self._sync)

    def add_group(self, name: str = "", role: str = "上级") -> None:
        row = self.groups.rowCount()
        self.groups.blockSignals(True)
        self.groups.insertRow(row)
        self.groups.setItem(row, 0, QTableWidgetItem(name or f"第{row + 1}组"))
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(ROLES)
        combo.setCurrentText(role)
        combo.currentTextChanged.connect(self._sync)
        self.groups.setCellWidget(row, 1, combo)
        self.groups.blockSignals(False)
        self._sync()

    def remove_group(self) -> None:
        row = self.groups.currentRow()
        if row >= 0 and self.groups.rowCount() > 1:
            self.groups.removeRow(row)
            self._sync()

    def specs(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.groups.rowCount()):
            item = self.groups.item(row, 0)
            combo = self.groups.cellWidget(row, 1)
            assert isinstance(combo, QComboBox)
            out.append(((item.text() if item else "").strip(), combo.currentText().strip()))
        return out

    def roles(self) -> list[str]:
        return list(dict.fromkeys(role for _, role in self.specs() if role))

    def role_weights(self) -> dict[str, Decimal]:
        out = {}
        for row in range(self.weights.rowCount()):
            spin = self.weights.cellWidget(row, 1)
            assert isinstance(spin, QDoubleSpinBox)
            out[self.weights.item(row, 0).text()] = Decimal(repr(spin.value())) / 100
        return out

    def set_weight(self, role: str, percent: float) -> None:
        for row in range(self.weights.rowCount()):
            if self.weights.item(row, 0).text() == role:
                spin = self.weights.cellWidget(row, 1)
                assert isinstance(spin, QDoubleSpinBox)
                spin.setValue(percent)

    def _sync(self, *_: object) -> None:
        """Rebuild the weights table from the groups' roles, keeping weights the user typed
        (a lone role always weighs 100%)."""
        roles = self.roles()
        base = {r: DEFAULT_WEIGHTS.get(r, 10) for r in roles}
        defaults = {r: round(100 * w / sum(base.values()), 1) for r, w in base.items()}
        if roles:
            defaults[roles[0]] = round(defaults[roles[0]] + 100 - sum(defaults.values()), 1)
        self.weights.setRowCount(len(roles))
        for row, role in enumerate(roles):
            item = QTableWidgetItem(role)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.weights.setItem(row, 0, item)
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setSuffix(" %")
            spin.setValue(self._weights.get(role, defaults[role]) if len(roles) > 1 else 100.0)
            spin.valueChanged.connect(lambda value, role=role: self._typed(role, value))
            self.weights.setCellWidget(row, 1, spin)
        self._sum()

    def _typed(self, role: str, value: float) -> None:
        self._weights[role] = value
        self._sum()

    def _sum(self) -> None:
        total = sum(self.role_weights().values(), Decimal(0)) * 100
        ok = total == 100
        self.sum_label.setText(f"合计 {shown(total)}%" + ("" if ok else "（建议合计 100%）"))
        self.sum_label.setStyleSheet("" if ok else "color: #c0392b;")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        specs = self.specs()
        names = [n for n, _ in specs]
        return (all(n and r for n, r in specs) and len(set(names)) == len(names)
                and sum(self.role_weights().values(), Decimal(0)) > 0)


class ConfirmPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("确认并创建")
        self.setSubTitle("检查以下设置；名称可留空，将按周期和细则自动命名。")
        self.name_edit = QLineEdit()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout(self)
        form.addRow("考核名称：", self.name_edit)
        form.addRow("", self.summary)

    def initializePage(self) -> None:
        w = self.wizard()
        rubric = w.rubric_page.rubric()
        period = w.period_page.period()
        self.name_edit.setPlaceholderText(f"{period.label}{rubric.name if rubric else ''}")
        codes = w.subjects_page.codes()
        weights = w.groups_page.role_weights()
        lines = []
        for name, role in w.groups_page.specs():
            chosen = w.assign_page.chosen.get(name, set(codes))
            scope = "全部对象" if chosen >= set(codes) else f"{len(chosen)} 个对象"
            items = w.assign_page.item_codes(name)
            scope += f"，项目 {'、'.join(items)}" if items else "，全部项目"
            lines.append(f"<li>{name}（{role}）：{scope}</li>")
        groups = "".join(lines)
        self.summary.setText(
            f"<p><b>细则：</b>{rubric.code if rubric else ''} {rubric.name if rubric else ''}</p>"
            f"<p><b>周期：</b>{period.label}（{PERIOD_KIND_NAMES[period.kind]}）</p>"
            f"<p><b>对象：</b>{len(codes)} 个</p>"
            f"<p><b>角色权重：</b>{'，'.join(f'{r} {shown(v * 100)}%' for r, v in weights.items())}</p>"
            f"<p><b>评分组：</b></p><ul>{groups}</ul>")


class AssessmentWizard(QWizard):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.created: AssessmentInfo | None = None
        self.setWindowTitle("新建考核")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.resize(820, 600)
        for button, text in ((QWizard.WizardButton.BackButton, "< 上一步(&B)"),
                             (QWizard.WizardButton.NextButton, "下一步(&N) >"),
                             (QWizard.WizardButton.FinishButton, "创建考核(&F)"),
                             (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, text)
        self.rubric_page = RubricPage(rubrics.list_rubrics(db))
        self.period_page = PeriodPage()
        self.subjects_page = SubjectsPage(db)
        self.groups_page = GroupsPage()
        self.assign_page = AssignPage(db)
        self.confirm_page = ConfirmPage()
        for page in (self.rubric_page, self.period_page, self.subjects_page, self.groups_page,
                     self.assign_page, self.confirm_page):
            self.addPage(page)
        # 取消, Esc and the close box ask before the choices made are thrown away, as the
        # forms do (`GuardedDialog`); reject() from code still closes without a question
        self._opened_with: list[object] | None = None
        cancel = self.button(QWizard.WizardButton.CancelButton)
        cancel.clicked.disconnect()
        cancel.clicked.connect(self.cancel)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._opened_with is None:
            self._opened_with = snapshot(self)

    def has_changes(self) -> bool:
        return self._opened_with is not None and (
            self.currentId() != self.startId() or snapshot(self) != self._opened_with)

    def cancel(self) -> None:
        if not self.has_changes() or confirm_discard(self):
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous() and self.isVisible() and self.has_changes() \
                and not confirm_discard(self):
            event.ignore()
            return
        super().closeEvent(event)

    def group_specs(self) -> list[GroupSpec]:
        everything = set(self.subjects_page.codes())
        out = []
        for name, role in self.groups_page.specs():
            chosen = self.assign_page.chosen.get(name, everything)
            codes = () if chosen >= everything else tuple(sorted(chosen))
            out.append(GroupSpec(name, role, codes, self.assign_page.item_codes(name)))
        return out

    def accept(self) -> None:
        rubric = self.rubric_page.rubric()
        if rubric is None:
            return
        subjects, area = self.subjects_page.spec()
        try:
            db, period, groups = self.db, self.period_page.period(), self.group_specs()
            weights, name = self.groups_page.role_weights(), self.confirm_page.name_edit.text().strip()
            trimmed = self.groups_page.trimmed.isChecked()
            self.created = call_writing(self, "新建考核", lambda: assessments.create_assessment(
                db, rubric.code, period, subjects=subjects, area=area, groups=groups, weights=weights,
                name=name, trimmed_mean=trimmed, rubric_version=rubric.version), db=db)
        except (InputError, ValueError) as exc:
            show_error(self, "新建考核", exc if isinstance(exc, InputError) else InputError(str(exc)))
            return
        super().accept()
