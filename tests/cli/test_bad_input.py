"""Bad input on the command line: exit code 2, one clear line on stderr naming where
(file, sheet, row, column, value) and why (the allowed range or the reason), no
traceback, and nothing written — every table is compared before and after."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

SHEET = "工作表“评分表”"


def assert_refused(r, *words: str, lines: int | None = 1) -> None:
    """Exit 2, no traceback, nothing claimed on stdout, and every word on stderr."""
    assert r.code == 2, f"exit {r.code}, stdout {r.out!r}, stderr {r.err!r}"
    assert "Traceback" not in r.err, r.err
    assert r.out == "", f"stdout should be empty on refusal: {r.out!r}"
    if lines is not None:
        assert len(r.err_lines) == lines, f"expected {lines} line(s) on stderr, got:\n{r.err}"
    for word in words:
        assert word in r.err, f"{word!r} not named in stderr: {r.err!r}"


def state(kaohe, assessment_id: int) -> tuple:
    """What a user can see of an assessment: the ranking and the events."""
    return (kaohe.json("rank", assessment_id), kaohe.json("event", "list", assessment_id))


def build_scored(k, folder: Path, build_small, books):
    """The small assessment with 张三's sheet imported and one event recorded."""
    small = build_small(k, folder)
    good = books.fill_template(folder / "评分表模板.xlsx", folder / "张三.xlsx", {
        ("FR01", "1.1"): 18, ("FR01", "1.2.1"): 2, ("FR02", "1.1"): 17.5, ("FR03", "3.3"): 9})
    k.ok("scores", "import", small.id, good, "--assessor", "张三")
    k.ok("event", "add", small.id, "FR02", "B2", 3, "--matter", "省级媒体报道")
    return small


@pytest.fixture
def scored(prebuilt, db_path, books, build_small_fn):
    return prebuilt.restore("scored", lambda k, f: build_scored(k, f, build_small_fn, books),
                            db_path)


@pytest.fixture
def template(scored, db_path):
    """The blank template of the `scored` assessment."""
    return db_path.parent / "评分表模板.xlsx"


def docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("word/document.xml",
                    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.'
                    'org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>评分</w:t></w:r>'
                    '</w:p></w:body></w:document>')
    return path


# ----------------------------------------------------------------------------- score workbooks


@pytest.mark.parametrize("item, letter, value, words", [
    pytest.param("1.1", "C", 20.5, ["1.1", "20.5", "超过满分 20", "0～20"], id="above-max"),
    pytest.param("1.2.1", "D", -0.5, ["1.2.1", "-0.5", "负", "0～2"], id="negative"),
    pytest.param("1.3.1", "I", "很好", ["1.3.1", "很好", "不是数字", "0～4"], id="text"),
    pytest.param("3.3", "AK", 9.55, ["3.3", "9.55", "步长 0.1", "0～10"], id="off-step"),
])
def test_score_workbook_value_refused(kaohe, scored, template, tmp_path, books, snapshot,
                                      item, letter, value, words):
    before, seen = snapshot(), state(kaohe, scored.id)
    bad = books.fill_template(template, tmp_path / "李四评分.xlsx", {
        ("FR01", "1.1"): 19,  # a good cell beside the bad one: it must not be written either
        ("FR02", item): value})
    r = kaohe("scores", "import", scored.id, bad, "--assessor", "李四")
    assert_refused(r, "李四评分.xlsx", SHEET, "第 4 行", f"列“{letter}", f"值“{value}”", *words)
    assert snapshot() == before
    assert state(kaohe, scored.id) == seen


def test_integer_cell_is_named_as_typed(kaohe, scored, template, tmp_path, books, snapshot):
    """A whole number typed into Excel (-1, 25) is named as typed, not as -1.0 / 25.0."""
    before = snapshot()
    bad = books.fill_template(template, tmp_path / "整数.xlsx", {("FR02", "1.1"): 25})
    r = kaohe("scores", "import", scored.id, bad, "--assessor", "李四")
    assert snapshot() == before
    assert_refused(r, "整数.xlsx", "第 4 行", "列“C", "超过满分 20", "0～20")
    assert "值“25”" in r.err, r.err


@pytest.mark.parametrize("header, reason", [
    pytest.param("9.9 不存在的项目（5分）", "没有项目 9.9", id="unknown-code"),
    pytest.param("1.2 社区重视（10分）", "合计项", id="parent-code"),
    pytest.param("1.1 能够正常运转（20分）", "列重复", id="leaf-twice"),
])
def test_score_workbook_column_the_rubric_lacks(kaohe, scored, template, tmp_path, snapshot,
                                                header, reason):
    before = snapshot()
    wb = load_workbook(template)
    ws = wb["评分表"]
    col = ws.max_column + 1  # after 合计
    ws.cell(2, col, header)
    ws.cell(3, col, 3)
    ws["C3"] = 19
    letter = ws.cell(2, col).column_letter
    path = tmp_path / "多一列.xlsx"
    wb.save(path)
    r = kaohe("scores", "import", scored.id, path, "--assessor", "李四")
    assert_refused(r, "多一列.xlsx", SHEET, "第 2 行", f"列“{letter}”", f"值“{header}”", reason)
    assert snapshot() == before


def test_score_workbook_subject_not_in_assessment(kaohe, scored, template, tmp_path, snapshot):
    kaohe.ok("unit", "add", "光明社区便民服务站", "--code", "FR05")  # exists, but not assessed
    before = snapshot()
    wb = load_workbook(template)
    ws = wb["评分表"]
    ws.append(["FR05", "光明社区便民服务站", 15])
    ws["C3"] = 19
    row = ws.max_row
    path = tmp_path / "多一站.xlsx"
    wb.save(path)
    r = kaohe("scores", "import", scored.id, path, "--assessor", "张三")
    assert_refused(r, "多一站.xlsx", SHEET, f"第 {row} 行", "列“编号”", "值“FR05”",
                   "不在本次考核中")
    assert snapshot() == before


def test_score_workbook_same_subject_twice(kaohe, scored, template, tmp_path, snapshot):
    before = snapshot()
    wb = load_workbook(template)
    ws = wb["评分表"]
    ws["C3"] = 19
    ws["A5"] = "FR01"  # the row of FR03 now names FR01 again
    ws["C5"] = 12
    path = tmp_path / "重复.xlsx"
    wb.save(path)
    r = kaohe("scores", "import", scored.id, path, "--assessor", "张三")
    assert_refused(r, "重复.xlsx", SHEET, "第 5 行", "列“编号”", "值“FR01”", "第 3 行",
                   "两次")
    assert snapshot() == before


def test_score_workbook_made_for_another_assessment(kaohe, scored, tmp_path, books, snapshot):
    other = int(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024-Q1",
                         "--subjects", "units").out.split()[0])
    template = tmp_path / "另一考核.xlsx"
    kaohe.ok("scores", "template", other, template)
    books.fill_template(template, template, {("FR01", "1.1"): 19})
    before = snapshot()
    r = kaohe("scores", "import", scored.id, template, "--assessor", "张三")
    assert_refused(r, "另一考核.xlsx", f"考核 {other}", f"不是考核 {scored.id}")
    assert snapshot() == before


@pytest.mark.parametrize("command", ["scores", "unit", "staff"])
def test_empty_workbook(kaohe, scored, tmp_path, snapshot, command):
    path = tmp_path / "空表.xlsx"
    Workbook().save(path)
    before = snapshot()
    args = [scored.id, path, "--assessor", "李四"] if command == "scores" else [path]
    r = kaohe(command, "import", *args)
    assert_refused(r, "空表.xlsx", "工作簿是空的")
    assert snapshot() == before


@pytest.mark.parametrize("command, header", [
    ("unit", ["编号", "名称", "所属街道"]),
    ("staff", ["编号", "姓名", "所属单位"]),
])
def test_roster_workbook_with_a_header_but_no_rows(kaohe, units4, tmp_path, books, snapshot,
                                                    command, header):
    path = books.write_rows(tmp_path / "只有表头.xlsx", [header], title="名册")
    before = snapshot()
    r = kaohe(command, "import", path)
    assert_refused(r, "只有表头.xlsx", "工作表“名册”", "没有任何数据行")
    assert snapshot() == before


def _not_a_workbook(kind: str, path: Path) -> Path:
    if kind == "docx":
        return docx(path)
    if kind == "txt":
        path.write_text("编号,名称,1.1\nFR01,东风,18\n", encoding="utf-8")
    elif kind == "empty-file":
        path.write_bytes(b"")
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "not a workbook")
    return path


NOT_WORKBOOKS = [
    pytest.param("docx", ["Word 文档"], id="docx"),
    pytest.param("txt", ["文本文件"], id="txt"),
    pytest.param("empty-file", ["0 字节"], id="zero-bytes"),
    pytest.param("zip", ["没有工作簿"], id="other-zip"),
]


@pytest.mark.parametrize("kind, words", NOT_WORKBOOKS)
def test_score_import_of_a_file_that_is_not_a_workbook(kaohe, scored, tmp_path, snapshot,
                                                       kind, words):
    path = _not_a_workbook(kind, tmp_path / "评分表.xlsx")
    before = snapshot()
    r = kaohe("scores", "import", scored.id, path, "--assessor", "李四")
    assert_refused(r, "评分表.xlsx", *words)
    assert snapshot() == before


@pytest.mark.parametrize("command", ["unit", "staff"])
@pytest.mark.parametrize("kind, words", NOT_WORKBOOKS)
def test_roster_import_of_a_file_that_is_not_a_workbook(kaohe, units4, tmp_path, snapshot,
                                                        command, kind, words):
    path = _not_a_workbook(kind, tmp_path / "名册.xlsx")
    before = snapshot()
    r = kaohe(command, "import", path)
    assert_refused(r, "名册.xlsx", *words)
    assert snapshot() == before


def test_missing_workbook_file(kaohe, scored, tmp_path, snapshot):
    before = snapshot()
    r = kaohe("scores", "import", scored.id, tmp_path / "没有这个文件.xlsx", "--assessor", "李四")
    assert_refused(r, "没有这个文件.xlsx", "不存在")
    assert snapshot() == before


# ----------------------------------------------------------------------------- scores set


@pytest.mark.parametrize("subject, item, value, named, words", [
    pytest.param("FR01", "1.1", "20.5", "20.5", ["1.1", "超过满分 20", "0～20"], id="above-max"),
    pytest.param("FR01", "1.2.1", "-0.5", "-0.5", ["1.2.1", "负", "0～2"], id="negative"),
    pytest.param("FR01", "1.1", "十八", "十八", ["1.1", "不是数字", "0～20"], id="text"),
    pytest.param("FR01", "9.9", "1", "9.9", ["没有项目 9.9"], id="unknown-item"),
    pytest.param("FR01", "1.2", "5", "1.2", ["合计项"], id="parent-item"),
    pytest.param("FR99", "1.1", "18", "FR99", ["不在本次考核中"], id="unknown-subject"),
])
def test_scores_set_refused(kaohe, scored, snapshot, subject, item, value, named, words):
    before, seen = snapshot(), state(kaohe, scored.id)
    r = kaohe("scores", "set", scored.id, subject, item, value, "--assessor", "李四")
    assert_refused(r, f"值“{named}”", *words)
    assert snapshot() == before
    assert state(kaohe, scored.id) == seen


def test_scores_for_an_assessment_that_does_not_exist(kaohe, scored, snapshot):
    before = snapshot()
    r = kaohe("scores", "set", 99, "FR01", "1.1", "18", "--assessor", "张三")
    assert_refused(r, "99", "没有编号为 99 的考核")
    assert snapshot() == before


# ----------------------------------------------------------------------------- events


@pytest.mark.parametrize("subject, rule, amount, words", [
    pytest.param("FR01", "B2", "6", ["B2", "6", "1～5"], id="bonus-above-rule"),
    pytest.param("FR01", "B2", "0", ["B2", "0", "1～5"], id="bonus-zero"),
    pytest.param("FR01", "B1", "2.5", ["B1", "2.5", "1～5（步长 1）"], id="bonus-off-step"),
    pytest.param("FR01", "D1", "2", ["D1", "2", "1、3、5"], id="deduction-not-in-set"),
    pytest.param("FR01", "D3", "-10", ["D3", "-10", "10"], id="deduction-negative"),
    pytest.param("FR01", "B1", "三分", ["B1", "三分", "不是数字"], id="text"),
    pytest.param("FR01", "B9", "3", ["B9", "没有加减分规则", "B1"], id="unknown-rule"),
    pytest.param("FR99", "B2", "3", ["FR99", "不在本次考核中"], id="unknown-subject"),
])
def test_event_amount_refused(kaohe, scored, snapshot, subject, rule, amount, words):
    before, seen = snapshot(), state(kaohe, scored.id)
    r = kaohe("event", "add", scored.id, subject, rule, amount, "--matter", "某事项",
              "--note", "说明")
    assert_refused(r, *words)
    if subject == "FR01" and rule != "B9" and amount != "三分":
        assert "允许" in r.err, r.err  # the allowed amounts are spelled out
    assert snapshot() == before
    assert state(kaohe, scored.id) == seen


def test_event_with_a_bad_date(kaohe, scored, snapshot):
    before = snapshot()
    r = kaohe("event", "add", scored.id, "FR01", "B2", "3", "--date", "2024/06/18")
    assert_refused(r, "2024/06/18", "YYYY-MM-DD")
    assert snapshot() == before


# ----------------------------------------------------------------------------- rubrics


def _exported(kaohe, tmp_path: Path) -> dict:
    path = tmp_path / "cy.json"
    kaohe.ok("rubric", "export", "CY2019", path)
    return json.loads(path.read_text(encoding="utf-8"))


def _find(items: list[dict], code: str) -> dict:
    for item in items:
        if item["code"] == code:
            return item
        found = _find(item.get("children") or [], code) if item.get("children") else None
        if found:
            return found
    return {}


def test_rubric_whose_parent_does_not_add_up(kaohe, tmp_path, snapshot):
    raw = _exported(kaohe, tmp_path)
    _find(raw["items"], "1.2.5")["max"] = 4  # 1.2 stays 10; its children now add up to 11
    path = tmp_path / "改坏的细则.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before, versions = snapshot(), kaohe.json("rubric", "list", "--all")
    r = kaohe("rubric", "import", path)
    assert_refused(r, "改坏的细则.json", "1.2", "10", "11", "不符")
    assert snapshot() == before
    assert kaohe.json("rubric", "list", "--all") == versions


def test_rubric_whose_rule_exceeds_the_section_cap(kaohe, tmp_path, snapshot):
    raw = _exported(kaohe, tmp_path)
    b3 = next(r for r in raw["bonus"]["rules"] if r["code"] == "B3")
    b3["max"] = 12  # the bonus section is capped at 10
    path = tmp_path / "封顶.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    r = kaohe("rubric", "import", path)
    assert_refused(r, "封顶.json", "B3", "12", "封顶 10")
    assert snapshot() == before


def test_rubric_with_a_negative_cap(kaohe, tmp_path, snapshot):
    raw = _exported(kaohe, tmp_path)
    raw["deduction"] = {"title": "减分", "cap": -5, "rules": []}
    path = tmp_path / "负封顶.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    r = kaohe("rubric", "import", path)
    assert_refused(r, "负封顶.json", "-5", "封顶分不能为负")
    assert snapshot() == before


def test_rubric_file_that_is_not_json(kaohe, tmp_path, snapshot):
    kaohe.ok("rubric", "list")  # the database exists before the snapshot
    path = tmp_path / "细则.json"
    path.write_text("{ 这不是 JSON", encoding="utf-8")
    before = snapshot()
    r = kaohe("rubric", "import", path)
    assert_refused(r, "细则.json", "JSON")
    assert snapshot() == before


# ----------------------------------------------------------------------------- rosters


@pytest.mark.parametrize("command, header, missing", [
    pytest.param("unit", ["编号", "所属街道", "电话", "备注"], "名称", id="unit-without-名称"),
    pytest.param("unit", ["单位名称", "所属街道", "电话"], "编号", id="unit-without-编号"),
    pytest.param("staff", ["编号", "姓名", "岗位", "考勤号"], "所属单位", id="staff-without-unit"),
    pytest.param("staff", ["工号", "所属单位", "岗位"], "姓名", id="staff-without-姓名"),
])
def test_roster_missing_required_column(kaohe, units4, tmp_path, books, snapshot,
                                        command, header, missing):
    path = books.write_rows(tmp_path / "缺列名册.xlsx", [
        header,
        ["X1", "某某", "芙蓉街道", "0731-1"][:len(header)],
    ], title="名册")
    before = snapshot()
    r = kaohe(command, "import", path)
    assert_refused(r, "缺列名册.xlsx", "工作表“名册”", "第 1 行", f"缺少必需的列“{missing}”")
    assert snapshot() == before


def test_staff_import_with_an_unknown_unit(kaohe, units4, tmp_path, books, snapshot, rows_in):
    path = books.write_rows(tmp_path / "人员名册.xlsx", [
        ["序号", "工号", "姓名", "所属单位", "岗位", "考勤号", "电话"],
        [1, "P001", "王伟", "FR01", "站长", "0101", "13800000001"],
        [2, "P002", "李娜", "东风社区便民服务站", "窗口受理员", "0102", "13800000002"],
        [3, "P003", "张敏", "不存在的服务站", "代办员", "0103", "13800000003"],
    ], title="人员")
    before = snapshot()
    r = kaohe("staff", "import", path)
    assert_refused(r, "人员名册.xlsx", "工作表“人员”", "第 4 行", "列“D”", "值“不存在的服务站”",
                   "没有这个单位")
    assert snapshot() == before
    assert rows_in("staff") == 0  # the two good rows were not written either


def test_unit_import_with_a_bad_row_writes_nothing(kaohe, units4, tmp_path, books, snapshot):
    path = books.write_rows(tmp_path / "单位名册.xlsx", [
        ["编号", "名称", "所属街道", "电话"],
        ["FR09", "金桥社区便民服务站", "芙蓉街道", "0731-88886666"],
        ["FR10", "", "芙蓉街道", "0731-88886667"],
    ], title="单位")
    before = snapshot()
    r = kaohe("unit", "import", path)
    assert_refused(r, "单位名册.xlsx", "工作表“单位”", "第 3 行", "列“B”", "名称", "不能为空")
    assert snapshot() == before


def test_unit_import_with_a_code_given_twice(kaohe, units4, tmp_path, books, snapshot):
    path = books.write_rows(tmp_path / "单位名册.xlsx", [
        ["编号", "名称", "所属街道"],
        ["FR09", "金桥社区便民服务站", "芙蓉街道"],
        ["FR09", "南湖社区便民服务站", "芙蓉街道"],
    ], title="单位")
    before = snapshot()
    r = kaohe("unit", "import", path)
    assert_refused(r, "单位名册.xlsx", "第 3 行", "列“A”", "值“FR09”", "第 2 行", "重复")
    assert snapshot() == before


def test_staff_add_to_an_unknown_unit(kaohe, units4, snapshot):
    before = snapshot()
    r = kaohe("staff", "add", "王伟", "--unit", "FR99")
    assert_refused(r, "FR99", "没有这个单位")
    assert snapshot() == before


# ----------------------------------------------------------------------------- locked periods


@pytest.fixture(params=["approve", "publish"])
def locked(request, kaohe, scored):
    for row in kaohe.json("rank", scored.id):  # partly scored: the rest do not take part
        if not row["complete"]:
            kaohe.ok("subject", "exclude", scored.id, row["subject_code"], "--reason", "测试：未评完")
    kaohe.ok("review", scored.id, "submit")
    kaohe.ok("review", scored.id, "approve")
    if request.param == "publish":
        kaohe.ok("review", scored.id, "publish")
    return scored


def test_locked_assessment_refuses_scores_set(kaohe, locked, snapshot):
    before, seen = snapshot(), state(kaohe, locked.id)
    r = kaohe("scores", "set", locked.id, "FR01", "1.1", "15", "--assessor", "张三")
    assert_refused(r, f"考核 {locked.id}", "已锁定", "重新打开")
    assert snapshot() == before
    assert state(kaohe, locked.id) == seen


def test_locked_assessment_refuses_scores_import(kaohe, locked, template, tmp_path, books,
                                                 snapshot):
    path = books.fill_template(template, tmp_path / "锁定后导入.xlsx", {("FR01", "1.1"): 10})
    before = snapshot()
    r = kaohe("scores", "import", locked.id, path, "--assessor", "张三")
    assert_refused(r, f"考核 {locked.id}", "已锁定")
    assert snapshot() == before
    assert "锁定后导入.xlsx" in r.err, f"the refused file is not named: {r.err!r}"


def test_locked_assessment_refuses_events(kaohe, locked, snapshot):
    before = snapshot()
    r = kaohe("event", "add", locked.id, "FR01", "B1", "2", "--matter", "锁定后申报")
    assert_refused(r, f"考核 {locked.id}", "已锁定")
    assert snapshot() == before


def test_locked_assessment_refuses_groups_and_weights(kaohe, locked, snapshot):
    before = snapshot()
    assert_refused(kaohe("assessment", "group", locked.id, "第二组:上级"), "已锁定")
    assert_refused(kaohe("assessment", "weight", locked.id, "上级=0.5"), "已锁定")
    assert snapshot() == before


def test_reopen_without_a_reason(kaohe, locked, snapshot):
    before = snapshot()
    r = kaohe("review", locked.id, "reopen")
    assert_refused(r, "--reason", "理由")
    assert snapshot() == before


def test_review_step_out_of_order(kaohe, small, snapshot):
    before = snapshot()
    r = kaohe("review", small.id, "publish")
    assert_refused(r, "草稿", "不能公示")
    assert snapshot() == before


# ----------------------------------------------------------------------------- assessment create


@pytest.mark.parametrize("args, words", [
    pytest.param(["--period", "2024-13"], ["2024-13", "2024-Q1"], id="bad-month"),
    pytest.param(["--period", "2024-Q5"], ["2024-Q5"], id="bad-quarter"),
    pytest.param(["--from", "2024-03-01", "--to", "2024-02-01"], ["早于"], id="to-before-from"),
    pytest.param(["--from", "2024-03-01"], ["--period", "--from"], id="from-without-to"),
    pytest.param(["--period", "2024", "--from", "2024-01-01", "--to", "2024-02-01"],
                 ["只能选一种"], id="both-forms"),
    pytest.param(["--period", "2024", "--rubric", "NOPE"], ["NOPE", "没有这套考核细则"],
                 id="unknown-rubric"),
    pytest.param(["--period", "2024", "--subjects", "staff"], ["--subjects units"],
                 id="wrong-subject-kind"),
    pytest.param(["--period", "2024", "--subjects", "FR01,FR77"], ["FR77"],
                 id="unknown-subject"),
    pytest.param(["--period", "2024", "--group", "甲:上级", "--weight", "上级=abc"],
                 ["上级=abc", "权重"], id="bad-weight"),
    pytest.param(["--period", "2024", "--group", "甲:上级", "--group", "乙:自评",
                  "--weight", "上级=0.8"], ["自评", "每个角色都要有权重"], id="weight-missing"),
])
def test_assessment_create_refused(kaohe, units4, snapshot, args, words):
    before = snapshot()
    argv = ["assessment", "create", *(["--rubric", "CY2019"] if "--rubric" not in args else []),
            *args]
    r = kaohe(*argv)
    assert_refused(r, *words)
    assert snapshot() == before


def test_demo_into_a_database_that_has_data(kaohe, units4, snapshot):
    before = snapshot()
    r = kaohe("demo")
    assert_refused(r, "空数据库")
    assert snapshot() == before
