"""The command line's happy paths, run in-process on real SQLite files and real .xlsx
workbooks. The ranking is checked against an independent computation done here with
exact fractions from the numbers the test wrote into the workbooks."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import defaultdict
from fractions import Fraction
from itertools import pairwise

import pytest
from openpyxl import load_workbook

from kaohe_desktop import __version__
from kaohe_desktop.services.rubrics import BUILTIN_CODES

RANK_KEYS = {"subject_code", "subject_name", "base", "bonus", "deduction", "total", "rank",
             "grade", "items"}
CY_GRADES = [(90, "优秀"), (80, "良好"), (60, "合格"), (0, "不合格")]


def new_id(r) -> int:
    """`assessment create` prints the new assessment's id as the first line."""
    first = r.out.strip().splitlines()[0]
    assert first.isdigit(), r.out
    return int(first)


# ----------------------------------------------------------------------------- the independent sums


def half_up(x: Fraction) -> Fraction:
    """Round half up to 2 decimals (x ≥ 0 here, totals and items are never negative)."""
    assert x >= 0
    return Fraction(int(x * 100 + Fraction(1, 2)), 100)


def num(x: object) -> Fraction:
    """A number from the JSON output (int or float) as the exact decimal it prints as."""
    assert isinstance(x, int | float) and not isinstance(x, bool), x
    return Fraction(str(x))


def tree(kaohe) -> tuple[list[dict], list[dict]]:
    """(top-level items, leaves) of CY2019 from `kaohe rubric show CY2019 --json`."""
    raw = kaohe.json("rubric", "show", "CY2019")
    leaves = []

    def walk(items):
        for i in items:
            if i.get("children"):
                walk(i["children"])
            else:
                leaves.append(i)

    walk(raw["items"])
    return raw["items"], leaves


def section(events: list[tuple[str, int, str]], codes: set[str], cap: int) -> Fraction:
    """同一事项取最高: each matter once at its highest; no matter = a matter of its own;
    then the cap."""
    best: dict[object, int] = {}
    for n, (rule, amount, matter) in enumerate(events):
        if rule not in codes:
            continue
        key = ("m", matter) if matter else ("e", n)
        best[key] = max(best.get(key, 0), amount)
    return Fraction(min(sum(best.values()), cap))


def _score(item: dict, values: dict[str, list[Fraction]], items: dict[str, Fraction]) -> Fraction:
    """A leaf: the mean of the values given (0 when none), rounded half up to 2 decimals
    once (README 计分规则); a parent: the sum of its children's shown scores.
    Every item's score goes into `items`."""
    if item.get("children"):
        value = sum((_score(c, values, items) for c in item["children"]), Fraction(0))
    else:
        got = values.get(item["code"], [])
        value = half_up(sum(got, Fraction(0)) / len(got)) if got else Fraction(0)
    items[item["code"]] = value
    return value


def expected_ranking(top: list[dict], names: dict[str, str],
                     sheets: dict[str, dict[tuple[str, str], float]],
                     events: dict[str, list[tuple[str, int, str]]]) -> list[dict]:
    """What `kaohe rank --json` must say: per item the mean over the assessors who scored
    it rounded half up once, parents the sum of children, base the sum of the top items, bonus/deduction each
    matter once at its highest and capped at 10, totals rounded half up to 2 decimals,
    competition ranks (1, 2, 2, 4) on the rounded total, ties by code, CY2019 grades."""
    rows = []
    for code, name in names.items():
        values: dict[str, list[Fraction]] = defaultdict(list)
        for sheet in sheets.values():
            for (subject, item), v in sheet.items():
                if subject == code:
                    values[item].append(Fraction(str(v)))
        items: dict[str, Fraction] = {}
        base = sum((_score(i, values, items) for i in top), Fraction(0))
        ev = events.get(code, [])
        bonus = section(ev, {"B1", "B2", "B3"}, 10)
        deduction = section(ev, {"D1", "D2", "D3"}, 10)
        total = base + bonus - deduction
        shown_total = half_up(total)
        rows.append({"subject_code": code, "subject_name": name, "base": half_up(base),
                     "bonus": half_up(bonus), "deduction": half_up(deduction),
                     "total": shown_total,
                     "grade": next(g for low, g in CY_GRADES if shown_total >= low),
                     "items": {c: half_up(v) for c, v in items.items()}})
    rows.sort(key=lambda r: (-r["total"], r["subject_code"]))
    for position, row in enumerate(rows, start=1):
        same = [r for r in rows if r["total"] == row["total"]]
        row["rank"] = position if same[0] is row else same[0]["rank"]
    return rows


def assert_ranking(got: list[dict], want: list[dict]) -> None:
    assert [r["subject_code"] for r in got] == [r["subject_code"] for r in want]
    for g, w in zip(got, want, strict=True):
        assert set(g) >= RANK_KEYS, set(g)
        where = g["subject_code"]
        assert g["subject_name"] == w["subject_name"], where
        assert (g["rank"], g["grade"]) == (w["rank"], w["grade"]), where
        for key in ("base", "bonus", "deduction", "total"):
            assert num(g[key]) == w[key], (where, key, g[key], float(w[key]))
        assert set(g["items"]) == set(w["items"]), where
        for code, value in w["items"].items():
            assert num(g["items"][code]) == value, (where, code, g["items"][code], float(value))


# ----------------------------------------------------------------------------- smoke


def test_version_through_python_dash_m():
    r = subprocess.run([sys.executable, "-m", "kaohe_desktop", "--version"],
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"kaohe {__version__}"
    assert "Traceback" not in r.stderr


def test_version_in_process(kaohe):
    r = kaohe("--version")
    assert r.code == 0 and __version__ in r.out


# ----------------------------------------------------------------------------- demo


def test_demo_then_rank(kaohe):
    r = kaohe.ok("demo")
    assert "12 个便民服务站" in r.out and "60 名工作人员" in r.out
    year = int(re.search(r"年度考核编号 (\d+)", r.out)[1])

    units = kaohe.json("unit", "list")
    assert len(units) == 12 and {u["area"] for u in units} == {"芙蓉街道"}
    assert len(kaohe.json("staff", "list")) == 60

    ranking = kaohe.json("rank", year)
    assert len(ranking) == 12
    assert {r["subject_code"] for r in ranking} == {u["code"] for u in units}
    for row in ranking:
        assert set(row) >= RANK_KEYS, set(row)
        assert isinstance(row["items"], dict) and "1.1" in row["items"] and "3.3" in row["items"]
        assert all(isinstance(v, int | float) for v in row["items"].values())
        base, bonus, ded, total = (num(row[k]) for k in ("base", "bonus", "deduction", "total"))
        assert abs(base + bonus - ded - total) <= Fraction(1, 100)  # each rounded on its own
        top_items = sum((num(row["items"][c]) for c in ("1", "2", "3")), Fraction(0))
        assert abs(base - top_items) <= Fraction(2, 100)  # the three rounded on their own
        assert 0 <= bonus <= 10 and 0 <= ded <= 10
        assert row["grade"] == next(g for low, g in CY_GRADES if total >= low)
    # competition ranks on the shown total, best first, ties by code
    totals = [num(r["total"]) for r in ranking]
    assert totals == sorted(totals, reverse=True)
    assert ranking[0]["rank"] == 1
    for row in ranking:
        assert row["rank"] == 1 + sum(t > num(row["total"]) for t in totals)
    for a, b in pairwise(ranking):
        if a["total"] == b["total"]:
            assert a["subject_code"] < b["subject_code"]
    # the demo's events: FR02's two claims are one matter (B2 3, B1 5) → 5
    by_code = {r["subject_code"]: r for r in ranking}
    assert by_code["FR02"]["bonus"] == 5
    assert by_code["FR05"]["bonus"] == 6
    assert by_code["FR09"]["deduction"] == 3 and by_code["FR11"]["deduction"] == 1

    text = kaohe.ok("rank", year).out.splitlines()
    assert "名次" in text[0] and "总分" in text[0] and len(text) == 13
    assert "光明社区便民服务站" in kaohe.ok("rank", year).out


# ----------------------------------------------------------------------------- rubrics


def test_rubric_list_and_show(kaohe):
    listed = kaohe.json("rubric", "list")
    assert {r["code"] for r in listed} == set(BUILTIN_CODES)
    cy = next(r for r in listed if r["code"] == "CY2019")
    assert (cy["version"], cy["leaves"], cy["subject_kind"]) == (1, 35, "unit")
    text = kaohe.ok("rubric", "list").out
    assert "CY2019" in text and "WINDOW-STAFF" in text

    shown = kaohe.ok("rubric", "show", "CY2019").out
    assert "CY2019 第 1 版" in shown and "满分 100" in shown
    assert "1.1 能够正常运转，对外办公" in shown
    assert "封顶 10 分" in shown and "同一事项取最高" in shown and "B2" in shown
    assert "优秀≥90" in shown and "不合格≥0" in shown
    raw = kaohe.json("rubric", "show", "CY2019")
    assert raw["code"] == "CY2019" and raw["full_marks"] == 100
    assert raw["bonus"]["cap"] == 10 and raw["deduction"]["cap"] == 10


def test_rubric_export_import_round_trip(kaohe, tmp_path, snapshot):
    path = tmp_path / "cy.json"
    assert str(path) in kaohe.ok("rubric", "export", "CY2019", path).out
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported == kaohe.json("rubric", "show", "CY2019")

    # an unchanged rubric adds no version
    before = snapshot()
    r = kaohe.ok("rubric", "import", path)
    assert "未作改动" in r.out
    assert snapshot() == before
    versions = [r for r in kaohe.json("rubric", "list", "--all") if r["code"] == "CY2019"]
    assert [v["version"] for v in versions] == [1]

    # a changed one becomes version 2; version 1 stays as it was
    changed = json.loads(path.read_text(encoding="utf-8"))
    changed["items"][0]["children"][0]["title"] = "能够正常运转，按时对外办公"
    changed["bonus"]["rules"][0]["max"] = 4
    path2 = tmp_path / "cy-v2.json"
    path2.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    r = kaohe.ok("rubric", "import", path2)
    assert "CY2019 第 2 版" in r.out
    versions = [r for r in kaohe.json("rubric", "list", "--all") if r["code"] == "CY2019"]
    assert [v["version"] for v in versions] == [1, 2]
    assert [r["version"] for r in kaohe.json("rubric", "list") if r["code"] == "CY2019"] == [2]
    v2 = kaohe.json("rubric", "show", "CY2019")
    assert v2["version"] == 2 and v2["items"][0]["children"][0]["title"].endswith("按时对外办公")
    assert v2["bonus"]["rules"][0]["max"] == 4
    v1 = kaohe.json("rubric", "show", "CY2019", "--version", "1")
    assert v1 == exported

    # importing the changed file again adds nothing; exporting version 2 round-trips too
    assert "未作改动" in kaohe.ok("rubric", "import", path2).out
    path3 = tmp_path / "cy-v2-export.json"
    kaohe.ok("rubric", "export", "CY2019", path3)
    assert "未作改动" in kaohe.ok("rubric", "import", path3).out
    assert len([r for r in kaohe.json("rubric", "list", "--all") if r["code"] == "CY2019"]) == 2

    # a brand-new rubric
    new = {**exported, "code": "CY2019-SQ", "name": "社区便民服务站季度考核", "version": 1}
    path4 = tmp_path / "sq.json"
    path4.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    assert "CY2019-SQ 第 1 版" in kaohe.ok("rubric", "import", path4).out
    assert "CY2019-SQ" in {r["code"] for r in kaohe.json("rubric", "list")}


def test_new_assessments_use_the_newest_rubric_version(kaohe, units4, tmp_path):
    old = new_id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                          "--subjects", "units"))
    path = tmp_path / "cy.json"
    kaohe.ok("rubric", "export", "CY2019", path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["name"] = "2019年社区便民服务站管理考核办法（修订）"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    kaohe.ok("rubric", "import", path)
    new = new_id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2025",
                          "--subjects", "units"))
    assert kaohe.json("assessment", "show", old)["version"] == 1
    assert kaohe.json("assessment", "show", new)["version"] == 2


# ----------------------------------------------------------------------------- roster


def test_unit_and_staff_add_and_list(kaohe):
    r = kaohe.ok("unit", "add", "东风社区便民服务站", "--code", "FR01", "--area", "芙蓉街道",
                 "--phone", "0731-88880001", "--address", "东风社区服务中心一楼")
    assert "FR01" in r.out
    kaohe.ok("unit", "add", "城关村便民服务室", "--code", "CG01", "--area", "城关镇",
             "--kind", "村便民服务室")
    units = {u["code"]: u for u in kaohe.json("unit", "list")}
    assert units["FR01"]["name"] == "东风社区便民服务站"
    assert (units["FR01"]["area"], units["FR01"]["kind"], units["FR01"]["phone"],
            units["FR01"]["address"]) == ("芙蓉街道", "社区便民服务站", "0731-88880001",
                                          "东风社区服务中心一楼")
    assert (units["CG01"]["area"], units["CG01"]["kind"]) == ("城关镇", "村便民服务室")
    assert [u["code"] for u in kaohe.json("unit", "list", "--area", "城关镇")] == ["CG01"]
    assert "共 2 个单位" in kaohe.ok("unit", "list").out

    r = kaohe.ok("staff", "add", "王伟", "--unit", "FR01", "--code", "P001", "--post", "站长",
                 "--attendance-no", "0101", "--phone", "13800000001")
    assert "P001" in r.out and "东风社区便民服务站" in r.out
    kaohe.ok("staff", "add", "李娜", "--unit", "城关村便民服务室", "--code", "P002")  # by name
    staff = {p["code"]: p for p in kaohe.json("staff", "list")}
    assert (staff["P001"]["name"], staff["P001"]["unit_code"], staff["P001"]["post"],
            staff["P001"]["attendance_no"], staff["P001"]["phone"]) == (
        "王伟", "FR01", "站长", "0101", "13800000001")
    assert staff["P002"]["unit_code"] == "CG01"
    assert [p["code"] for p in kaohe.json("staff", "list", "--unit", "FR01")] == ["P001"]
    assert "共 2 人" in kaohe.ok("staff", "list").out


def test_roster_import_with_chinese_headers_and_extra_columns(kaohe, tmp_path, books, snapshot):
    units_book = books.write_rows(tmp_path / "单位名册.xlsx", [
        ["芙蓉街道便民服务站名册（2024年）"],
        ["序号", "名称", "编号", "所属街道", "类型", "负责人", "电话", "备注"],
        [1, "东风社区便民服务站", "FR01", "芙蓉街道", "社区便民服务站", "王伟", "0731-88880001", "新建"],
        [2, "向阳社区便民服务站", "FR02", "芙蓉街道", None, "李娜", "0731-88880002", None],
        [],
        [3, "城关村便民服务室", "CG01", "城关镇", "村便民服务室", "张敏", None, "村级"],
    ], title="单位")
    # a dry run writes nothing
    kaohe.ok("unit", "list")  # the database exists before the snapshot
    before = snapshot()
    r = kaohe.ok("unit", "import", units_book, "--dry-run")
    assert "试导入" in r.out and "新增 3 条" in r.out
    assert snapshot() == before

    r = kaohe.ok("unit", "import", units_book)
    assert "新增 3 条，修改 0 条，未变 0 条" in r.out
    units = {u["code"]: u for u in kaohe.json("unit", "list")}
    assert set(units) == {"FR01", "FR02", "CG01"}
    assert (units["FR01"]["name"], units["FR01"]["area"], units["FR01"]["phone"]) == (
        "东风社区便民服务站", "芙蓉街道", "0731-88880001")
    assert units["FR02"]["kind"] == "社区便民服务站"  # blank 类型: the default
    assert (units["CG01"]["area"], units["CG01"]["kind"]) == ("城关镇", "村便民服务室")

    staff_book = books.write_rows(tmp_path / "人员名册.xlsx", [
        ["编号", "姓名", "性别", "所属单位", "岗位", "考勤号", "电话", "备注"],
        ["P001", "王伟", "男", "FR01", "站长", 101, "13800000001", ""],
        ["P002", "李娜", "女", "向阳社区便民服务站", "窗口受理员", "0102", "13800000002", "兼职"],
        ["P003", "张敏", "女", "CG01", "代办员", None, None, None],
    ], title="人员")
    r = kaohe.ok("staff", "import", staff_book)
    assert "新增 3 条，修改 0 条，未变 0 条" in r.out
    staff = {p["code"]: p for p in kaohe.json("staff", "list")}
    assert (staff["P001"]["name"], staff["P001"]["unit_code"], staff["P001"]["post"],
            staff["P001"]["attendance_no"], staff["P001"]["phone"]) == (
        "王伟", "FR01", "站长", "101", "13800000001")
    assert (staff["P002"]["unit_code"], staff["P002"]["attendance_no"]) == ("FR02", "0102")
    assert staff["P003"]["unit_code"] == "CG01"

    # importing the same files again adds and changes nothing
    before = snapshot()
    assert "新增 0 条，修改 0 条，未变 3 条" in kaohe.ok("unit", "import", units_book).out
    assert "新增 0 条，修改 0 条，未变 3 条" in kaohe.ok("staff", "import", staff_book).out
    assert snapshot() == before

    # a changed phone is one changed row
    wb = load_workbook(staff_book)
    wb.active["G3"] = "13900000002"
    wb.save(staff_book)
    assert "新增 0 条，修改 1 条，未变 2 条" in kaohe.ok("staff", "import", staff_book).out
    assert {p["code"]: p for p in kaohe.json("staff", "list")}["P002"]["phone"] == "13900000002"


def test_roster_export_imports_back_unchanged(kaohe, units4, tmp_path, snapshot):
    kaohe.ok("staff", "add", "王伟", "--unit", "FR01", "--code", "P001", "--post", "站长")
    kaohe.ok("unit", "export", tmp_path / "units.xlsx")
    kaohe.ok("staff", "export", tmp_path / "staff.xlsx")
    before = snapshot()
    assert "新增 0 条，修改 0 条，未变 4 条" in kaohe.ok("unit", "import", tmp_path / "units.xlsx").out
    assert "新增 0 条，修改 0 条，未变 1 条" in kaohe.ok("staff", "import", tmp_path / "staff.xlsx").out
    assert snapshot() == before


# ----------------------------------------------------------------------------- assessments


@pytest.mark.parametrize("period_args, key, kind", [
    (["--period", "2024"], "2024", "year"),
    (["--period", "2024-Q1"], "2024-Q1", "quarter"),
    (["--period", "2024-03"], "2024-03", "month"),
    (["--from", "2024-01-05", "--to", "2024-02-01"], "2024-01-05..2024-02-01", "adhoc"),
])
def test_assessment_create_period_forms(kaohe, units4, period_args, key, kind):
    r = kaohe.ok("assessment", "create", "--rubric", "CY2019", *period_args, "--subjects", "units")
    aid = new_id(r)
    assert r.out.strip() == str(aid)  # only the id on stdout; the description goes to stderr
    shown = kaohe.json("assessment", "show", aid)
    assert (shown["id"], shown["rubric"], shown["period"], shown["state"]) == (
        aid, "CY2019", key, "draft")
    assert [s["code"] for s in shown["subjects"]] == ["FR01", "FR02", "FR03", "FR04"]
    listed = {a["id"]: a for a in kaohe.json("assessment", "list")}
    assert listed[aid]["period"] == key and listed[aid]["subjects"] == 4


def test_assessment_create_json_and_subject_list(kaohe, units4):
    out = kaohe.json("assessment", "create", "--rubric", "CY2019", "--period", "2024-Q2",
                     "--subjects", "FR02,FR04", "--name", "第二季度抽查")
    assert out["subjects"] == 2 and out["name"] == "第二季度抽查"
    shown = kaohe.json("assessment", "show", out["id"])
    assert [s["code"] for s in shown["subjects"]] == ["FR02", "FR04"]


def test_assessment_groups_and_weights(kaohe, units4):
    aid = new_id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                          "--subjects", "units", "--group", "第一组:上级", "--group", "自评:自评",
                          "--weight", "上级=0.8", "--weight", "自评=20%"))
    shown = kaohe.json("assessment", "show", aid)
    assert shown["roles"] == {"上级": 0.8, "自评": 0.2}
    assert [(g["name"], g["role"], g["subjects"]) for g in shown["groups"]] == [
        ("第一组", "上级", []), ("自评", "自评", [])]

    # 交叉考核: a second group of the same role, limited to two stations
    kaohe.ok("assessment", "group", aid, "第二组:上级", "--subjects", "FR03,FR04")
    groups = {g["name"]: g for g in kaohe.json("assessment", "show", aid)["groups"]}
    assert groups["第二组"]["subjects"] == ["FR03", "FR04"]
    kaohe.ok("assessment", "weight", aid, "上级=0.75")
    kaohe.ok("assessment", "weight", aid, "自评=0.25")
    assert kaohe.json("assessment", "show", aid)["roles"] == {"上级": 0.75, "自评": 0.25}

    # roles combine by weight; an item only one role scored counts that role alone
    kaohe.ok("scores", "set", aid, "FR01", "1.1", "20", "--assessor", "张三", "--group", "第一组")
    kaohe.ok("scores", "set", aid, "FR01", "1.1", "12", "--assessor", "站长", "--group", "自评")
    kaohe.ok("scores", "set", aid, "FR01", "1.2.1", "1.5", "--assessor", "张三")
    kaohe.ok("scores", "set", aid, "FR03", "1.1", "16", "--assessor", "李四", "--group", "第二组")
    kaohe.ok("scores", "set", aid, "FR03", "1.1", "18", "--assessor", "张三")
    by_code = {r["subject_code"]: r for r in kaohe.json("rank", aid)}
    assert by_code["FR01"]["items"]["1.1"] == 18  # 0.75 × 20 + 0.25 × 12
    assert by_code["FR01"]["items"]["1.2.1"] == 1.5
    assert by_code["FR01"]["base"] == 19.5
    assert by_code["FR03"]["items"]["1.1"] == 17  # two 上级 assessors: their mean
    assert by_code["FR02"]["total"] == 0


# ----------------------------------------------------------------------------- the whole flow


ASSESSORS = ["张三", "李四", "王五", "赵六"]
QUALITY = {"FR01": 0.93, "FR02": 0.8, "FR03": 0.8, "FR04": 0.62}


def make_sheets(leaves: list[dict]) -> dict[str, dict[tuple[str, str], float]]:
    """Four assessors' scores: FR02 and FR03 get the same numbers (a tie); FR01's 3.3 is
    9.9, 9.8, 9.8, 9.8 → 9.825, which half-up shows as 9.83 (half-even: 9.82)."""
    rng = random.Random(20240601)
    sheets: dict[str, dict[tuple[str, str], float]] = {}
    for assessor in ASSESSORS:
        sheet: dict[tuple[str, str], float] = {}
        for code in ("FR01", "FR02", "FR04"):
            for leaf in leaves:
                top = leaf["max"]
                share = min(1.0, max(0.0, rng.gauss(QUALITY[code], 0.1)))
                tenths = round(share * top * 10)
                sheet[(code, leaf["code"])] = tenths // 10 if tenths % 10 == 0 else tenths / 10
        for leaf in leaves:
            sheet[("FR03", leaf["code"])] = sheet[("FR02", leaf["code"])]
        sheets[assessor] = sheet
    for assessor, value in zip(ASSESSORS, (9.9, 9.8, 9.8, 9.8), strict=True):
        sheets[assessor][("FR01", "3.3")] = value
    return sheets


EVENTS = [  # subject, rule, amount, matter
    ("FR01", "B3", 10, "区级试点任务"),
    ("FR01", "B1", 4, "信息化探索"),  # 14 claimed → capped at 10
    ("FR01", "D1", 1, ""),
    ("FR02", "B2", 3, "省级媒体报道"),
    ("FR02", "B1", 5, "省级媒体报道"),  # the same matter: counted once, at 5
    ("FR02", "D1", 1, ""),
    ("FR02", "D1", 3, ""),  # no matter named: each claim is a matter of its own → 4
    ("FR03", "B3", 5, "街道重点任务"),
    ("FR03", "D2", 3, ""),
    ("FR03", "D1", 1, ""),
    ("FR04", "D3", 10, "媒体曝光"),
    ("FR04", "D2", 5, "窗口投诉"),  # 15 → capped at 10
]


def test_template_fill_import_rank_review(kaohe, units4, tmp_path, snapshot):
    # subjects listed in reverse so their stored order differs from the order by code
    aid = new_id(kaohe.ok("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                          "--subjects", "FR04,FR03,FR02,FR01", "--group", "第一组:上级"))
    top, leaves = tree(kaohe)
    names = dict(units4)

    # the template: one row per subject, one column per leaf, validation 0…max, rubric sheet
    template = tmp_path / "评分表.xlsx"
    kaohe.ok("scores", "template", aid, template)
    wb = load_workbook(template)
    assert wb.sheetnames[:2] == ["评分表", "考核细则"]
    ws = wb["评分表"]
    header = [c.value for c in ws[2]]
    assert header[:2] == ["编号", "名称"]
    item_headers = [h for h in header[2:] if h != "合计"]
    assert len(item_headers) == len(leaves) == 35
    for h, leaf in zip(item_headers, leaves, strict=True):
        assert h.startswith(leaf["code"] + " "), h
        assert f"{leaf['max']}分" in h, h
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(3, 7)] == list(units4)
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for col, leaf in enumerate(leaves, start=3):
        letter = ws.cell(2, col).column_letter
        dv = validations[f"{letter}3:{letter}6"]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == (
            "decimal", "between", "0", str(leaf["max"])), leaf["code"]
        assert dv.showErrorMessage
    rubric_text = " ".join(str(c.value) for row in wb["考核细则"].iter_rows() for c in row
                           if c.value is not None)
    assert "有固定服务场所" in rubric_text and "2.1.1" in rubric_text
    assert "封顶 10 分" in rubric_text

    # four assessors fill it in with openpyxl and import it
    sheets = make_sheets(leaves)
    columns = {str(h).split(" ")[0]: i for i, h in enumerate(header, start=1)}
    rows = {ws.cell(r, 1).value: r for r in range(3, 7)}
    files = {}
    for assessor, values in sheets.items():
        wb = load_workbook(template)
        ws = wb["评分表"]
        for (subject, item), value in values.items():
            ws.cell(rows[subject], columns[item], value)
        files[assessor] = tmp_path / f"评分表-{assessor}.xlsx"
        wb.save(files[assessor])
        role = ["--role", "上级"] if assessor == "王五" else []
        r = kaohe.ok("scores", "import", aid, files[assessor], "--assessor", assessor, *role)
        assert "新增 140 条，修改 0 条，未变 0 条" in r.out

    for subject, rule, amount, matter in EVENTS:
        r = kaohe.ok("event", "add", aid, subject, rule, amount, "--matter", matter,
                     "--note", f"{subject} 的佐证", "--date", "2024-06-18")
        assert rule in r.out
    listed = kaohe.json("event", "list", aid)
    assert [(e["subject_code"], e["rule"], e["amount"], e["matter"]) for e in listed] == [
        (s, r, a, m) for s, r, a, m in EVENTS]
    assert listed[0]["note"] == "FR01 的佐证" and listed[0]["date"] == "2024-06-18"
    events: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for subject, rule, amount, matter in EVENTS:
        events[subject].append((rule, amount, matter))

    want = expected_ranking(top, names, sheets, events)
    got = kaohe.json("rank", aid)
    assert_ranking(got, want)
    # the scenario covers what it means to: a 1, 2, 2, 4 tie ordered by code, both caps,
    # one matter claimed twice, a half-up rounding, and several grades
    assert [(r["subject_code"], r["rank"]) for r in got] == [
        ("FR01", 1), ("FR02", 2), ("FR03", 2), ("FR04", 4)]
    by_code = {r["subject_code"]: r for r in got}
    assert (by_code["FR01"]["bonus"], by_code["FR01"]["deduction"]) == (10, 1)
    assert by_code["FR02"]["bonus"] == 5 and by_code["FR04"]["deduction"] == 10
    assert by_code["FR02"]["deduction"] == 4 and by_code["FR03"]["deduction"] == 4
    assert by_code["FR01"]["items"]["3.3"] == 9.83
    assert len({r["grade"] for r in got}) >= 3
    text = kaohe.ok("rank", aid).out
    assert "东风社区便民服务站" in text and by_code["FR01"]["grade"] in text

    # importing the same file again changes nothing
    before = snapshot()
    r = kaohe.ok("scores", "import", aid, files["张三"], "--assessor", "张三")
    assert "新增 0 条，修改 0 条，未变 140 条" in r.out
    assert snapshot() == before
    assert kaohe.json("rank", aid) == got

    # a template for one assessor comes back pre-filled with their scores
    mine = tmp_path / "张三-已填.xlsx"
    kaohe.ok("scores", "template", aid, mine, "--assessor", "张三")
    ws = load_workbook(mine)["评分表"]
    assert ws.cell(rows["FR01"], columns["3.3"]).value == 9.9
    assert ws.cell(rows["FR04"], columns["1.1"]).value == sheets["张三"][("FR04", "1.1")]

    # scores set changes one value; the ranking follows
    r = kaohe.ok("scores", "set", aid, "FR04", "1.1", "3.5", "--assessor", "张三")
    assert "已保存" in r.out
    sheets["张三"][("FR04", "1.1")] = 3.5
    assert "分值未变" in kaohe.ok("scores", "set", aid, "FR04", "1.1", "3.5",
                                  "--assessor", "张三").out
    assert_ranking(kaohe.json("rank", aid), expected_ranking(top, names, sheets, events))

    # event add after the first ranking
    kaohe.ok("event", "add", aid, "FR03", "B2", "2", "--matter", "市级表彰", "--note", "通报表扬")
    events["FR03"].append(("B2", 2, "市级表彰"))
    want = expected_ranking(top, names, sheets, events)
    assert_ranking(kaohe.json("rank", aid), want)
    assert [r["subject_code"] for r in want][:3] == ["FR01", "FR03", "FR02"]

    # review: submit (still editable), approve (locked), publish, reopen with a reason
    def state() -> str:
        return kaohe.json("assessment", "show", aid)["state"]

    assert "已提交" in kaohe.ok("review", aid, "submit").out
    assert state() == "submitted"
    kaohe.ok("scores", "set", aid, "FR04", "1.1", "4", "--assessor", "张三")
    sheets["张三"][("FR04", "1.1")] = 4
    assert "已审议" in kaohe.ok("review", aid, "approve", "--by", "考核委员会").out
    assert state() == "reviewed"
    refused = kaohe("scores", "set", aid, "FR04", "1.1", "5", "--assessor", "张三")
    assert refused.code == 2 and "已锁定" in refused.err and "Traceback" not in refused.err
    assert "已公示" in kaohe.ok("review", aid, "publish").out
    assert state() == "published"
    frozen = kaohe.json("rank", aid)
    refused = kaohe("event", "add", aid, "FR02", "B1", "1", "--matter", "x")
    assert refused.code == 2 and "已锁定" in refused.err
    refused = kaohe("scores", "import", aid, files["李四"], "--assessor", "李四")
    assert refused.code == 2 and "已锁定" in refused.err
    assert kaohe.json("rank", aid) == frozen

    assert "草稿" in kaohe.ok("review", aid, "reopen", "--reason", "复核发现录入错误",
                              "--by", "管理员", "--admin").out
    assert state() == "draft"
    kaohe.ok("scores", "set", aid, "FR04", "1.1", "5", "--assessor", "张三")
    sheets["张三"][("FR04", "1.1")] = 5
    assert_ranking(kaohe.json("rank", aid), expected_ranking(top, names, sheets, events))


def test_scores_set_on_the_small_assessment(kaohe, small):
    kaohe.ok("scores", "set", small.id, "FR02", "1.1", "18.5", "--assessor", "张三")
    kaohe.ok("scores", "set", small.id, "FR02", "1.1", "17", "--assessor", "李四")
    kaohe.ok("scores", "set", small.id, "FR02", "1.2.5", "3", "--assessor", "李四",
             "--remark", "经费到位")
    kaohe.ok("event", "add", small.id, "FR02", "B2", "3", "--matter", "省级媒体报道",
             "--note", "2024年6月")
    ranking = kaohe.json("rank", small.id)
    # FR02's sheets are far from complete: its figures show, its grade and rank wait
    fr02 = next(r for r in ranking if r["subject_code"] == "FR02")
    assert fr02["items"]["1.1"] == 17.75
    assert fr02["items"]["1.2.5"] == 3 and fr02["items"]["1.2"] == 3
    assert (fr02["base"], fr02["bonus"], fr02["total"]) == (20.75, 3, 23.75)
    assert fr02["grade"] is None and fr02["rank"] is None and fr02["complete"] is False
    assert fr02["missing"][0].startswith("第一组/张三：1.2.1、")
    assert all(r["rank"] is None and r["grade"] is None for r in ranking)
    assert [r["subject_code"] for r in ranking] == ["FR01", "FR02", "FR03", "FR04"]  # by code


def test_grades_at_their_thresholds(kaohe, small, template, tmp_path, books):
    """A total of exactly 90, 80, 60 reaches 优秀, 良好, 合格; 59.9 does not reach 合格."""
    _, leaves = tree(kaohe)
    full = {leaf["code"]: leaf["max"] for leaf in leaves}
    zero_for_60 = {"1.1": 0, "3.3": 0, "1.3.1": 0, "2.1.1": 0, "1.2.1": 0}  # 100 − 40
    rows = {
        "FR01": dict(full),  # 100, then D3 10 → 90
        "FR02": {**full, "1.1": 0},  # 80
        "FR03": {**full, **zero_for_60},  # 60
        "FR04": {**full, **zero_for_60, "1.2.2": 1.9},  # 59.9
    }
    path = books.fill_template(template, tmp_path / "满分.xlsx", {
        (subject, item): value for subject, values in rows.items() for item, value in values.items()})
    kaohe.ok("scores", "import", small.id, path, "--assessor", "张三")
    kaohe.ok("event", "add", small.id, "FR01", "D3", "10", "--matter", "媒体曝光")
    got = [(r["subject_code"], r["total"], r["rank"], r["grade"]) for r in kaohe.json("rank", small.id)]
    assert got == [("FR01", 90, 1, "优秀"), ("FR02", 80, 2, "良好"), ("FR03", 60, 3, "合格"),
                   ("FR04", 59.9, 4, "不合格")]
