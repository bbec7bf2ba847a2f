"""The roster services on a real SQLite file and real workbooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import roster, roster_files

UNIT_HEADER = ["编号", "名称", "所属街道", "类型", "电话", "地址"]
STAFF_HEADER = ["工号", "姓名", "所属单位", "岗位", "手机"]


def workbook(path: Path, header: list[str], *rows: list[object]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def two_units(db):
    roster.add_unit(db, "东风社区便民服务站", code="U1", area="芙蓉街道", phone="0731-1111")
    roster.add_unit(db, "向阳社区便民服务站", code="U2", area="芙蓉街道")
    roster.add_staff(db, "王伟", "U1", code="P1", post="站长", phone="13800000001")
    return db


def test_phone_is_digits_and_dashes():
    assert roster.phone_problem("") is None
    assert roster.phone_problem("0731-88886666") is None
    assert roster.phone_problem("13800000000") is None
    for bad in ("138 0000 0000", "电话", "+86138", "---", "１３８"):
        assert roster.phone_problem(bad) is not None, bad


def test_update_unit_checks_code_and_phone(two_units):
    db = two_units
    info = roster.update_unit(db, "U1", name="东风社区服务站", area="城关镇", phone="0731-2222")
    assert (info.name, info.area, info.phone, info.code) == ("东风社区服务站", "城关镇", "0731-2222", "U1")
    with pytest.raises(InputError, match="编号已被其他站点使用"):
        roster.update_unit(db, info.id, code="U2")
    with pytest.raises(InputError, match="电话只能包含数字和短横线"):
        roster.update_unit(db, info.id, phone="0731 2222")
    with pytest.raises(InputError, match="请填写站点名称"):
        roster.update_unit(db, info.id, name="  ")
    renamed = roster.update_unit(db, info.id, code="U9")
    assert renamed.code == "U9" and roster.list_staff(db, unit="U9")[0].code == "P1"
    areas = {a.name: a for a in roster.list_areas(db)}
    assert areas["城关镇"].kind == "乡镇" and areas["城关镇"].units == 1
    assert areas["芙蓉街道"].units == 1


def test_add_refuses_bad_phone_and_taken_code(two_units):
    with pytest.raises(InputError, match="编号已被其他站点使用"):
        roster.add_unit(two_units, "新站", code="U1")
    with pytest.raises(InputError, match="电话"):
        roster.add_staff(two_units, "李四", "U1", phone="138-abc")
    assert len(roster.list_units(two_units)) == 2


def test_update_staff_moves_to_another_unit(two_units):
    db = two_units
    moved = roster.update_staff(db, "P1", unit="U2", name="王伟", post="窗口受理员")
    assert (moved.unit_code, moved.post) == ("U2", "窗口受理员")
    with pytest.raises(InputError, match="没有这个单位"):
        roster.update_staff(db, "P1", unit="U404")
    other = roster.add_staff(db, "张敏", "U1", code="P2")
    with pytest.raises(InputError, match="编号已被其他人员使用"):
        roster.update_staff(db, other.id, code="P1")


def test_deactivate_hides_from_lists_but_not_from_load_roster(two_units):
    db = two_units
    assert roster.set_units_active(db, ["U2"], False) == 1
    assert roster.set_units_active(db, ["U2"], False) == 0
    assert roster.set_staff_active(db, ["P1"], False) == 1
    assert [u.code for u in roster.list_units(db)] == ["U1"]
    assert roster.list_staff(db) == []
    data = roster.load_roster(db)
    assert [(u.code, u.active) for u in data.units] == [("U1", True), ("U2", False)]
    assert [(p.code, p.unit_code, p.active) for p in data.staff] == [("P1", "U1", False)]
    assert [a.name for a in data.areas] == ["芙蓉街道"]
    assert roster.set_unit_active(db, "U2", True).active


def test_preview_says_per_row_what_would_happen_and_writes_nothing(two_units, tmp_path):
    db = two_units
    path = workbook(tmp_path / "单位.xlsx", UNIT_HEADER,
                    ["U1", "东风社区便民服务站", "芙蓉街道", "", "0731-9999", ""],  # phone changed
                    ["U2", "向阳社区便民服务站", "", "", "", ""],  # blank cells keep values
                    ["U3", "红旗社区便民服务站", "新城街道", "", "", "红旗路1号"],
                    ["U4", "", "新城街道", "", "", ""],  # name missing
                    ["U3", "重复", "", "", "", ""],  # code given twice
                    ["U5", "光明站", "", "", "0731 5555", ""])  # bad phone
    rows = roster_files.preview_units_import(db, path)
    assert [(r.row, r.code, r.status) for r in rows] == [
        (2, "U1", "changed"), (3, "U2", "unchanged"), (4, "U3", "added"), (5, "U4", "error"),
        (6, "U3", "error"), (7, "U5", "error")]
    assert rows[0].changes_text() == "电话：0731-1111 → 0731-9999"
    assert "不能为空" in rows[3].problems_text()
    assert "与第 4 行重复" in rows[4].problems_text()
    assert "电话只能包含数字和短横线" in rows[5].problems_text()
    assert rows[2].status_text == "新增" and rows[0].status_text == "修改"
    # nothing written: no unit, no area, no changed phone
    assert [u.code for u in roster.list_units(db)] == ["U1", "U2"]
    assert roster.list_units(db)[0].phone == "0731-1111"
    assert [a.name for a in roster.list_areas(db)] == ["芙蓉街道"]
    with pytest.raises(InputError) as err:
        roster_files.import_units(db, path)
    assert {p.row for p in err.value.problems} == {5, 6, 7}
    assert [u.code for u in roster.list_units(db)] == ["U1", "U2"]


def test_import_commits_what_the_preview_showed_once(two_units, tmp_path):
    db = two_units
    path = workbook(tmp_path / "单位.xlsx", UNIT_HEADER,
                    ["U1", "东风社区便民服务站", "芙蓉街道", "", "0731-9999", ""],
                    ["U3", "红旗社区便民服务站", "新城街道", "", "", "红旗路1号"])
    preview = roster_files.preview_units_import(db, path)
    report = roster_files.import_units(db, path)
    assert report == roster_files.report_of(preview)
    assert (report.added, report.changed, report.unchanged) == (1, 1, 0)
    units = {u.code: u for u in roster.list_units(db)}
    assert units["U1"].phone == "0731-9999" and units["U3"].address == "红旗路1号"
    assert units["U3"].area == "新城街道"
    again = roster_files.import_units(db, path)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)


def test_staff_preview_names_unknown_units_and_moves(two_units, tmp_path):
    db = two_units
    path = workbook(tmp_path / "人员.xlsx", STAFF_HEADER,
                    ["P1", "王伟", "向阳社区便民服务站", "站长", "13800000001"],  # moved, by name
                    ["P2", "李娜", "U1", "窗口受理员", ""],
                    ["P3", "赵强", "U404", "", ""])
    rows = roster_files.preview_staff_import(db, path)
    assert [r.status for r in rows] == ["changed", "added", "error"]
    assert rows[0].changes_text() == "所属单位：U1 东风社区便民服务站 → U2 向阳社区便民服务站"
    assert rows[2].problems_text() == "没有这个单位：U404"
    assert rows[2].problems[0].column == "C"
    assert [p.code for p in roster.list_staff(db)] == ["P1"]
    with pytest.raises(InputError, match="没有这个单位"):
        roster_files.import_staff(db, path)
    fixed = workbook(tmp_path / "人员2.xlsx", STAFF_HEADER,
                     ["P1", "王伟", "U2", "站长", "13800000001"], ["P2", "李娜", "U1", "", ""])
    report = roster_files.import_staff(db, fixed)
    assert (report.added, report.changed) == (1, 1)
    assert {p.code: p.unit_code for p in roster.list_staff(db)} == {"P1": "U2", "P2": "U1"}


def test_a_file_without_a_header_is_refused_whole(db, tmp_path):
    path = workbook(tmp_path / "x.xlsx", ["甲", "乙"], ["1", "2"])
    with pytest.raises(InputError, match="找不到表头行"):
        roster_files.preview_units_import(db, path)
    missing = workbook(tmp_path / "y.xlsx", ["编号", "电话"], ["U1", "1"])
    with pytest.raises(InputError, match="缺少必需的列“名称”"):
        roster_files.preview_units_import(db, missing)


def test_closing_the_steps_early_rolls_back(db, tmp_path):
    rows = [[f"U{n:04d}", f"第{n}站", "新城街道", "", "", ""] for n in range(1, 1201)]
    path = workbook(tmp_path / "big.xlsx", UNIT_HEADER, *rows)
    steps = roster_files.import_steps(db, "units", path, strict=True, dry_run=False)
    assert next(steps) == (0, 1200)
    assert next(steps) == (500, 1200)
    steps.close()  # the user pressed 取消
    assert roster.list_units(db) == [] and roster.list_areas(db) == []
    report = roster_files.import_units(db, path)
    assert report.added == 1200 and len(roster.list_units(db)) == 1200


def test_exported_roster_imports_back_unchanged(two_units, tmp_path):
    db = two_units
    roster.update_unit(db, "U1", address="东风路2号")
    roster.set_units_active(db, ["U2"], False)
    units = roster_files.export_units(db, tmp_path / "units.xlsx")
    staff = roster_files.export_staff(db, tmp_path / "staff.xlsx")
    assert {r.status for r in roster_files.preview_units_import(db, units)} == {"unchanged"}
    assert [r.status for r in roster_files.preview_staff_import(db, staff)] == ["unchanged"]
    from openpyxl import load_workbook

    ws = load_workbook(units).active
    assert [c.value for c in ws[1]] == roster_files.UNIT_HEADERS
    assert [c.value for c in ws[3]][-1] == "停用"


# ---------------------------------------------------------------- 负责人 (person in charge)
HEAD_HEADER = ["工号", "姓名", "所属单位", "岗位", "负责人"]


def heads(db) -> dict[str, str]:
    """unit code → the code of the person marked 负责人 there."""
    return {p.unit_code: p.code for p in roster.load_roster(db).staff if p.head}


def test_marking_a_head_moves_the_mark_within_the_unit(two_units):
    db = two_units
    assert roster.marked_head(db, "U1") is None  # the post 站长 alone marks nobody
    first = roster.add_staff(db, "李娜", "U1", code="P2", head=True)
    assert first.head and heads(db) == {"U1": "P2"}
    assert roster.add_staff(db, "张敏", "U2", code="P3", head=True).head
    change = roster.set_staff_head(db, "P1")
    assert change.staff.code == "P1" and change.staff.head
    assert change.replaced is not None and change.replaced.code == "P2"
    assert heads(db) == {"U1": "P1", "U2": "P3"}  # the other unit keeps its own
    assert roster.marked_head(db, "U1").code == "P1"
    again = roster.set_staff_head(db, "P1")
    assert again.replaced is None  # already the head: nothing moved
    roster.update_staff(db, "P2", head=True)
    assert heads(db) == {"U1": "P2", "U2": "P3"}
    assert not roster.set_staff_head(db, "P2", head=False).staff.head
    assert heads(db) == {"U2": "P3"}
    assert {p.code: p.head for p in roster.list_staff(db)} == {"P1": False, "P2": False, "P3": True}


def test_a_head_who_moves_or_leaves_loses_the_mark(two_units):
    db = two_units
    roster.set_staff_head(db, "P1")
    roster.add_staff(db, "张敏", "U2", code="P3", head=True)
    moved = roster.update_staff(db, "P1", unit="U2")  # not in charge of the new station
    assert not moved.head and heads(db) == {"U2": "P3"}
    roster.update_staff(db, "P1", unit="U1", head=True)
    assert heads(db) == {"U1": "P1", "U2": "P3"}
    roster.update_staff(db, "P1", post="窗口受理员")  # other edits keep the mark
    assert heads(db)["U1"] == "P1"
    roster.set_staff_active(db, ["P1"], False)
    assert heads(db) == {"U2": "P3"}
    with pytest.raises(InputError, match="已停用的人员不能标为负责人"):
        roster.set_staff_head(db, "P1")
    with pytest.raises(InputError, match="已停用的人员不能标为负责人"):
        roster.update_staff(db, "P1", name="王小伟", head=True)
    assert roster.load_roster(db).staff[0].name == "王伟"  # nothing written on refusal
    with pytest.raises(InputError, match="没有这个人员"):
        roster.set_staff_head(db, "P404")


def test_import_reads_the_head_column(two_units, tmp_path):
    db = two_units
    roster.add_staff(db, "李娜", "U1", code="P2", head=True)
    path = workbook(tmp_path / "人员.xlsx", HEAD_HEADER,
                    ["P1", "王伟", "U1", "站长", "√"],  # takes the mark from P2
                    ["P2", "李娜", "U1", "", ""],  # blank is 否: unchanged now
                    ["P3", "张敏", "U2", "", "是"],
                    ["P4", "赵强", "U2", "", "0"])
    rows = roster_files.preview_staff_import(db, path)
    assert [r.status for r in rows] == ["changed", "unchanged", "added", "added"]
    assert rows[0].changes_text() == "负责人：否 → 是（取代 李娜）"
    assert heads(db) == {"U1": "P2"}  # a preview writes nothing
    report = roster_files.import_staff(db, path)
    assert (report.added, report.changed, report.unchanged) == (2, 1, 1)
    assert heads(db) == {"U1": "P1", "U2": "P3"}
    assert roster_files.import_staff(db, path).unchanged == 4  # the same file twice adds nothing


def test_import_refuses_bad_head_values_and_two_heads_in_one_unit(two_units, tmp_path):
    db = two_units
    roster.set_staff_head(db, "P1")
    path = workbook(tmp_path / "人员.xlsx", HEAD_HEADER,
                    ["P1", "王伟", "U1", "站长", "否"],
                    ["P2", "李娜", "U2", "", "1"],
                    ["P3", "张敏", "U2", "", "是"],  # the second head of U2
                    ["P4", "赵强", "U1", "", "站长"])  # neither yes nor no
    with pytest.raises(InputError) as err:
        roster_files.import_staff(db, path)
    by_row = {p.row: p for p in err.value.problems}
    assert set(by_row) == {4, 5}
    assert (by_row[4].file, by_row[4].column, by_row[4].value) == ("人员.xlsx", "E", "是")
    assert "同一单位只能有一名负责人，第 3 行" in by_row[4].reason
    assert (by_row[5].column, by_row[5].value) == ("E", "站长")
    assert "负责人一栏只能填 是 或 否" in by_row[5].reason
    assert heads(db) == {"U1": "P1"} and len(roster.list_staff(db)) == 1  # nothing written
    roster.set_staff_active(db, ["P1"], False)
    inactive = workbook(tmp_path / "停用.xlsx", HEAD_HEADER, ["P1", "王伟", "U1", "站长", "是"])
    [row] = roster_files.preview_staff_import(db, inactive)
    assert row.status == "error" and "已停用的人员不能标为负责人" in row.problems_text()


def test_a_file_without_the_head_column_leaves_marks_alone(two_units, tmp_path):
    db = two_units
    roster.set_staff_head(db, "P1")
    path = workbook(tmp_path / "人员.xlsx", STAFF_HEADER, ["P1", "王伟", "U1", "站长", ""])
    assert roster_files.import_staff(db, path).unchanged == 1
    assert heads(db) == {"U1": "P1"}
    moved = workbook(tmp_path / "调动.xlsx", STAFF_HEADER, ["P1", "王伟", "U2", "站长", ""])
    [row] = roster_files.preview_staff_import(db, moved)
    assert row.changes_text() == "所属单位：U1 东风社区便民服务站 → U2 向阳社区便民服务站；负责人：是 → 否"


def test_exported_heads_import_back_unchanged(two_units, tmp_path):
    db = two_units
    roster.set_staff_head(db, "P1")
    roster.add_staff(db, "李娜", "U1", code="P2")
    path = roster_files.export_staff(db, tmp_path / "staff.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == roster_files.STAFF_HEADERS
    column = roster_files.STAFF_HEADERS.index("负责人")
    assert [[c.value for c in r][column] for r in ws.iter_rows(min_row=2)] == ["是", "否"]
    assert {r.status for r in roster_files.preview_staff_import(db, path)} == {"unchanged"}


def test_typed_codes_and_names_follow_the_import_text_rule(db):
    """What the window and `unit add`/`staff add` take obeys the same rule as an import."""
    r = roster
    first = r.add_unit(db, "东风社区便民服务站", code="ＦＲ０１")
    assert first.code == "FR01"  # full-width is the same code
    with pytest.raises(InputError) as refused:
        r.add_unit(db, "东风社区便民服务站", code="FR01\u200b")
    assert "U+200B" in str(refused.value) and "编号" in str(refused.value)
    with pytest.raises(InputError) as refused:
        r.add_staff(db, "张" * 101, "FR01")
    assert "最多 100 个" in str(refused.value) and "姓名" in str(refused.value)
    with pytest.raises(InputError) as refused:
        r.add_staff(db, "张\u202e三", "FR01")
    assert "U+202E" in str(refused.value)
    person = r.add_staff(db, "张三", "ＦＲ０１", code="P01")
    with pytest.raises(InputError):
        r.update_staff(db, person.code, name="张三\u200d")
    with pytest.raises(InputError):
        r.update_unit(db, "FR01", name="东风\x07社区")
    assert [u.code for u in r.list_units(db)] == ["FR01"]
    assert [(p.name, p.unit_code) for p in r.list_staff(db)] == [("张三", "FR01")]
