"""The main window: pages, remembered state, Chinese rendering."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.main_window import MainWindow


def test_cjk_font_is_registered(qapp):
    family = qapp.font().family()
    assert QFontDatabase.writingSystems(family).count(QFontDatabase.WritingSystem.SimplifiedChinese)


def test_overview_shows_the_database_and_pages_are_remembered(qtbot, db, settings):
    load_demo(db)
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    overview = window.page(0)
    assert "便民服务站 <b>12</b> 个" in overview.summary_label.text()
    assert str(db.path) in window.db_label.text()
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())][:4] == [
        "概览", "站点与人员", "考核细则", "考核评分"]
    window.navigation.setCurrentRow(2)
    window.close()
    again = MainWindow(db, settings)
    qtbot.addWidget(again)
    assert again.navigation.currentRow() == 2


def test_empty_database_says_what_to_do(qtbot, db, settings):
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    assert "还没有站点" in window.page(0).summary_label.text()


def test_window_shows_before_its_database_is_attached(qtbot, db, settings):
    settings.setValue("window/page", 1)
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    window.show()
    assert "正在打开" in window.db_label.text()
    assert window.navigation.currentRow() == 1
    load_demo(db)
    window.attach(db)
    assert window.pages.currentWidget().title == "站点与人员"
    assert str(db.path) in window.db_label.text()


def test_about_dialog_opens_from_the_help_menu(qtbot, db, settings, monkeypatch):
    from kaohe_desktop.ui.about_dialog import AboutDialog

    shown = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    next(a for a in help_menu.actions() if a.text().startswith("关于")).trigger()
    assert shown and isinstance(shown[0], AboutDialog)


def test_overview_is_filled_from_the_glance_before_the_database_is_attached(qtbot, db, settings):
    from kaohe_desktop.services.overview import glance
    from kaohe_desktop.services.roster import add_unit

    load_demo(db)
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_glance(glance(db.path))
    page = window.pages.currentWidget()
    assert page.title == "概览" and page.db is None
    assert "便民服务站 <b>12</b> 个" in page.summary_label.text()
    assert "2024年度社区便民服务站管理考核" in page.summary_label.text()
    window.attach(db)
    assert window.page(0) is page and page.db is db
    add_unit(db, "新桥社区便民服务站")
    window.changes.changed.emit("roster")  # the page now reads through the open database
    assert "便民服务站 <b>13</b> 个" in page.summary_label.text()


def test_the_glance_is_only_for_the_overview(qtbot, db, settings):
    from kaohe_desktop.services.overview import glance

    load_demo(db)
    settings.setValue("window/page", 3)
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_glance(glance(db.path))
    assert not window._built  # 考核评分 waits for the database layer
    window.attach(db)
    assert window.pages.currentWidget().title == "考核评分"


def test_the_default_window_shows_the_ranking_columns_that_matter(qtbot, db, settings, tmp_path):
    """Issue 15.15 checked in the window itself: a first start (nothing remembered), 排名
    clicked in the navigation, the demo's annual assessment — 名次 … 等次, 完成情况 and
    较上期 are in view without scrolling."""
    from PySide6.QtCore import Qt

    load_demo(db)
    window = MainWindow(db, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    nav = window.navigation
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=nav.visualRect(nav.model().index(titles.index("排名"), 0)).center())
    page = window.pages.currentWidget()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    qtbot.wait(50)
    header = page.table.horizontalHeader()
    view_width = page.table.viewport().width()
    for name in ("名次", "编号", "名称", "完成情况", "总分", "等次", "较上期"):
        c = page.model.headers.index(name)
        assert header.sectionViewportPosition(c) + header.sectionSize(c) <= view_width, name
    window.grab().save(str(tmp_path / "ranking-default-size.png"))  # for looking at
