"""考核评分: the wizard, keyboard entry, refusals, events, submission and imports — real
widgets on a real SQLite file; only modal dialogs' statics are patched."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, score_sheet, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.database import open_db
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.scoring.assessment_list import EMPTY_TEXT
from kaohe_desktop.ui.scoring.page import ScoringPage


def _units(db) -> None:
    for n, area in enumerate(("城关街道", "城关街道", "城关街道", "北关街道", "北关街道"), start=1):
        roster.add_unit(db, f"第{n}便民服务站", code=f"U{n}", area=area)


@pytest.fixture
def assessment(db):
    _units(db)
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2024"), subjects=["U1", "U2", "U3"],
        groups=[GroupSpec("第一组", "上级")], name="2024年度站点考核")
    scores.add_assessor(db, info.id, "张三", group="第一组")
    return info.id


def _page(qtbot, db, changes: Changes | None = None) -> ScoringPage:
    page = ScoringPage(db, changes or Changes())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # focus events need an active window
    return page


def _entry(qtbot, db, assessment_id: int) -> ScoringPage:
    page = _page(qtbot, db)
    page.open_assessment(assessment_id)
    assert page.entry.sheet is not None and page.entry.sheet.assessor is not None
    return page


def _editor(page: ScoringPage, code: str):
    return page.entry.form.by_code[code].editor.widget


def _type(qtbot, page: ScoringPage, code: str, text: str, key=Qt.Key.Key_Tab) -> None:
    form = page.entry.form
    form.focus_item(form.by_code[code].index)
    widget = _editor(page, code)
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, key)


def test_empty_state_and_the_wizard_creates_an_assessment(qtbot, db):
    _units(db)
    heard: list[str] = []
    changes = Changes()
    changes.changed.connect(heard.append)
    page = _page(qtbot, db, changes)
    assert page.list.stack.currentWidget() is page.list.empty_label
    assert page.list.empty_label.text().startswith(EMPTY_TEXT)  # and a link to the manual

    wizard = page.new_assessment()
    wizard.rubric_page.select("CY2019")
    wizard.next()
    period = wizard.period_page
    period.set_kind(period.kind().__class__("quarter"))
    period.year_spin.setValue(2024)
    period.quarter_combo.setCurrentIndex(1)
    assert period.result_label.text() == "2024年第2季度"
    wizard.next()
    subjects = wizard.subjects_page
    subjects.area_combo.setCurrentIndex(subjects.area_combo.findData("城关街道"))
    assert subjects.codes() == ["U1", "U2", "U3"]
    subjects.pick_radio.setChecked(True)  # by hand: the filter narrows, 全选 ticks what is shown
    subjects.checks.filter_edit.setText("北关")
    subjects.checks.all_button.click()
    subjects.checks.filter_edit.setText("")
    assert subjects.codes() == ["U4", "U5"] and wizard.button(wizard.WizardButton.NextButton).isEnabled()
    subjects.checks.set_checked(["U1", "U2", "U4", "U5"])
    wizard.next()
    groups = wizard.groups_page
    groups.groups.item(0, 0).setText("第一组")
    groups.add_group("自评组", "自评")
    groups.set_weight("上级", 80)
    groups.set_weight("自评", 20)
    assert groups.sum_label.text() == "合计 100%"
    wizard.next()
    assign = wizard.assign_page
    assign.select_group("自评组")
    assign.checks.set_checked(["U1", "U2"])
    wizard.next()
    assert "2024年第2季度" in wizard.confirm_page.name_edit.placeholderText()
    wizard.confirm_page.name_edit.setText("二季度站点考核")
    wizard.button(wizard.WizardButton.FinishButton).click()

    [created] = assessments.list_assessments(db)
    assert (created.name, created.period_key, created.rubric_code) == ("二季度站点考核", "2024-Q2",
                                                                      "CY2019")
    assert [s.code for s in created.subjects] == ["U1", "U2", "U4", "U5"]
    assert created.roles == {"上级": D("0.8"), "自评": D("0.2")}
    assert [(g.name, g.role, g.subject_codes) for g in created.groups] == [
        ("第一组", "上级", ()), ("自评组", "自评", ("U1", "U2"))]
    assert "assessments" in heard
    assert page.stack.currentWidget() is page.entry and page.entry.assessment_id == created.id


def test_keyboard_entry_updates_totals_and_is_saved_at_once(qtbot, db, assessment):
    page = _entry(qtbot, db, assessment)
    form = page.entry.form
    assert page.entry.subject_code == "U1" and form.total_label.text() == "总分 0"
    _type(qtbot, page, "1.1", "18.5")
    assert form.focusWidget() is _editor(page, "1.2.1")  # Tab moved to the next item
    _type(qtbot, page, "1.2.1", "1.5", Qt.Key.Key_Return)
    assert form.focusWidget() is _editor(page, "1.2.2")
    assert form.total_label.text() == "总分 20"
    assert form.subtotals["1.2"].text() == "小计 1.5 / 10"
    assert form.subtotals["1"].text() == "小计 20 / 50"
    qtbot.keyClicks(_editor(page, "1.2.2"), "2")  # typing shows at once, before it is saved
    assert form.total_label.text() == "总分 22"

    again = open_db(db.path)  # a new window on the same file finds what was typed
    try:
        other = _entry(qtbot, again, assessment)  # activating it took the focus: "2" was saved
        assert other.entry.sheet.values["U1"] == {"1.1": D("18.5"), "1.2.1": D("1.5"),
                                                  "1.2.2": D(2)}
        assert other.entry.form.by_code["1.1"].editor.raw() == "18.5"
        assert other.entry.form.total_label.text() == "总分 22"
    finally:
        again.close()


def test_out_of_range_value_is_refused_with_the_allowed_range(qtbot, db, assessment):
    page = _entry(qtbot, db, assessment)
    form = page.entry.form
    _type(qtbot, page, "1.1", "25")
    row = form.by_code["1.1"]
    assert form.focusWidget() is row.editor.widget  # refused: the cursor stays
    assert row.hint.isVisible()
    assert "超过满分 20" in row.hint.text() and "0～20，步长 0.1" in row.hint.text()
    assert row.editor.raw() == "25"  # not clamped to 20
    assert score_sheet.sheet_for(db, assessment, "张三").values == {}
    _type(qtbot, page, "1.2.1", "")  # leaving the refused item shows the stored value again
    form.focus_item(form.by_code["1.2.1"].index)
    assert row.editor.raw() is None and row.hint.isVisible()
    _type(qtbot, page, "1.3.1", "1.25")  # off the 0.1 step
    assert "步长 0.1" in form.by_code["1.3.1"].hint.text()
    assert score_sheet.sheet_for(db, assessment, "张三").values == {}


def test_ctrl_page_down_moves_to_the_next_subject_and_marks_completion(qtbot, db, assessment):
    page = _entry(qtbot, db, assessment)
    entry = page.entry
    entry.form.focus_item(entry.form.by_code["1.3.2"].index)
    focused = _editor(page, "1.3.2")
    qtbot.keyClicks(focused, "2")  # typed, then straight on to the next subject: saved first
    qtbot.keyClick(focused, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert entry.subject_code == "U2"
    assert entry.form.current == entry.form.by_code["1.3.2"].index
    qtbot.keyClick(_editor(page, "1.3.2"), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert entry.subject_code == "U1" and entry.form.by_code["1.3.2"].editor.raw() == "2"
    rubric = entry.sheet.rubric
    for leaf in rubric.leaves():
        scores.set_score(db, assessment, "U2", leaf.code, 0, assessor="张三")
    entry.reload()
    marks = [entry.subjects.index(r).data() for r in range(3)]
    assert marks[1].startswith("✓ U2") and not marks[0].startswith("✓")


def test_adding_an_event_changes_the_total_and_copies_the_evidence(qtbot, db, assessment, tmp_path,
                                                                  monkeypatch):
    scores.set_score(db, assessment, "U1", "1.1", 20, assessor="张三")
    page = _entry(qtbot, db, assessment)
    form, panel = page.entry.form, page.entry.events
    assert form.total_label.text() == "总分 20"
    scan = tmp_path / "表彰通报.png"
    scan.write_bytes(b"\x89PNG fake")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), ""))
    dialog = panel.add_event()
    dialog.select_rule("B1")
    assert "1～5" in dialog.allowed_label.text()
    dialog.amount_edit.selectAll()
    qtbot.keyClicks(dialog.amount_edit, "3")
    dialog.matter_edit.setText("创新便民服务")
    assert dialog.occurred_on() == date.today()  # the default; no date after today
    assert dialog.date_edit.maximumDate().toPython() == date.today()
    dialog.date_edit.setDate(QDate(2024, 9, 12))
    dialog.file_button.click()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert panel.table.rowCount() == 1
    assert [panel.table.item(0, c).text() for c in range(1, 6)] == [
        "+3", "创新便民服务", "2024-09-12", "", "表彰通报.png"]
    assert form.total_label.text() == "总分 23"
    [event] = scores.list_events(db, assessment, subject="U1")
    assert scores.evidence_path(db, event.evidence).read_bytes() == scan.read_bytes()
    assert event.occurred_on == date(2024, 9, 12)
    panel.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.remove_button.click()
    assert panel.table.rowCount() == 0 and form.total_label.text() == "总分 20"


def test_new_assessor_then_submit_makes_the_sheet_read_only(qtbot, db, assessment, monkeypatch):
    page = _entry(qtbot, db, assessment)
    entry = page.entry
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("李四", True))
    assert entry.new_assessor() == "李四"
    assert entry.assessor_combo.currentData() == "李四"
    _type(qtbot, page, "1.1", "15")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes)
    entry.submit_button.click()
    assert "还有 3 个对象没有评完" in asked[0]
    assert entry.sheet.assessor.submitted and not entry.submit_button.isEnabled()
    assert "提交评分表，只能查看" in entry.banner.text() and entry.banner.isVisible()
    spin = _editor(page, "1.1")
    assert spin.isReadOnly()
    with pytest.raises(InputError, match="已提交评分表"):
        scores.set_score(db, assessment, "U1", "1.1", 10, assessor="李四")
    entry.assessor_combo.setCurrentIndex(entry.assessor_combo.findData("张三"))
    assert not spin.isReadOnly()  # another assessor's sheet is still open


def test_locked_assessment_is_read_only_with_a_banner(qtbot, db, assessment, leave_out_unfinished):
    leave_out_unfinished(db, assessment)
    for action in ("submit", "approve"):
        assessments.change_state(db, assessment, action)
    page = _entry(qtbot, db, assessment)
    entry = page.entry
    assert "已锁定" in entry.banner.text() and entry.banner.isVisible()
    assert _editor(page, "1.1").isReadOnly()
    assert not entry.import_button.isEnabled() and not entry.events.add_button.isEnabled()


def _filled(db, assessment: int, path: Path, values: dict[tuple[str, str], object]) -> Path:
    scores.write_template(db, assessment, path, assessor="张三")
    wb = load_workbook(path)
    ws = wb["评分表"]
    columns = {str(ws.cell(2, c).value).split(" ")[0]: c for c in range(3, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    for (subject, item), value in values.items():
        ws.cell(rows[subject], columns[item], value)
    wb.save(path)
    return path


def test_import_previews_problems_and_commits_only_a_clean_file(qtbot, db, assessment, tmp_path):
    page = _entry(qtbot, db, assessment)
    bad = _filled(db, assessment, tmp_path / "bad.xlsx", {("U1", "1.1"): 25, ("U2", "1.1"): 18})
    dialog = page.entry.import_dialog or page.entry.import_scores()
    assert dialog.assessor_combo.currentText() == "张三"
    dialog.file_edit.setText(str(bad))
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.problems.rowCount() > 0, timeout=10000)
    cells = [dialog.problems.item(0, c).text() for c in range(6)]
    assert cells[0] == "bad.xlsx" and cells[2] == "3" and cells[4] == "25" and "超过满分" in cells[5]
    assert not dialog.commit_button.isEnabled() and "未写入任何数据" in dialog.summary_label.text()
    assert score_sheet.sheet_for(db, assessment, "张三").values == {}

    good = _filled(db, assessment, tmp_path / "good.xlsx", {("U1", "1.1"): 19, ("U2", "1.1"): 18})
    dialog.file_edit.setText(str(good))
    assert not dialog.commit_button.isEnabled()  # a new file needs a new preview
    dialog.preview_button.click()
    qtbot.waitUntil(dialog.commit_button.isEnabled, timeout=10000)
    assert "新增 2 条，修改 0 条，未变 0 条" in dialog.summary_label.text()
    assert dialog.problems.rowCount() == 0
    assert score_sheet.sheet_for(db, assessment, "张三").values == {}  # a preview writes nothing
    dialog.commit_button.click()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10000)
    assert score_sheet.sheet_for(db, assessment, "张三").values == {"U1": {"1.1": D(19)},
                                                                   "U2": {"1.1": D(18)}}
    assert page.entry.form.total_label.text() == "总分 19"
    assert "新增 2 条" in page.entry.progress_label.text()


def test_template_is_written_for_the_chosen_assessor(qtbot, db, assessment, tmp_path, monkeypatch):
    scores.set_score(db, assessment, "U2", "1.1", 17, assessor="张三")
    page = _entry(qtbot, db, assessment)
    target = tmp_path / "张三评分表"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    page.entry.template_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    ws = load_workbook(target.with_suffix(".xlsx"))["评分表"]
    assert ws.cell(4, 1).value == "U2" and ws.cell(4, 3).value == 17


MIXED = {
    "code": "MIXED", "name": "混合细则", "subject_kind": "unit", "full_marks": 30,
    "items": [
        {"code": "1", "title": "公开承诺", "max": 5, "kind": "yesno"},
        {"code": "2", "title": "群众评价", "max": 15, "kind": "level",
         "levels": [{"name": "优秀", "points": 15}, {"name": "良好", "points": 12},
                    {"name": "合格", "points": 9}, {"name": "不合格", "points": 0}]},
        {"code": "3", "title": "台账", "max": 10, "kind": "points", "step": 0.5},
    ],
}


def test_check_box_combo_box_and_remarks_by_keyboard(qtbot, db, tmp_path):
    import json

    from kaohe_desktop.services import rubrics

    _units(db)
    source = tmp_path / "mixed.json"
    source.write_text(json.dumps(MIXED, ensure_ascii=False), encoding="utf-8")
    rubrics.import_rubric(db, source)
    info = assessments.create_assessment(db, "MIXED", parse_period("2024-03"), subjects=["U1", "U2"])
    scores.add_assessor(db, info.id, "王五")
    page = _entry(qtbot, db, info.id)
    form = page.entry.form
    box, combo = _editor(page, "1"), _editor(page, "2")
    assert box.text() == "未评" and combo.currentIndex() == 0
    form.focus_item(0)
    qtbot.keyClick(box, Qt.Key.Key_Space)  # 未评 → 是, saved at once
    assert box.text() == "是（5 分）" and form.total_label.text() == "总分 5"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert form.focusWidget() is combo
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # → 优秀
    assert form.total_label.text() == "总分 20"
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # → 良好
    stored = score_sheet.sheet_for(db, info.id, "王五").values["U1"]
    assert stored == {"1": D(5), "2": D(12)}
    qtbot.keyClick(combo, Qt.Key.Key_F2)  # the item's remark
    remark = form.by_code["2"].remark
    assert form.focusWidget() is remark
    remark.insert("入户回访 20 户")  # typed through an input method (keyClicks is ASCII only)
    qtbot.keyClick(remark, Qt.Key.Key_Return)
    assert form.focusWidget() is _editor(page, "3")
    assert score_sheet.sheet_for(db, info.id, "王五").remarks["U1"] == {"2": "入户回访 20 户"}
    _type(qtbot, page, "3", "7.3")  # off the 0.5 step
    assert "步长 0.5" in form.by_code["3"].hint.text()
    qtbot.keyClick(_editor(page, "3"), Qt.Key.Key_Escape)
    assert not form.by_code["3"].hint.isVisible()
    form.focus_item(0)
    qtbot.keyClick(box, Qt.Key.Key_Delete)  # back to 未评: the stored score is cleared
    assert box.text() == "未评"
    assert score_sheet.sheet_for(db, info.id, "王五").values["U1"] == {"2": D(12)}
    page.entry.subject_view.setFocus()  # Ctrl+PgDn also works from the subject list
    qtbot.keyClick(page.entry.subject_view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.entry.subject_code == "U2" and box.text() == "未评"
    remark2 = form.by_code["3"].remark
    remark2.setFocus()
    remark2.insert("无分数的备注")
    qtbot.keyClick(remark2, Qt.Key.Key_Return)  # a remark needs a score first
    assert "请先给这一项评分" in form.by_code["3"].hint.text() and remark2.text() == ""


def test_a_pause_in_typing_saves_without_leaving_the_item(qtbot, db, assessment):
    page = _entry(qtbot, db, assessment)
    form = page.entry.form
    form.focus_item(0)
    spin = _editor(page, "1.1")
    qtbot.keyClicks(spin, "12.")
    qtbot.waitUntil(lambda: score_sheet.sheet_for(db, assessment, "张三").values.get("U1") == {
        "1.1": D(12)}, timeout=3000)
    assert spin.lineEdit().text() == "12." and form.focusWidget() is spin  # typing undisturbed
    qtbot.keyClicks(spin, "5")
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"] == {"1.1": D("12.5")}


# ----------------------------------------------------------------------------- who scores what


def _when_modal(qtbot, kind: type, act, seen: list) -> None:
    """Once a modal dialog of `kind` is up, let `act(dialog)` answer it as a user would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog.text() if isinstance(dialog, QMessageBox) else dialog)
        act(dialog)
    QTimer.singleShot(0, poll)


def _type_chinese(widget, text: str) -> None:
    """Chinese arrives through an input method as a committed string."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _back_to(qtbot, page, widget) -> None:
    """A closed dialog hands the activation back (the offscreen platform does not)."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    widget.setFocus()


def _click_row(qtbot, view, rect) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_wizard_gives_each_group_its_items(qtbot, db):
    """FRNL: items 1–4 by the cross-assessment groups, item 5 by 街道工委 — chosen with the
    mouse and the keyboard on the 评分分工 page."""
    _units(db)
    page = _page(qtbot, db)
    wizard = page.new_assessment()
    qtbot.waitExposed(wizard)
    wizard.rubric_page.select("FRNL")
    next_button = wizard.button(wizard.WizardButton.NextButton)
    for _ in range(2):
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.subjects_page.pick_radio, Qt.MouseButton.LeftButton)
    wizard.subjects_page.checks.set_checked(["U1", "U2", "U3", "U4"])
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    groups = wizard.groups_page
    groups.groups.item(0, 0).setText("第一组")
    groups.add_group("街道工委", "上级")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    assign = wizard.assign_page
    tree = assign.tree
    assert [tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)
            for i in range(tree.topLevelItemCount())] == ["1", "2", "3", "4", "5"]
    assert assign.items_label.text() == "全部项目"
    # 第一组: untick item 5 with the keyboard (End, Space)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_End)
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert assign.items_label.text() == "项目 1、2、3、4"
    # 街道工委: only item 5 — click the group, untick 1…4 from the top
    work = assign.group_list.findItems("街道工委", Qt.MatchFlag.MatchExactly)[0]
    _click_row(qtbot, assign.group_list, assign.group_list.visualItemRect(work))
    assert assign.items_label.text() == "全部项目"
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    for _ in range(4):
        qtbot.keyClick(tree, Qt.Key.Key_Space)
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert assign.items_label.text() == "项目 5"
    qtbot.keyClick(tree, Qt.Key.Key_Space)  # nothing left: the page cannot go on
    assert not next_button.isEnabled() and "请至少勾选一个项目" in assign.items_label.text()
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert next_button.isEnabled()
    wizard.resize(900, 600)
    assign.grab().save("/tmp/wizard_assign_page.png")

    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    summary = wizard.confirm_page.summary.text()
    assert "第一组（上级）：全部对象，项目 1、2、3、4" in summary
    assert "街道工委（上级）：全部对象，项目 5" in summary
    qtbot.mouseClick(wizard.button(wizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    [created] = assessments.list_assessments(db)
    assert [(g.name, g.item_codes) for g in created.groups] == [
        ("第一组", ("1", "2", "3", "4")), ("街道工委", ("5",))]
    with pytest.raises(InputError, match="不负责项目 5"):
        scores.set_score(db, created.id, "U1", "5", 8, assessor="张三", group="第一组")


def test_wizard_sections_tick_with_their_parent(qtbot, db):
    """CY2019: ticking off one section leaves its item partly ticked and names sections."""
    _units(db)
    page = _page(qtbot, db)
    wizard = page.new_assessment()
    wizard.rubric_page.select("CY2019")
    for _ in range(4):
        wizard.next()
    assign = wizard.assign_page
    tree = assign.tree
    first = tree.topLevelItem(0)
    section = first.child(0)  # 1.1
    rect = tree.visualItemRect(section)
    tree.setFocus()
    tree.setCurrentItem(section)
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert first.checkState(0) == Qt.CheckState.PartiallyChecked
    assert assign.item_codes("评分组") == ("1.2", "1.3", "1.4", "2", "3")
    _click_row(qtbot, tree, rect)  # selecting with the mouse does not tick
    assert assign.item_codes("评分组") == ("1.2", "1.3", "1.4", "2", "3")


def test_list_renames_with_f2_and_refuses_a_locked_one(qtbot, db, assessment, monkeypatch):
    page = _page(qtbot, db)
    table = page.list.table
    table.setFocus()
    seen: list = []

    def rename(dialog) -> None:
        edit = dialog.findChild(__import__("PySide6.QtWidgets").QtWidgets.QLineEdit)
        edit.selectAll()
        _type_chinese(edit, "二〇二四年站点考核")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    _when_modal(qtbot, QInputDialog, rename, seen)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert seen and assessments.get_assessment(db, assessment).name == "二〇二四年站点考核"
    assert page.list.model.items[0].name == "二〇二四年站点考核"

    with db.session() as s:  # approved: locked (审议 itself needs complete scores)
        from kaohe_desktop.store.models import Assessment
        s.get(Assessment, assessment).state = "reviewed"
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: told.append(text))
    _back_to(qtbot, page, table)
    qtbot.mouseClick(page.list.rename_button, Qt.MouseButton.LeftButton)
    assert told and "已锁定" in told[0] and len(seen) == 1  # refused before asking a name
    told.clear()
    _back_to(qtbot, page, table)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert told and "已锁定" in told[0] and len(assessments.list_assessments(db)) == 1


def test_list_deletes_with_del_after_asking_and_names_the_backup(qtbot, db, assessment):
    other = assessments.create_assessment(db, "CY2019", parse_period("2024-Q1"),
                                          subjects=["U1"], name="一季度抽查").id
    scores.set_score(db, assessment, "U1", "1.1", 18, assessor="张三")
    scores.set_score(db, assessment, "U2", "1.1", 17, assessor="张三")
    page = _page(qtbot, db)
    table = page.list.table
    page.list.select(assessment)
    table.setFocus()
    asked: list = []

    def no(box) -> None:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    _when_modal(qtbot, QMessageBox, no, asked)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert "其中的 2 条评分将一并删除" in asked[0] and "backups" in asked[0]
    assert len(assessments.list_assessments(db)) == 2  # No: nothing happened

    told: list = []

    def yes_then_ok(box) -> None:
        def ok(info) -> None:
            qtbot.mouseClick(info.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        _when_modal(qtbot, QMessageBox, ok, told)
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    _when_modal(qtbot, QMessageBox, yes_then_ok, asked)
    _back_to(qtbot, page, table)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(told) >= 1, timeout=5000)
    assert [a.id for a in assessments.list_assessments(db)] == [other]
    note = told[-1]
    assert "连同 2 条评分" in note and "删除前已备份数据库" in note
    backup = Path(note.split("删除前已备份数据库：")[1].strip())
    assert backup.is_file()
    assert [a.id for a in page.list.model.items] == [other] and page.list.selected_id() == other

    # an assessment without scores: still asked, from the context menu, no backup note
    _when_modal(qtbot, QMessageBox, lambda box: qtbot.mouseClick(
        box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton), asked)
    _back_to(qtbot, page, table)
    # a right click: the platform turns it into this event (QTest's clicks do not)
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication
    where = table.visualRect(page.list.model.index(0, 1)).center()
    QApplication.sendEvent(table.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, table.viewport().mapToGlobal(where)))
    menu = page.list.menu
    qtbot.waitExposed(menu)
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not assessments.list_assessments(db), timeout=5000)
    assert "还没有评分" in asked[-1]
    assert page.list.stack.currentWidget() is page.list.empty_label
    assert not page.list.delete_button.isEnabled()


def test_a_person_in_two_groups_scores_each_sheet_on_its_own(qtbot, db):
    """360: 李梅 rates colleagues (同事) and herself (自评); the assessor list shows both
    seats, and a score typed on the 自评 seat is stored under that seat only."""
    _units(db)
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2025"), subjects=["U1"],
        groups=[GroupSpec("同事评议", "同事"), GroupSpec("自评", "自评")],
        weights={"同事": D("0.7"), "自评": D("0.3")})
    scores.add_assessor(db, info.id, "李梅", group="同事评议")
    scores.add_assessor(db, info.id, "李梅", group="自评")
    page = _entry(qtbot, db, info.id)
    combo = page.entry.assessor_combo
    assert [combo.itemText(n) for n in range(combo.count())] == ["李梅（同事评议·同事）", "李梅（自评·自评）"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the second seat, as a user picks it
    assert page.entry.sheet.assessor.group == "自评"
    _type(qtbot, page, "1.1", "16")
    own = score_sheet.sheet_for(db, info.id, "李梅", group="自评")
    other = score_sheet.sheet_for(db, info.id, "李梅", group="同事评议")
    assert own.values["U1"]["1.1"] == 16 and other.values == {}


# ----------------------------------------------------------------------------- entry without surprises


def _click_box(qtbot, page: ScoringPage, code: str):
    """A single click in the middle of the item's number box, as with the mouse."""
    spin = _editor(page, code)
    line = spin.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=line.rect().center())
    return spin


def test_a_click_in_a_box_then_typing_replaces_what_it_shows(qtbot, db, assessment):
    """Issue 15.1: 未评 and an old value are replaced by what is typed after one click."""
    scores.set_score(db, assessment, "U1", "1.2.1", D("1.5"), assessor="张三")
    page = _entry(qtbot, db, assessment)
    form = page.entry.form
    spin = _click_box(qtbot, page, "1.2.1")  # holds 1.5: typing 2 gives 2, not 1.52
    assert form.focusWidget() is spin and spin.lineEdit().selectedText() == "1.5"
    qtbot.keyClicks(spin, "2")
    assert spin.lineEdit().text() == "2"
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    spin = _click_box(qtbot, page, "1.1")  # 未评: typing used to do nothing
    assert form.focusWidget() is spin and spin.lineEdit().selectedText() == "未评"
    qtbot.keyClicks(spin, "15")
    assert spin.lineEdit().text() == "15"
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"] == {"1.1": D(15), "1.2.1": D(2)}
    form.focus_item(form.by_code["1.3.1"].index)  # by keyboard too: the content is selected
    assert _editor(page, "1.3.1").lineEdit().selectedText() == "未评"


def test_ctrl_page_down_after_the_last_item_starts_the_next_subject_at_the_first(qtbot, db,
                                                                                 assessment):
    """Issue 15.2: the hint on the last item promises the next subject; it starts at its top."""
    page = _entry(qtbot, db, assessment)
    entry, form = page.entry, page.entry.form
    last = form.rows[-1].item.code
    _type(qtbot, page, last, "1", Qt.Key.Key_Return)
    assert "已是最后一项" in form.footer.text() and form.focusWidget() is _editor(page, last)
    qtbot.keyClick(_editor(page, last), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert entry.subject_code == "U2" and form.focusWidget() is _editor(page, "1.1")
    qtbot.keyClicks(_editor(page, "1.1"), "18")
    qtbot.keyClick(_editor(page, "1.1"), Qt.Key.Key_Tab)
    assert score_sheet.sheet_for(db, assessment, "张三").values["U2"] == {"1.1": D(18)}
    # from any other item the same item stays (one item down the subjects)
    qtbot.keyClick(_editor(page, "1.2.1"), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert entry.subject_code == "U3" and form.focusWidget() is _editor(page, "1.2.1")


def test_a_refused_value_stays_with_its_reason_and_the_next_typing_replaces_it(qtbot, db,
                                                                              assessment):
    """Issue 15.3: 25 where 0–20 is allowed stays visible with why; typing 18 gives 18."""
    page = _entry(qtbot, db, assessment)
    form = page.entry.form
    row = form.by_code["1.1"]
    _type(qtbot, page, "1.1", "25")
    spin = _editor(page, "1.1")
    assert form.focusWidget() is spin and spin.lineEdit().text() == "25"
    assert row.hint.isVisible() and "超过满分 20" in row.hint.text() and "25" in form.footer.text()
    qtbot.keyClick(spin, Qt.Key.Key_Return)  # pressing on: still refused, still shown
    assert row.hint.isVisible() and spin.lineEdit().text() == "25"
    qtbot.keyClicks(spin, "18")  # replaces the refused 25 instead of making 2518
    assert spin.lineEdit().text() == "18" and not row.hint.isVisible()
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"] == {"1.1": D(18)}


def test_the_mouse_wheel_over_a_number_box_scrolls_the_form_and_keeps_the_score(qtbot, db,
                                                                                assessment):
    """Issue 15.4: a wheel turn over a box (focused or not) never changes a score."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    scores.set_score(db, assessment, "U1", "1.2.1", D("1.5"), assessor="张三")
    page = _entry(qtbot, db, assessment)
    page.resize(1200, 500)  # the form needs a scroll bar
    qtbot.wait(10)
    form = page.entry.form
    bar = form.scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0

    def wheel(widget, notches: int) -> None:
        where = QPointF(widget.rect().center())
        QApplication.sendEvent(widget, QWheelEvent(
            where, QPointF(widget.mapToGlobal(where)), QPoint(), QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
            False))

    spin = _editor(page, "1.2.1")
    assert form.focusWidget() is not spin
    wheel(spin, -2)  # down, over an unfocused box holding 1.5
    assert bar.value() > 0 and spin.lineEdit().text() == "1.5"
    _click_box(qtbot, page, "1.2.1")
    scrolled = bar.value()
    wheel(spin, 1)  # up, over the focused box
    assert bar.value() < scrolled and spin.lineEdit().text() == "1.5"
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"] == {"1.2.1": D("1.5")}


def test_the_subject_list_filters_as_you_type(qtbot, db, assessment):
    """Issue 15.11: typing in the filter lists the matching subjects; Enter starts entry."""
    from PySide6.QtCore import QPoint

    scores.set_score(db, assessment, "U2", "1.1", D(12), assessor="张三")
    page = _entry(qtbot, db, assessment)
    entry = page.entry
    qtbot.keyClick(entry.subject_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert entry.focusWidget() is entry.filter_edit
    qtbot.keyClicks(entry.filter_edit, "u3")  # the code, in any case
    assert [s.code for s in entry.subjects.subjects] == ["U3"] and entry.subject_code == "U3"
    assert "列出 1 个" in entry.progress_label.text()
    qtbot.keyClick(entry.filter_edit, Qt.Key.Key_Return)  # straight to its first item
    assert entry.form.focusWidget() is _editor(page, "1.1")
    qtbot.keyClicks(_editor(page, "1.1"), "9")
    qtbot.keyClick(_editor(page, "1.1"), Qt.Key.Key_Tab)
    assert score_sheet.sheet_for(db, assessment, "张三").values["U3"] == {"1.1": D(9)}
    entry.filter_edit.setFocus()
    qtbot.keyClick(entry.filter_edit, Qt.Key.Key_Escape)  # clears: all three again
    assert entry.subjects.rowCount() == 3 and entry.subject_code == "U3"
    entry.filter_edit.selectAll()
    _type_chinese(entry.filter_edit, "第2")  # names come through the input method
    assert [s.code for s in entry.subjects.subjects] == ["U2"] and entry.subject_code == "U2"
    entry.filter_edit.clear()
    check = entry.open_only_check
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked()
    assert [s.code for s in entry.subjects.subjects] == ["U1", "U2", "U3"]  # nobody finished
    for leaf in entry.sheet.rubric.leaves():
        scores.set_score(db, assessment, "U1", leaf.code, 0, assessor="张三")
    entry.reload()
    assert [s.code for s in entry.subjects.subjects] == ["U2", "U3"]
    assert entry.subject_code == "U2"


def test_an_event_amount_outside_the_rule_is_refused_with_the_range(qtbot, db, assessment):
    """Issue 15.5: typing 7 where B1 allows 1–5 shows the range and registers nothing."""
    page = _entry(qtbot, db, assessment)
    dialog = page.entry.events.add_event()
    qtbot.waitExposed(dialog)
    dialog.select_rule("B1")
    edit = dialog.amount_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "7")
    assert edit.text() == "7"  # kept as typed, not replaced by 1 or 5
    assert dialog.amount_hint.isVisible() and "1～5" in dialog.amount_hint.text()
    assert "7" in dialog.amount_hint.text() and not dialog.ok_button.isEnabled()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter does not register it either
    assert dialog.isVisible() and scores.list_events(db, assessment, subject="U1") == []
    qtbot.keyClicks(edit, "x")  # not a number: the keystroke is refused
    assert edit.text() == "7"
    edit.selectAll()
    qtbot.keyClicks(edit, "4")
    assert not dialog.amount_hint.isVisible() and dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # today is outside the 2024 assessment: the service refuses, the dialog keeps the typing
    assert dialog.isVisible() and "2024" in dialog.problem_label.text() and edit.text() == "4"
    dialog.date_edit.setDate(QDate(2024, 9, 12))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [event] = scores.list_events(db, assessment, subject="U1")
    assert (event.rule_code, event.amount) == ("B1", D(4))


def test_dialogs_open_in_their_first_field_and_esc_asks_before_discarding(qtbot, db, assessment):
    """Issue 15.7 for score entry's event dialog: the cursor starts in the first field;
    Esc on an untouched dialog closes it, on a changed one asks (继续编辑 keeps it)."""
    from PySide6.QtWidgets import QApplication

    page = _entry(qtbot, db, assessment)
    dialog = page.entry.events.add_event()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.rule_combo
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without asking
    assert not dialog.isVisible()

    dialog = page.entry.events.add_event()
    qtbot.waitExposed(dialog)
    dialog.matter_edit.setFocus()
    _type_chinese(dialog.matter_edit, "创新便民服务")
    asked: list = []

    def keep(box) -> None:
        keep_button = next(b for b in box.buttons() if b.text() == "继续编辑")
        qtbot.mouseClick(keep_button, Qt.MouseButton.LeftButton)
    _when_modal(qtbot, QMessageBox, keep, asked)
    qtbot.keyClick(dialog.matter_edit, Qt.Key.Key_Escape)
    assert asked and "放弃" in asked[0] and dialog.isVisible()
    assert dialog.matter_edit.text() == "创新便民服务"

    def discard(box) -> None:
        button = next(b for b in box.buttons() if b.text() == "放弃修改")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    _when_modal(qtbot, QMessageBox, discard, asked)
    QApplication.processEvents()
    qtbot.keyClick(dialog.matter_edit, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not dialog.isVisible()
    assert scores.list_events(db, assessment, subject="U1") == []


def test_the_wizard_asks_before_esc_or_cancel_throws_choices_away(qtbot, db, monkeypatch):
    _units(db)
    page = _page(qtbot, db)
    wizard = page.new_assessment()
    qtbot.waitExposed(wizard)
    # untouched: Esc closes at once, no question
    with monkeypatch.context() as m:
        m.setattr(QMessageBox, "exec", lambda self: (_ for _ in ()).throw(AssertionError("asked")))
        qtbot.keyClick(wizard, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not wizard.isVisible())

    wizard = page.new_assessment()
    qtbot.waitExposed(wizard)
    wizard.rubric_page.select("CY2019")
    qtbot.mouseClick(wizard.button(wizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.period_page
    asked: list = []

    def answer(text: str):
        def act(box) -> None:
            button = next(b for b in box.buttons() if b.text() == text)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return act
    _when_modal(qtbot, QMessageBox, answer("继续编辑"), asked)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "放弃" in asked[0] and wizard.isVisible() and wizard.currentPage() is wizard.period_page

    _when_modal(qtbot, QMessageBox, answer("放弃修改"), asked)
    qtbot.mouseClick(wizard.button(wizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert len(asked) == 2 and wizard.created is None


def test_a_value_another_pc_saved_meanwhile_is_shown_not_overwritten(qtbot, db, assessment):
    """Two windows on one database (the township's server, here the file): the second
    saves 1.1 after the first did, from the value it had loaded — refused, the hint names
    the first one's value, which stays stored; typing again on top of it saves."""
    page = _entry(qtbot, db, assessment)  # loaded before the other PC saves
    other = open_db(db.path)
    try:
        scores.set_score(other, assessment, "U1", "1.1", 17, assessor="张三", group="第一组")
    finally:
        other.close()
    _type(qtbot, page, "1.1", "12", Qt.Key.Key_Return)
    hint = page.entry.form.by_code["1.1"].hint
    assert "已被另一处修改为 17" in hint.text() and "未保存" in hint.text()
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"]["1.1"] == D(17)
    assert page.entry.sheet.values["U1"]["1.1"] == D(17)
    editor = _editor(page, "1.1")
    editor.selectAll()
    _type(qtbot, page, "1.1", "12", Qt.Key.Key_Return)  # now on top of version 2
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"]["1.1"] == D(12)


def test_a_metric_item_shows_its_working_in_full_and_cannot_be_typed_over(qtbot, db):
    """The demo's HALL-PERF quarter: 1.1 满意率 is computed from the service records; the
    whole working stands under the row (it does not fit the remark box) and typing into
    the item changes nothing."""
    from kaohe_desktop.services import metric_items
    from kaohe_desktop.services.demo import load_demo

    quarter = load_demo(db)["quarter"]
    page = _entry(qtbot, db, quarter)
    entry = page.entry
    view = entry.subject_view
    row = entry.subjects.row_of("FR04-03")
    view.scrollTo(entry.subjects.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(entry.subjects.index(row, 0)).center())
    assert entry.subject_code == "FR04-03"
    _codes, derived = metric_items.subject_metrics(db, quarter)
    want = {v.item_code: v for v in derived["FR04-03"]}
    form = entry.form
    for code in ("1.1", "1.2", "2.1"):
        working = form.by_code[code].working
        assert working is not None and working.isVisible()
        assert working.text() == f"计算：{want[code].remark}"
        assert _editor(page, code).isReadOnly()
    assert "满意率" in form.by_code["1.1"].working.text() and "→" in form.by_code["1.1"].working.text()
    assert form.by_code["2.2"].working is None  # typed items have none
    before = _editor(page, "1.1").text()
    form.focus_item(form.by_code["1.1"].index)
    qtbot.keyClicks(_editor(page, "1.1"), "25")
    qtbot.keyClick(_editor(page, "1.1"), Qt.Key.Key_Tab)
    assert _editor(page, "1.1").text() == before
