"""站点与人员: areas → units in a tree; the units or staff of the selection in tables.

`refresh()` loads the whole roster with one service call (`roster.load_roster`) and
indexes it in memory; switching the tree selection or typing in the filter box only
re-slices those lists (no database work). Every write goes through a dialog that calls a
service, then `changes.changed.emit("roster")` makes every page — this one too — redraw.
Reading an import, committing it and exporting run off the GUI thread (tasks.run_job).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services import roster, roster_files
from kaohe_desktop.services.results import RosterData, RowPreview, StaffInfo, UnitInfo

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..common.page import Changes, Page
from ..common.tables import Column, make_table
from ..common.tasks import run_job
from ..help.links import connect_help_links, help_link
from .import_dialog import KIND_TITLES, RosterImportDialog
from .jobs import export_job, import_job, preview_job
from .models import (
    ALL,
    NO_AREA,
    AreaTreeModel,
    RosterFilterProxy,
    RosterTableModel,
    Scope,
    collator,
)
from .staff_dialog import StaffDialog
from .unit_dialog import UnitDialog

FILTER_DELAY_MS = 150  # typing pauses this long before 50,000 rows are filtered
EXPAND_UP_TO = 200  # units; a bigger tree starts collapsed
WORKBOOKS = "Excel 工作簿 (*.xlsx *.xlsm *.xls *.ods);;所有文件 (*)"


def _status(row: Any) -> str:
    return "在用" if row.active else "停用"


class RosterPage(Page):
    title = "站点与人员"

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(db, changes, parent)
        self.data = RosterData((), (), ())
        self._units_in_area: dict[str, list[UnitInfo]] = {}
        self._staff_of_unit: dict[str, list[StaffInfo]] = {}
        self._staff_count: dict[str, int] = {}
        self._scope = ALL
        self._expanded: set[str] | None = None  # None: not decided yet (first load)
        self._focus: tuple[str, str, bool] | None = None  # (kind, code, force) after refresh
        self._last_dir = Path.home()
        self.active_dialog: QDialog | None = None
        self.last_message = ""
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._build()

    # ================================================================== layout
    def _build(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("按名称、编号或电话筛选")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(220)
        self.filter_edit.textChanged.connect(lambda _: self._filter_timer.start())
        QShortcut(QKeySequence.StandardKey.Find, self, self.filter_edit.setFocus)
        self.show_inactive = QCheckBox("显示已停用")
        self.show_inactive.toggled.connect(self._inactive_toggled)

        self.add_unit_button = QPushButton("添加站点")
        self.add_unit_button.clicked.connect(self.add_unit)
        self.add_staff_button = QPushButton("添加人员")
        self.add_staff_button.clicked.connect(self.add_staff)
        self.edit_action = QAction("编辑…", self)
        self.edit_action.triggered.connect(self.edit_selected)
        self.toggle_action = QAction("停用", self)
        self.toggle_action.triggered.connect(self.toggle_selected)
        self.edit_button = QPushButton("编辑…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button = QPushButton("停用")
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.import_button = QPushButton("导入名册…")
        import_menu = QMenu(self.import_button)
        self.import_units_action = import_menu.addAction("站点名册…", lambda: self.import_roster("units"))
        self.import_staff_action = import_menu.addAction("人员名册…", lambda: self.import_roster("staff"))
        self.import_button.setMenu(import_menu)
        self.export_button = QPushButton("导出名册…")
        export_menu = QMenu(self.export_button)
        export_menu.addAction("站点名册…", lambda: self.export_roster("units"))
        export_menu.addAction("人员名册…", lambda: self.export_roster("staff"))
        self.export_button.setMenu(export_menu)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 2)
        bar.addWidget(self.show_inactive)
        bar.addStretch(1)
        for button in (self.add_unit_button, self.add_staff_button, self.edit_button,
                       self.toggle_button, self.import_button, self.export_button):
            bar.addWidget(button)

        self.tree_model = AreaTreeModel(self)
        self.tree = QTreeView()
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree_model.row_height = self.fontMetrics().height() + 8
        self.tree.setModel(self.tree_model)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree.doubleClicked.connect(self._tree_double_clicked)

        self.unit_model = RosterTableModel(self._unit_columns(), self)
        self.unit_proxy = RosterFilterProxy(self.unit_model, self)
        self.unit_table = self._table(self.unit_proxy, "unit_table")
        self.staff_model = RosterTableModel(self._staff_columns(), self)
        self.staff_proxy = RosterFilterProxy(self.staff_model, self)
        self.staff_table = self._table(self.staff_proxy, "staff_table")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.unit_table, "站点")
        self.tabs.addTab(self.staff_table, "人员")
        self.tabs.currentChanged.connect(lambda _: self._update_actions())

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 760])
        self.status_label = QLabel()
        self.status_label.setObjectName("rosterStatus")
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(self.splitter, 1)
        main_layout.addWidget(self.status_label)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_state())
        self.stack.addWidget(main)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        chain = [self.filter_edit, self.show_inactive, self.add_unit_button, self.add_staff_button,
                 self.edit_button, self.toggle_button, self.import_button, self.export_button,
                 self.tree, self.tabs, self.unit_table, self.staff_table]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _table(self, proxy: RosterFilterProxy, name: str) -> QTableView:
        table = make_table(proxy, self)
        table.setObjectName(name)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        table.activated.connect(lambda _: self.edit_selected())
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addActions([self.edit_action, self.toggle_action])
        return table

    def _unit_columns(self) -> list[Column]:
        return [Column("编号", lambda u: u.code, 5), Column("名称", lambda u: u.name, 12),
                Column("所属街道", lambda u: u.area, 6), Column("类型", lambda u: u.kind, 7),
                Column("人员", lambda u: self._staff_count.get(u.code, 0), 3, right=True),
                Column("电话", lambda u: u.phone, 8), Column("状态", _status, 3),
                Column("地址", lambda u: u.address, 14)]

    def _staff_columns(self) -> list[Column]:
        return [Column("编号", lambda p: p.code, 5), Column("姓名", lambda p: p.name, 5),
                Column("所属站点", lambda p: p.unit_name, 12), Column("岗位", lambda p: p.post, 6),
                Column("负责人", lambda p: "负责人" if p.head else "", 4),
                Column("考勤号", lambda p: p.attendance_no, 5), Column("电话", lambda p: p.phone, 8),
                Column("状态", _status, 3)]

    def _empty_state(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addStretch(1)
        self.empty_label = QLabel(
            "<h2>还没有站点</h2>"
            "<p>第一步：<b>添加站点</b>，或从 Excel <b>导入站点名册</b>"
            "（需要“编号”“名称”两列，可带“所属街道”“类型”“电话”“地址”）。</p>"
            "<p>第二步：添加人员，或导入人员名册（“编号”“姓名”“所属单位”）。</p>"
            f"<p>{help_link('站点与人员', '使用说明：站点与人员')}</p>")
        connect_help_links(self.empty_label)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.empty_add_button = QPushButton("添加站点")
        self.empty_add_button.clicked.connect(self.add_unit)
        self.empty_import_button = QPushButton("导入站点名册…")
        self.empty_import_button.clicked.connect(lambda: self.import_roster("units"))
        buttons.addWidget(self.empty_add_button)
        buttons.addWidget(self.empty_import_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return box

    # ================================================================== loading
    def on_changed(self, what: str) -> None:
        if what in ("roster", "all"):
            super().on_changed(what)

    def refresh(self) -> None:
        self.data = roster.load_roster(self.db)
        self.unit_model.forget_keys()
        self.staff_model.forget_keys()
        units_in_area: dict[str, list[UnitInfo]] = {}
        for u in self.data.units:
            units_in_area.setdefault(u.area, []).append(u)
        staff_of_unit: dict[str, list[StaffInfo]] = {}
        for p in self.data.staff:
            staff_of_unit.setdefault(p.unit_code, []).append(p)
        self._units_in_area, self._staff_of_unit = units_in_area, staff_of_unit
        self._staff_count = {code: sum(p.active for p in people)
                             for code, people in staff_of_unit.items()}
        has_units = bool(self.data.units)
        self.stack.setCurrentIndex(1 if has_units else 0)
        for widget in (self.filter_edit, self.show_inactive, self.add_staff_button,
                       self.export_button):
            widget.setEnabled(has_units)
        self.import_staff_action.setEnabled(has_units)
        self._rebuild_tree()
        self._focus_pending()
        self._update_actions()

    def _rebuild_tree(self) -> None:
        show = self.show_inactive.isChecked()
        key = collator().sortKey
        areas = [(a.name, [u for u in self._units_in_area.get(a.name, []) if show or u.active])
                 for a in sorted(self.data.areas, key=lambda a: key(a.name))]
        if "" in self._units_in_area:
            areas.append(("", [u for u in self._units_in_area[""] if show or u.active]))
        if self._expanded is None and self.data.units:
            self._expanded = ({name for name, _ in areas} if len(self.data.units) <= EXPAND_UP_TO
                              else set())
        elif self.tree_model.rowCount() > 1:
            self._expanded = self._expanded_areas()
        scope = self._scope
        if scope.kind == "unit" and not any(u.code == scope.key for _, us in areas for u in us):
            unit = next((u for u in self.data.units if u.code == scope.key), None)
            scope = Scope("area", unit.area) if unit else ALL
        if scope.kind == "area" and not any(name == scope.key for name, _ in areas):
            scope = ALL
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        self.tree_model.set_tree(areas)
        for row, (name, _) in enumerate(areas, start=1):
            if name in (self._expanded or set()):
                self.tree.expand(self.tree_model.index(row, 0))
        self.tree.setCurrentIndex(self.tree_model.index_of(scope))
        selection.blockSignals(False)
        self.set_scope(scope)

    def _expanded_areas(self) -> set[str]:
        names = set()
        for row in range(1, self.tree_model.rowCount()):
            index = self.tree_model.index(row, 0)
            if self.tree.isExpanded(index):
                names.add(self.tree_model.scope(index).key)
        return names

    # ================================================================== selection
    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        scope = self.tree_model.scope(current)
        self.set_scope(scope)
        if scope.kind == "unit":  # a unit: its people; an area keeps the tab the user chose
            self.tabs.setCurrentWidget(self.staff_table)

    def set_scope(self, scope: Scope) -> None:
        """Show the units and staff of `scope` (all / one area / one unit) in the tables."""
        self._scope = scope
        if scope.kind == "all":
            units: Sequence[UnitInfo] = self.data.units
            staff: Sequence[StaffInfo] = self.data.staff
        elif scope.kind == "area":
            units = self._units_in_area.get(scope.key, [])
            staff = [p for u in units for p in self._staff_of_unit.get(u.code, [])]
        else:
            units = [u for u in self.data.units if u.code == scope.key]
            staff = self._staff_of_unit.get(scope.key, [])
        self.unit_model.set_rows(units)
        self.staff_model.set_rows(staff)
        self._update_counts()
        self._update_actions()

    def select_scope(self, scope: Scope) -> None:
        """Select `scope` in the tree (which shows it in the tables)."""
        index = self.tree_model.index_of(scope)
        parent = index.parent()
        if parent.isValid():
            self.tree.expand(parent)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        if self.tree_model.scope(index) != self._scope:
            self.set_scope(self.tree_model.scope(index))

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        text, show = self.filter_edit.text(), self.show_inactive.isChecked()
        self.unit_proxy.set_filter(text, show)
        self.staff_proxy.set_filter(text, show)
        self._update_counts()
        self._update_actions()

    def _inactive_toggled(self, _checked: bool) -> None:
        self._rebuild_tree()
        self.apply_filter()

    def _update_counts(self) -> None:
        units, staff = self.unit_proxy.rowCount(), self.staff_proxy.rowCount()
        self.tabs.setTabText(0, f"站点（{units}）")
        self.tabs.setTabText(1, f"人员（{staff}）")
        if self._scope.kind == "all":
            where = "全部站点"
        elif self._scope.kind == "area":
            where = self._scope.key or NO_AREA
        else:
            unit = self.unit_model.rows[0] if self.unit_model.rows else None
            where = f"{unit.code} {unit.name}" if unit else self._scope.key
        text = self.filter_edit.text().strip()
        filtered = f"，筛选“{text}”" if text else ""
        hidden = "" if self.show_inactive.isChecked() else "，不含已停用"
        self.status_label.setText(f"{where}：站点 {units} 个，人员 {staff} 名{filtered}{hidden}")

    def current_kind(self) -> str:
        return "units" if self.tabs.currentWidget() is self.unit_table else "staff"

    def _current(self) -> tuple[QTableView, RosterFilterProxy]:
        if self.current_kind() == "units":
            return self.unit_table, self.unit_proxy
        return self.staff_table, self.staff_proxy

    def selected_rows(self) -> list[Any]:
        table, proxy = self._current()
        return [proxy.row_at(i) for i in sorted(table.selectionModel().selectedRows(),
                                                key=lambda i: i.row())]

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        activate = bool(rows) and not any(r.active for r in rows)
        noun = "站点" if self.current_kind() == "units" else "人员"
        text = ("启用" if activate else "停用") + (noun if rows else "")
        for widget in (self.toggle_button, self.toggle_action):
            widget.setText(text)
            widget.setEnabled(bool(rows))
        for widget in (self.edit_button, self.edit_action):
            widget.setEnabled(len(rows) == 1)

    def _focus_pending(self) -> None:
        """After a refresh: select the row just added or edited, changing the tree
        selection and clearing the filter if they hide it (when `force`)."""
        if self._focus is None:
            return
        kind, code, force = self._focus
        self._focus = None
        table, model, proxy = ((self.unit_table, self.unit_model, self.unit_proxy) if kind == "units"
                               else (self.staff_table, self.staff_model, self.staff_proxy))
        row = model.row_of(code)
        if row < 0 and force:
            if kind == "units":
                unit = next((u for u in self.data.units if u.code == code), None)
                self.select_scope(Scope("area", unit.area) if unit else ALL)
            else:
                person = next((p for p in self.data.staff if p.code == code), None)
                self.select_scope(Scope("unit", person.unit_code) if person and person.unit_code
                                  else ALL)
            row = model.row_of(code)
        index = proxy.mapFromSource(model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid() and force and row >= 0:
            self.filter_edit.clear()
            self.apply_filter()
            index = proxy.mapFromSource(model.index(row, 0))
        if index.isValid():
            self.tabs.setCurrentWidget(table)
            table.selectRow(index.row())
            table.scrollTo(index)

    # ================================================================== edits
    def _open(self, dialog: QDialog, on_saved: Callable[[Any], None] | None = None) -> None:
        """Open a dialog window-modally without blocking (tests reach it as active_dialog)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_saved is not None:
            dialog.saved.connect(on_saved)  # type: ignore[attr-defined]
        dialog.finished.connect(lambda _: setattr(self, "active_dialog", None))
        self.active_dialog = dialog
        dialog.open()

    def _written(self, kind: str = "", code: str = "", force: bool = True) -> None:
        self._focus = (kind, code, force) if code else None
        self.changes.changed.emit("roster")

    def _areas(self) -> list[str]:
        return [a.name for a in self.data.areas]

    def add_unit(self) -> None:
        from kaohe_desktop.services.local_area import default_area

        area = (self._scope.key if self._scope.kind == "area" else "") or default_area(self.db)
        dialog = UnitDialog(self, save=lambda v: roster.add_unit(self.db, **v),
                            taken_codes={u.code for u in self.data.units}, areas=self._areas(),
                            kinds=sorted({u.kind for u in self.data.units}), area=area)
        self._open(dialog, lambda info: self._written("units", info.code))

    def edit_unit(self, unit: UnitInfo) -> None:
        dialog = UnitDialog(self, save=lambda v: roster.update_unit(self.db, unit.id, **v),
                            taken_codes={u.code for u in self.data.units}, areas=self._areas(),
                            kinds=sorted({u.kind for u in self.data.units}), unit=unit)
        self._open(dialog, lambda info: self._written("units", info.code))

    def _staff_dialog(self, person: StaffInfo | None, unit_code: str) -> StaffDialog:
        units = [u for u in self.data.units
                 if u.active or (person is not None and u.code == person.unit_code)]
        save = ((lambda v: roster.add_staff(self.db, **v)) if person is None
                else (lambda v: roster.update_staff(self.db, person.id, **v)))
        return StaffDialog(self, save=save, taken_codes={p.code for p in self.data.staff},
                           units=units, posts=sorted({p.post for p in self.data.staff if p.post}),
                           person=person, unit_code=unit_code, heads=self._heads())

    def _heads(self) -> dict[str, str]:
        """unit code → "编号 姓名" of its marked 负责人, from the loaded roster."""
        return {p.unit_code: f"{p.code} {p.name}" for p in self.data.staff if p.head}

    def _staff_written(self, info: StaffInfo, heads_before: dict[str, str]) -> None:
        """Redraw; when the save made someone 负责人, say so, and whose mark it took."""
        held = heads_before.get(info.unit_code, "")
        self._written("staff", info.code)
        if info.head and held != f"{info.code} {info.name}":
            moved = f"，原负责人 {held} 的标记已取消" if held else ""
            self._say(f"{info.name} 已标为 {info.unit_name} 的负责人{moved}")

    def add_staff(self) -> None:
        unit_code = self._scope.key if self._scope.kind == "unit" else ""
        if not unit_code and self.current_kind() == "units":
            rows = self.selected_rows()
            unit_code = rows[0].code if len(rows) == 1 else ""
        dialog = self._staff_dialog(None, unit_code)
        heads = self._heads()
        self._open(dialog, lambda info: self._staff_written(info, heads))

    def edit_staff(self, person: StaffInfo) -> None:
        dialog = self._staff_dialog(person, person.unit_code)
        heads = self._heads()
        self._open(dialog, lambda info: self._staff_written(info, heads))

    def edit_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        if isinstance(rows[0], UnitInfo):
            self.edit_unit(rows[0])
        else:
            self.edit_staff(rows[0])

    def _tree_double_clicked(self, index: QModelIndex) -> None:
        unit = self.tree_model.unit_at(index)
        if unit is not None:
            self.edit_unit(unit)

    def toggle_selected(self) -> None:
        """停用 the selected rows (after confirming), or 启用 them if all are inactive."""
        rows = self.selected_rows()
        if not rows:
            return
        units = self.current_kind() == "units"
        activate = not any(r.active for r in rows)
        targets = [r for r in rows if r.active != activate]
        if not activate and not self._confirm_deactivate(targets, units):
            return
        db, ids = self.db, [r.id for r in targets]
        write = roster.set_units_active if units else roster.set_staff_active
        try:
            call_writing(self, "启用" if activate else "停用", lambda: write(db, ids, activate), db=db)
        except Exception as exc:
            show_error(self, "停用" if not activate else "启用", exc)
            return
        verb = "启用" if activate else "停用"
        self._say(f"已{verb} {len(targets)} {'个站点' if units else '名人员'}")
        self._written("units" if units else "staff", targets[0].code, force=False)

    def _confirm_deactivate(self, targets: list[Any], units: bool) -> bool:
        noun = "站点" if units else "人员"
        what = f"“{targets[0].name}”" if len(targets) == 1 else f"选中的 {len(targets)} 个{noun}"
        detail = "停用后不会出现在新建的考核里；已有的考核和分数不受影响。"
        if units:
            people = sum(self._staff_count.get(t.code, 0) for t in targets)
            detail += f"\n站点下的 {people} 名人员保持在用，需要时请另行停用。" if people else ""
        elif any(getattr(t, "head", False) for t in targets):
            detail += "\n停用后不再是负责人（未标记负责人时按岗位站长或主任确定）。"
        detail += "\n勾选“显示已停用”可以看到并重新启用。"
        answer = QMessageBox.question(
            self, f"停用{noun}", f"停用{noun}{what}？\n\n{detail}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ================================================================== import / export
    def import_roster(self, kind: str) -> None:
        """Pick a workbook, read and check it off the GUI thread, then show the preview."""
        path_text, _ = QFileDialog.getOpenFileName(self, f"导入{KIND_TITLES[kind]}",
                                                   str(self._last_dir), WORKBOOKS)
        if not path_text:
            return
        path = Path(path_text)
        self._last_dir = path.parent

        # A cancel pressed while the last rows are checked still shows the preview (the
        # runner's cancel flag cannot tell: tasks.run_job sets it when closing its dialog).
        run_job(self, f"读取{KIND_TITLES[kind]}", preview_job(self.db, kind, path),
                on_done=lambda preview: self.preview_import(kind, path, preview))

    def preview_import(self, kind: str, path: Path, preview: roster_files.RosterImportPreview) -> None:
        def reload(mapping: dict[str, str], then) -> None:  # a column mapped in the preview
            run_job(dialog, f"读取{KIND_TITLES[kind]}", preview_job(self.db, kind, path, mapping),
                    on_done=then)

        dialog = RosterImportDialog(self, kind, path, preview, reload)
        dialog.accepted.connect(lambda: self.commit_import(kind, path, dialog.mapping))
        self._open(dialog)

    def commit_import(self, kind: str, path: Path, mapping: dict[str, str] | None = None) -> None:
        """Import for real, off the GUI thread; cancelling rolls it back."""

        def done(rows: list[RowPreview]) -> None:
            self._say(f"已导入 {path.name}：{roster_files.report_of(rows).summary()}")
            self._written()

        run_job(self, f"导入{KIND_TITLES[kind]}", import_job(self.db, kind, path, mapping),
                on_done=done)

    def export_roster(self, kind: str) -> None:
        name = "站点名册.xlsx" if kind == "units" else "人员名册.xlsx"
        path_text, _ = QFileDialog.getSaveFileName(self, f"导出{KIND_TITLES[kind]}",
                                                   str(self._last_dir / name), "Excel 工作簿 (*.xlsx)")
        if not path_text:
            return
        path = Path(path_text)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self._last_dir = path.parent
        run_job(self, f"导出{KIND_TITLES[kind]}", export_job(self.db, kind, path),
                on_done=lambda written: self._say(f"已导出到 {written}"), cancellable=False)

    def _say(self, text: str) -> None:
        self.last_message = text
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
