"""The seed systems that had no end-to-end run, each scored through the command line as an
office would: the seven people of the service fixtures (tests/fixtures/service), their
办件 / 好差评 / 投诉 imported, attendance punched where the text scores 纪律 from it, the
typed items entered, then ranking, grades, the documents the text names, 审议, 公示 and
the feedback letter. (CENTER-2023 runs in test_seed_rubric_cli, CENTER-FW in
services/test_feedback, CY2019, FRNL and VILLAGE-ATT in many others.)

Every typed item is entered one point below its maximum (a level item: 良好 = 16 of 20),
so a person's total is the typed maxima less one per item plus the measured items. The
measured items are counted by hand for 0102 黄丽萍, whose records are the same in 2024-Q2
and in 2024: 11 办件 accepted, 10 of 11 finished on time = 90.91%; 7 of 8 ratings
satisfied = 87.50%; 承诺件 average 2.50 working days (6); her one 差评 rectified in time
(1/1 = 100%); one valid complaint = 1000/11 = 90.91 per 1,000 办件; 11 办件 is second of
seven (0202 has 14; 0103 and 0201 also 11).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from service_data import EXPECTED, FIX

from kaohe_desktop.domain.workcalendar import is_workday
from kaohe_desktop.services import rubrics

PEOPLE = [(p["编号"], p["姓名"], p["所属单位"]) for p in EXPECTED["roster"]["people"]]
HER = "0102"

# code → (period as the text states it, 0102's measured items {leaf: points}, 0102's
# total, her grade, the grade above and the points it needs, na items for 0102)
CASES = {
    # S1: annual. 1.2 按时 90.91% ≥ 90 → 40% of 15 = 6; 1.3 满意 87.50% < 90 → 0;
    # 2.1 2.50 ≤ 3 days → 10; 2.3 办件量 second → 15 − 1 = 14. Typed 45 − 5 = 40 → 70
    "CENTER-T1": ("2024", {"1.2": 6, "1.3": 0, "2.1": 10, "2.3": 14}, "70", "合格", "良好", "10", ()),
    # S3: 1 Jan – 31 Dec. 3.1 按时 → 40% of 10 = 4. Typed 90 − 5 = 85 → 89
    "CENTER-FB": ("2024", {"3.1": 4}, "89", "良好", "优秀", "1", ()),
    # S4: quarterly evaluation. 1.1 → 0; 1.2 90.91‰ above every band (≤ 5‰) → 0;
    # 2.1 2.50 ≤ 3 → 20. Typed 40 − 3 = 37 → 57
    "HALL-PERF": ("2024-Q2", {"1.1": 0, "1.2": 0, "2.1": 20}, "57", "不合格", "合格", "3", ()),
    # S5: annual. 1.1 → 40% of 10 = 4; 1.3 → 7; 2.1 → 0; 2.2 1/1 → 10. She manages
    # nobody: 6 管理考核 不适用, so (21 + 7 + 14 + 14 + 9) = 65 of 90 → 72.22
    "CENTER-SIX": ("2024", {"1.1": 4, "1.3": 7, "2.1": 0, "2.2": 10}, "72.22", "合格", "良好",
                   "7.78", ("6",)),
    # S7: quarterly. 2.1 → 6; 3.1 → 0; 2.3 纪律 from attendance, on time every day → 10.
    # Typed 60 − 5 = 55 → 71
    "CENTER-T2": ("2024-Q2", {"2.1": 6, "2.3": 10, "3.1": 0}, "71", "合格", "良好", "9", ()),
    # S2: five items rated 优秀/良好/合格/不合格 (20/16/12/0): 良好 × 5 = 80
    "WINDOW-STAFF": ("2024", {}, "80", "良好", "优秀", "10", ()),
}
LEVELS = ["优秀", "良好", "合格", "良好", "优秀", "合格", "不合格"]


def attlog(path: Path, numbers: list[str]) -> Path:
    """A ZKTeco attlog.dat: every workday of 2024-Q2 on time for these 考勤号."""
    lines = []
    day = date(2024, 4, 1)
    while day <= date(2024, 6, 30):
        if is_workday(day):
            for no in numbers:
                lines.append(f"{no:>9}\t{day} 08:52:10\t1\t0\t1\t0")
                lines.append(f"{no:>9}\t{day} 17:40:05\t1\t0\t1\t0")
        day += timedelta(1)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path


@pytest.mark.parametrize("code", list(CASES))
def test_a_seed_system_scored_end_to_end(kaohe, tmp_path, code):
    period, measured, total, grade, above, needed, na = CASES[code]
    rubric = rubrics.builtin_rubric(code)
    units = {u["名称"]: u["编号"] for u in EXPECTED["roster"]["units"]}
    for name, unit in units.items():
        kaohe.ok("unit", "add", name, "--code", unit, "--area", "红岭街道")
    for n, (staff, name, unit) in enumerate(PEOPLE):
        kaohe.ok("staff", "add", name, "--unit", units[unit], "--code", staff,
                 "--attendance-no", str(900 + n))
    aid = kaohe.json("assessment", "create", "--rubric", code, "--period", period,
                     "--subjects", "staff", "--group", "中心:上级")["id"]
    for name in EXPECTED["import_order"]:
        kaohe.ok("service", "import", FIX / name)
    if any((leaf.rule or {}).get("source") == "attendance" for leaf in rubric.leaves()):
        kaohe.ok("attendance", "import", attlog(tmp_path / "attlog.dat",
                                                [str(900 + n) for n in range(len(PEOPLE))]))
    typed = [leaf for leaf in rubric.leaves() if leaf.kind.value != "derived"]
    for n, (staff, _, _) in enumerate(PEOPLE):
        for leaf in typed:
            value = (LEVELS[n] if staff != HER else "良好") if leaf.kind.value == "level" \
                else leaf.max - 1
            kaohe.ok("scores", "set", aid, staff, leaf.code, value, "--assessor", "主任",
                     "--group", "中心", "--remark", f"{leaf.title}：记录齐全" if staff == HER else "")
        for item in na if staff == HER else ():
            kaohe.ok("subject", "na", aid, staff, item, "--reason", "非管理人员")
    # a measured item cannot be typed over
    for leaf in rubric.leaves():
        if leaf.kind.value == "derived":
            refused = kaohe("scores", "set", aid, HER, leaf.code, leaf.max, "--assessor", "主任",
                            "--group", "中心")
            assert refused.code == 2 and "取自" in refused.err
            break

    rows = {r["subject_code"]: r for r in kaohe.json("rank", aid)}
    assert all(r["complete"] for r in rows.values()), [r["missing"] for r in rows.values()]
    her = rows[HER]
    for item, points in measured.items():
        assert Decimal(str(her["items"][item])) == points, (item, her["items"][item])
    assert Decimal(str(her["total"])) == Decimal(total) and her["grade"] == grade
    # grades follow the rubric's lines; ranks follow totals
    bands = rubric.grades.bands
    for r in rows.values():
        expected = next(b.name for b in bands if Decimal(str(r["total"])) >= b.min)
        assert r["grade"] == expected, r
    ordered = sorted(rows.values(), key=lambda r: -Decimal(str(r["total"])))
    assert [r["rank"] for r in ordered] == sorted(r["rank"] for r in rows.values())
    drill = kaohe.ok("drill", aid, HER).out
    for item in measured:
        if rubric.item(item).rule.get("source") == "service":
            assert "依据（服务记录）" in drill and "→" in drill

    # the documents the text names, for the grades it names them
    issued = kaohe.json("consequences", aid)
    stated = {(c.grade, c.kind) for c in rubric.consequences}
    assert {(d["grade"], d["kind"]) for d in issued} <= stated
    assert {d["subject_code"] for d in issued} == {
        s for s, r in rows.items() if any(g == r["grade"] for g, _ in stated)}

    kaohe.ok("settings", "set", "issuer", "红岭街道办事处")
    kaohe.ok("review", aid, "submit")
    kaohe.ok("review", aid, "approve")
    kaohe.ok("review", aid, "publish", "--from", "2024-07-08", "--to", "2024-07-12")
    (letter,) = [Path(f) for f in kaohe.json("feedback", aid, "--out", tmp_path / "letters",
                                             "--subjects", HER, "--date", "2024-07-15")]
    with pdfplumber.open(letter) as pdf:
        assert len(pdf.pages) == 1
        text = "".join((pdf.pages[0].extract_text() or "").split())
    for words in (f"总分{total}分", f"排第{her['rank']}名", f"等次为“{grade}”",
                  f"距上一等次“{above}”还差{needed}分", "（主任）：", "记录齐全"):
        assert words in text, (words, text)
    if na:  # 不适用 shown as such, the total over the items that apply turned to 100
        assert "6管理考核（管理人员）—不适用" in text
        assert "合计（适用项目）9065" in text and "按适用项目折算：65÷90×100=72.22" in text
        assert "6管理考核（管理人员）：" not in text  # nothing to gain where nothing applies
    if "1.3" in measured and code != "CENTER-SIX":
        assert "满意率87.50%（7/8）" in text
        assert "满意率87.50%→90%：约减少1个差评（共8次评价），即达100.00%" in text


def test_center_fb_in_360_degrees_with_self_assessment(kaohe):
    """S3 assesses 360 degrees (上级, 同事, 下属) plus 自我评估: the roles weighted 0.4 / 0.3 /
    0.1 / 0.2, each person's own 自评 group scoring only them. 黄丽萍's typed items: 上级 max
    − 1, 同事 max − 2, 下属 max − 3, herself max → max − 1.3 each (0.4 + 0.6 + 0.3), five
    items of 90 → 83.5; 3.1 按时办结率 90.91% → 4: 87.5, 良好."""
    units = {u["名称"]: u["编号"] for u in EXPECTED["roster"]["units"]}
    for name, unit in units.items():
        kaohe.ok("unit", "add", name, "--code", unit)
    for staff, name, unit in PEOPLE:
        kaohe.ok("staff", "add", name, "--unit", units[unit], "--code", staff)
    for name in EXPECTED["import_order"]:
        kaohe.ok("service", "import", FIX / name)
    selves = [x for staff, _, _ in PEOPLE for x in ("--group", f"自评-{staff}:自评", "--subjects", staff)]
    aid = kaohe.json("assessment", "create", "--rubric", "CENTER-FB", "--period", "2024",
                     "--group", "上级组:上级", "--group", "同事组:同事", "--group", "下属组:下属", *selves,
                     "--weight", "上级=0.4", "--weight", "同事=0.3", "--weight", "下属=0.1",
                     "--weight", "自评=0.2")["id"]
    typed = (("1", 30), ("2", 20), ("3.2", 10), ("4", 20), ("5", 10))
    for staff, name, _ in PEOPLE:
        for item, top in typed:
            for group, who, value in (("上级组", "主任", top - 1), ("同事组", "同事甲", top - 2),
                                      ("下属组", "下属乙", top - 3), (f"自评-{staff}", name, top)):
                kaohe.ok("scores", "set", aid, staff, item, value, "--assessor", who, "--group", group)
    refused = kaohe("scores", "set", aid, "0101", "1", 30, "--assessor", "黄丽萍", "--group", "自评-0102")
    assert refused.code == 2  # her own group scores only her
    rows = {r["subject_code"]: r for r in kaohe.json("rank", aid)}
    assert all(r["complete"] for r in rows.values())
    her = rows[HER]
    assert Decimal(str(her["items"]["1"])) == Decimal("28.7")
    assert Decimal(str(her["total"])) == Decimal("87.5") and her["grade"] == "良好"
    kaohe.ok("review", aid, "submit")
    kaohe.ok("review", aid, "approve")  # the 考核权责委员会's 审议


def test_a_letter_with_加分_and_减分_adds_up(kaohe, tmp_path):
    """CY2019 (S11) for two stations: every leaf one point short where it is worth more than
    2 (20 such leaves: 90 of 100), 加分 B1 3 and 减分 D1 1 for 东风: 92. The letter's table
    shows the items' 90, +3, -1 and the 92 the text states, so it adds up on the page."""
    for code, name in (("FR01", "东风社区便民服务站"), ("FR02", "向阳社区便民服务站")):
        kaohe.ok("unit", "add", name, "--code", code, "--area", "芙蓉街道")
    aid = kaohe.json("assessment", "create", "--rubric", "CY2019", "--period", "2024",
                     "--subjects", "units", "--group", "第一组:上级")["id"]
    for code in ("FR01", "FR02"):
        for leaf in rubrics.builtin_rubric("CY2019").leaves():
            kaohe.ok("scores", "set", aid, code, leaf.code, leaf.max - (1 if leaf.max > 2 else 0),
                     "--assessor", "张三")
    kaohe.ok("event", "add", aid, "FR01", "B1", 3, "--matter", "帮办代办")
    kaohe.ok("event", "add", aid, "FR01", "D1", 1, "--matter", "窗口空岗")
    kaohe.ok("settings", "set", "issuer", "芙蓉街道办事处")
    kaohe.ok("review", aid, "submit")
    kaohe.ok("review", aid, "approve")
    (letter,) = [Path(f) for f in kaohe.json("feedback", aid, "--out", tmp_path / "letters",
                                             "--subjects", "FR01")]
    with pdfplumber.open(letter) as pdf:
        assert len(pdf.pages) == 1
        lines = ["".join(x["text"].split()) for x in pdf.pages[0].extract_text_lines()]
    assert "总分92分（其中加分3，减分1）" in "".join(lines)
    at = lines.index("小计10090")
    assert lines[at:at + 4] == ["小计10090", "加分+3", "减分-1", "总分92"]
