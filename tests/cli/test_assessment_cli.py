"""`kaohe assessment …` for who scores what (issue 12 §3): every --group of create carries
its own --subjects and --items, one person sits in several groups, and assessments,
groups and assessors are renamed or removed (asking with exit 2 unless --yes when scores
go, and backing up first)."""

from __future__ import annotations

from pathlib import Path

from backends import ON_SERVER
from openpyxl import load_workbook


def _id(result) -> int:
    return int(result.out.strip().splitlines()[0])


def _frnl(kaohe) -> int:
    return _id(kaohe.ok("assessment", "create", "--rubric", "FRNL", "--period", "2024",
                        "--group", "第一组:上级", "--subjects", "FR01,FR02", "--items", "1,2,3,4",
                        "--group", "第二组:上级", "--subjects", "FR03,FR04", "--items", "1,2,3,4",
                        "--group", "街道工委:上级", "--items", "5"))


def test_frnl_item_5_by_the_street_committee_items_1_to_4_by_the_cross_groups(kaohe, units4):
    aid = _frnl(kaohe)
    shown = kaohe.json("assessment", "show", aid)
    assert [s["code"] for s in shown["subjects"]] == ["FR01", "FR02", "FR03", "FR04"]
    assert [(g["name"], g["subjects"], g["items"]) for g in shown["groups"]] == [
        ("第一组", ["FR01", "FR02"], ["1", "2", "3", "4"]),
        ("第二组", ["FR03", "FR04"], ["1", "2", "3", "4"]),
        ("街道工委", [], ["5"])]
    assert "街道工委（上级）：全部对象，项目 5" in kaohe.ok("assessment", "show", aid).out

    kaohe.ok("scores", "set", aid, "FR01", "1", "18", "--assessor", "张三", "--group", "第一组")
    kaohe.ok("scores", "set", aid, "FR03", "5", "8", "--assessor", "王书记", "--group", "街道工委")
    refused = kaohe("scores", "set", aid, "FR01", "5", "9", "--assessor", "张三")
    assert refused.code == 2 and "评分组“第一组”只负责项目 1、2、3、4，不负责项目 5" in refused.err
    refused = kaohe("scores", "set", aid, "FR02", "2", "30", "--assessor", "王书记")
    assert refused.code == 2 and "评分组“街道工委”只负责项目 5，不负责项目 2" in refused.err
    refused = kaohe("scores", "set", aid, "FR03", "1", "15", "--assessor", "张三")
    assert refused.code == 2 and "不负责这个对象" in refused.err
    assert "Traceback" not in refused.err

    # each group's score sheet holds only its subjects and items
    for group, subjects, items in (("街道工委", ["FR01", "FR02", "FR03", "FR04"], ["5"]),
                                   ("第二组", ["FR03", "FR04"], ["1", "2", "3", "4"])):
        path = kaohe.db.parent / f"{group}.xlsx"
        kaohe.ok("scores", "template", aid, path, "--group", group)
        ws = load_workbook(path)["评分表"]
        assert [str(c.value).split(" ")[0] for c in ws[2]][2:] == [*items, "合计"]
        assert [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)] == subjects


def test_bad_item_codes_exit_2_naming_each_and_write_nothing(kaohe, units4, snapshot):
    before = snapshot()
    r = kaohe("assessment", "create", "--rubric", "FRNL", "--period", "2024",
              "--group", "第一组:上级", "--items", "1,9", "--group", "工委:上级", "--items", "5.1")
    assert r.code == 2 and "Traceback" not in r.err
    assert "值“9”" in r.err and "值“5.1”" in r.err and "没有项目" in r.err
    r = kaohe("assessment", "create", "--rubric", "FRNL", "--period", "2024", "--items", "5")
    assert r.code == 2 and "--items 要写在它所属的 --group 之后" in r.err
    assert snapshot() == before

    aid = _frnl(kaohe)
    r = kaohe("assessment", "group", aid, "复核组:上级", "--items", "6")
    assert r.code == 2 and "值“6”" in r.err
    kaohe.ok("assessment", "group", aid, "复核组:同事", "--subjects", "FR01", "--items", "2,3")
    groups = {g["name"]: g for g in kaohe.json("assessment", "show", aid)["groups"]}
    assert (groups["复核组"]["subjects"], groups["复核组"]["items"]) == (["FR01"], ["2", "3"])


def test_subjects_before_the_first_group_are_the_assessments_after_it_the_groups(kaohe, units4):
    aid = _id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                       "--subjects", "FR01,FR02,FR03", "--group", "第一组:上级",
                       "--subjects", "FR01,FR02", "--group", "第二组:上级", "--subjects", "FR03"))
    shown = kaohe.json("assessment", "show", aid)
    assert [s["code"] for s in shown["subjects"]] == ["FR01", "FR02", "FR03"]
    assert [g["subjects"] for g in shown["groups"]] == [["FR01", "FR02"], ["FR03"]]
    # the old spelling keeps its meaning: --subjects units is every subject
    aid = _id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                       "--group", "第一组:上级", "--subjects", "units"))
    shown = kaohe.json("assessment", "show", aid)
    assert len(shown["subjects"]) == 4 and shown["groups"][0]["subjects"] == []
    r = kaohe("assessment", "create", "--rubric", "CY2019", "--period", "2024",
              "--subjects", "units", "--group", "第一组:上级", "--subjects", "FR01")
    assert r.code == 2 and "没有评分组负责" in r.err and "FR02、FR03、FR04" in r.err


def test_one_person_in_two_groups_is_added_or_told_why(kaohe, units4):
    aid = _id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                       "--group", "同事组:同事", "--group", "自评组:自评",
                       "--weight", "同事=0.8", "--weight", "自评=0.2"))
    assert "已登记评分人 李梅：评分组“同事组”（同事）" in kaohe.ok(
        "assessment", "assessor", aid, "李梅", "--group", "同事组").out
    assert "已登记评分人 李梅：评分组“自评组”（自评）" in kaohe.ok(
        "assessment", "assessor", aid, "李梅", "--group", "自评组").out
    again = kaohe.ok("assessment", "assessor", aid, "李梅", "--group", "自评组").out
    assert "已在评分组“自评组”（自评）中，未重复登记" in again
    kaohe.ok("scores", "set", aid, "FR01", "1.1", "20", "--assessor", "李梅", "--group", "同事组")
    kaohe.ok("scores", "set", aid, "FR01", "1.1", "10", "--assessor", "李梅", "--group", "自评组")
    r = kaohe("scores", "set", aid, "FR01", "1.1", "15", "--assessor", "李梅")
    assert r.code == 2 and "同事组（同事）、自评组（自评）" in r.err and "--group" in r.err
    r = kaohe("scores", "submit", aid, "--assessor", "李梅")
    assert r.code == 2 and "多个评分组" in r.err
    kaohe.ok("scores", "submit", aid, "--assessor", "李梅", "--group", "自评组")


def test_rename_and_remove_with_yes_and_a_backup(kaohe, units4, snapshot, rows_in):
    aid = _frnl(kaohe)
    kaohe.ok("scores", "set", aid, "FR01", "1", "18", "--assessor", "张三", "--group", "第一组")
    kaohe.ok("scores", "set", aid, "FR01", "5", "8", "--assessor", "张三", "--group", "街道工委")
    kaohe.ok("assessment", "rename", aid, "2024年度芙蓉南路考核")
    kaohe.ok("assessment", "rename-group", aid, "街道工委", "工委")
    kaohe.ok("assessment", "rename-assessor", aid, "张三", "张叁")
    shown = kaohe.json("assessment", "show", aid)
    assert shown["name"] == "2024年度芙蓉南路考核"
    assert [g["name"] for g in shown["groups"]] == ["第一组", "第二组", "工委"]

    before = snapshot()
    for args in (("unassign", aid, "张叁"),  # in two groups: which one?
                 ("unassign", aid, "张叁", "--group", "工委"),
                 ("ungroup", aid, "第一组"),
                 ("delete", aid),
                 ("rename-group", aid, "无此组", "甲"),
                 ("rename", aid, " ")):
        r = kaohe("assessment", *args)
        assert r.code == 2 and "Traceback" not in r.err, args
    assert "有 1 条评分，删除会一并删除" in kaohe("assessment", "ungroup", aid, "第一组").err
    assert "确认删除请加 --yes" in kaohe("assessment", "delete", aid).err
    assert snapshot() == before

    out = kaohe.ok("assessment", "unassign", aid, "张叁", "--group", "工委", "--yes").out
    assert "连同 1 条评分" in out and "删除前已备份数据库：" in out
    backup = Path(out.split("删除前已备份数据库：")[1].strip())
    assert backup.is_file() and backup.parent == (kaohe.db.parent / "backups" if not ON_SERVER
                                                  else backup.parent)  # a server's: data folder
    assert backup.suffix == (".zip" if ON_SERVER else ".db")
    assert rows_in("score") == 1
    gone = kaohe.json("assessment", "delete", aid, "--yes")
    assert gone["scores"] == 1 and Path(gone["backup"]).is_file()
    assert kaohe.json("assessment", "list") == [] and rows_in("score") == 0
    assert rows_in("subject") == 0 and rows_in("assessor") == 0


def test_a_locked_assessment_is_not_renamed_or_removed(kaohe, units4, snapshot):
    aid = _id(kaohe.ok("assessment", "create", "--rubric", "FRNL", "--period", "2024",
                       "--subjects", "FR01", "--group", "甲:上级"))
    for item, value in (("1", 18), ("2", 35), ("3", 18), ("4", 9), ("5", 9)):
        kaohe.ok("scores", "set", aid, "FR01", item, value, "--assessor", "张三")
    kaohe.ok("review", aid, "submit")
    kaohe.ok("review", aid, "approve")
    before = snapshot()
    for args in (("rename", aid, "新名"), ("delete", aid, "--yes"), ("ungroup", aid, "甲", "--yes"),
                 ("unassign", aid, "张三", "--yes"), ("rename-group", aid, "甲", "乙"),
                 ("rename-assessor", aid, "张三", "李四")):
        r = kaohe("assessment", *args)
        assert r.code == 2 and "已锁定" in r.err, args
    assert snapshot() == before
