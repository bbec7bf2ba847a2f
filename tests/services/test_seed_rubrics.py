"""Every system of the seed text is a built-in rubric: it loads and validates, every leaf
carries its source sentence, the measures the text names are wired to the service
records, and what the text leaves open is said in the rubric's note."""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import where

from kaohe_desktop.domain.metric_rules import MEASURES, rule_from_raw
from kaohe_desktop.domain.rubric import ItemKind
from kaohe_desktop.services import rubrics
from kaohe_desktop.services.metric_items import metric_items

# copies of shared/seeds/000_6f8db20efcdba259.txt and shared/reference/seed-systems.md
SEED = Path(__file__).parents[1] / "reference" / "seed.txt"
# seed-systems.md row → built-in code
SYSTEMS = {"S1": "CENTER-T1", "S2": "WINDOW-STAFF", "S3": "CENTER-FB", "S4": "HALL-PERF",
           "S5": "CENTER-SIX", "S6": "VILLAGE-ATT", "S7": "CENTER-T2", "S8": "CENTER-FW",
           "S9": "CENTER-2023", "S10": "FRNL", "S11": "CY2019"}
NEW = ("CENTER-T1", "CENTER-FB", "HALL-PERF", "CENTER-SIX", "CENTER-T2", "CENTER-FW",
       "CENTER-2023")
# the measures each new text names, as wired
WIRED = {
    "CENTER-T1": {"on_time_rate", "satisfied_rate", "avg_days", "requests"},
    "CENTER-FB": {"on_time_rate"},
    "HALL-PERF": {"satisfied_rate", "valid_per_1000", "avg_days"},
    "CENTER-SIX": {"on_time_rate", "avg_days", "satisfied_rate", "bad_rectified_rate"},
    "CENTER-T2": {"on_time_rate", "satisfied_rate"},
    "CENTER-FW": {"on_time_rate", "satisfied_rate", "valid_complaints"},
    "CENTER-2023": {"satisfied_rate", "bad_rectified_rate", "on_time_rate", "avg_days"},
}


def test_eleven_systems_eleven_rubrics():
    assert sorted(SYSTEMS.values()) == sorted(rubrics.BUILTIN_CODES)
    table = (SEED.parent / "seed-systems.md").read_text(encoding="utf-8")
    assert all(f"| {row} |" in table for row in SYSTEMS)


@pytest.mark.parametrize("code", rubrics.BUILTIN_CODES)
def test_each_loads_into_a_database_and_validates(db, code):
    stored = rubrics.get_rubric(db, code)  # opening the database added it
    assert stored == rubrics.builtin_rubric(code)
    assert stored.full_marks == sum(i.max for i in stored.items)
    assert stored.grades.bands and stored.source.startswith("依据")


@pytest.mark.parametrize("code", NEW)
def test_new_ones_keep_their_text(code):
    rubric = rubrics.builtin_rubric(code)
    seed = "".join(SEED.read_text(encoding="utf-8").split())
    for leaf in rubric.leaves():
        # the source sentence: its words (punctuation aside) are in the seed text
        words = [w for w in leaf.description.replace("……", "。").replace("…", "。")
                 .replace("。", "，").replace("；", "，").replace("：", "，").split("，")
                 if len(w) >= 6 and not w.startswith(("依据", "指标"))]
        assert words, leaf.code
        assert any(w.replace(",", "，") in seed.replace(",", "，") for w in words), \
            (code, leaf.code, words)
    assert "原文" in rubric.source  # what the text leaves open is said, not invented silently
    assert {r.measure for _, r in metric_items(rubric)} == WIRED[code]
    for leaf in rubric.leaves():
        if leaf.kind == ItemKind.DERIVED and (leaf.rule or {}).get("source") == "service":
            rule, problems = rule_from_raw(leaf.rule or {})
            assert rule is not None and not problems and rule.measure in MEASURES


def test_consequences_as_the_texts_state():
    grades = {c.grade: c.kind for c in rubrics.builtin_rubric("CENTER-2023").consequences}
    assert grades == {"优秀服务中心": "certificate", "合格服务中心": "advice",
                      "需改进服务中心": "rectify"}
    assert [c.kind for c in rubrics.builtin_rubric("HALL-PERF").consequences] == ["certificate"]
    assert rubrics.builtin_rubric("CENTER-FB").consequences == ()  # the text names no document
    six = rubrics.builtin_rubric("CENTER-SIX")
    assert [i.code for i in six.leaves() if i.allow_na] == ["6"]  # 管理考核: managers only
    t2 = rubrics.builtin_rubric("CENTER-T2").item("2.3")
    assert t2 is not None and (t2.rule or {}).get("source") == "attendance"


def test_show_prints_each_measure_and_its_rule(db, capsys):
    from kaohe_desktop.cli import main

    assert main(["--db", str(where(db)), "rubric", "show", "CENTER-2023"]) == 0  # file or server
    out = capsys.readouterr().out
    assert "计分：满意率：≥ 99% 得 100%，≥ 97% 得 80%，≥ 95% 得 60%，≥ 90% 得 40%，其余 0 分" in out
    assert "计分：平均办理时长目标 3 工作日，每高于 1 工作日 扣 2 分，扣完为止" in out
    assert "说明：依据《2023年便民服务中心考核制度》" in out


@pytest.mark.parametrize("code", rubrics.BUILTIN_CODES)
def test_each_note_says_what_its_text_leaves_open(code):
    """No documents without saying the text names none; a text that names measured figures
    (满意度, 办理速度, 工作量 …) says where they come from even when its items stay typed."""
    rubric = rubrics.builtin_rubric(code)
    if not rubric.consequences:
        assert "不设结果运用" in rubric.source, code
    if code not in ("CY2019", "FRNL"):  # these two texts name no measured figure
        assert "服务记录" in rubric.source, code
    if code == "VILLAGE-ATT":
        assert "逐级公示" in rubric.source and "publish" in rubric.source
