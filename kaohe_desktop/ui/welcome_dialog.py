"""The first start: whose program this is, and demo data or an empty start.

ui/app.py shows it once: when the settings carry no first-run mark and the database it
opens is empty. The dialog only asks; app.py loads the demo data, or, for an empty
start, stores the office's letterhead (`office()`: issuer, 文号 prefix, contact,
address) in the database. `remember` writes the other answers to QSettings. No
database code here, so importing ui/app.py stays free of SQLAlchemy
(tests/test_launcher.py holds that).

Opened again from 文件 → 欢迎页 (`again=True`), the same choices start over at any time
without touching the database in use: 打开演示数据库 (its own file) or 新建空数据库 (a new
file beside the current one); ui/settings/start_over.py acts on the answer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .common.icon import app_icon
from .common.unsaved import confirm_discard

# Each setting once, with its default.
# the letterhead asked for an empty start: setting key → label, example
OFFICE_FIELDS = {
    "issuer": ("发文/发证单位(&U)：", "例如：城关镇便民服务中心"),
    "prefix": ("文号前缀(&P)：", "例如：城便（文号写作 城便〔2024〕1号）"),
    "contact": ("联系人及电话(&C)：", "例如：王伟 0731-85551234"),
    "address": ("地址(&D)：", "例如：城关镇人民路1号"),
}
FIRST_RUN_DONE = "app/first_run_done"  # bool, False: the welcome has not been answered yet
STATION_NAME = "station/name"  # str, "": the 街道/乡镇 or station that uses the program


def is_first_run(settings: QSettings) -> bool:
    return not settings.value(FIRST_RUN_DONE, False, type=bool)


def mark_first_run_done(settings: QSettings) -> None:
    settings.setValue(FIRST_RUN_DONE, True)


def station_name(settings: QSettings) -> str:
    return str(settings.value(STATION_NAME, "", type=str))


class WelcomeDialog(QDialog):
    """Asks the name; `choice` is DEMO or EMPTY after accept(), None after reject().

    An empty start needs the name (it heads the program's notices); the demo has its own
    street, so it does not.
    """

    DEMO = "demo"
    EMPTY = "empty"

    def __init__(self, data_folder: Path, name: str = "", parent: QWidget | None = None,
                 *, again: bool = False) -> None:
        super().__init__(parent)
        self.choice: str | None = None
        self.again = again
        self.setWindowTitle("欢迎页" if again else "欢迎使用便民服务站考核")
        self.setWindowIcon(app_icon())

        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(72, 72))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        intro = QLabel(
            "<h3>欢迎使用便民服务站考核</h3>"
            "<p>本程序在本机离线保存全部考核数据，不需要联网。</p>")
        intro.setWordWrap(True)
        folder = QLabel(f"数据文件夹：{data_folder}")
        folder.setObjectName("data_folder")
        folder.setWordWrap(True)
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("name")
        self.name_edit.setPlaceholderText("例如：城关镇、东风社区便民服务站")
        self.name_edit.textChanged.connect(lambda _: self.problem.hide())
        form = QFormLayout()
        form.addRow("街道/乡镇或站点名称：", self.name_edit)
        self.problem = QLabel("请先填写街道/乡镇或站点名称。")
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()

        # a group box's title never wraps: the explanation goes in a label that does
        office_box = QGroupBox("证书和通知的落款")
        office_form = QFormLayout(office_box)
        office_note = QLabel(f"{'新建空数据库' if again else '从空白开始'}时填写，"
                             "以后可在“文件 → 单位信息”中修改。")
        office_note.setWordWrap(True)
        office_note.setStyleSheet("color:#5f6368;")
        office_form.addRow(office_note)
        self.office_edits: dict[str, QLineEdit] = {}
        for key, (label, example) in OFFICE_FIELDS.items():
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setPlaceholderText(example)
            self.office_edits[key] = edit
            office_form.addRow(label, edit)

        choices = QLabel(
            "<p><b>打开演示数据库</b>：演示数据在单独的文件里，与正在使用的数据库互不影响。</p>"
            "<p><b>新建空数据库</b>：在数据文件夹里新建一个空的数据库并切换过去，"
            "原来的数据库原样保留，可用“文件 → 打开数据库”回去。</p>" if again else
            "<p><b>装入演示数据</b>：一个街道、12 个社区便民服务站、60 名工作人员，一次年度考核、"
            "三个月的考勤考核和半年的服务记录（办件、好差评、投诉），适合先熟悉操作；"
            "以后可用“文件 → 清除演示数据”删去。</p>"
            "<p><b>从空白开始</b>：直接录入本地的站点和人员。</p>"
            "<p>以后可随时用“文件 → 欢迎页”另起一个空数据库。</p>")
        choices.setWordWrap(True)

        self.demo_button = QPushButton("打开演示数据库" if again else "装入演示数据")
        self.demo_button.setObjectName("demo")
        self.empty_button = QPushButton("新建空数据库" if again else "从空白开始")
        self.empty_button.setObjectName("empty")
        self.empty_button.setDefault(True)
        self.demo_button.clicked.connect(lambda: self._choose(self.DEMO))
        self.empty_button.clicked.connect(lambda: self._choose(self.EMPTY))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.empty_button)
        if again:  # the first start has no 取消: closing it only postpones the question
            cancel = QPushButton("取消")
            cancel.setObjectName("cancel")
            cancel.setAutoDefault(False)
            cancel.clicked.connect(self.reject)
            buttons.addWidget(cancel)

        text = QVBoxLayout()
        text.addWidget(intro)
        text.addLayout(form)
        text.addWidget(self.problem)
        text.addWidget(office_box)
        text.addWidget(choices)
        text.addWidget(folder)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.name_edit.setFocus()
        self._opened_with = self._typed()

    def _typed(self) -> list[str]:
        return [self.name_edit.text(), *(e.text() for e in self.office_edits.values())]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc after typing asks first: the letterhead is a few lines a clerk would retype."""
        if (event.key() == Qt.Key.Key_Escape and self._typed() != self._opened_with
                and not confirm_discard(self)):
            return
        super().keyPressEvent(event)

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def office(self) -> dict[str, str]:
        """The letterhead typed in (only what was filled in); the demo has its own."""
        if self.choice != self.EMPTY:
            return {}
        return {k: " ".join(e.text().split()) for k, e in self.office_edits.items() if e.text().strip()}

    def _choose(self, choice: str) -> None:
        if choice == self.EMPTY and not self.name():
            self.problem.show()
            self.name_edit.setFocus()
            return
        self.choice = choice
        self.accept()

    def remember(self, settings: QSettings) -> None:
        """Store the name (when given) and mark the first run as done."""
        if self.name():
            settings.setValue(STATION_NAME, self.name())
        mark_first_run_done(settings)
