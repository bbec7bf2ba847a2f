"""The 排名 page on the demo data, driven like a user would: real widgets (pytest-qt),
a real SQLite file; only modal message and input boxes are patched."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from kaohe_desktop.services import assessments, ranking, review, rubrics, score_sheet
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


@pytest.fixture
def warnings(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: seen.append(text))
    return seen


def column(page, header: str) -> int:
    return page.model.headers.index(header)


def cell(page, row: int, header: str) -> str:
    return page.proxy.index(row, column(page, header)).data()


def click_header(qtbot, page, header: str) -> None:
    view = page.table.horizontalHeader()
    c = column(page, header)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(view.sectionViewportPosition(c) + view.sectionSize(c) // 2, 5))


def test_opens_on_the_demo_ranking_with_grades_and_completion(page, db, demo):
    assert page.assessment_id == demo["year"]
    results = ranking.rank_assessment(db, demo["year"])
    assert page.visible_codes() == [r.subject_code for r in results]
    # each item's mean rounded once, the total the sum of what is shown (README 计分规则)
    assert cell(page, 0, "总分") == "98.92" and cell(page, 0, "等次") == "优秀"
    assert cell(page, 0, "完成情况") == "已评完"
    grade = page.proxy.index(0, column(page, "等次"))
    assert grade.data(Qt.ItemDataRole.BackgroundRole) is not None  # coloured
    # what decides a row first, then the parts of the total, then where it belongs
    assert page.model.headers == ["名次", "编号", "名称", "完成情况", "总分", "等次", "较上期",
                                  "运行情况", "服务设施", "服务制度", "加分", "减分", "街道/乡镇",
                                  "评分组"]
    assert cell(page, 0, "较上期") == ""  # no previous year to compare with
    assert "没有上期可比" in page.summary.text()


def test_sorting_by_clicking_headers(qtbot, page):
    click_header(qtbot, page, "总分")
    totals = [page.proxy.index(r, column(page, "总分")).data(SORT_ROLE) for r in range(page.proxy.rowCount())]
    assert totals == sorted(totals)
    click_header(qtbot, page, "总分")
    totals = [page.proxy.index(r, column(page, "总分")).data(SORT_ROLE) for r in range(page.proxy.rowCount())]
    assert totals == sorted(totals, reverse=True)
    click_header(qtbot, page, "编号")
    assert page.visible_codes() == sorted(page.visible_codes())


def test_filter_by_group_and_area_and_rank_within_groups(qtbot, page):
    page.group_combo.setCurrentText("第一组")
    assert len(page.visible_codes()) == 6 and "共 12 个对象，显示 6 个" in page.count_label.text()
    assert {cell(page, r, "评分组") for r in range(6)} == {"第一组"}
    page.group_combo.setCurrentText("全部")
    page.area_combo.setCurrentText("芙蓉街道")
    assert len(page.visible_codes()) == 12
    qtbot.mouseClick(page.group_rank_check, Qt.MouseButton.LeftButton)
    assert page.model.headers[0] == "组内名次"
    ranks = [(cell(page, r, "评分组"), int(cell(page, r, "组内名次"))) for r in range(12)]
    assert ranks == [("第一组", k) for k in range(1, 7)] + [("第二组", k) for k in range(1, 7)]


def test_change_against_the_previous_month(qtbot, page, db, demo):
    dec = next(c.id for c in page.choices if c.period_key == "2024-12")
    with qtbot.waitSignal(page.previous_filled, timeout=20000):
        qtbot.keyClick(page.assessment_combo, Qt.Key.Key_Home)
        for _ in range(page.assessment_combo.findData(dec)):
            qtbot.keyClick(page.assessment_combo, Qt.Key.Key_Down)
        assert page.assessment_id == dec
        # the rows are there at once; 较上期 follows from the worker
        assert page.proxy.rowCount() == 60 and cell(page, 0, "较上期") == "…"
    assert "较上期：2024年11月" in page.summary.text()
    nov = {r.subject_code: r.rank for r in ranking.rank_assessment(db, dec - 1)}
    for row in range(page.proxy.rowCount()):
        code, rank = page.proxy.code_at(row), int(cell(page, row, "名次"))
        moved = nov[code] - rank
        want = "－" if moved == 0 else f"▲{moved}" if moved > 0 else f"▼{-moved}"
        assert cell(page, row, "较上期") == want
    assert page.area_label.text() == "所在单位："


def test_drill_down_by_double_click(qtbot, page):
    row = page.visible_codes().index("FR02")
    rect = page.table.visualRect(page.proxy.index(row, 2))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.drill
    assert dialog is not None and dialog.isVisible() and dialog.subject_code == "FR02"
    assert "FR02" in dialog.header.text() and "失分最多" in dialog.lost.text()
    assert dialog.items.columnCount() == 4 + 3  # three assessors of 第二组
    node = dialog.find_item("1.1")
    assert node is not None and node.text(2) == "16.8"
    assert [node.text(c) for c in (4, 5, 6)] == ["14.2", "19", "17.2"]
    assert dialog.events.rowCount() == 2 and dialog.events.item(0, 7).text().startswith("否")


def test_correcting_a_score_from_the_drill_down(qtbot, page, db, demo, monkeypatch):
    dialog = page.open_drill_down("FR02")
    assessor = dialog.data.assessors[0][0]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("15", True))
    node = dialog.find_item("1.1")
    dialog.items.itemDoubleClicked.emit(node, 4)
    assert score_sheet.sheet_for(db, demo["year"], assessor).values["FR02"]["1.1"] == 15
    assert dialog.find_item("1.1").text(4) == "15"


def test_grade_scale_preview_and_save(qtbot, page, db, demo):
    page.tabs.setCurrentIndex(1)
    editor = page.grades
    assert "<b>5</b>" in editor.preview.text()  # five 优秀 today
    editor.mode_combo.setCurrentIndex(editor.mode_combo.findData("both"))
    editor.mode_combo.activated.emit(editor.mode_combo.currentIndex())
    editor.table.item(0, 2).setText("20")  # 优秀 at most 20 %
    assert editor.last_preview.counts == {"优秀": 2, "良好": 7, "合格": 3, "不合格": 0}
    editor.table.item(1, 1).setText("95")  # thresholds no longer from high to low
    assert "暂无预览" in editor.preview.text() and not editor.save_button.isEnabled()
    editor.table.item(1, 1).setText("80")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "第 2 版" in page.message.text()
    assert [r.grade for r in ranking.rank_assessment(db, demo["year"])].count("优秀") == 2
    assert rubrics.get_rubric(db, "CY2019").version == 2
    assert [cell(page, r, "等次") for r in range(12)].count("优秀") == 2


def review_step(qtbot, page, action: str, actor: str = "考核委员会", reason: str = "",
                dates: tuple[date, date] | None = None) -> None:
    qtbot.mouseClick(page.review.buttons[action], Qt.MouseButton.LeftButton)
    dialog = page.review_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.actor_edit.setText(actor)
    if reason:
        dialog.reason_edit.setPlainText(reason)
    if dates:
        dialog.from_edit.setDate(QDate(dates[0]))
        dialog.to_edit.setDate(QDate(dates[1]))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_review_to_locked_then_editing_is_refused(qtbot, page, db, demo, warnings):
    aid = demo["year"]
    assert [b for b, w in page.review.buttons.items() if w.isEnabled()] == ["submit"]
    review_step(qtbot, page, "submit", "录入员")
    assert assessments.get_assessment(db, aid).state == "submitted"
    review_step(qtbot, page, "approve", "考核委员会", "同意排名结果")
    assert page.banner.isVisible() and "已锁定" in page.banner.text()
    review_step(qtbot, page, "publish", "办公室", dates=(date(2025, 1, 6), date(2025, 1, 12)))
    info = assessments.get_assessment(db, aid)
    assert info.state == "published" and (info.objection_start, info.objection_end) == (
        date(2025, 1, 6), date(2025, 1, 12))
    assert "公示期：2025-01-06 至 2025-01-12" in page.review.period_label.text()
    history = [page.review.history.item(i).text() for i in range(page.review.history.count())]
    assert len(history) == 3 and "办公室" in history[0] and "录入员" in history[2]
    assert "同意排名结果" in history[1]

    # the grade scale is read-only, and a score cannot be corrected
    assert not page.grades.save_button.isEnabled()
    dialog = page.open_drill_down("FR01")
    assessor = dialog.data.assessors[0][0]
    before = score_sheet.sheet_for(db, aid, assessor).values["FR01"]["1.1"]
    dialog.items.itemDoubleClicked.emit(dialog.find_item("1.1"), 4)
    assert warnings and "已锁定" in warnings[-1]
    assert not dialog.edit_score("1.1", assessor, "1")  # the service refuses it as well
    assert "已锁定" in warnings[-1] and "未写入任何数据" in warnings[-1]
    assert score_sheet.sheet_for(db, aid, assessor).values["FR01"]["1.1"] == before


def test_reopen_needs_an_administrator_and_a_reason(qtbot, page, db, demo, warnings):
    aid = demo["year"]
    for action in ("submit", "approve"):
        assessments.change_state(db, aid, action, actor="委员会")
    page.refresh()
    page.set_admin(False)
    assert not page.review.buttons["reopen"].isEnabled()
    page.set_admin(True)
    qtbot.mouseClick(page.review.buttons["reopen"], Qt.MouseButton.LeftButton)
    dialog = page.review_dialog
    assert not dialog.ok_button.isEnabled()  # no reason yet
    dialog.reason_edit.setPlainText("复核发现录入错误")
    dialog.actor_edit.setText("主任")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert assessments.get_assessment(db, aid).state == "draft" and not page.banner.isVisible()
    last = review.review_history(db, aid)[-1]
    assert (last.action, last.actor, last.reason, last.actor_is_admin) == (
        "reopen", "主任", "复核发现录入错误", True)


def test_a_clerk_seat_is_refused_by_the_service_too(page, db, demo, warnings):
    aid = demo["year"]
    for action in ("submit", "approve"):
        assessments.change_state(db, aid, action)
    page.refresh()
    page.is_admin = False  # the button would be disabled; the service still refuses
    dialog = page.start_review("reopen")
    dialog.reason_edit.setPlainText("想改分")
    assert not page.run_review(dialog)
    assert "管理员" in warnings[-1] and assessments.get_assessment(db, aid).state == "reviewed"


def test_charts_in_chinese_and_saved_as_png(qtbot, page, tmp_path):
    charts = page.show_charts("distribution")
    assert "总分分布" in charts.view.chart().title()
    bar_sets = charts.view.chart().series()[0].barSets()
    assert [s.label() for s in bar_sets] == ["优秀", "良好", "合格", "不合格"]
    charts.show_kind("sections", "FR02")
    assert "分项得分与平均" in charts.view.chart().title()
    path = charts.save_png(tmp_path / "分项")
    assert path.suffix == ".png" and path.stat().st_size > 1000
    monthly = next(c.id for c in page.choices if c.period_key == "2024-12")
    page.select_assessment(monthly)
    charts.show_kind("trend", "FR01-01")
    assert "各月总分走势" in charts.view.chart().title()
    assert charts.view.chart().series()[0].count() == 3


def test_the_page_refreshes_after_a_change_elsewhere(qtbot, page, db, demo):
    assessments.change_state(db, demo["year"], "submit")
    page.changes.changed.emit("assessments")
    assert page.review.state == "submitted"


def answer_mark(qtbot, value: str | None, reason: str) -> None:
    """When the mark dialog is up: type the value and the reason, then press Enter."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kaohe_desktop.ui.ranking.mark_dialog import MarkDialog

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MarkDialog):
            QTimer.singleShot(20, act)
            return
        assert not dialog.ok_button.isEnabled()  # nothing typed: no OK
        if value is not None:
            assert dialog.value_edit is not None
            dialog.value_edit.selectAll()
            qtbot.keyClicks(dialog.value_edit, value)
        dialog.reason_edit.setFocus()
        for ch in reason:  # Chinese text arrives as committed input-method text
            from PySide6.QtGui import QInputMethodEvent

            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(dialog.reason_edit, event)
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    QTimer.singleShot(0, act)


def test_marks_from_the_drill_down_exclude_and_correct_a_derived_item(qtbot, page, db, demo):
    page.select_assessment(demo["monthly"])
    dialog = page.open_drill_down("FR01-02")
    assert not dialog.data.row.excluded
    # the derived 工作时间 item: only an administrator's correction replaces it
    dialog.items.setCurrentItem(dialog.find_item("1"))
    assert dialog.override_button.isEnabled() and not dialog.na_button.isEnabled()
    dialog.items.setCurrentItem(dialog.find_item("2"))
    assert not dialog.override_button.isEnabled()
    rect = dialog.items.visualItemRect(dialog.find_item("1"))
    qtbot.mouseClick(dialog.items.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    answer_mark(qtbot, "25", "考勤机故障")
    qtbot.mouseClick(dialog.override_button, Qt.MouseButton.LeftButton)
    row = {r.subject_code: r for r in ranking.rank_assessment(db, demo["monthly"])}["FR01-02"]
    assert row.items["1"] == 25 and row.overridden == ("1",)
    assert "管理员更正值" in dialog.summary.text()
    # 不参评 from the same dialog, and back
    answer_mark(qtbot, None, "病假")
    qtbot.mouseClick(dialog.exclude_button, Qt.MouseButton.LeftButton)
    assert dialog.data.row.excluded and dialog.exclude_button.text() == "恢复参评"
    row_of = page.visible_codes().index("FR01-02")
    assert cell(page, row_of, "完成情况") == "不参评" and cell(page, row_of, "名次") == "—"
    assert cell(page, row_of, "等次") == "不参评"
    qtbot.mouseClick(dialog.exclude_button, Qt.MouseButton.LeftButton)
    assert not dialog.data.row.excluded


def test_incomplete_subjects_show_what_is_missing_without_a_grade(qtbot, page, db, demo):
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services.assessments import GroupSpec

    info = assessments.create_assessment(db, "CY2019", parse_period("2025"), subjects="units",
                                         groups=[GroupSpec("评审组", "上级")])
    from kaohe_desktop.services import scores

    scores.set_score(db, info.id, "FR01", "1.1", 18, assessor="张三")
    page.refresh()  # the page re-reads its list when shown; a new assessment joins it
    page.select_assessment(info.id)
    status = column(page, "完成情况")
    assert status <= 4  # beside the name: seen at the default window size
    header = page.table.horizontalHeader()
    right = header.sectionViewportPosition(status) + header.sectionSize(status)
    assert right <= page.table.viewport().width()
    row = page.visible_codes().index("FR01")
    assert cell(page, row, "完成情况").startswith("未评完")
    assert cell(page, row, "等次") == "待定" and cell(page, row, "名次") == "—"
    tip = page.proxy.index(row, status).data(Qt.ItemDataRole.ToolTipRole)
    assert "评审组/张三：1.2.1" in tip


def test_submitting_an_unfinished_assessment_is_refused_naming_who_is_missing(qtbot, page, db,
                                                                             warnings):
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services import scores
    from kaohe_desktop.services.assessments import GroupSpec

    info = assessments.create_assessment(db, "CY2019", parse_period("2025"), subjects=["FR01", "FR02"],
                                         groups=[GroupSpec("评审组", "上级")])
    scores.set_score(db, info.id, "FR01", "1.1", 18, assessor="张三")
    page.refresh()
    page.select_assessment(info.id)
    review_step(qtbot, page, "submit", actor="录入员")
    assert len(warnings) == 1
    assert "FR01" in warnings[0] and "评审组/张三" in warnings[0] and "不能提交审议" in warnings[0]
    assert assessments.get_assessment(db, info.id).state == "draft"


def test_annual_rollup_shown_and_saved_as_its_own_assessment(qtbot, page, db, demo):
    """年度汇总 from the demo's three months, weights typed, saved as 年度综合 and then
    ranked on the page like any assessment."""
    page.select_assessment(demo["monthly"])
    qtbot.mouseClick(page.annual_button, Qt.MouseButton.LeftButton)
    dialog = page.annual
    qtbot.waitExposed(dialog)
    assert dialog.rubric_combo.currentData() == "VILLAGE-ATT" and dialog.year_spin.value() == 2024
    assert dialog.table.rowCount() == 60 and "来源 3 次考核" in dialog.note.text()
    rolled = {r.subject_code: r for r in dialog.result.rows}
    first = dialog.table.item(0, 1).text()
    assert dialog.table.item(0, 0).text() == "1" and rolled[first].rank == 1
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is not None and "已保存为考核" in dialog.note.text()
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Close),
                     Qt.MouseButton.LeftButton)
    assert page.assessment_id == dialog.saved_id
    results = {r.subject_code: r for r in ranking.rank_assessment(db, dialog.saved_id)}
    assert results[first].total == rolled[first].total and results[first].rank == 1


def test_the_default_window_shows_every_column_that_matters_and_buttons_stay(qtbot, page, demo,
                                                                            warnings):
    """Issue 15.15: in the main window's default 1200×760 the page is about 1035×700; 名次 …
    较上期 with 完成情况 are all in view, each column fits its texts, and locking the
    assessment (the banner appears) leaves the review buttons where they were."""
    page.resize(1035, 700)
    qtbot.wait(20)
    header = page.table.horizontalHeader()
    view_width = page.table.viewport().width()
    for name in ("名次", "编号", "名称", "完成情况", "总分", "等次", "较上期"):
        c = column(page, name)
        assert header.sectionViewportPosition(c) + header.sectionSize(c) <= view_width, name
    for c, name in enumerate(page.model.headers):  # as wide as the widest text and the header
        assert header.sectionSize(c) >= page.table.sizeHintForColumn(c) - 2, name
        assert header.sectionSize(c) >= header.sectionSizeHint(c) - 2, name
    page.grab().save("/tmp/ranking_default_size.png")

    def places() -> list:
        return [b.mapTo(page, b.rect().topLeft()) for b in page.review.buttons.values()]
    before = places()
    review_step(qtbot, page, "submit", "录入员")
    assert places() == before
    review_step(qtbot, page, "approve", "考核委员会", "同意")
    assert page.banner.isVisible() and "已锁定" in page.banner.text()
    qtbot.wait(20)
    assert places() == before
    page.grab().save("/tmp/ranking_locked_default_size.png")


def test_the_publish_dialog_offers_five_working_days(qtbot, page, db, demo):
    from kaohe_desktop.domain.workcalendar import is_workday

    for action in ("submit", "approve"):
        assessments.change_state(db, demo["year"], action)
    page.load()
    qtbot.mouseClick(page.review.buttons["publish"], Qt.MouseButton.LeftButton)
    dialog = page.review_dialog
    first, last = dialog.from_edit.date().toPython(), dialog.to_edit.date().toPython()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert (first, last) == assessments.default_objection_dates(db)
    assert sum(is_workday(d) for d in days) == 5 and is_workday(last)
