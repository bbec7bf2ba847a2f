"""The page 数据交换 (issue 18 §2): a village PC exports its data package to a USB drive;
the township imports packages (preview, then 合并), settles conflicts one by one, and
sees per village which packages arrived and what is still missing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services.package_conflicts import (
    ConflictInfo,
    arrivals,
    list_conflicts,
    resolve_conflict,
)
from kaohe_desktop.services.package_export import data_year, export_package
from kaohe_desktop.services.package_import import import_package

from ..common.busy_wait import call_writing
from ..common.messages import show_error
from ..common.page import Page
from ..help.links import connect_help_links, help_link
from .preview_dialog import PreviewDialog, side_text

PACKAGE_FILTER = "数据包 (*.kaohe)"
UNDECIDED, OURS, THEIRS = "（待定）", "保留本库的值", "采用数据包的值"


class ExchangePage(Page):
    title = "数据交换"

    def __init__(self, db, changes, parent: QWidget | None = None) -> None:
        super().__init__(db, changes, parent)
        self.export_button = QPushButton("导出数据包…")
        self.import_button = QPushButton("导入数据包…")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(data_year(db))
        self.year.setPrefix("年份 ")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.intro = QLabel("村（社区）电脑把数据导出到 U 盘，乡镇（街道）导入、合并。"
                            f"　{help_link('数据交换', '使用说明：数据交换')}")
        connect_help_links(self.intro)
        bar = QHBoxLayout()
        for w in (self.export_button, self.import_button, QLabel("导出范围与统计："), self.year):
            bar.addWidget(w)
        self.whole = QComboBox()
        self.whole.addItem("导出这一年", "year")
        self.whole.addItem("导出全部", "all")
        bar.addWidget(self.whole)
        bar.addStretch(1)

        self.conflicts = QTableWidget(0, 5)
        self.conflicts.setHorizontalHeaderLabels(("编号", "记录", "本库的值", "数据包的值", "处理"))
        self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.conflicts.verticalHeader().setVisible(False)
        self.conflicts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.resolve_button = QPushButton("按所选处理冲突")
        box = QGroupBox("冲突：两个来源的值不同，未覆盖，请逐条选择")
        inner = QVBoxLayout(box)
        inner.addWidget(self.conflicts)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.resolve_button)
        inner.addLayout(row)

        self.arrivals = QTableWidget(0, 6)
        self.arrivals.setHorizontalHeaderLabels(("发送单位", "数据包", "最近收到", "最近制作",
                                                 "覆盖的站点", "该年尚缺月份"))
        self.arrivals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.arrivals.verticalHeader().setVisible(False)
        self.arrivals.horizontalHeader().setStretchLastSection(True)
        self.missing = QLabel("")
        self.missing.setWordWrap(True)
        arrived = QGroupBox("各村（社区）数据包收取情况")
        inner = QVBoxLayout(arrived)
        inner.addWidget(self.arrivals)
        inner.addWidget(self.missing)

        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(bar)
        lay.addWidget(self.status)
        lay.addWidget(box, 1)
        lay.addWidget(arrived, 1)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.import_button.clicked.connect(self.choose_package)
        self.resolve_button.clicked.connect(self.resolve_chosen)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self._conflicts: list[ConflictInfo] = []

    # ------------------------------------------------------------------ export
    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "导出数据包到文件夹（如 U 盘）", str(Path.home()))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> Path | None:
        year = self.year.value() if self.whole.currentData() == "year" else None
        db = self.db
        try:  # exporting gives records their identities once: a write
            result = call_writing(self, "导出数据包", lambda: export_package(db, folder, year=year),
                                  db=db)
        except (InputError, OSError) as exc:
            show_error(self, "导出数据包", exc)
            return None
        signed = "" if result.signed else "（未签名）"
        self.status.setText(f"已导出数据包{signed}：{result.path}")
        return result.path

    # ------------------------------------------------------------------ import
    def choose_package(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入数据包", str(Path.home()), PACKAGE_FILTER)
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        """Check and preview the package; merge it when the user presses 合并."""
        try:  # the suggested code mappings taken, as the dialog's ticks default to them
            report = import_package(self.db, path, dry_run=True, map_suggested=True)
        except (InputError, OSError) as exc:
            show_error(self, "导入数据包", exc)
            self.status.setText("数据包未导入：" + "；".join(exc.lines()) if isinstance(exc, InputError)
                                else "数据包未导入")
            return
        dialog = PreviewDialog(report, self)
        self.dialog = dialog  # for the tests, which drive the dialog by its buttons
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.status.setText("已取消，未导入")
            return
        units, staff = dialog.chosen_maps()
        db = self.db
        try:
            merged = call_writing(self, "导入数据包", lambda: import_package(
                db, path, unit_map=units, staff_map=staff), db=db)
        except (InputError, OSError) as exc:
            show_error(self, "导入数据包", exc)
            return
        t = merged.totals()
        self.status.setText(f"已合并 {merged.office} 的数据包：新增 {t['new']}，更新 {t['updated']}，"
                            f"未变 {t['unchanged']}，冲突 {t['conflicts']}")
        self.changes.changed.emit("packages")
        self.refresh()

    # ------------------------------------------------------------------ conflicts
    def resolve_chosen(self) -> None:
        chosen = []
        for i, c in enumerate(self._conflicts):
            combo = self.conflicts.cellWidget(i, 4)
            if combo is not None and combo.currentData():
                chosen.append((c, combo.currentData()))
        if not chosen:
            QMessageBox.information(self, "处理冲突", "请先在“处理”一列为冲突选择保留哪个值")
            return
        done = 0
        db = self.db
        for c, keep in chosen:
            try:
                call_writing(self, "处理冲突", lambda c=c, keep=keep: resolve_conflict(db, c.id, keep),
                             db=db)
                done += 1
            except InputError as exc:
                show_error(self, "处理冲突", exc)
                break
        self.status.setText(f"已处理 {done} 条冲突")
        self.changes.changed.emit("scores")
        self.refresh()

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        self._conflicts = list_conflicts(self.db)
        self.conflicts.setRowCount(len(self._conflicts))
        for i, c in enumerate(self._conflicts):
            for j, text in enumerate((str(c.id), c.label, side_text(c.ours), side_text(c.theirs))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.conflicts.setItem(i, j, item)
            combo = QComboBox()
            combo.addItem(UNDECIDED, "")
            combo.addItem(OURS, "ours")
            combo.addItem(THEIRS, "theirs")
            self.conflicts.setCellWidget(i, 4, combo)
        self.conflicts.resizeColumnToContents(0)
        self.conflicts.resizeColumnToContents(2)
        self.conflicts.resizeColumnToContents(3)
        self.resolve_button.setEnabled(bool(self._conflicts))
        result = arrivals(self.db, self.year.value())
        self.arrivals.setRowCount(len(result.offices))
        for i, o in enumerate(result.offices):
            latest = o.packages[0] if o.packages else {}
            missing = "、".join(m[5:].lstrip("0") + "月" for m in o.missing_months) or "无"
            for j, text in enumerate((o.office, str(len(o.packages)),
                                      latest.get("received_at", "")[:16],
                                      latest.get("created_at", "")[:16],
                                      "、".join(o.units), missing)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.arrivals.setItem(i, j, item)
        self.arrivals.resizeColumnsToContents()
        if result.missing_units:
            self.missing.setText("尚未收到数据的站点：" + "、".join(
                f"{u['code']} {u['name']}" for u in result.missing_units))
        else:
            self.missing.setText("全部站点都已收到数据" if result.offices else "还没有收到任何数据包")
        self.missing.setAlignment(Qt.AlignmentFlag.AlignLeft)
