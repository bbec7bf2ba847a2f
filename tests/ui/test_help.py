"""帮助 → 使用说明 (issue 15, item 13): F1 opens the Chinese manual at the section of the page
on screen; an empty page's link opens its section; Esc closes it; the pictures it shows
are shipped and small."""

from __future__ import annotations

import re

import pytest
from kaohe_desktop.resources import resource
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kaohe_desktop.ui.help.help_dialog import HelpDialog
from kaohe_desktop.ui.help.topics import PAGE_TOPICS
from kaohe_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, db, settings):
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def help_dialog(window) -> HelpDialog | None:
    return window.findChild(HelpDialog, "help_dialog")


def test_f1_opens_the_section_of_the_page_on_screen_and_esc_closes_it(qtbot, window):
    for row, file in ((1, "roster.html"), (4, "attendance.html")):
        qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.navigation.visualRect(window.navigation.model().index(row, 0)).center())
        assert window.navigation.currentRow() == row
        qtbot.keyClick(window.pages.currentWidget(), Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: help_dialog(window) is not None and help_dialog(window).isVisible())
        dialog = help_dialog(window)
        assert dialog.current_file() == file
        text = dialog.browser.toPlainText()
        assert window.navigation.item(row).text() in text
        qtbot.keyClick(dialog.browser, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not help_dialog(window).isVisible())
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)


def test_contents_and_links_stay_inside_the_manual(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = help_dialog(window)
    assert dialog.current_file() == "overview.html"
    row = [dialog.contents.item(i).text() for i in range(dialog.contents.count())].index("一年的工作怎么做")
    qtbot.mouseClick(dialog.contents.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.contents.visualItemRect(dialog.contents.item(row)).center())
    assert dialog.current_file() == "howto.html"
    for words in ("新的一年", "每月的考勤", "年终考核", "U 盘"):
        assert words in dialog.browser.toPlainText()
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.current_file() == "overview.html"


def test_an_empty_page_links_to_its_section(qtbot, window):
    page = window.open_page("站点与人员")  # an empty database: the roster's empty state
    label = page.empty_label
    assert "help:roster.html" in label.text()
    label.setFocus()
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # Tab walks the label's links, Enter follows one
    qtbot.keyClick(label, Qt.Key.Key_Return)
    dialog = help_dialog(window)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    assert dialog.current_file() == "roster.html"


def test_every_page_has_a_section_with_its_picture_and_the_pictures_are_small():
    folder = resource("help", "index.html").parent
    for title, file in PAGE_TOPICS.items():
        html = (folder / file).read_text(encoding="utf-8")
        assert f"<h1>{title}</h1>" in html
        for src in re.findall(r"src='([^']+)'", html):
            assert (folder / src).is_file(), src
    total = sum(p.stat().st_size for p in (folder / "img").glob("*.png"))
    assert 0 < total < 3_000_000
    assert QApplication.instance() is not None


def test_every_page_of_the_navigation_and_the_account_menu_has_a_section(qtbot, window):
    """服务记录 and 数据交换 included: F1 there opens their own section, not the contents."""
    from kaohe_desktop.ui.help.topics import EXTRA_TOPICS

    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert set(titles) <= set(PAGE_TOPICS)
    for title in ("服务记录", "数据交换"):
        row = titles.index(title)
        qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.navigation.visualRect(window.navigation.model().index(row, 0)).center())
        qtbot.keyClick(window.pages.currentWidget(), Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: help_dialog(window) is not None and help_dialog(window).isVisible())
        dialog = help_dialog(window)
        assert dialog.current_file() == PAGE_TOPICS[title]
        assert f"{title}" in dialog.browser.toPlainText()
        qtbot.keyClick(dialog.browser, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not help_dialog(window).isVisible())
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = help_dialog(window)
    items = [dialog.contents.item(i).text() for i in range(dialog.contents.count())]
    row = items.index("账户与修改记录")
    qtbot.mouseClick(dialog.contents.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.contents.visualItemRect(dialog.contents.item(row)).center())
    assert dialog.current_file() == EXTRA_TOPICS["账户与修改记录"]
    assert "另一处正在写入数据库" in dialog.browser.toPlainText()


@pytest.mark.parametrize(("title", "file"), [("打印与导出", "documents.html"), ("数据交换", "exchange.html")])
def test_the_documents_and_exchange_pages_link_to_their_sections(qtbot, window, title, file):
    """On an empty database 打印与导出 has nothing to generate and says so with its link;
    数据交换 says what it is for with its link; a click opens the section."""
    page = window.open_page(title)
    label = page.empty_label if title == "打印与导出" else page.intro
    assert label.isVisible() and f"help:{file}" in label.text()
    label.setFocus()
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # to the link, as a keyboard user reaches it
    qtbot.keyClick(label, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: help_dialog(window) is not None and help_dialog(window).isVisible())
    assert help_dialog(window).current_file() == file
