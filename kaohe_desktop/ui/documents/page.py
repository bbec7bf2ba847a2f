"""打印与导出: certificates, notices, score sheets, the 公示 list, the attendance report
and the year-end tally, written to a folder or a USB drive.

Every batch is a generator job of `services.documents` / `services.tally` run off the GUI
thread with progress and cancel (`tasks.run_job`); the files go through `io.safe_write`,
so a full or read-only drive reports a clear message and leaves no half-written file.
Removable drives come from QStorageInfo.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QStorageInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.services import documents as docs
from kaohe_desktop.services import standings, tally

from ..common.page import Changes, Page
from ..common.pdf_print import open_in_viewer, print_pdf
from ..common.tasks import run_job


def removable_drives() -> list[tuple[str, str]]:
    """(label, root path) of mounted, writable volumes other than the system's own."""
    out = []
    for v in QStorageInfo.mountedVolumes():
        root = v.rootPath()
        if not v.isValid() or not v.isReady() or v.isReadOnly() or root in ("/", "C:/"):
            continue
        if root.startswith(("/proc", "/sys", "/dev", "/run", "/boot", "/snap", "/etc")):
            continue
        free = v.bytesAvailable() / 1024 ** 3
        out.append((f"{v.displayName() or root}（{root}，可用 {free:.1f} GB）", root))
    return out


class DocumentsPage(Page):
    title = "打印与导出"

    def __init__(self, db, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(db, changes, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)

        form = QFormLayout()
        self.assessment_combo = QComboBox()
        form.addRow("考核：", self.assessment_combo)
        self.issuer_edit = QLineEdit(docs.DocumentOptions().issuer)
        form.addRow("发文/发证单位：", self.issuer_edit)
        self.prefix_edit = QLineEdit(docs.DocumentOptions().number_prefix)
        form.addRow("文号前缀：", self.prefix_edit)
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText("如 王伟 0731-85551234")
        form.addRow("联系人及电话：", self.contact_edit)
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        form.addRow("落款日期：", self.date_edit)
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit(str(Path.home()))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        self.drive_combo = QComboBox()
        self.drive_combo.activated.connect(self._drive_chosen)
        refresh_drives = QPushButton("刷新 U 盘")
        refresh_drives.clicked.connect(self._fill_drives)
        folder_row.addWidget(self.folder_edit, 2)
        folder_row.addWidget(browse)
        folder_row.addWidget(self.drive_combo, 1)
        folder_row.addWidget(refresh_drives)
        form.addRow("保存到：", folder_row)
        layout.addLayout(form)

        box = QGroupBox("生成")
        grid = QGridLayout(box)
        self.each_check = QCheckBox("证书每个对象一个文件")
        self.month_edit = QLineEdit(QDate.currentDate().addMonths(-1).toString("yyyy-MM"))
        self.month_edit.setMaximumWidth(90)
        self.buttons: dict[str, QPushButton] = {}
        specs = [("certificates", "荣誉证书"), ("notices", "整改通知、诫勉谈话、通报批评"),
                 ("blank", "空白评分表"), ("filled", "评分结果表"), ("publicity", "公示名单"),
                 ("tally", "年终汇总表（Excel）"), ("attendance", "考勤月报")]
        for n, (key, text) in enumerate(specs):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=key: self.generate(k))
            self.buttons[key] = button
            grid.addWidget(button, n // 3, n % 3)
        for column in range(3):  # three equal columns of buttons
            grid.setColumnStretch(column, 1)
        grid.addWidget(self.each_check, 3, 0)
        month_row = QHBoxLayout()
        month_row.addWidget(QLabel("考勤月份："))
        month_row.addWidget(self.month_edit)
        month_row.addStretch(1)
        grid.addLayout(month_row, 3, 1)
        layout.addWidget(box)

        layout.addWidget(QLabel("已生成的文件（双击预览）："))
        self.file_list = QListWidget()
        self.file_list.itemDoubleClicked.connect(lambda item: open_in_viewer(Path(item.text())))
        layout.addWidget(self.file_list, 1)
        actions = QHBoxLayout()
        self.preview_button = QPushButton("预览")
        self.preview_button.clicked.connect(self._preview)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self._print)
        actions.addStretch(1)
        actions.addWidget(self.preview_button)
        actions.addWidget(self.print_button)
        layout.addLayout(actions)
        self.status_label = QLabel()
        layout.addWidget(self.status_label)
        self.last_files: list[Path] = []
        self._fill_drives()

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        current = self.assessment_combo.currentData()
        self.assessment_combo.clear()
        for a in standings.assessment_choices(self.db):
            self.assessment_combo.addItem(f"{a.id}  {a.name}（{a.period_label}）", a.id)
        index = self.assessment_combo.findData(current)
        if index >= 0:
            self.assessment_combo.setCurrentIndex(index)

    def options(self) -> docs.DocumentOptions:
        base = docs.DocumentOptions()
        issuer = self.issuer_edit.text().strip() or base.issuer
        return docs.DocumentOptions(
            issuer=issuer, number_prefix=self.prefix_edit.text().strip() or base.number_prefix,
            contact=self.contact_edit.text().strip(), issued=self.date_edit.date().toPython(),
            certificate=docs.CertificateTemplate(issuer=issuer))

    def job_for(self, key: str):
        """The generator job for a button (what the worker thread runs)."""
        aid = self.assessment_combo.currentData()
        out = Path(self.folder_edit.text().strip())
        opts = self.options()
        if key == "certificates":
            return lambda: docs.certificates_job(self.db, aid, out, opts,
                                                 per_subject=self.each_check.isChecked())
        if key == "notices":
            return lambda: docs.notices_job(self.db, aid, out, opts)
        if key in ("blank", "filled"):
            return lambda: docs.sheets_job(self.db, aid, out, filled=key == "filled")
        if key == "publicity":
            return lambda: docs.publicity_job(self.db, aid, out, opts)
        if key == "attendance":
            month = self.month_edit.text().strip()
            return lambda: docs.attendance_job(self.db, month, out, opts=opts)
        year = opts.issued_on().year
        info = next((a for a in standings.assessment_choices(self.db) if a.id == aid), None)
        if info is not None:
            year = int(info.period_key[:4])
        return lambda: tally.tally_job(self.db, year, out / f"{year}年度考核汇总.xlsx", aid)

    def generate(self, key: str) -> None:
        if key != "attendance" and self.assessment_combo.currentData() is None:
            self.status_label.setText("请先选择考核。")
            return
        title = self.buttons[key].text()
        self.status_label.setText(f"正在生成：{title}")
        run_job(self, title, self.job_for(key), on_done=self._done)

    def _done(self, result) -> None:
        files = [result] if isinstance(result, Path) else list(result)
        self.last_files = files
        for f in files:
            self.file_list.insertItem(0, QListWidgetItem(str(f)))
        self.file_list.setCurrentRow(0)
        self.status_label.setText(f"已保存 {len(files)} 个文件到 {files[0].parent}" if files else "")
        self.changes.changed.emit("documents")

    # ------------------------------------------------------------------ folder

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "保存到", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def _fill_drives(self) -> None:
        self.drive_combo.clear()
        drives = removable_drives()
        self.drive_combo.addItem("选择 U 盘…" if drives else "没有找到 U 盘", None)
        for label, root in drives:
            self.drive_combo.addItem(label, root)

    def _drive_chosen(self, index: int) -> None:
        root = self.drive_combo.itemData(index)
        if root:
            self.folder_edit.setText(root)

    # ------------------------------------------------------------------ preview, print

    def _selected_pdf(self) -> Path | None:
        item = self.file_list.currentItem()
        return Path(item.text()) if item else None

    def _preview(self) -> None:
        path = self._selected_pdf()
        if path is not None:
            open_in_viewer(path)

    def _print(self) -> None:
        path = self._selected_pdf()
        if path is not None and path.suffix.lower() == ".pdf":
            print_pdf(self, path)
        elif path is not None:
            self.status_label.setText("只能打印 PDF 文件；Excel 文件请在 Excel 中打印。")
