"""Issue 12, through the command line as an office would use it: nothing is concluded
from missing data, derived items belong to their source, and an administrator's marks
(不参评, 不适用, 更正) are recorded and shown.

The reproduction of the issue: a monthly VILLAGE-ATT staff assessment with attendance for
only some people; one person scored only on attendance used to go through submit and
approval and get three notices.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from kaohe_desktop.domain.workcalendar import is_workday

JUNE = [date(2024, 6, 1) + timedelta(days=n) for n in range(30)]


def attlog(path: Path, numbers: list[str]) -> Path:
    """A ZKTeco attlog.dat: on time every workday of June 2024 for these 考勤号."""
    lines = []
    for day in JUNE:
        if not is_workday(day):
            continue
        for no in numbers:
            lines.append(f"{no:>9}\t{day} 08:51:07\t1\t0\t1\t0")
            lines.append(f"{no:>9}\t{day} 17:42:30\t1\t0\t1\t0")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path


def month_with_partial_attendance(kaohe, tmp_path: Path) -> int:
    kaohe.ok("unit", "add", "东风社区便民服务站", "--code", "U1", "--area", "测试街道")
    for code, name, no in (("P1", "王芳", "101"), ("P2", "李强", "102"), ("P3", "张敏", "103")):
        kaohe.ok("staff", "add", name, "--unit", "U1", "--code", code, "--attendance-no", no)
    aid = _create(kaohe)
    kaohe.ok("attendance", "import", attlog(tmp_path / "attlog.dat", ["101", "102"]))
    for code in ("P1", "P3"):  # P2 is scored only on attendance; P3 has no attendance
        for item, value in (("2", 18), ("3", 27), ("4", 18)):
            kaohe.ok("scores", "set", aid, code, item, value, "--assessor", "周站长")
    return aid


def _create(kaohe) -> int:
    out = kaohe.json("assessment", "create", "--rubric", "VILLAGE-ATT", "--period", "2024-06",
                     "--subjects", "staff", "--group", "站长评分:上级")
    return out["id"]


def test_a_person_scored_only_on_attendance_gets_no_grade_and_submit_is_refused(kaohe, tmp_path):
    aid = month_with_partial_attendance(kaohe, tmp_path)
    rows = {r["subject_code"]: r for r in kaohe.json("rank", aid)}
    assert rows["P1"]["complete"] is True and rows["P1"]["missing"] == []
    assert rows["P1"]["grade"] == "优秀" and rows["P1"]["rank"] == 1
    assert rows["P1"]["items"]["1"] == 30  # from the punches: never late, never early
    p2 = rows["P2"]
    assert p2["complete"] is False and p2["grade"] is None and p2["rank"] is None
    assert p2["missing"] == ["站长评分/周站长：2、3、4"]
    p3 = rows["P3"]
    assert p3["complete"] is False and p3["grade"] is None and p3["rank"] is None
    assert p3["missing"] == ["数据折算：1 尚无数据"]
    assert [r["excluded"] for r in rows.values()] == [False, False, False]

    table = {r["subject_code"]: r for r in kaohe.json("ranking", aid)}
    assert table["P2"]["complete"] is False and table["P2"]["grade"] is None
    assert table["P2"]["missing"] == p2["missing"] and table["P1"]["rank"] == 1

    refused = kaohe("review", aid, "submit")
    assert refused.code == 2
    assert "P2 李强 未评完：站长评分/周站长：2、3、4" in refused.err
    assert "P3 张敏 未评完：数据折算：1 尚无数据" in refused.err
    assert kaohe.json("assessment", "show", aid)["state"] == "draft"

    text = kaohe.ok("rank", aid).out  # the table says why, not a grade
    assert "待定" in text and "2 个对象未评完" in text


def test_excluding_and_finishing_lets_the_assessment_through(kaohe, tmp_path):
    aid = month_with_partial_attendance(kaohe, tmp_path)
    assert kaohe("subject", "exclude", aid, "P3").code == 2  # a reason is required
    kaohe.ok("subject", "exclude", aid, "P3", "--reason", "6月长期病假，不参加本月考核")
    for item, value in (("2", 15), ("3", 20), ("4", 15)):
        kaohe.ok("scores", "set", aid, "P2", item, value, "--assessor", "周站长")
    rows = {r["subject_code"]: r for r in kaohe.json("rank", aid)}
    assert rows["P3"]["excluded"] is True and rows["P3"]["grade"] is None
    assert rows["P3"]["exclude_reason"] == "6月长期病假，不参加本月考核"
    assert [rows["P1"]["rank"], rows["P2"]["rank"]] == [1, 2]
    assert "不参评：6月长期病假" in kaohe.ok("rank", aid).out
    kaohe.ok("review", aid, "submit")
    assert kaohe.json("assessment", "show", aid)["state"] == "submitted"


def test_a_typed_value_never_averages_with_the_derived_one(kaohe, tmp_path):
    aid = month_with_partial_attendance(kaohe, tmp_path)
    refused = kaohe("scores", "set", aid, "P1", "1", 26.5, "--assessor", "周站长")
    assert refused.code == 2 and "取自考勤数据，不能手工录入" in refused.err
    assert kaohe("scores", "set", aid, "P1", "1", 26.5, "--assessor", "管理员",
                 "--override").code == 2  # no reason
    kaohe.ok("scores", "set", aid, "P1", "1", 26.5, "--assessor", "管理员", "--override",
             "--reason", "考勤机6月12日故障，按纸质登记更正")
    [p1] = [r for r in kaohe.json("rank", aid) if r["subject_code"] == "P1"]
    assert p1["items"]["1"] == 26.5  # replaced, not averaged with the derived 30
    assert p1["overridden"] == ["1"] and p1["total"] == 89.5 and p1["grade"] == "良好"
    assert "1 为管理员更正值" in kaohe.ok("rank", aid).out
    # the same refusal in a score workbook: the derived column is refused, nothing written
    book = tmp_path / "sheet.xlsx"
    kaohe.ok("scores", "template", aid, book)
    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb.active
    heads = [str(c.value) for c in ws[2]]
    row = next(n for n in range(3, ws.max_row + 1) if ws.cell(n, 1).value == "P1")
    if any(h.startswith("1 ") for h in heads):  # a template may leave the derived item out
        ws.cell(row, next(n for n, h in enumerate(heads, 1) if h.startswith("1 ")), 20)
    else:
        ws.cell(2, ws.max_column + 1, "1 工作时间考核")
        ws.cell(row, ws.max_column, 20)
    wb.save(book)
    before = json.dumps(kaohe.json("rank", aid), sort_keys=True)
    bad = kaohe("scores", "import", aid, book, "--assessor", "周站长")
    assert bad.code == 2 and "取自考勤数据" in bad.err
    assert json.dumps(kaohe.json("rank", aid), sort_keys=True) == before
