"""The 服务记录 page's 即办件平均时长（小时） column and its trend, driven by clicks and keys
(hand counts: tests/services/test_instant_hours.py — 林志强 0101 21.25 h in June 2024,
黄丽萍 0102 0.17 h in June and 66.00 h in July)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from service_data import load_instant

from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.service.page import ServicePage

CLICK = Qt.MouseButton.LeftButton
TITLE = "即办件平均时长（小时）"
SHOTS = Path("/tmp/svcui-shots")


def show_period(qtbot, page: ServicePage, period: str) -> None:
    page.period.lineEdit().selectAll()
    qtbot.keyClicks(page.period.lineEdit(), period)
    qtbot.keyClick(page.period.lineEdit(), Qt.Key.Key_Return)


def test_the_hours_column_sorts_compares_and_draws_a_trend(qtbot, db, tmp_path):
    load_instant(db, tmp_path)
    page = ServicePage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1500, 700)
    page.show()
    show_period(qtbot, page, "2024-06")
    model = page.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    col = titles.index(TITLE)
    assert titles[col - 1] == "较上期" and titles[col - 2] == "平均办理工作日"
    assert titles[col + 1] == "较上期" and not page.table.isColumnHidden(col)
    shown = page.table.model()
    cells = {shown.index(r, 0).data(): (shown.index(r, col).data(), shown.index(r, col + 1).data())
             for r in range(shown.rowCount())}
    # 0101: May had no finished 即办件, so no change; the others have none at all
    assert cells["0101"] == ("21.25", "—") and cells["0102"] == ("0.17", "—")
    assert cells["0103"] == ("—", "—")
    lin = next(r for r in range(shown.rowCount()) if shown.index(r, 0).data() == "0101")
    assert shown.index(lin, col).data(Qt.ItemDataRole.ToolTipRole) == f"{TITLE}：本期 21.25，上期（2024-05）—"

    # July against June: 0102 took 66.00 h, 65.83 more — worse, so red
    show_period(qtbot, page, "2024-07")
    r = next(r for r in range(shown.rowCount()) if shown.index(r, 0).data() == "0102")
    assert shown.index(r, col).data() == "66.00"
    assert shown.index(r, col + 1).data() == "↑ 65.83"
    assert shown.index(r, col + 1).data(Qt.ItemDataRole.ForegroundRole).name() == "#c5221f"

    # ◀ back to June; sorting by the column: a click on its header orders by the number
    qtbot.mouseClick(page.previous_button, CLICK)
    assert page.period.currentText() == "2024-06"
    header = page.table.horizontalHeader()
    page.table.scrollTo(shown.index(0, col))
    x = header.sectionViewportPosition(col) + 5
    qtbot.mouseClick(header.viewport(), CLICK, pos=QPoint(x, 5))
    values = [shown.index(r, col).data() for r in range(shown.rowCount())]
    numbers = [float(v) for v in values if v != "—"]
    assert numbers in ([0.17, 21.25], [21.25, 0.17])
    SHOTS.mkdir(exist_ok=True)
    page.grab().save(str(SHOTS / "instant_hours.png"))

    # the trend of 林志强, measure chosen with the keys: June 21.25 h, no point elsewhere
    show_period(qtbot, page, "2024")
    row = next(r for r in range(shown.rowCount()) if shown.index(r, 0).data() == "0101")
    page.table.scrollTo(shown.index(row, 1))
    rect = page.table.visualRect(shown.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), CLICK, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), CLICK, pos=rect.center())
    assert page.tabs.currentWidget() is page.trend_holder and page.chart is not None
    assert page.chart.subject_combo.currentData() == "0101"
    combo = page.chart.measure_combo
    combo.setFocus()
    while combo.currentText() != TITLE:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    points = dict(page.chart.points())
    assert points[6] == 21.25
    assert all(v is None for m, v in points.items() if m != 6)
    page.grab().save(str(SHOTS / "instant_hours_trend.png"))
