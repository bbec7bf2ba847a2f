"""Feedback letters after 审议: one page per person, read back with pdfplumber — result and
rank, sections against their maxima, the assessors' remarks, the measures against their
targets and the improvement plan with its concrete targets."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from service_data import import_all, load_roster

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, feedback, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.documents_common import DocumentOptions, run

MANUAL = {"0101": (15, 10, 30), "0102": (13, 8, 26), "0103": (14, 9, 24), "0201": (12, 7, 28),
          "0202": (15, 9, 26), "0301": (13, 8, 28), "0302": (14, 10, 30)}


@pytest.fixture
def approved(db):
    """CENTER-FW (便民服务中心考核制度范文) for the seven people over 2024-Q2."""
    load_roster(db)
    aid = assessments.create_assessment(db, "CENTER-FW", parse_period("2024-Q2"), subjects="staff",
                                        groups=[GroupSpec("中心", "上级", (), ())]).id
    import_all(db)
    for code, (n, q, attitude) in MANUAL.items():
        scores.set_score(db, aid, code, "1.1", n, assessor="主任", group="中心")
        scores.set_score(db, aid, code, "1.2", q, assessor="主任", group="中心",
                         remark="办件材料偶有缺漏，退回补正两次。" if code == "0102" else "")
        scores.set_score(db, aid, code, "2", attitude, assessor="主任", group="中心",
                         remark="窗口沟通耐心，群众有表扬。" if code == "0102" else "")
    return db, aid


def read(path):
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages), "\n".join(p.extract_text() or "" for p in pdf.pages)


def test_refused_before_review_a_draft_allowed(approved, tmp_path):
    db, aid = approved
    opts = DocumentOptions(issuer="红岭街道便民服务中心")
    with pytest.raises(InputError) as exc:
        run(feedback.feedback_job(db, aid, tmp_path / "out", opts))
    assert "尚未审议通过" in exc.value.problems[0].reason
    files = run(feedback.feedback_job(db, aid, tmp_path / "draft", DocumentOptions(
        issuer="红岭街道便民服务中心", draft=True), subjects=["0102"]))
    assert [f.name for f in files] == ["草稿-考核结果反馈书-0102-黄丽萍.pdf"]
    text = read(files[0])[1]
    assert "尚未审议，本件为草稿" in text.replace("\n", "") and "草" in text and "稿" in text


def test_one_page_each_with_the_figures(approved, tmp_path):
    db, aid = approved
    assessments.change_state(db, aid, "submit")
    assessments.change_state(db, aid, "approve")
    files = run(feedback.feedback_job(db, aid, tmp_path, DocumentOptions(issuer="红岭街道便民服务中心")))
    assert len(files) == 7
    pages = {f.name.split("-")[1]: read(f) for f in files}
    assert all(n == 1 for n, _ in pages.values())
    text = "".join(pages["0102"][1].split())  # lines broken anywhere: compare without spaces
    # 黄丽萍: 13 + 8 + 1.3 按时办结率 90.91% → 40% of 15 = 6; 26; 满意率 87.50% → 0;
    # 有效投诉 1 → 60% of 10 = 6: total 59, last of seven, one point short of 合格
    for words in ("考核结果反馈书", "黄丽萍：", "总分 59 分", "满分 100 分", "排第 7 名", "等次为“不合格”",
                  "1 工作完成情况", "2 工作态度与沟通能力", "3 客户满意度",
                  "1.2 任务质量（主任）：办件材料偶有缺漏，退回补正两次。",
                  "2 工作态度与沟通能力（主任）：窗口沟通耐心，群众有表扬。",
                  "满意率 87.50%（7/8）", "≥ 99%", "0/20",
                  "距上一等次“合格”还差 1 分",
                  "满意率 87.50% → 90%：约减少 1 个差评（共 8 次评价），即达 100.00%，可多得 20 分",
                  "红岭街道便民服务中心"):
        assert "".join(words.split()) in text, (words, text)
    best = "".join(pages["0101"][1].split())
    assert "排第2名" in best and "你已是最高等次“优秀”，以下各项仍可提高" in best


def test_subjects_named_and_unknown_refused(approved, tmp_path):
    db, aid = approved
    assessments.change_state(db, aid, "submit")
    assessments.change_state(db, aid, "approve")
    letters = feedback.letter_data(db, aid, ["0301"], DocumentOptions(issuer="X"))
    assert [x.subject_name for x in letters] == ["何晓东"]
    with pytest.raises(InputError) as exc:
        feedback.letter_data(db, aid, ["9999"], DocumentOptions(issuer="X"))
    assert exc.value.problems[0].value == "9999"


def _face(choice) -> str:
    """The PostScript name a font file embeds under (pdfplumber shows it after the subset tag)."""
    from fontTools.ttLib import TTFont

    with TTFont(choice.path, fontNumber=0, lazy=True) as f:
        return f["name"].getDebugName(6)


def test_the_letter_is_set_in_the_gongwen_faces(approved, tmp_path):
    """Title 小标宋 (or its stand-in), subtitle 楷体, 一、 headings 黑体, body and tables 仿宋
    (documents.md: 正文 3号仿宋, headings 一、 in 黑体); the plan quotes the measure as the
    table shows it (87.50%, not 87.5%)."""
    from kaohe_desktop.reports.fonts import gongwen_fonts

    db, aid = approved
    assessments.change_state(db, aid, "submit")
    assessments.change_state(db, aid, "approve")
    (path,) = run(feedback.feedback_job(db, aid, tmp_path, DocumentOptions(issuer="红岭街道便民服务中心"),
                                        subjects=["0102"]))
    fonts = gongwen_fonts()
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        lines: dict[str, set[str]] = {}
        for line in pdf.pages[0].extract_text_lines(return_chars=True):
            text = "".join(line["text"].split())
            # "AAAAAA+UMingCN-0": subset tag before, a collection's face number after
            lines[text] = {re.sub(r"-\d+$", "", c["fontname"].split("+")[-1])
                           for c in line["chars"] if c["text"].strip()}
    by_start = {k[:6]: v for k, v in lines.items()}
    assert by_start["考核结果反馈"] == {_face(fonts.head)}
    assert by_start["一、评估结果"] == by_start["二、评价意见"] == {_face(fonts.heading1)}
    assert by_start["四、改进建议"] == {_face(fonts.heading1)}
    assert by_start["根据《便民服"] == {_face(fonts.body)}
    assert lines["满意率87.50%（7/8）≥99%0/20"] == {_face(fonts.body)}  # a table row
    assert any(k.startswith("2024年第2季度") and v == {_face(fonts.heading2)}
               for k, v in lines.items())
    assert len({_face(fonts.head), _face(fonts.heading1), _face(fonts.body)}) == 3
    plan = "".join(k for k in lines if k.startswith("（1）") or "→" in k)
    assert "满意率87.50%→90%" in plan and "87.5%" not in plan


def test_the_signature_is_set_as_gongwen_dates_it(approved, tmp_path):
    """成文日期 in Arabic digits (2024年7月15日, GB/T 9704-2012), standing four characters
    in from the right margin, the issuer centred over it — as the notices do."""
    from datetime import date

    db, aid = approved
    assessments.change_state(db, aid, "submit")
    assessments.change_state(db, aid, "approve")
    (path,) = run(feedback.feedback_job(db, aid, tmp_path, DocumentOptions(
        issuer="红岭街道便民服务中心", issued=date(2024, 7, 15)), subjects=["0102"]))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        lines = {"".join(x["text"].split()): x for x in page.extract_text_lines(return_chars=True)}
        body = page.width - 50 * 72 / 25.4  # the text block: 26 mm left, 24 mm right margins
        right_edge = 26 * 72 / 25.4 + body
    assert "二〇" not in "".join(lines)
    dated, signed = lines["2024年7月15日"], lines["红岭街道便民服务中心"]
    size = dated["chars"][0]["size"]
    assert abs((right_edge - dated["x1"]) - 4 * size) < 1.5  # 右空四字
    assert abs((signed["x0"] + signed["x1"]) / 2 - (dated["x0"] + dated["x1"]) / 2) < 1.5
    assert signed["top"] < dated["top"]
