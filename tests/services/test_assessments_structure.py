"""Who scores what (issue 12 §3): groups limited to subjects and items, one person in
several groups, and renaming/removing assessments, groups and assessors while nothing is
locked — on a real SQLite file, checked through the services and the stored rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from backends import param, raw_connect
from openpyxl import load_workbook

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, score_sheet, scores, server_backup
from kaohe_desktop.services.assessments import GroupSpec, NeedsConfirmation
from kaohe_desktop.store.dump import describe_dump
from kaohe_desktop.store.models import Assessment


def _backups(db) -> list[Path]:
    """The removal backups: SQLite copies beside the file, or a server database's dumps."""
    if db.path is not None:
        return list((db.path.parent / "backups").glob("*-delete.db"))
    return list(server_backup.dump_folder(db).glob("*-delete.zip"))


def _held_scores(backup: Path) -> int:
    if backup.suffix == ".zip":
        return describe_dump(backup).counts["score"]
    con = sqlite3.connect(backup)
    try:
        return con.execute("SELECT count(*) FROM score").fetchone()[0]
    finally:
        con.close()


def _units(db, n: int = 4) -> None:
    for i in range(1, n + 1):
        roster.add_unit(db, f"第{i}站", code=f"U{i}", area="城关街道")


def _rows(db, table: str) -> int:
    con = raw_connect(db)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def frnl(db) -> int:
    """FRNL: items 1–4 by two cross-assessment groups, item 5 by 街道工委 for everyone."""
    _units(db)
    info = assessments.create_assessment(
        db, "FRNL", parse_period("2024"), groups=[
            GroupSpec("第一组", "上级", ("U1", "U2"), ("1", "2", "3", "4")),
            GroupSpec("第二组", "上级", ("U3", "U4"), ("1", "2", "3", "4")),
            GroupSpec("街道工委", "上级", (), ("5",))])
    return info.id


def test_every_group_carries_subjects_and_items(db, frnl):
    info = assessments.get_assessment(db, frnl)
    assert [(g.name, g.subject_codes, g.item_codes) for g in info.groups] == [
        ("第一组", ("U1", "U2"), ("1", "2", "3", "4")),
        ("第二组", ("U3", "U4"), ("1", "2", "3", "4")),
        ("街道工委", (), ("5",))]
    assert "街道工委（上级）：全部对象，项目 5" in assessments.describe(info)


def test_unknown_item_codes_are_refused_naming_each_and_nothing_is_written(db):
    _units(db)
    before = _rows(db, "assessment")
    with pytest.raises(InputError) as caught:
        assessments.create_assessment(db, "CY2019", parse_period("2024"), groups=[
            GroupSpec("第一组", "上级", (), ("1", "9.9", "3.1")),
            GroupSpec("第二组", "上级", ("U9",), ("B1",))])
    lines = caught.value.lines()
    assert any("9.9" in line and "第一组" in line for line in lines)
    assert any("U9" in line for line in lines) and any("B1" in line for line in lines)
    assert not any("3.1" in line for line in lines)  # a real section of CY2019
    assert _rows(db, "assessment") == before and _rows(db, "assessor_group") == 0


def test_subjects_nobody_scores_are_refused(db):
    _units(db)
    with pytest.raises(InputError, match="没有评分组负责") as caught:
        assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects="units",
                                      groups=[GroupSpec("甲", "上级", ("U1", "U2"))])
    assert "U3、U4" in caught.value.lines()[0]


def test_add_group_with_items_validates_them(db, frnl):
    with pytest.raises(InputError, match="没有项目 7"):
        assessments.add_group(db, frnl, GroupSpec("复核组", "上级", ("U1",), ("7",)))
    info = assessments.add_group(db, frnl, GroupSpec("复核组", "同事", ("U1",), ("2",)))
    assert info.groups[-1].item_codes == ("2",) and info.roles["同事"] == 1


def test_scores_outside_the_groups_items_are_refused(db, frnl):
    scores.set_score(db, frnl, "U1", "1", 18, assessor="张三", group="第一组")
    scores.set_score(db, frnl, "U3", "5", 8, assessor="王书记", group="街道工委")
    with pytest.raises(InputError, match="评分组“第一组”只负责项目 1、2、3、4，不负责项目 5"):
        scores.set_score(db, frnl, "U1", "5", 8, assessor="张三")
    with pytest.raises(InputError, match="评分组“街道工委”只负责项目 5，不负责项目 2"):
        scores.set_score(db, frnl, "U1", "2", 30, assessor="王书记")
    with pytest.raises(InputError, match="不负责这个对象"):
        scores.set_score(db, frnl, "U3", "1", 10, assessor="张三")
    assert _rows(db, "score") == 2


def test_a_section_code_stands_for_its_leaves(db):
    _units(db, 2)
    info = assessments.create_assessment(db, "CY2019", parse_period("2024"),
                                         groups=[GroupSpec("甲", "上级", (), ("1.2", "3"))])
    scores.set_score(db, info.id, "U1", "1.2.3", 2, assessor="张三")
    scores.set_score(db, info.id, "U1", "3.3", 9, assessor="张三")
    with pytest.raises(InputError, match=r"不负责项目 1\.1"):
        scores.set_score(db, info.id, "U1", "1.1", 20, assessor="张三")


def test_group_template_has_only_its_subjects_and_items_and_imports_back(db, frnl, tmp_path):
    path = scores.write_template(db, frnl, tmp_path / "工委.xlsx", group="街道工委")
    ws = load_workbook(path)["评分表"]
    assert [c.value for c in ws[2]][0:2] == ["编号", "名称"]
    assert [str(c.value).split(" ")[0] for c in ws[2]][2:] == ["5", "合计"]
    assert [ws.cell(r, 1).value for r in range(3, 7)] == ["U1", "U2", "U3", "U4"]
    path = scores.write_template(db, frnl, tmp_path / "一组.xlsx", group="第一组")
    ws = load_workbook(path)["评分表"]
    assert [str(c.value).split(" ")[0] for c in ws[2]][2:] == ["1", "2", "3", "4", "合计"]
    assert ws.cell(3, 1).value == "U1" and ws.cell(4, 1).value == "U2" and ws.cell(5, 1).value is None

    ws.cell(3, 3, 18)
    ws.parent.save(path)
    report = scores.import_scores(db, frnl, path, assessor="张三", group="第一组")
    assert report.added == 1
    with pytest.raises(InputError, match="没有评分组“无此组”"):
        scores.write_template(db, frnl, tmp_path / "x.xlsx", group="无此组")


def test_a_full_template_with_other_groups_items_filled_is_refused(db, frnl, tmp_path):
    path = scores.write_template(db, frnl, tmp_path / "全部.xlsx")
    wb = load_workbook(path)
    ws = wb["评分表"]
    ws.cell(3, 3, 18)  # item 1: the group's
    ws.cell(3, 7, 8)  # item 5: 街道工委's
    ws.cell(4, 7, 9)
    wb.save(path)
    with pytest.raises(InputError) as caught:
        scores.import_scores(db, frnl, path, assessor="张三", group="第一组")
    [line] = caught.value.lines()  # once per column, not once per cell
    assert "不负责项目 5" in line and "第 3 行" in line
    assert _rows(db, "score") == 0 and _rows(db, "assessor") == 0


def test_one_person_in_two_groups(db):
    """360: a colleague who scores others and also assesses themselves."""
    _units(db, 2)
    aid = assessments.create_assessment(
        db, "CY2019", parse_period("2024"), weights={"同事": 0.8, "自评": 0.2},
        groups=[GroupSpec("同事组", "同事"), GroupSpec("自评组", "自评")]).id
    seat = scores.seat_assessor(db, aid, "李梅", group="同事组")
    assert (seat.group, seat.role, seat.added) == ("同事组", "同事", True)
    seat = scores.seat_assessor(db, aid, "李梅", group="自评组")
    assert (seat.group, seat.role, seat.added) == ("自评组", "自评", True)
    again = scores.seat_assessor(db, aid, "李梅", group="自评组")
    assert not again.added and _rows(db, "assessor") == 2

    scores.set_score(db, aid, "U1", "1.1", 20, assessor="李梅", group="同事组")
    scores.set_score(db, aid, "U1", "1.1", 10, assessor="李梅", role="自评")
    with pytest.raises(InputError) as caught:
        scores.set_score(db, aid, "U1", "1.1", 15, assessor="李梅")
    assert "同事组（同事）、自评组（自评）" in caught.value.lines()[0]
    assert "--group" in caught.value.lines()[0]
    with pytest.raises(InputError, match="多个评分组"):
        scores.submit_sheet(db, aid, "李梅")
    scores.submit_sheet(db, aid, "李梅", group="自评组")
    people = {(a.group, a.submitted) for a in score_sheet.list_assessors(db, aid)}
    assert people == {("同事组", False), ("自评组", True)}


def test_rename_assessment_group_and_assessor(db, frnl):
    scores.seat_assessor(db, frnl, "张三", group="第一组")
    scores.seat_assessor(db, frnl, "张三", group="街道工委")
    scores.seat_assessor(db, frnl, "李四", group="第二组")
    assert assessments.rename_assessment(db, frnl, " 2024 芙蓉南路 ").name == "2024 芙蓉南路"
    with pytest.raises(InputError, match="名称不能为空"):
        assessments.rename_assessment(db, frnl, "  ")
    with pytest.raises(InputError, match="评分组已存在"):
        assessments.rename_group(db, frnl, "第一组", "第二组")
    info = assessments.rename_group(db, frnl, "街道工委", "工委")
    assert [g.name for g in info.groups] == ["第一组", "第二组", "工委"]
    assert assessments.rename_assessor(db, frnl, "张三", "张叁") == 2  # both seats
    scores.seat_assessor(db, frnl, "王五", group="第二组")
    with pytest.raises(InputError, match="已在第二组"):
        assessments.rename_assessor(db, frnl, "李四", "王五")
    with pytest.raises(InputError, match="不在评分组“第二组”中"):
        assessments.rename_assessor(db, frnl, "张叁", "张三", group="第二组")
    assert assessments.rename_assessor(db, frnl, "张叁", "张三", group="工委") == 1
    seats = {(a.name, a.group) for a in score_sheet.list_assessors(db, frnl)}
    assert seats == {("张叁", "第一组"), ("张三", "工委"), ("李四", "第二组"), ("王五", "第二组")}


def test_removing_with_scores_asks_first_then_backs_up(db, frnl):
    scores.set_score(db, frnl, "U1", "1", 18, assessor="张三", group="第一组")
    scores.set_score(db, frnl, "U1", "5", 8, assessor="张三", group="街道工委")
    scores.set_score(db, frnl, "U2", "5", 7, assessor="张三", group="街道工委")
    with pytest.raises(InputError, match="多个评分组"):
        assessments.remove_assessor(db, frnl, "张三")
    with pytest.raises(NeedsConfirmation) as caught:
        assessments.remove_assessor(db, frnl, "张三", group="街道工委")
    assert caught.value.scores == 2 and "--yes" in caught.value.lines()[0]
    assert _rows(db, "score") == 3 and _rows(db, "assessor") == 2
    before = set(_backups(db))

    gone = assessments.remove_assessor(db, frnl, "张三", group="街道工委", confirmed=True)
    assert gone.scores == 2 and gone.backup is not None and gone.backup not in before
    assert gone.backup.is_file() and str(gone.backup) in gone.summary()
    assert _held_scores(gone.backup) == 3  # the copy still holds what was removed
    assert _rows(db, "score") == 1 and _rows(db, "assessor") == 1

    with pytest.raises(NeedsConfirmation):
        assessments.remove_group(db, frnl, "第一组")
    gone = assessments.remove_group(db, frnl, "第一组", confirmed=True)
    assert gone.scores == 1 and gone.backup is not None
    assert [g.name for g in assessments.get_assessment(db, frnl).groups] == ["第二组", "街道工委"]
    assert _rows(db, "score") == 0 and _rows(db, "assessor") == 0
    gone = assessments.remove_group(db, frnl, "第二组")  # no scores: no question, no copy
    assert (gone.scores, gone.backup) == (0, None)


def test_delete_assessment_takes_everything_in_it(db, frnl):
    other = assessments.create_assessment(db, "CY2019", parse_period("2024"),
                                          subjects=["U1"]).id
    scores.set_score(db, other, "U1", "1.1", 20, assessor="甲")
    scores.set_score(db, frnl, "U1", "1", 18, assessor="张三", group="第一组")
    scores.add_event(db, other, "U1", "B1", 2, matter="创新")
    with pytest.raises(NeedsConfirmation, match="1 条评分"):
        assessments.delete_assessment(db, frnl)
    assert len(assessments.list_assessments(db)) == 2
    gone = assessments.delete_assessment(db, frnl, confirmed=True)
    assert gone.backup is not None and "考核" in gone.what
    assert [a.id for a in assessments.list_assessments(db)] == [other]
    for table in ("subject", "assessor", "assessor_group", "group_subject", "score"):
        con = raw_connect(db)
        if table == "group_subject":
            left = con.execute('SELECT count(*) FROM "group_subject" WHERE '
                               "group_id NOT IN (SELECT id FROM assessor_group)").fetchone()[0]
        else:
            left = con.execute(f'SELECT count(*) FROM "{table}" WHERE assessment_id = {param()}',
                               (frnl,)).fetchone()[0]
        con.close()
        assert left == 0, table
    assert _rows(db, "score") == 1  # the other assessment's


def test_locked_assessment_refuses_renames_and_removals(db, frnl):
    scores.seat_assessor(db, frnl, "张三", group="第一组")
    with db.session() as s:  # approved (审议 needs complete scores, which is not the point here)
        s.get(Assessment, frnl).state = "reviewed"
    for call in (lambda: assessments.rename_assessment(db, frnl, "新名"),
                 lambda: assessments.delete_assessment(db, frnl, confirmed=True),
                 lambda: assessments.rename_group(db, frnl, "第一组", "甲"),
                 lambda: assessments.remove_group(db, frnl, "第一组", confirmed=True),
                 lambda: assessments.rename_assessor(db, frnl, "张三", "李四"),
                 lambda: assessments.remove_assessor(db, frnl, "张三", confirmed=True)):
        with pytest.raises(InputError, match="已锁定"):
            call()
    info = assessments.get_assessment(db, frnl)
    assert info.name != "新名" and len(info.groups) == 3

