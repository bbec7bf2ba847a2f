"""帮助 → 使用说明 (F1): the manual in a QTextBrowser, with its contents beside it.

One window per main window, not modal, so a clerk can read while working; F1 again (or a
link in a page's empty state) brings it forward at the section asked for. The pages are
HTML files with their screenshots in resources/help (packaged with the program; nothing
is fetched). Links to other sections stay inside; a link that is not a section (none
should exist) is not followed outside the program.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.resources import resource

from .topics import EXTRA_TOPICS, HOME, PAGE_TOPICS, SCHEME, topic_for

CONTENTS = [("目录", HOME), *PAGE_TOPICS.items(), *EXTRA_TOPICS.items()]


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明 — 便民服务站考核")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        folder = resource("help", HOME).parent
        self.browser = QTextBrowser()
        self.browser.setObjectName("manual")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)  # every link goes through _follow
        self.browser.setSearchPaths([str(folder)])
        self.browser.anchorClicked.connect(self._follow)
        self.browser.sourceChanged.connect(self._source_changed)

        self.contents = QListWidget()
        self.contents.setObjectName("contents")
        for title, file in CONTENTS:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, file)
            self.contents.addItem(item)
        self.contents.setMaximumWidth(170)
        self.contents.itemActivated.connect(lambda item: self.show_topic(item.data(Qt.ItemDataRole.UserRole)))
        self.contents.itemClicked.connect(lambda item: self.show_topic(item.data(Qt.ItemDataRole.UserRole)))

        self.back_button = QPushButton("后退")
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.back_button.setEnabled(False)
        home = QPushButton("目录")
        home.clicked.connect(lambda: self.show_topic(HOME))
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(home)
        bar.addStretch(1)
        bar.addWidget(QLabel("在任何一页按 F1 打开该页的说明"))
        bar.addWidget(close)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bar)
        QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), self,
                  activated=lambda: self.show_topic(HOME))
        self.resize(1100, 700)  # the pictures are 860 px wide, shown unscaled

    def show_topic(self, topic: str) -> None:
        """Show `topic` (a page title, `file.html`, `file.html#anchor` or `help:…`)."""
        self.browser.setSource(QUrl(topic_for(topic)))

    def current_file(self) -> str:
        return self.browser.source().fileName()

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("", "file", "help") or url.toString().startswith(SCHEME):
            self.show_topic(url.toString().removeprefix(SCHEME))
        # anything else (a web address) is not opened: the PC is offline by design

    def _source_changed(self, url: QUrl) -> None:
        name = url.fileName()
        for row in range(self.contents.count()):
            if self.contents.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.contents.blockSignals(True)
                self.contents.setCurrentRow(row)
                self.contents.blockSignals(False)
                return


def show_help(window: QWidget, topic: str = "") -> HelpDialog:
    """Open (or bring forward) the window's manual at `topic`."""
    top = window.window()
    dialog = top.findChild(HelpDialog, "help_dialog")
    if dialog is None:
        dialog = HelpDialog(top)
        dialog.setObjectName("help_dialog")
    dialog.show_topic(topic or HOME)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def open_help_link(source: QWidget, link: str) -> bool:
    """For a label's linkActivated: open `help:` links in the manual; True when it was one."""
    if not link.startswith(SCHEME):
        return False
    show_help(source, link)
    return True
