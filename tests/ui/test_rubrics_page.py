"""考核细则 page: real widgets over a real SQLite file; only modal dialogs are patched."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QFileDialog, QLineEdit, QMessageBox

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, rubrics
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.rubrics import page as page_module
from kaohe_desktop.ui.rubrics.page import LOCKED_TEXT, RubricsPage
from kaohe_desktop.ui.rubrics.tree_model import COLUMNS, KIND, MAX, PROBLEM_COLOR, TITLE, WEIGHT


@pytest.fixture
def page(qtbot, db):
    widget = RubricsPage(db, Changes())
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def choose(page: RubricsPage, code: str) -> None:
    for row in range(page.rubric_list.count()):
        if page.rubric_list.item(row).data(Qt.ItemDataRole.UserRole) == code:
            page.rubric_list.setCurrentRow(row)
            assert page._code == code
            return
    raise AssertionError(f"{code} not listed")


def all_codes(model, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    out = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        out.append(model.code_at(index))
        out.extend(all_codes(model, index))
    return out


def cell(page: RubricsPage, code: str, column: int):
    items = page.items_editor
    return items.model.index_of(code).siblingAtColumn(column)


def is_red(page: RubricsPage, code: str) -> bool:
    brush = cell(page, code, TITLE).data(Qt.ItemDataRole.ForegroundRole)
    return brush is not None and brush.color() == PROBLEM_COLOR


def problems(page: RubricsPage) -> list[str]:
    return [page.problems_list.item(i).text() for i in range(page.problems_list.count())]


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_editor(qtbot, page: RubricsPage, index: QModelIndex, kind=QLineEdit):
    items = page.items_editor
    items.tree.setCurrentIndex(index)
    items.tree.edit(index)
    return wait_editor(qtbot, page, kind)


def wait_editor(qtbot, page: RubricsPage, kind=QLineEdit):
    items = page.items_editor
    editors = []

    def found() -> bool:
        editors[:] = [w for w in items.tree.viewport().findChildren(kind) if w.isVisible()]
        return bool(editors)

    qtbot.waitUntil(found)
    return editors[0]


def type_into(qtbot, page: RubricsPage, editor: QLineEdit, text: str) -> None:
    """Type and press Enter (QTest sends only ASCII keys; Chinese goes in as from an IME)."""
    items = page.items_editor
    editor.selectAll()
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:
        editor.insert(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: items.tree.state() != QAbstractItemView.State.EditingState)


def test_browse_every_rubric_as_a_tree(page):
    items = page.items_editor
    listed = [page.rubric_list.item(i).data(Qt.ItemDataRole.UserRole)
              for i in range(page.rubric_list.count())]
    assert listed == sorted(rubrics.BUILTIN_CODES)  # all eleven systems of the seed
    choose(page, "CY2019")
    assert [items.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))] == [
        "编号", "项目", "满分", "评分方式", "步长", "权重", "说明"]
    codes = all_codes(items.model)
    assert len(codes) == 46 and codes[:3] == ["1", "1.1", "1.2"]
    assert cell(page, "1.2", KIND).data() == "下级合计"
    assert cell(page, "1.2.1", MAX).data() == "2"
    assert "各项合计 100 / 满分 100" in items.sum_label.text()
    assert "校验通过" in page.problems_label.text() and not page.problems_list.isVisible()
    assert page.version_combo.currentText() == "第 1 版（最新）"
    assert not page.banner.isVisible()
    assert not page.save_button.isEnabled()  # nothing changed yet
    items.select("1.2")  # a selection from one rubric does not survive into the next
    choose(page, "WINDOW-STAFF")
    assert len(all_codes(items.model)) == 5 and items.current_code() is None
    assert cell(page, "1", KIND).data() == "等次（4 档）"


def test_copy_a_rubric_as_a_new_one(qtbot, page, db, monkeypatch):
    items = page.items_editor
    choose(page, "CY2019")
    asked = []

    def answer(parent, source, code, name):
        asked.append((source, code, name))
        return "CY2025", "2025年社区便民服务站管理考核办法"

    monkeypatch.setattr(page_module, "ask_new_rubric", answer)
    with qtbot.waitSignal(page.changes.changed) as blocker:
        click(qtbot, page.copy_button)
    assert blocker.args == ["rubrics"]
    assert asked == [("CY2019 第 1 版", "CY2019-2", "2019年社区便民服务站管理考核办法（副本）")]
    info = rubrics.rubric_versions(db, "CY2025")
    assert [(i.version, i.name, i.leaves) for i in info] == [(1, "2025年社区便民服务站管理考核办法", 35)]
    assert page._code == "CY2025" and len(all_codes(items.model)) == 46
    assert page.rubric_list.currentItem().data(Qt.ItemDataRole.UserRole) == "CY2025"
    assert page.name_edit.text() == "2025年社区便民服务站管理考核办法"


def test_copy_refused_shows_the_reason(qtbot, page, db, monkeypatch):
    choose(page, "CY2019")
    monkeypatch.setattr(page_module, "ask_new_rubric", lambda *a: ("FRNL", "重名"))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    click(qtbot, page.copy_button)
    assert "已有这个编号的考核细则" in shown[0]
    assert page._code == "CY2019"


def test_add_an_item_flag_the_parent_fix_it_and_save(qtbot, page, db):
    items = page.items_editor
    choose(page, "CY2019")
    items.tree.setCurrentIndex(items.model.index_of("1.2"))
    click(qtbot, items.add_child_button)
    assert items.current_code() == "1.2.6"
    title_editor = wait_editor(qtbot, page)  # the new item's title opens for typing
    assert title_editor.text() == "新项目"
    type_into(qtbot, page, title_editor, "有便民服务台账")
    assert cell(page, "1.2.6", TITLE).data() == "有便民服务台账"

    assert is_red(page, "1.2") and not is_red(page, "1") and not is_red(page, "1.2.5")
    tooltip = cell(page, "1.2", TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "满分 10，下级合计 11，下级合计多 1 分"
    assert cell(page, "1.2", 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert problems(page) == ["1.2 社区重视：上级项目满分 10 与下级合计 11 不符"]
    assert not page.save_button.isEnabled()
    assert "1 处问题" in page.save_button.toolTip()

    max_editor = open_editor(qtbot, page, cell(page, "1.2.5", MAX))
    type_into(qtbot, page, max_editor, "2")
    assert cell(page, "1.2.5", MAX).data() == "2"
    assert not is_red(page, "1.2") and problems(page) == []
    assert page.save_button.isEnabled()

    with qtbot.waitSignal(page.changes.changed) as blocker:
        click(qtbot, page.save_button)
    assert blocker.args == ["rubrics"]
    assert [v.version for v in rubrics.rubric_versions(db, "CY2019")] == [1, 2]
    saved = rubrics.get_rubric(db, "CY2019")
    assert saved.item("1.2.6").title == "有便民服务台账" and saved.item("1.2.5").max == 2
    assert rubrics.get_rubric(db, "CY2019", 1).item("1.2.6") is None
    assert page.version_combo.currentText() == "第 2 版（最新）"
    assert not page.save_button.isEnabled() and "第 2 版" in page.status_label.text()


def test_top_level_sum_and_full_marks(qtbot, page):
    items = page.items_editor
    choose(page, "FRNL")
    items.model.setData(cell(page, "5", MAX), "15")
    assert "各项合计 105 / 满分 100" in items.sum_label.text()
    assert any("各项满分合计 105 与总分 100 不符" in p for p in problems(page))
    page.full_edit.clear()
    qtbot.keyClicks(page.full_edit, "105")
    assert "各项合计 105 / 满分 105" in items.sum_label.text() and problems(page) == []
    assert page.save_button.isEnabled()


def test_refused_edits_say_why(page):
    items = page.items_editor
    choose(page, "CY2019")
    assert not items.model.setData(cell(page, "1.1", 0), "1.2")
    assert "已被其他项目" in page.status_label.text()
    assert not items.model.setData(cell(page, "1.1", MAX), "二十")
    assert cell(page, "1.1", MAX).data() == "20"


def test_move_indent_outdent_remove_renumber(qtbot, page, monkeypatch):
    items = page.items_editor
    choose(page, "CY2019")
    items.tree.setCurrentIndex(items.model.index_of("1.3"))
    assert items.up_button.isEnabled() and items.outdent_button.isEnabled()
    click(qtbot, items.up_button)
    assert [items.model.code_at(items.model.index(r, 0, items.model.index_of("1")))
            for r in range(4)] == ["1.1", "1.3", "1.2", "1.4"]
    click(qtbot, items.indent_button)  # under 1.1, which then does not add up
    assert items.model.parent(items.model.index_of("1.3")) == items.model.index_of("1.1")
    assert is_red(page, "1.1") and is_red(page, "1")
    click(qtbot, items.outdent_button)
    assert items.model.parent(items.model.index_of("1.3")) == items.model.index_of("1")
    assert problems(page) == []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    items.tree.setCurrentIndex(items.model.index_of("1.3"))
    click(qtbot, items.remove_button)
    assert "1.3" not in all_codes(items.model) and len(all_codes(items.model)) == 41
    assert is_red(page, "1")
    click(qtbot, items.renumber_button)
    codes = all_codes(items.model)
    assert "1.3.4" in codes and "1.4" not in codes and items.current_code() == "1.2"
    click(qtbot, page.revert_button)
    assert len(all_codes(items.model)) == 46 and not page.dirty


def test_kind_and_levels(qtbot, page):
    items = page.items_editor
    choose(page, "FRNL")
    combo = open_editor(qtbot, page, cell(page, "2", KIND), QComboBox)
    combo.setCurrentIndex(combo.findData("level"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: cell(page, "2", KIND).data() == "等次（4 档）")
    items.tree.setCurrentIndex(items.model.index_of("2"))
    assert items.levels_editor.isVisible()
    table = items.levels_editor.table
    assert [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())] == [
        ("优秀", "40"), ("良好", "32"), ("合格", "24"), ("不合格", "0")]
    table.item(0, 1).setText("45")
    assert problems(page) == [
        "2 促进和谐方面（入户走访、舆情信息、引导依法信访、宣传解释政策法规、解决信访问题）："
        "等次“优秀”的分值超出 0～40（45）"]
    assert not page.save_button.isEnabled()
    table.item(0, 1).setText("40")
    assert page.save_button.isEnabled()
    items.tree.setCurrentIndex(items.model.index_of("1"))
    assert not items.levels_editor.isVisible()



def test_a_parent_can_add_up_its_children_by_weight(qtbot, page, db):
    """评分方式 of a parent: 下级合计 (Σ max) or 加权合计 (Σ weight × max); the children's
    权重 cells appear, are checked, and are saved with the rubric."""
    items = page.items_editor
    choose(page, "CY2019")
    children = ["1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5"]
    assert [cell(page, c, WEIGHT).data() for c in children] == [""] * 5
    assert not cell(page, "1.2.1", WEIGHT).flags() & Qt.ItemFlag.ItemIsEditable
    combo = open_editor(qtbot, page, cell(page, "1.2", KIND), QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["下级合计", "加权合计"]
    combo.setCurrentIndex(combo.findData("weighted"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: cell(page, "1.2", KIND).data() == "加权合计")
    assert [cell(page, c, WEIGHT).data() for c in children] == ["1"] * 5
    assert not is_red(page, "1.2")  # weights of 1 add up as before
    weight = open_editor(qtbot, page, cell(page, "1.2.1", WEIGHT))
    type_into(qtbot, page, weight, "1.5")
    assert cell(page, "1.2.1", WEIGHT).data() == "1.5"
    assert is_red(page, "1.2") and not page.save_button.isEnabled()
    assert problems(page) == ["1.2 社区重视：上级项目满分 10 与下级合计 11 不符"]  # 1.5 × 2 + 8
    refused = []
    items.model.refused.connect(refused.append)
    assert not items.model.setData(cell(page, "1.2.2", WEIGHT), "0")
    assert refused == ["权重必须是大于 0 的数字：0"]
    items.model.setData(cell(page, "1.2", MAX), "11")
    items.model.setData(cell(page, "1", MAX), "51")
    assert not is_red(page, "1.2") and not is_red(page, "1")
    page.full_edit.clear()
    qtbot.keyClicks(page.full_edit, "101")
    assert problems(page) == [] and page.save_button.isEnabled()
    click(qtbot, page.save_button)
    saved = rubrics.get_rubric(db, "CY2019")
    parent = saved.item("1.2")
    assert parent.combine == "weighted" and saved.item("1.2.1").weight == Decimal("1.5")
    assert parent.max == 11 and saved.item("1.2.2").weight == 1

def test_bonus_and_deduction_rules(qtbot, page, db):
    choose(page, "CY2019")
    table = page.deduction_editor.table
    assert [table.item(r, 2).text() for r in range(3)] == ["1、3、5", "3、5、10", "10"]
    assert page.bonus_editor.table.item(0, 2).text() == "1～5"
    assert page.deduction_editor.cap_edit.text() == "10"
    table.item(0, 2).setText("1-20")
    assert table.item(0, 2).text() == "1～20"  # normalised as it is read back
    assert any("单项分值超过本部分封顶 10" in p for p in problems(page))
    assert table.item(0, 0).foreground().color() == PROBLEM_COLOR
    assert not page.save_button.isEnabled()
    page.deduction_editor.cap_edit.clear()
    qtbot.keyClicks(page.deduction_editor.cap_edit, "20")
    assert problems(page) == []
    page.bonus_editor.table.selectRow(2)
    click(qtbot, page.bonus_editor.add_button)
    assert page.bonus_editor.table.item(3, 0).text() == "B4"
    click(qtbot, page.save_button)
    saved = rubrics.get_rubric(db, "CY2019")
    assert saved.deduction.cap == 20 and saved.deduction.rule("D1").max == 20
    assert saved.bonus.rule("B4").amounts == (1,)


def test_grade_scale_and_preview(qtbot, page):
    choose(page, "CY2019")
    editor = page.grades_editor
    assert "优秀" in editor.preview.text() and "3 个：97、93、91" in editor.preview.text()
    editor.mode_combo.setCurrentIndex(editor.mode_combo.findData("both"))
    editor.mode_combo.activated.emit(editor.mode_combo.currentIndex())
    editor.table.item(0, 2).setText("20")
    assert page._raw["grades"]["scale"][0]["quota_share"] == 0.2
    assert "至多 20%" in editor.preview.text() and "2 个：97、93" in editor.preview.text()
    editor.table.item(1, 1).setText("95")  # not from high to low any more
    assert any("分数线必须从高到低排列" in p for p in problems(page))
    assert "暂无预览" in editor.preview.text()


def test_a_rubric_used_by_a_submitted_assessment_is_read_only(qtbot, page, db, leave_out_unfinished):
    items = page.items_editor
    roster.add_unit(db, "第一站", code="U1", area="城关街道")
    info = assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects="units")
    choose(page, "CY2019")
    assert not page.banner.isVisible()  # a draft does not lock
    leave_out_unfinished(db, info.id)
    assessments.change_state(db, info.id, "submit")
    page.changes.changed.emit("assessments")
    assert page.banner.isVisible() and page.banner_label.text() == LOCKED_TEXT
    assert page.version_combo.currentText() == "第 1 版（最新）（只读）"
    flags = items.model.flags(cell(page, "1.1", TITLE))
    assert not flags & Qt.ItemFlag.ItemIsEditable
    for button in (*items.tool_buttons, page.save_button, page.deduction_editor.add_button):
        assert not button.isEnabled(), button.text()
    assert page.name_edit.isReadOnly() and not page.grades_editor.mode_combo.isEnabled()
    assert not items.model.setData(cell(page, "1.1", TITLE), "改不了")

    with qtbot.waitSignal(page.changes.changed):
        click(qtbot, page.copy_version_button)
    assert [v.version for v in rubrics.rubric_versions(db, "CY2019")] == [1, 2]
    assert not rubrics.rubric_is_locked(db, "CY2019", 2)
    assert page._version == 2 and not page.banner.isVisible()
    assert items.model.flags(cell(page, "1.1", TITLE)) & Qt.ItemFlag.ItemIsEditable
    assert items.add_child_button.isEnabled()
    items.model.setData(cell(page, "1.1", TITLE), "能够正常运转，对外办公（含节假日值班）")
    click(qtbot, page.save_button)
    assert rubrics.get_rubric(db, "CY2019").version == 3
    # the old version is still the one the assessment uses, and still read-only
    page.version_combo.setCurrentIndex(page.version_combo.findData(1))
    page.version_combo.activated.emit(page.version_combo.currentIndex())
    assert page._version == 1 and page.banner.isVisible()


def test_export_and_import(qtbot, page, db, monkeypatch, tmp_path: Path):
    choose(page, "CY2019")
    target = tmp_path / "cy.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, page.export_button)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["code"] == "CY2019" and str(target) in page.status_label.text()

    data["name"] = "2019年社区便民服务站管理考核办法（修订）"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(changed), ""))
    with qtbot.waitSignal(page.changes.changed):
        click(qtbot, page.import_button)
    assert page._version == 2 and page.name_edit.text().endswith("（修订）")

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    click(qtbot, page.import_button)
    assert shown and shown[0][0] == "导入考核细则" and "不是有效的 JSON" in shown[0][1]
    assert [v.version for v in rubrics.rubric_versions(db, "CY2019")] == [1, 2]


def test_unsaved_edits_are_kept_unless_discarded(qtbot, page, monkeypatch):
    choose(page, "CY2019")
    page.name_edit.selectAll()
    page.name_edit.insert("改过的名称")
    assert page.dirty and page.save_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    choose_row = next(r for r in range(page.rubric_list.count())
                      if page.rubric_list.item(r).data(Qt.ItemDataRole.UserRole) == "FRNL")
    page.rubric_list.setCurrentRow(choose_row)
    assert page._code == "CY2019" and page.name_edit.text() == "改过的名称"
    page.changes.changed.emit("roster")  # another page wrote: the edits stay
    assert page._raw["name"] == "改过的名称"
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    page.rubric_list.setCurrentRow(choose_row)
    assert page._code == "FRNL" and not page.dirty


def table_editor(qtbot, table, kind):
    """The open cell editor of a TableEditor's table."""
    editors = []

    def found() -> bool:
        editors[:] = [w for w in table.viewport().findChildren(kind) if w.isVisible()]
        return bool(editors)

    qtbot.waitUntil(found)
    return editors[0]


def pick(qtbot, table, row: int, column: int, *keys) -> None:
    """Click a cell, press F2 and choose from its drop-down with the keys, then Enter."""
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_F2)
    combo = table_editor(qtbot, table, QComboBox)
    for key in keys:
        qtbot.keyClick(combo, key)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_edit_the_consequences_and_save_them_as_a_new_version(qtbot, page, db):
    from kaohe_desktop.domain.consequences import Consequence
    from kaohe_desktop.ui.rubrics.page import CONSEQUENCES_TAB

    choose(page, "CY2019")  # its text names no consequences
    editor = page.consequences_editor
    table = editor.table
    page.tabs.setCurrentIndex(CONSEQUENCES_TAB)
    assert page.tabs.tabText(CONSEQUENCES_TAB) == "结果运用" and table.rowCount() == 0
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == ["等次", "文书", "发给", "依据/说明"]
    click(qtbot, editor.add_button)
    assert [table.item(0, c).text() for c in range(4)] == ["优秀", "荣誉证书", "考核对象", ""]
    pick(qtbot, table, 0, 0, Qt.Key.Key_End)  # the lowest grade
    pick(qtbot, table, 0, 1, Qt.Key.Key_Down)  # 荣誉证书 → 整改通知书
    pick(qtbot, table, 0, 2, Qt.Key.Key_Down)  # 考核对象 → 负责人
    rect = table.visualRect(table.model().index(0, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_F2)
    note = table_editor(qtbot, table, QLineEdit)
    note.insert("考核不合格的，限期整改")  # Chinese arrives as from an input method
    qtbot.keyClick(note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    assert [table.item(0, c).text() for c in range(4)] == [
        "不合格", "整改通知书", "负责人", "考核不合格的，限期整改"]
    assert page._raw["consequences"] == [{"grade": "不合格", "kind": "rectify", "recipient": "head",
                                          "note": "考核不合格的，限期整改"}]
    assert problems(page) == [] and page.save_button.isEnabled()

    click(qtbot, editor.add_button)  # the next pair not listed yet; then removed again
    assert [table.item(1, c).text() for c in range(3)] == ["优秀", "荣誉证书", "考核对象"]
    click(qtbot, editor.remove_button)
    assert table.rowCount() == 1

    with qtbot.waitSignal(page.changes.changed):
        click(qtbot, page.save_button)
    saved = rubrics.get_rubric(db, "CY2019")
    assert saved.version == 2
    assert saved.consequences == (Consequence("不合格", "rectify", "head", "考核不合格的，限期整改"),)
    assert page.consequences_editor.table.item(0, 1).text() == "整改通知书"  # reloaded from the store


def test_a_renamed_grade_keeps_its_consequences_and_a_lost_grade_is_a_problem(qtbot, page):
    from kaohe_desktop.ui.rubrics.page import CONSEQUENCES_TAB, GRADES_TAB

    choose(page, "FRNL")
    table = page.consequences_editor.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "工作优秀", "工作优秀", "工作一般", "工作一般", "工作较差"]
    assert table.item(3, 2).text() == "负责人" and table.item(3, 1).text() == "诫勉谈话通知"
    page.grades_editor.table.item(2, 0).setText("一般")  # renamed in 等次划分
    assert [table.item(r, 0).text() for r in (2, 3)] == ["一般", "一般"]
    assert problems(page) == []
    page.grades_editor.table.selectRow(3)
    click(qtbot, page.grades_editor.remove_button)  # 工作较差 is gone: its notice names nothing
    assert any("结果运用" in p and "工作较差" in p for p in problems(page))
    assert table.item(4, 0).foreground().color() == PROBLEM_COLOR
    assert table.item(0, 0).foreground().color() != PROBLEM_COLOR
    assert not page.save_button.isEnabled()
    page.tabs.setCurrentIndex(GRADES_TAB)
    page.problems_list.itemClicked.emit(page.problems_list.item(0))
    assert page.tabs.currentIndex() == CONSEQUENCES_TAB


def test_consequences_of_a_used_version_are_read_only(qtbot, page, db, leave_out_unfinished):
    roster.add_unit(db, "第一站", code="U1", area="城关街道")
    info = assessments.create_assessment(db, "FRNL", parse_period("2024"), subjects="units")
    leave_out_unfinished(db, info.id)
    assessments.change_state(db, info.id, "submit")
    choose(page, "FRNL")
    editor = page.consequences_editor
    assert page.banner.isVisible()
    assert not editor.add_button.isEnabled() and not editor.remove_button.isEnabled()
    assert editor.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers


def test_tab_goes_along_the_item_not_down_to_the_next_code(qtbot, page):
    """Issue 15.6: editing 1.2.1, Tab goes 编号 → 项目 → 满分 → 评分方式 → 步长 → 说明 of the
    same item (权重 is skipped: not a weighted parent); past the row, the next item's 项目."""
    from kaohe_desktop.ui.rubrics.tree_model import CODE, DESCRIPTION, STEP

    items = page.items_editor
    choose(page, "CY2019")
    tree = items.tree
    editor = open_editor(qtbot, page, cell(page, "1.2.1", CODE))
    for column in (TITLE, MAX):
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda column=column: tree.currentIndex().column() == column)
        assert items.current_code() == "1.2.1"
        editor = wait_editor(qtbot, page)  # the next cell opened for typing
        assert editor.text() == cell(page, "1.2.1", column).data()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: tree.currentIndex().column() == KIND)
    assert items.current_code() == "1.2.1" and wait_editor(qtbot, page, QComboBox)
    editor = open_editor(qtbot, page, cell(page, "1.2.1", MAX))
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits 满分 and goes on in the same row
    qtbot.waitUntil(lambda: tree.currentIndex().column() == KIND)
    assert cell(page, "1.2.1", MAX).data() == "2" and items.current_code() == "1.2.1"
    editor = open_editor(qtbot, page, cell(page, "1.2.1", STEP))
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: tree.currentIndex().column() == DESCRIPTION)
    assert items.current_code() == "1.2.1"
    editor = wait_editor(qtbot, page)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # past the last cell: the next item's title
    qtbot.waitUntil(lambda: items.current_code() == "1.2.2")
    assert tree.currentIndex().column() == TITLE
    editor = wait_editor(qtbot, page)
    assert editor.text() == cell(page, "1.2.2", TITLE).data()
    qtbot.keyClick(editor, Qt.Key.Key_Backtab)  # back along the row: 1.2.2's 编号
    qtbot.waitUntil(lambda: tree.currentIndex().column() == CODE)
    assert items.current_code() == "1.2.2"
    qtbot.keyClick(wait_editor(qtbot, page), Qt.Key.Key_Backtab)  # then 1.2.1's 说明
    qtbot.waitUntil(lambda: items.current_code() == "1.2.1")
    assert tree.currentIndex().column() == DESCRIPTION


def test_a_derived_leaf_takes_a_service_measure_and_rule(qtbot, page, db):
    """Item 3 of VILLAGE-ATT becomes 满意率 by bands, then by the gap to a target, through
    the kind cell, the measure and mode boxes (keys), the bands table and the target field."""
    items = page.items_editor
    metric = items.metric_editor
    choose(page, "VILLAGE-ATT")
    items.tree.setCurrentIndex(items.model.index_of("1"))  # attendance: not a service measure
    assert not metric.isVisible()
    combo = open_editor(qtbot, page, cell(page, "3", KIND), QComboBox)
    combo.setCurrentIndex(combo.findData("derived"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: cell(page, "3", KIND).data() == "数据折算")
    items.tree.setCurrentIndex(items.model.index_of("3"))
    assert metric.isVisible() and not metric.mode_combo.isEnabled()
    metric.measure_combo.setFocus()
    qtbot.keyClick(metric.measure_combo, Qt.Key.Key_Down)  # the first measure: 满意率
    assert metric.measure_combo.currentText() == "满意率（%）"
    assert cell(page, "3", KIND).data() == "数据：满意率"
    bands = metric.bands_editor.table
    assert metric.bands_editor.isVisible()
    assert [(bands.item(r, 0).text(), bands.item(r, 1).text()) for r in range(bands.rowCount())] \
        == [("99", "100"), ("97", "80"), ("95", "60")]
    assert "满意率：≥ 99% 得 100%，≥ 97% 得 80%，≥ 95% 得 60%，其余 0 分" in metric.rule_text.text()
    bands.item(1, 0).setText("99.5")  # above the first band: out of order, named
    assert any("3 " in p and "从最好排到最差" in p for p in problems(page)), problems(page)
    assert not page.save_button.isEnabled()
    bands.item(1, 0).setText("98")
    assert problems(page) == []
    metric.mode_combo.setFocus()
    qtbot.keyClick(metric.mode_combo, Qt.Key.Key_Down)  # 按差距扣分
    assert metric.target_edit.isVisible() and not metric.bands_editor.isVisible()
    metric.target_edit.clear()
    qtbot.keyClicks(metric.target_edit, "97")
    metric.per_edit.clear()
    qtbot.keyClicks(metric.per_edit, "2")
    assert "满意率目标 97%，每低于 1% 扣 2 分" in metric.rule_text.text()
    click(qtbot, page.save_button)
    saved = rubrics.get_rubric(db, "VILLAGE-ATT").item("3")
    assert saved.kind == "derived"
    assert saved.rule == {"source": "service", "measure": "satisfied_rate", "mode": "linear",
                          "bands": [{"at": 99, "percent": 100}, {"at": 98, "percent": 80},
                                    {"at": 95, "percent": 60}], "target": 97, "per": 2}
