"""A seed system scored end to end through the command line: 2023年便民服务中心考核制度
(CENTER-2023) for three centres over 2024-Q2, its measured items from the service
records, 服务创新 typed by the assessor."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pdfplumber
from service_data import EXPECTED, FIX


def test_center_2023_scores_from_the_records(kaohe):
    for u in EXPECTED["roster"]["units"]:
        kaohe.ok("unit", "add", u["名称"], "--code", u["编号"], "--area", u["所属街道"])
    for p in EXPECTED["roster"]["people"]:
        unit = next(u["编号"] for u in EXPECTED["roster"]["units"] if u["名称"] == p["所属单位"])
        kaohe.ok("staff", "add", p["姓名"], "--unit", unit, "--code", p["编号"])
    kaohe.ok("assessment", "create", "--rubric", "CENTER-2023", "--period", "2024-Q2",
             "--subjects", "units", "--group", "中心:上级")
    outs = [kaohe.ok("service", "import", FIX / name).out for name in EXPECTED["import_order"]]
    assert any("已更新" in out and "取自服务记录的得分" in out for out in outs)
    typed = kaohe("scores", "set", 1, "HL01", "1.1", 30, "--assessor", "主任")
    assert typed.code == 2 and "取自服务记录" in typed.err
    for unit, points in (("HL01", 15), ("HL02", 16), ("HL03", 18)):
        kaohe.ok("scores", "set", 1, unit, "3", points, "--assessor", "主任", "--group", "中心")
    rows = {r["subject_code"]: r for r in kaohe.json("rank", 1)}
    # HL03: 满意率 92.86% ≥ 90 → 40% of 30 = 12; 整改 1/1 → 10; 按时 100% → 20;
    # 平均 3.25 工作日, 0.25 over 3 × 2 → 19.5; 服务创新 18 → 79.5
    assert Decimal(str(rows["HL03"]["total"])) == Decimal("79.5")
    assert rows["HL03"]["grade"] == "合格服务中心"
    # HL01: 88.89% → 0; 整改 1/2 → 0; 按时 93.55% ≥ 90 → 8; 3.00 days → 20; 15 → 43
    assert Decimal(str(rows["HL01"]["total"])) == Decimal("43")
    assert rows["HL01"]["grade"] == "需改进服务中心"
    drill = kaohe.ok("drill", 1, "HL03").out
    assert "满意率 92.86%（13/14）→ ≥ 90% 得 40% → 12 分" in drill
    issued = {(r["subject_code"], r["kind"]) for r in kaohe.json("consequences", 1)}
    assert issued == {("HL03", "advice"), ("HL02", "rectify"), ("HL01", "rectify")}
    # the letters: refused before 审议 (exit 2), then one page per centre
    kaohe.ok("settings", "set", "issuer", "红岭街道办事处")
    refused = kaohe("feedback", 1, "--out", kaohe.db.parent / "letters")
    assert refused.code == 2 and "尚未审议通过" in refused.err
    kaohe.ok("review", 1, "submit")
    kaohe.ok("review", 1, "approve")
    files = [Path(f) for f in kaohe.json("feedback", 1, "--out", kaohe.db.parent / "letters",
                                         "--subjects", "HL03,HL01")]
    assert [f.name for f in files] == ["考核结果反馈书-HL03-红岭街道西岭村便民服务室.pdf",
                                       "考核结果反馈书-HL01-红岭街道便民服务中心.pdf"]
    with pdfplumber.open(files[0]) as pdf:
        assert len(pdf.pages) == 1
        text = "".join((pdf.pages[0].extract_text() or "").split())
    for words in ("你单位", "总分79.5分", "排第1名", "等次为“合格服务中心”",
                  "距上一等次“优秀服务中心”还差10.5分", "满意率92.86%（13/14）",
                  "满意率92.86%→95%：约减少1个差评（共14次评价），即达100.00%，可多得18分"):
        assert words in text, (words, text)
