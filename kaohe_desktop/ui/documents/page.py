"""打印与导出: certificates, notices, score sheets, the 公示 list, the attendance report
and the year-end tally, written to a folder or a USB drive.

Every batch is a generator job of `services.documents` / `services.tally` run off the GUI
thread with progress and cancel (`tasks.run_job`); the files go through `io.safe_write`,
so a full or read-only drive reports a clear message and leaves no half-written file.
Removable drives come from QStorageInfo.

Certificates and notices are the rows of `services.consequences`, listed on the page
before anything is generated; they and the 公示 list need an approved assessment (the
page says why not, and “草稿预览” makes a watermarked preview instead). The issuer,
文号 prefix, contact and address are the database's settings: when one is missing the
page asks for it (the 单位信息 dialog) instead of printing a blank or another office.

The 发证登记 tab lists the certificates issued (and exports them). Certificates carry no
printed seal unless “证书加印章图片” names the office's own scan; a staff 公示 lists only
those proposed for the top grade when “公示只列拟评最高等次” is ticked (ticked by default
when the rubric honours that grade alone).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QRegularExpression, QStorageInfo
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services import standings, tally
from kaohe_desktop.services.consequences import assessment_consequences
from kaohe_desktop.services.office_settings import SETTING_NAMES, office_settings

from ..common.messages import error_text
from ..common.page import Changes, Page
from ..common.pdf_preview import preview_file
from ..common.pdf_print import print_pdf
from ..common.tasks import run_job
from ..help.links import connect_help_links, help_link
from ..settings.office_dialog import OfficeSettingsDialog
from .register_panel import RegisterPanel

# what each button needs from the office's settings (the services refuse without them)
NEEDS = {"certificates": ("issuer", "prefix"), "notices": ("issuer", "prefix"),
         "publicity": ("issuer", "contact", "address"), "attendance": ("issuer",)}
NEEDS_DRAFT = {"certificates": ("issuer",), "notices": ("issuer",)}
APPROVED_ONLY = {"certificates": "荣誉证书", "notices": "通知", "publicity": "公示名单"}
CONSEQUENCE_COLUMNS = ("编号", "名称", "等次", "文书", "发给", "依据")
PROBLEM_STYLE = "color: #b3261e;"
MONTH_TYPING = QRegularExpression(r"\d{0,4}(-\d{0,2})?")
MONTH_WHOLE = QRegularExpression(r"^\d{4}-(0[1-9]|1[0-2])$")
MONTH_HINT = "考勤月份写成“年-月”，如 2024-11。"


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

        # the empty state: nothing can be generated before an assessment exists
        self.empty_label = QLabel("还没有考核：证书、通知、评分表和公示名单都按考核生成，"
                                  "请先在“考核评分”页新建考核。"
                                  f"　{help_link('打印与导出', '使用说明：打印与导出')}")
        self.empty_label.setWordWrap(True)
        connect_help_links(self.empty_label)
        self.empty_label.hide()
        layout.addWidget(self.empty_label)
        form = QFormLayout()
        self.assessment_combo = QComboBox()
        self.assessment_combo.currentIndexChanged.connect(lambda _: self._show_consequences())
        form.addRow("考核：", self.assessment_combo)
        office_row = QHBoxLayout()
        self.office_label = QLabel()
        self.office_label.setWordWrap(True)
        self.office_button = QPushButton("单位信息…")
        self.office_button.clicked.connect(lambda: self.edit_office())
        office_row.addWidget(self.office_label, 1)
        office_row.addWidget(self.office_button)
        form.addRow("落款：", office_row)
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        form.addRow("落款日期：", self.date_edit)
        notice_row = QHBoxLayout()  # what the 整改 and 诫勉谈话 notices set for their recipients
        self.due_check = QCheckBox("整改/报告期限")
        self.due_check.setToolTip("不勾选时为落款日期后 30 天")
        self.due_edit = QDateEdit(QDate.currentDate().addDays(30))
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy年M月d日")
        self.due_edit.setEnabled(False)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        self.talk_time_edit = QLineEdit()
        self.talk_time_edit.setPlaceholderText("谈话时间，如 2025年1月6日上午9时")
        self.talk_place_edit = QLineEdit()
        self.talk_place_edit.setPlaceholderText("谈话地点，如 街道办事处三楼会议室")
        notice_row.addWidget(self.due_check)
        notice_row.addWidget(self.due_edit)
        notice_row.addWidget(self.talk_time_edit, 1)
        notice_row.addWidget(self.talk_place_edit, 1)
        form.addRow("通知：", notice_row)
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

        self.consequence_label = QLabel()
        self.consequence_label.setWordWrap(True)
        layout.addWidget(self.consequence_label)
        self.consequence_table = QTableWidget(0, len(CONSEQUENCE_COLUMNS))
        self.consequence_table.setHorizontalHeaderLabels(CONSEQUENCE_COLUMNS)
        self.consequence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.consequence_table.verticalHeader().hide()
        header = self.consequence_table.horizontalHeader()
        for column in range(len(CONSEQUENCE_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.consequence_table, "应发文书")
        self.register_panel = RegisterPanel()
        self.register_panel.exported.connect(self._register_exported)
        self.register_panel.failed.connect(self._refuse)
        self.tabs.addTab(self.register_panel, "发证登记")
        layout.addWidget(self.tabs, 1)

        box = QGroupBox("生成")
        grid = QGridLayout(box)
        self.each_check = QCheckBox("证书每个对象一个文件")
        self.month_edit = QLineEdit(QDate.currentDate().addMonths(-1).toString("yyyy-MM"))
        self.month_edit.setMaximumWidth(90)
        # checked as typed: only digits and one dash get in; a month that is not whole
        # (2024-1, 2024-13) is said at once and 考勤月报 waits for it
        self.month_edit.setValidator(QRegularExpressionValidator(MONTH_TYPING, self.month_edit))
        self.month_edit.textChanged.connect(self._check_month)
        self.buttons: dict[str, QPushButton] = {}
        specs = [("certificates", "荣誉证书（按上表）"), ("notices", "通知（按上表，每份一个文件）"),
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
        self.draft_check = QCheckBox("草稿预览（未审议时；每页印“草稿”，不编号）")
        grid.addWidget(self.draft_check, 4, 0, 1, 2)
        self.top_only_check = QCheckBox("公示只列拟评最高等次者（如优秀）")
        self.top_only_check.setToolTip("个人考核且细则只表彰最高等次时默认勾选")
        grid.addWidget(self.top_only_check, 4, 2)
        seal_row = QHBoxLayout()
        self.seal_check = QCheckBox("证书加印章图片")
        self.seal_check.setToolTip("默认不印印章，由人工加盖；勾选后印上本单位提供的印章扫描图片（PNG/JPG）")
        self.seal_check.toggled.connect(self._seal_toggled)
        self.seal_edit = QLineEdit()
        self.seal_edit.setPlaceholderText("本单位印章扫描图片")
        self.seal_edit.setEnabled(False)
        self.seal_button = QPushButton("选择…")
        self.seal_button.setEnabled(False)
        self.seal_button.clicked.connect(self._choose_seal)
        seal_row.addWidget(self.seal_check)
        seal_row.addWidget(self.seal_edit, 1)
        seal_row.addWidget(self.seal_button)
        grid.addLayout(seal_row, 5, 0, 1, 3)
        month_row = QHBoxLayout()
        month_row.addWidget(QLabel("考勤月份："))
        month_row.addWidget(self.month_edit)
        month_row.addStretch(1)
        grid.addLayout(month_row, 3, 1)
        layout.addWidget(box)

        layout.addWidget(QLabel("已生成的文件（双击预览）："))
        self.file_list = QListWidget()
        self.file_list.itemDoubleClicked.connect(lambda item: preview_file(self, Path(item.text())))
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
        self.status_label.setWordWrap(True)
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
        self.empty_label.setVisible(self.assessment_combo.count() == 0)
        self._show_office()
        self._show_consequences()

    def _show_office(self) -> None:
        office = office_settings(self.db)
        parts = [f"{SETTING_NAMES[k]}：{getattr(office, k) or '未设置'}" for k in SETTING_NAMES]
        self.office_label.setText("；".join(parts))

    def _show_consequences(self) -> None:
        """The documents the rubric calls for, before anything is generated."""
        table = self.consequence_table
        table.setRowCount(0)
        aid = self.assessment_combo.currentData()
        self.register_panel.show_for(self.db, aid)
        if aid is None:
            self.consequence_label.setText("")
            return
        try:
            self.top_only_check.setChecked(docs.top_only_default(self.db, aid))
        except InputError:
            self.top_only_check.setChecked(False)
        try:
            found = assessment_consequences(self.db, aid)
        except InputError as exc:
            self.consequence_label.setText(error_text(exc))
            return
        state = State(found.state)
        head = (f"按细则《{found.rubric_name}》（第 {found.rubric_version} 版）的结果运用，"
                f"应发 {len(found.rows)} 份证书或通知；考核{STATE_NAMES[state]}")
        if not found.rules:
            head = f"细则《{found.rubric_name}》没有规定结果运用：不发证书或通知；考核{STATE_NAMES[state]}"
        if state not in docs.APPROVED:
            head += "，尚未审议通过：证书、通知和公示名单只能生成草稿预览"
        if found.ungraded:
            head += f"。未定等次、不发文书：{'、'.join(found.ungraded)}"
        self.consequence_label.setText(head + "。")
        table.setRowCount(len(found.rows))
        for n, r in enumerate(found.rows):
            who = r.recipient or "（无负责人）"
            cells = (r.subject_code, r.subject_name, r.grade, r.kind_name, who, r.problem or r.reason)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(n, column, item)

    def edit_office(self, reason: str = "") -> bool:
        """The 单位信息 dialog; True when saved."""
        dialog = OfficeSettingsDialog(self.db, self, reason)
        saved = bool(dialog.exec())
        if saved:
            self._show_office()
            self.changes.changed.emit("settings")
        return saved

    def options(self) -> docs.DocumentOptions:
        seal = self.seal_edit.text().strip() if self.seal_check.isChecked() else ""
        due = self.due_edit.date().toPython() if self.due_check.isChecked() else None
        return docs.DocumentOptions(issued=self.date_edit.date().toPython(),
                                    draft=self.draft_check.isChecked(),
                                    certificate=docs.CertificateTemplate(seal_image=seal),
                                    top_only=self.top_only_check.isChecked(),
                                    due=due,
                                    talk_time=self.talk_time_edit.text().strip(),
                                    talk_place=self.talk_place_edit.text().strip())

    # ------------------------------------------------------------------ seal

    def seal_file_dialog(self) -> str:
        """The office's seal scan (a dialog; tests replace it)."""
        path, _ = QFileDialog.getOpenFileName(self, "选择印章扫描图片", self.seal_edit.text(),
                                              "图片 (*.png *.jpg *.jpeg)")
        return path

    def _choose_seal(self) -> None:
        path = self.seal_file_dialog()
        if path:
            self.seal_edit.setText(path)

    def _seal_toggled(self, on: bool) -> None:
        self.seal_edit.setEnabled(on)
        self.seal_button.setEnabled(on)
        if on and not self.seal_edit.text().strip():
            self._choose_seal()
            if not self.seal_edit.text().strip():  # no file chosen: no seal
                self.seal_check.setChecked(False)

    def _register_exported(self, path) -> None:
        self._add_files([Path(path)])
        self.status_label.setStyleSheet("")
        self.status_label.setText(f"已导出发证登记：{path}")

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

    def _check_month(self, text: str) -> None:
        whole = MONTH_WHOLE.match(text.strip()).hasMatch()
        self.buttons["attendance"].setEnabled(whole)
        self.month_edit.setStyleSheet("" if whole else "border: 1px solid #c0392b;")
        if whole:
            if self.status_label.text() == MONTH_HINT:
                self.status_label.setText("")
        else:
            self._refuse(MONTH_HINT)

    def _refuse(self, text: str) -> None:
        self.status_label.setStyleSheet(PROBLEM_STYLE)
        self.status_label.setText(text)

    def generate(self, key: str) -> None:
        aid = self.assessment_combo.currentData()
        if key != "attendance" and aid is None:
            self._refuse("请先选择考核。")
            return
        draft = self.draft_check.isChecked() and key in APPROVED_ONLY
        if key in APPROVED_ONLY and not draft:
            try:  # the service refuses too; saying it here spares a progress dialog
                docs.require_approved(self.db, aid, APPROVED_ONLY[key])
            except InputError as exc:
                self._refuse(error_text(exc))
                return
        needed = (NEEDS_DRAFT if draft else NEEDS).get(key, NEEDS.get(key, ()))
        if key == "certificates" and self.seal_check.isChecked() and not self.seal_edit.text().strip():
            self._refuse("已勾选“证书加印章图片”，请选择印章图片文件，或取消勾选。")
            return
        missing = office_settings(self.db).missing(needed)
        if missing:
            names = "、".join(SETTING_NAMES[k] for k in missing)
            if not self.edit_office(f"生成前请先填写：{names}。"):
                self._refuse(f"未生成：缺少{names}（可点“单位信息…”填写）。")
                return
        title = self.buttons[key].text()
        self.status_label.setStyleSheet("")
        self.status_label.setText(f"正在生成：{title}")
        run_job(self, title, self.job_for(key), on_done=self._done, on_error=self._failed)

    def _add_files(self, files: list[Path]) -> None:
        self.last_files = files
        for f in files:
            self.file_list.insertItem(0, QListWidgetItem(str(f)))
        self.file_list.setCurrentRow(0)

    def _done(self, result) -> None:
        files = [result] if isinstance(result, Path) else list(result)
        self._add_files(files)
        text = f"已保存 {len(files)} 个文件到 {files[0].parent}" if files else ""
        renamed = getattr(result, "renamed", {})
        if renamed:
            text += f"；其中 {len(renamed)} 个因已有同名文件而另存为“（2）”等新名，原文件未覆盖"
        self.status_label.setText(text)
        self.register_panel.show_for(self.db, self.assessment_combo.currentData())
        self.changes.changed.emit("documents")

    def _failed(self, exc: BaseException) -> None:
        """A refusal or a failure: say why on the page; files a batch did write are listed."""
        written = getattr(exc, "written", None)
        if written:  # not error_text: that says nothing was written
            self._add_files(list(written))
            self._refuse("\n".join(exc.lines()))  # type: ignore[attr-defined]
        else:
            self._refuse(error_text(exc))
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
            preview_file(self, path)  # inside the program: the PC may have no PDF reader

    def _print(self) -> None:
        path = self._selected_pdf()
        if path is not None and path.suffix.lower() == ".pdf":
            print_pdf(self, path)
        elif path is not None:
            self.status_label.setText("只能打印 PDF 文件；Excel 文件请在 Excel 中打印。")
