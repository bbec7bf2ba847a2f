"""The page 服务记录 through clicks and keys: importing real .xlsx files (an unknown layout
mapped once and remembered, a bad cell, an unmatched person, cancel), the measures with
their change against the period before, the trend chart, the 整改 tracker, the cost."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QPushButton
from service_data import EXPECTED, export_xlsx, import_all, load_roster
from sqlalchemy import func, select

from kaohe_desktop.services import service_records, service_stats
from kaohe_desktop.store.models import ServiceMapping, ServiceRequest
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.service.mapping_dialog import ServiceMappingDialog
from kaohe_desktop.ui.service.page import ServicePage
from kaohe_desktop.ui.service.preview_dialog import ServicePreviewDialog

TIMEOUT = 20_000
SHOTS = Path("/tmp/svcui-shots")
CLICK = Qt.MouseButton.LeftButton


def shot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], title: str | None = None) -> Path:
    return export_xlsx(path, header, rows, title=title, sheet="导出")


STANDARD = ["办件编号", "事项名称", "受理人", "受理时间", "承诺时限", "办结时间", "办理状态"]
# a platform's export the reader has no aliases for: 单号, 接件时间点 …
UNKNOWN = ["单号", "业务名称", "承办人", "接件时间点", "时限天数", "完结时间点", "进度"]


def unknown_rows(prefix: str) -> list[list[object]]:
    return [[f"{prefix}{i:03d}", "居住证办理", "林志强", datetime(2024, 7, 1 + i, 9, 30), 5,
             datetime(2024, 7, 3 + i, 16, 0), "已办结"] for i in range(1, 4)]


@pytest.fixture
def told(monkeypatch):
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said.append(("warning", text)))
    return said


@pytest.fixture
def page(qtbot, db):
    load_roster(db)
    p = ServicePage(db, Changes())
    qtbot.addWidget(p)
    p.resize(1280, 640)
    p.show()
    return p


def pick_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def wait_dialog(qtbot, page: ServicePage, kind: type):
    qtbot.waitUntil(lambda: isinstance(page.flow.active_dialog, kind), timeout=TIMEOUT)
    return page.flow.active_dialog


def requests_in(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ServiceRequest))


def choose_by_keys(qtbot, combo, text: str) -> None:
    """What a clerk does on a closed combo: focus it and type the start of an item."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)


def test_empty_page_says_what_to_do_and_links_the_manual(qtbot, page):
    assert page.stack.currentWidget() is page.empty
    text = page.empty.label.text()
    assert "还没有服务记录" in text and "help:" in text and "导入服务记录" in text
    assert not page.period.isEnabled()
    shot(page, "empty")


def test_unknown_layout_is_mapped_once_then_remembered(qtbot, page, db, monkeypatch, told, tmp_path):
    first = write_xlsx(tmp_path / "平台导出一.xlsx", UNKNOWN, unknown_rows("X"), title="2024年7月办件")
    pick_file(monkeypatch, first)
    qtbot.mouseClick(page.empty.import_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServiceMappingDialog)
    assert not dialog.ok_button.isEnabled()  # 编号 and 受理时间 are not recognised
    assert "编号" in dialog.hint.text()
    dialog.kind_combo.setFocus()
    qtbot.keyClick(dialog.kind_combo, Qt.Key.Key_Home)  # 办件, the first kind
    assert dialog.kind == "requests"
    choose_by_keys(qtbot, dialog.combos["no"], "A")        # A  单号
    choose_by_keys(qtbot, dialog.combos["accepted"], "D")  # D  接件时间点
    choose_by_keys(qtbot, dialog.combos["person_name"], "C")
    choose_by_keys(qtbot, dialog.combos["limit"], "E")
    choose_by_keys(qtbot, dialog.combos["finished"], "F")
    choose_by_keys(qtbot, dialog.combos["status"], "G")
    assert dialog.ok_button.isEnabled(), dialog.hint.text()
    assert dialog.remember_check.isChecked()
    shot(dialog, "mapping")
    qtbot.mouseClick(dialog.ok_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert preview.preview.new == 3 and not preview.preview.problems
    assert preview.remap_button.isVisible()
    qtbot.mouseClick(preview.import_button, CLICK)
    qtbot.waitUntil(lambda: requests_in(db) == 3, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "新增办件记录 3 条" in page.status.text(), timeout=TIMEOUT)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceMapping)) == 1
    assert page.stack.currentWidget() is page.tabs

    # the next file of that shape goes straight to the preview
    second = write_xlsx(tmp_path / "平台导出二.xlsx", UNKNOWN, unknown_rows("Y"), title="2024年8月办件")
    pick_file(monkeypatch, second)
    qtbot.mouseClick(page.import_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert preview.preview.new == 3
    qtbot.mouseClick(preview.import_button, CLICK)
    qtbot.waitUntil(lambda: requests_in(db) == 6, timeout=TIMEOUT)

    # and the same file again adds nothing, and says so
    pick_file(monkeypatch, second)
    qtbot.mouseClick(page.import_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert preview.preview.new == 0 and "以前导入过" in preview.summary_label.text()
    qtbot.mouseClick(preview.import_button, CLICK)
    qtbot.waitUntil(lambda: "没有新的办件记录" in page.status.text(), timeout=TIMEOUT)
    assert requests_in(db) == 6 and not told


def test_the_table_on_a_later_sheet_is_chosen_in_the_mapping_dialog(qtbot, page, db, monkeypatch,
                                                                   told, tmp_path):
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(["窗口", "件数", "备注"])
    summary.append(["综合窗口", 3, ""])
    detail = wb.create_sheet("明细")
    detail.append(UNKNOWN)
    for row in unknown_rows("S"):
        detail.append(row)
    wb.save(tmp_path / "两张表.xlsx")
    pick_file(monkeypatch, tmp_path / "两张表.xlsx")
    qtbot.mouseClick(page.empty.import_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServiceMappingDialog)
    assert dialog.headers.sheet == "汇总" and dialog.sheet_combo.isEnabled()
    dialog.sheet_combo.setFocus()
    qtbot.keyClick(dialog.sheet_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: dialog.headers.sheet == "明细", timeout=TIMEOUT)
    assert dialog.sample.rowCount() == 3 and "明细" in dialog.intro.text()
    dialog.kind_combo.setFocus()
    qtbot.keyClick(dialog.kind_combo, Qt.Key.Key_Home)
    choose_by_keys(qtbot, dialog.combos["no"], "A")
    choose_by_keys(qtbot, dialog.combos["accepted"], "D")
    choose_by_keys(qtbot, dialog.combos["person_name"], "C")
    choose_by_keys(qtbot, dialog.combos["limit"], "E")
    qtbot.mouseClick(dialog.ok_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert preview.preview.sheet == "明细" and preview.preview.new == 3
    # 重新指定列… goes back to the mapping dialog with the columns chosen
    qtbot.mouseClick(preview.remap_button, CLICK)
    again = wait_dialog(qtbot, page, ServiceMappingDialog)
    assert again.mapping()["no"] == "单号" and again.kind == "requests"
    assert requests_in(db) == 0 and not told


def test_a_recognised_layout_read_wrongly_is_corrected_once(qtbot, page, db, monkeypatch, told,
                                                            tmp_path):
    # 受理人 is who took the request at the counter; this office scores 经办人, who handled it
    header = ["办件编号", "事项名称", "受理人", "经办人", "受理时间", "承诺时限", "办结时间", "办理状态"]
    rows = [["K001", "低保", "林志强", "邓芳", "2024-07-02 09:00", 5, "2024-07-04 10:00", "已办结"],
            ["K002", "低保", "林志强", "邓芳", "2024-07-03 09:00", 5, "2024-07-05 10:00", "已办结"]]
    book = write_xlsx(tmp_path / "两个经手人.xlsx", header, rows)
    pick_file(monkeypatch, book)
    qtbot.mouseClick(page.empty.import_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert preview.remap_button.isVisible() and preview.remap_button.text() == "指定列…"
    shot(preview, "preview_clean")
    qtbot.mouseClick(preview.remap_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServiceMappingDialog)
    assert dialog.kind == "requests" and dialog.mapping()["person_name"] == "受理人"  # as read
    assert not dialog.remember_check.isChecked() and not dialog.remember_check.isEnabled()
    shot(dialog, "mapping_override")
    choose_by_keys(qtbot, dialog.combos["person_name"], "D")
    qtbot.mouseClick(dialog.ok_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    qtbot.mouseClick(preview.import_button, CLICK)
    qtbot.waitUntil(lambda: requests_in(db) == 2, timeout=TIMEOUT)
    people = {m.code: m.tally.requests for m in service_stats.measures(db, "2024-07")}
    assert people["0302"] == 2 and people["0101"] == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceMapping)) == 0
    assert not told


def test_a_bad_cell_is_named_and_nothing_is_written(qtbot, page, db, monkeypatch, tmp_path):
    rows = [["B001", "社保卡挂失", "黄丽萍", "2024-07-02 09:00", 3, "2024-07-03 10:00", "已办结"],
            ["B002", "社保卡挂失", "黄丽萍", "七月三号", 3, "", "办理中"]]
    book = write_xlsx(tmp_path / "坏单元格.xlsx", STANDARD, rows)
    pick_file(monkeypatch, book)
    qtbot.mouseClick(page.empty.import_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert dialog.problems.rowCount() == 1
    cells = [dialog.problems.item(0, c).text() for c in range(6)]
    assert cells[:5] == ["坏单元格.xlsx", "导出", "3", "D（受理时间）", "七月三号"]
    assert "日期时间" in cells[5]
    assert not dialog.import_button.isEnabled()
    assert "改正后重新导入" in dialog.summary_label.text()
    shot(dialog, "preview_bad_cell")
    qtbot.mouseClick(dialog.cancel_button, CLICK)
    assert requests_in(db) == 0


def test_an_unmatched_person_gets_a_choice(qtbot, page, db, monkeypatch, tmp_path):
    rows = [["C001", "低保申请", "赵无名", "2024-07-02 09:00", 10, "2024-07-10 10:00", "已办结"],
            ["C002", "低保申请", "欧阳慧敏", "2024-07-02 10:00", 10, "2024-07-09 10:00", "已办结"],
            ["C003", "老年证", "钱多多", "2024-07-04 10:00", "即办", "2024-07-04 10:30", "已办结"]]
    book = write_xlsx(tmp_path / "有生人.xlsx", STANDARD, rows)
    pick_file(monkeypatch, book)
    qtbot.mouseClick(page.empty.import_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert dialog.people.rowCount() == 2
    assert [dialog.people.item(r, 0).text() for r in range(2)] == ["赵无名", "钱多多"]
    assert not dialog.import_button.isEnabled()
    assert "还有 2 个" in dialog.summary_label.text()
    choose_by_keys(qtbot, dialog.person_combos["赵无名"], "0301")  # 0301 何晓东
    assert dialog.person_combos["赵无名"].currentData() == "0301"
    shot(dialog, "preview_unmatched")
    qtbot.mouseClick(dialog.rest_button, CLICK)  # 钱多多: 只计入窗口/单位
    assert dialog.person_combos["钱多多"].currentText() == "只计入窗口/单位"
    assert dialog.person_combos["赵无名"].currentData() == "0301"  # a hand-made choice stays
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, CLICK)
    qtbot.waitUntil(lambda: requests_in(db) == 2, timeout=TIMEOUT)  # 钱多多 counts for nobody
    rows = {m.code: m for m in service_stats.measures(db, "2024-07", "person")}
    assert rows["0301"].tally.requests == 1 and rows["0103"].tally.requests == 1


def test_an_unknown_window_is_counted_for_the_unit_chosen(qtbot, page, db, monkeypatch, tmp_path):
    rows = [["W001", "户籍", "", "2024-07-02 09:00", 5, "2024-07-05 10:00", "已办结", "综合受理窗口"],
            ["W002", "户籍", "", "2024-07-03 09:00", 5, "2024-07-05 10:00", "已办结",
             "红岭街道东湖社区便民服务站"]]
    book = write_xlsx(tmp_path / "窗口.xlsx", [*STANDARD, "受理窗口"], rows)
    pick_file(monkeypatch, book)
    qtbot.mouseClick(page.empty.import_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert dialog.units.rowCount() == 1 and dialog.units.item(0, 0).text() == "综合受理窗口"
    assert not dialog.people.isVisible() and not dialog.import_button.isEnabled()
    choose_by_keys(qtbot, dialog.unit_combos["综合受理窗口"], "HL01")
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, CLICK)
    qtbot.waitUntil(lambda: requests_in(db) == 2, timeout=TIMEOUT)
    units = {m.code: m.tally.requests for m in service_stats.measures(db, "2024-07", "unit")}
    assert units == {"HL01": 1, "HL02": 1, "HL03": 0}


def test_cancelling_the_read_writes_nothing(qtbot, page, db, monkeypatch, told, tmp_path):
    book = write_xlsx(tmp_path / "慢.xlsx", STANDARD,
                      [["D001", "社保", "黄丽萍", "2024-07-02 09:00", 3, "", "办理中"]])
    real = service_records.preview_import

    def slow(db_, path, kind=None, mapping=None, progress=None):
        def dawdle(done, total):  # a huge file: the progress keeps coming until 取消
            for _ in range(400):
                progress(0, total)  # (done == total would close the dialog: finished)
                time.sleep(0.025)
        return real(db_, path, kind, mapping, dawdle)

    monkeypatch.setattr(service_records, "preview_import", slow)
    pick_file(monkeypatch, book)
    qtbot.mouseClick(page.empty.import_button, CLICK)

    def progress_dialog():
        return next((w for w in QApplication.topLevelWidgets() + page.findChildren(QProgressDialog)
                     if isinstance(w, QProgressDialog) and w.isVisible()), None)

    qtbot.waitUntil(lambda: progress_dialog() is not None or bool(told), timeout=TIMEOUT)
    assert not told, told
    shot(progress_dialog(), "progress")
    cancel = next(b for b in progress_dialog().findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(cancel, CLICK)
    qtbot.waitUntil(lambda: "已取消读取" in page.status.text(), timeout=TIMEOUT)
    qtbot.wait(300)
    assert page.flow.active_dialog is None and requests_in(db) == 0


@pytest.fixture
def loaded(db):
    load_roster(db)
    import_all(db)
    service_stats.set_cost(db, "HL01", 2024, "360000")
    return db


def test_measures_change_trend_tracker_and_cost(qtbot, loaded, monkeypatch):
    page = ServicePage(loaded, Changes())
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    assert page.stack.currentWidget() is page.tabs
    periods = [page.period.itemText(i) for i in range(page.period.count())]
    assert periods[:3] == ["2024-06", "2024-05", "2024-04"] and "2024-Q2" in periods and "2024" in periods
    assert page.period.currentText() == "2024-06"
    # the period typed, as before
    page.period.lineEdit().selectAll()
    qtbot.keyClicks(page.period.lineEdit(), "2024-Q2")
    qtbot.keyClick(page.period.lineEdit(), Qt.Key.Key_Return)
    want = {r["code"]: r for r in EXPECTED["expected"]["2024-Q2"]["person"]}
    assert page.model.rowCount() == len(want)
    titles = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    col = {t: i for i, t in reversed(list(enumerate(titles)))}
    for r, row in enumerate(page.model.rows):
        w = want[row.now.code]
        shown_rate = page.model.index(r, col["满意率"]).data()
        assert shown_rate == ("—" if w["satisfied_rate"] is None else f"{w['satisfied_rate'] * 100:.2f}%")
        assert page.model.index(r, col["办件量"]).data() == str(w["requests"])
    # ◀ steps to the month before; the 较上期 column compares with the month before that
    page.period.setCurrentText("2024-06")
    qtbot.mouseClick(page.show_button, CLICK)
    may = {m.code: m for m in service_stats.measures(loaded, "2024-05")}
    june = {m.code: m for m in service_stats.measures(loaded, "2024-06")}
    change_col = col["办件量"] + 1
    assert titles[change_col] == "较上期"
    for r, row in enumerate(page.model.rows):
        diff = june[row.now.code].tally.requests - may[row.now.code].tally.requests
        text = page.model.index(r, change_col).data()
        assert text == ("持平" if diff == 0 else ("↑ " if diff > 0 else "↓ ") + str(abs(diff)))
    assert "与 2024-05 相比" in page.status.text()
    assert page.table.isColumnHidden(col["人均成本（元）"])  # a person has no cost of its own
    qtbot.mouseClick(page.previous_button, CLICK)
    assert page.period.currentText() == "2024-05"
    # sorting by clicking the header sorts by the number
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(col["办件量"]) + 5
    qtbot.mouseClick(header.viewport(), CLICK, pos=QPoint(x, 5))
    shown_model = page.table.model()
    counts = [int(shown_model.index(r, col["办件量"]).data()) for r in range(shown_model.rowCount())]
    assert counts == sorted(counts) or counts == sorted(counts, reverse=True)
    assert len(set(counts)) > 1
    shot(page, "measures")

    # by window/unit
    page.by.setFocus()
    qtbot.keyClick(page.by, Qt.Key.Key_Down)  # 按窗口/单位
    assert page.model.rowCount() == 3 and titles[1] != page.model.headerData(1, Qt.Orientation.Horizontal)
    per_person, cost_col = col["人均办件量"], col["人均成本（元）"]
    assert not page.table.isColumnHidden(per_person)
    hl01 = next(r for r, row in enumerate(page.model.rows) if row.now.code == "HL01")
    requests = page.model.rows[hl01].now.tally.requests
    assert page.model.index(hl01, per_person).data() == f"{requests / 3:.2f}"  # HL01 has 3 people
    assert page.model.index(hl01, cost_col).data() == "120,000.00"
    shot(page, "measures_by_unit")
    qtbot.keyClick(page.by, Qt.Key.Key_Up)

    # trend of the row double-clicked: QtCharts loads only now
    page.period.setCurrentText("2024")
    qtbot.mouseClick(page.show_button, CLICK)
    assert page.chart is None
    row = next(r for r in range(page.table.model().rowCount())
               if page.table.model().index(r, 0).data() == "0102")
    rect = page.table.visualRect(page.table.model().index(row, 1))
    qtbot.mouseClick(page.table.viewport(), CLICK, pos=rect.center())  # a double click's first half
    qtbot.mouseDClick(page.table.viewport(), CLICK, pos=rect.center())
    assert page.tabs.currentWidget() is page.trend_holder and page.chart is not None
    assert page.chart.subject_combo.currentData() == "0102"
    page.chart.measure_combo.setFocus()
    while page.chart.measure_combo.currentText() != "满意率":
        qtbot.keyClick(page.chart.measure_combo, Qt.Key.Key_Down)
    points = dict(page.chart.points())
    trend = {t.code: t for t in service_stats.trend(loaded, date(2024, 1, 1), date(2024, 12, 31))}["0102"]
    for (_, month), m in zip(trend.months, trend.rows, strict=True):
        want_rate = m.satisfied_rate
        assert points[month] == (None if want_rate is None else pytest.approx(want_rate * 100))
    assert points[1] is None and any(v is not None for v in points.values())
    # a count: 0 in a month the files cover, no point before the first export (the fixtures
    # begin in April) or after the last, rather than a fall to zero
    while page.chart.measure_combo.currentText() != "办件量":
        qtbot.keyClick(page.chart.measure_combo, Qt.Key.Key_Up)
    points = dict(page.chart.points())
    covered = {month for (_, month), kinds in zip(trend.months, trend.recorded, strict=True)
               if "requests" in kinds}
    assert {4, 5, 6} <= covered and not covered & {1, 2, 3, 8, 9, 10, 11, 12}  # July: 办结 only
    assert all(points[m] is None for m in range(1, 13) if m not in covered)
    assert [points[m] for m in sorted(covered)] == [
        float(trend.rows[m - 1].tally.requests) for m in sorted(covered)]
    assert f"有数据的月份 {len(covered)} 个" in page.chart.note.text()
    shot(page, "trend")

    # 整改 tracker: the open 差评, overdue in red
    qtbot.mouseClick(page.tabs.tabBar(), CLICK, pos=page.tabs.tabBar().tabRect(2).center())
    assert page.tabs.currentWidget() is page.tracker
    tracker = page.tracker.table
    assert tracker.rowCount() == len(EXPECTED["open_bad_ratings"])
    assert tracker.item(0, 0).text() == EXPECTED["open_bad_ratings"][0]
    assert "已逾期" in tracker.item(0, 7).text()  # June 2024 is long past
    assert tracker.item(0, 0).background().color().name() == "#fde7e9"
    assert "逾期 1" in page.tabs.tabText(2)
    shot(page, "tracker")

    # 人均成本: enter a unit's cost for the year
    qtbot.mouseClick(page.tabs.tabBar(), CLICK, pos=page.tabs.tabBar().tabRect(3).center())
    cost = page.cost
    # the page shows 2024: its cost tab shows 2024's costs without being asked
    assert cost.year_spin.value() == 2024
    assert cost.table.item(0, 2).text() == "360,000.00" and cost.table.item(0, 4).text() == "120,000.00"
    rect = cost.table.visualItemRect(cost.table.item(1, 1))
    qtbot.mouseClick(cost.table.viewport(), CLICK, pos=rect.center())
    assert cost.unit_combo.currentData() == "HL02"
    qtbot.keyClicks(cost.amount, "100000")
    qtbot.keyClick(cost.amount, Qt.Key.Key_Return)
    assert service_stats.cost_per_person(loaded, 2024)["HL02"] == 50000
    assert "已保存" in page.status.text()
    shot(page, "cost")


def test_a_bad_period_and_a_bad_amount_say_why(qtbot, loaded, told):
    page = ServicePage(loaded, Changes())
    qtbot.addWidget(page)
    page.show()
    page.period.lineEdit().selectAll()
    qtbot.keyClicks(page.period.lineEdit(), "2024-13")
    qtbot.keyClick(page.period.lineEdit(), Qt.Key.Key_Return)
    assert "期间应写作" in page.status.text()
    page.tabs.setCurrentWidget(page.cost)
    page.cost.amount.setFocus()
    qtbot.keyClicks(page.cost.amount, "30k")
    qtbot.keyClick(page.cost.amount, Qt.Key.Key_Return)
    assert told and "金额" in told[0][1]


def test_tracker_marks_overdue_red_and_near_amber(qtbot):
    from kaohe_desktop.services.service_stats import OpenBadRating
    from kaohe_desktop.ui.service.tracker_panel import TrackerPanel

    panel = TrackerPanel()
    qtbot.addWidget(panel)
    rows = [OpenBadRating("G1", datetime(2024, 6, 3, 9), "非常不满意", "黄丽萍", "服务中心", "态度差",
                          date(2024, 6, 24), -3, True),
            OpenBadRating("G2", datetime(2024, 6, 5, 9), "不满意", "邓芳", "西岭村", "等太久",
                          date(2024, 6, 26), 2, False),
            OpenBadRating("G3", datetime(2024, 6, 20, 9), "不满意", "", "西岭村", "",
                          date(2024, 7, 11), 11, False)]
    assert panel.set_rows(rows) == (1, 1)
    t = panel.table
    assert [t.item(r, 7).text() for r in range(3)] == ["已逾期 3 个工作日", "即将到期：剩 2 个工作日",
                                                       "剩 11 个工作日"]
    assert t.item(0, 0).background().color().name() == "#fde7e9"
    assert t.item(1, 0).background().color().name() == "#fff4ce"
    assert t.item(2, 0).background().style() == Qt.BrushStyle.NoBrush
    assert "已逾期 1 条" in panel.note.text() and "0 条" not in panel.note.text()


def test_satisfaction_as_the_five_level_mean(qtbot, loaded):
    page = ServicePage(loaded, Changes())
    qtbot.addWidget(page)
    page.resize(1400, 600)
    page.show()
    page.period.setCurrentText("2024-Q2")
    qtbot.mouseClick(page.show_button, CLICK)
    titles = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    col = titles.index("满意率")
    share = {m.code: m.satisfied_rate for m in service_stats.measures(loaded, "2024-Q2")}
    mean = {m.code: m.satisfied_rate
            for m in service_stats.measures(loaded, "2024-Q2", mean_satisfaction=True)}
    assert share != mean

    def shown_rates():
        return {row.now.code: page.model.index(r, col).data() for r, row in enumerate(page.model.rows)}

    def pct(v):
        return "—" if v is None else f"{v * 100:.2f}%"

    assert shown_rates() == {k: pct(v) for k, v in share.items()}
    qtbot.mouseClick(page.mean_check, CLICK)
    assert shown_rates() == {k: pct(v) for k, v in mean.items()}
    chart = page.show_trend("satisfied_rate")
    june = dict(chart.points())[6]
    want = {t.code: t for t in service_stats.trend(loaded, date(2024, 1, 1), date(2024, 12, 31),
                                                   mean_satisfaction=True)}
    code = chart.subject_combo.currentData()
    assert june == pytest.approx(want[code].rows[5].satisfied_rate * 100)


def test_esc_in_the_mapping_dialog_asks_before_throwing_chosen_columns_away(
        qtbot, page, db, monkeypatch, tmp_path):
    """Like every form: Esc with a column chosen asks; 继续编辑 keeps the choice, and
    nothing is read or written when the dialog is finally left."""
    from PySide6.QtCore import QTimer

    path = write_xlsx(tmp_path / "平台导出.xlsx", UNKNOWN, unknown_rows("E"))
    pick_file(monkeypatch, path)
    qtbot.mouseClick(page.empty.import_button, CLICK)
    dialog = wait_dialog(qtbot, page, ServiceMappingDialog)
    choose_by_keys(qtbot, dialog.combos["no"], "A")
    asked: list[str] = []

    def answer(button_text: str) -> None:
        def poll() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(20, poll)
                return
            asked.append(box.text())
            qtbot.mouseClick(next(b for b in box.findChildren(QPushButton)
                                  if b.text() == button_text), CLICK)
        QTimer.singleShot(0, poll)

    answer("继续编辑")
    qtbot.keyClick(dialog.combos["no"], Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.mapping()["no"] == "单号"
    answer("放弃修改")
    qtbot.keyClick(dialog.combos["no"], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(asked) == 2 and requests_in(db) == 0


def test_a_later_export_completing_open_records_says_so(qtbot, page, db, monkeypatch, tmp_path):
    """June's file: a 办件 still 办理中. July's: 已办结. The preview and the message after the
    import say the record is completed, not that nothing changed."""
    rows = [["BJ1", "居住证办理", "林志强", datetime(2024, 6, 25, 9), 5, None, "办理中"]]
    pick_file(monkeypatch, write_xlsx(tmp_path / "6月.xlsx", STANDARD, rows))
    qtbot.mouseClick(page.empty.import_button, CLICK)
    qtbot.mouseClick(wait_dialog(qtbot, page, ServicePreviewDialog).import_button, CLICK)
    qtbot.waitUntil(lambda: requests_in(db) == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: page.flow.active_dialog is None, timeout=TIMEOUT)
    rows[0][5:] = [datetime(2024, 7, 2, 15), "已办结"]
    pick_file(monkeypatch, write_xlsx(tmp_path / "7月.xlsx", STANDARD, rows))
    qtbot.mouseClick(page.import_button, CLICK)
    preview = wait_dialog(qtbot, page, ServicePreviewDialog)
    assert "补全已有记录 <b>1</b> 条（办结时间、办理状态）" in preview.summary_label.text()
    assert "以前导入过" not in preview.summary_label.text()
    qtbot.mouseClick(preview.import_button, CLICK)
    qtbot.waitUntil(lambda: "补全已有记录 1 条" in page.status.text(), timeout=TIMEOUT)
    with db.session() as s:
        assert s.scalar(select(ServiceRequest.finished_at)) == datetime(2024, 7, 2, 15)
