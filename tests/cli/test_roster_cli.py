"""`kaohe staff … --head`, `kaohe staff head`: the unit's 负责人 from the command line,
in-process on a real SQLite file and real workbooks."""

from __future__ import annotations

from openpyxl import load_workbook


def heads(kaohe) -> dict[str, str]:
    return {p["unit_code"]: p["code"] for p in kaohe.json("staff", "list", "--all") if p["head"]}


def refused(r, *words: str) -> None:
    assert r.code == 2 and r.out == "" and "Traceback" not in r.err, r
    for word in words:
        assert word in r.err, r.err


def test_mark_move_and_clear_the_head(kaohe, units4, snapshot):
    kaohe.ok("staff", "add", "王伟", "--unit", "FR01", "--code", "P1", "--post", "站长")
    r = kaohe.ok("staff", "add", "李娜", "--unit", "FR01", "--code", "P2", "--head")
    assert "已标为 东风社区便民服务站 的负责人" in r.out and "原负责人" not in r.out
    listed = {p["code"]: p["head"] for p in kaohe.json("staff", "list")}
    assert listed == {"P1": False, "P2": True}
    assert "负责人" in kaohe.ok("staff", "list").out.splitlines()[1]
    r = kaohe.ok("staff", "head", "P1")
    assert "已标为 东风社区便民服务站 的负责人：P1 王伟" in r.out
    assert "原负责人 P2 李娜 的标记已取消" in r.out
    assert heads(kaohe) == {"FR01": "P1"}
    r = kaohe.ok("staff", "add", "张敏", "--unit", "FR01", "--code", "P3", "--head")
    assert "原负责人 P1 王伟 的标记已取消" in r.out and heads(kaohe) == {"FR01": "P3"}
    kaohe.ok("staff", "head", "P3", "--off")
    assert heads(kaohe) == {}

    before = snapshot()
    refused(kaohe("staff", "head", "P404"), "没有这个人员", "P404")
    assert snapshot() == before
    kaohe.ok("staff", "head", "P1")
    before = snapshot()
    refused(kaohe("staff", "add", "赵强", "--unit", "FR404", "--head"), "没有这个单位")
    assert snapshot() == before  # nothing written on refusal


def test_import_and_export_carry_the_head_column(kaohe, units4, books, tmp_path, snapshot):
    kaohe.ok("staff", "add", "王伟", "--unit", "FR01", "--code", "P1", "--head")
    bad = books.write_rows(tmp_path / "人员名册.xlsx", [
        ["工号", "姓名", "所属单位", "负责人"],
        ["P2", "李娜", "FR02", "是"],
        ["P3", "张敏", "FR02", "√"],
        ["P4", "赵强", "FR03", "也许"]])
    before = snapshot()
    r = kaohe("staff", "import", bad)
    refused(r, "人员名册.xlsx", "第 3 行", "列“D”", "同一单位只能有一名负责人", "第 4 行", "值“也许”",
            "负责人一栏只能填 是 或 否")
    assert snapshot() == before
    good = books.write_rows(tmp_path / "人员名册2.xlsx", [
        ["工号", "姓名", "所属单位", "负责人"],
        ["P2", "李娜", "FR01", "1"],  # takes FR01's mark from 王伟
        ["P3", "张敏", "FR02", ""]])
    kaohe.ok("staff", "import", good)
    assert heads(kaohe) == {"FR01": "P2"}
    out = tmp_path / "导出.xlsx"
    kaohe.ok("staff", "export", out)
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    marks = {row[0]: row[header.index("负责人")] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert marks == {"P1": "否", "P2": "是", "P3": "否"}
    assert "新增 0" in kaohe.ok("staff", "import", out).out
    assert heads(kaohe) == {"FR01": "P2"}


def test_a_rare_name_goes_through_the_roster_workbook_whole(kaohe, tmp_path):
    """A name with CJK Extension B and G characters leaves in an export and comes back
    from an import as the very same text (workbooks hold text, the font is the reader's)."""
    kaohe.ok("demo")
    name = "王\U00020BB7\U00030000"
    kaohe.ok("staff", "add", name, "--unit", "FR01", "--code", "R01")
    book = tmp_path / "人员.xlsx"
    kaohe.ok("staff", "export", str(book))
    ws = load_workbook(book).active
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "R01")
    assert row[1] == name
    kaohe.ok("staff", "import", str(book))  # the file as exported: nothing changes
    assert next(p for p in kaohe.json("staff", "list") if p["code"] == "R01")["name"] == name
