"""The 排名 table's model, which sorts and filters itself, and the 较上期 worker that starts
once the rows are painted — on the demo data, driven by mouse and keyboard (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt

from kaohe_desktop.services import ranking
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.ranking.model import SORT_ROLE
from kaohe_desktop.ui.ranking.page import RankingPage


@pytest.fixture
def demo(db):
    return load_demo(db)


@pytest.fixture
def page(qtbot, db, demo):
    p = RankingPage(db, Changes())
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def column(page, header: str) -> int:
    return page.model.headers.index(header)


def cell(page, row: int, header: str, role=Qt.ItemDataRole.DisplayRole):
    return page.model.index(row, column(page, header)).data(role)


def click_header(qtbot, page, header: str) -> None:
    view = page.table.horizontalHeader()
    c = column(page, header)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(view.sectionViewportPosition(c) + view.sectionSize(c) // 2, 5))


def click_row(qtbot, page, row: int) -> None:
    rect = page.table.visualRect(page.model.index(row, column(page, "名称")))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def choose(qtbot, combo, text: str) -> None:
    """Pick `text` in a combo box with the keyboard, as a user would."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{text} not in the list"


def test_filter_sort_and_selection_work_together(qtbot, page):
    choose(qtbot, page.group_combo, "第一组")
    assert page.model.rowCount() == 6 and "共 12 个对象，显示 6 个" in page.count_label.text()
    click_header(qtbot, page, "总分")
    click_header(qtbot, page, "总分")  # the second click sorts from high to low
    totals = [cell(page, r, "总分", SORT_ROLE) for r in range(6)]
    assert totals == sorted(totals, reverse=True)
    assert {cell(page, r, "评分组") for r in range(6)} == {"第一组"}
    click_row(qtbot, page, 3)
    chosen = page.selected_code()
    click_header(qtbot, page, "编号")  # the selection follows its row through a sort
    assert page.selected_code() == chosen
    assert page.visible_codes() == sorted(page.visible_codes())
    choose(qtbot, page.group_combo, "全部")
    assert page.model.rowCount() == 12 and "显示" not in page.count_label.text()
    assert page.visible_codes() == sorted(page.visible_codes())  # still sorted by 编号


def test_cells_show_what_the_ranking_says(page, db, demo):
    results = ranking.rank_assessment(db, demo["year"])
    assert page.visible_codes() == [r.subject_code for r in results]
    for row, r in enumerate(results):
        assert cell(page, row, "名次") == str(r.rank)
        assert cell(page, row, "名称") == r.subject_name
        assert cell(page, row, "等次") == r.grade
    total = page.model.index(0, column(page, "总分"))
    assert total.data(Qt.ItemDataRole.FontRole).bold()
    assert int(total.data(Qt.ItemDataRole.TextAlignmentRole)) & int(Qt.AlignmentFlag.AlignRight)
    assert page.model.index(0, column(page, "名称")).data(Qt.ItemDataRole.DecorationRole) is None


def test_previous_period_fills_in_while_the_table_is_off_screen(qtbot, page):
    tabs = page.tabs.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())  # 等次设置
    assert not page.table.viewport().isVisible()
    dec = next(c.id for c in page.choices if c.period_key == "2024-12")
    with qtbot.waitSignal(page.previous_filled, timeout=20000):
        choose(qtbot, page.assessment_combo, page.assessment_combo.itemText(
            page.assessment_combo.findData(dec)))
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(0).center())
    changes = [cell(page, r, "较上期") for r in range(page.model.rowCount())]
    assert "…" not in changes and all(changes)


class PaintLog(QObject):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.log.append("paint")
        return False


def test_previous_period_waits_for_the_rows_to_be_painted(qtbot, page):
    dec = next(c.id for c in page.choices if c.period_key == "2024-12")
    log: list[str] = []
    watcher = PaintLog(log)
    page.table.viewport().installEventFilter(watcher)
    real = page._start_now

    def start_now(start):
        if start is not None and start is page._start_after_paint:
            log.append("start")
        real(start)

    page._start_now = start_now
    with qtbot.waitSignal(page.previous_filled, timeout=20000):
        choose(qtbot, page.assessment_combo, page.assessment_combo.itemText(
            page.assessment_combo.findData(dec)))
        assert cell(page, 0, "较上期") == "…"  # rows first
    assert "start" in log and "paint" in log[:log.index("start")]
    assert cell(page, 0, "较上期") != "…"
