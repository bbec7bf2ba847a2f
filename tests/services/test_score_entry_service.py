"""The services behind the score-entry form, on a real SQLite file."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, ranking, roster, score_sheet, scores, subject_marks
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.settings import data_dir


@pytest.fixture
def assessment(db):
    for n in range(1, 5):
        roster.add_unit(db, f"第{n}站", code=f"U{n}", area="城关街道")
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2024"), subjects="units",
        groups=[GroupSpec("第一组", "上级", ("U1", "U2")), GroupSpec("第二组", "上级")])
    scores.add_assessor(db, info.id, "甲", group="第一组")
    scores.add_assessor(db, info.id, "乙", group="第二组")
    return info.id


def test_list_assessors_names_group_and_submission(db, assessment):
    scores.submit_sheet(db, assessment, "乙")
    people = score_sheet.list_assessors(db, assessment)
    assert [(p.name, p.role, p.group, p.submitted) for p in people] == [
        ("甲", "上级", "第一组", False), ("乙", "上级", "第二组", True)]


def test_sheet_holds_only_the_groups_subjects_with_values_remarks_and_completion(db, assessment):
    rubric = score_sheet.sheet_for(db, assessment, None).rubric
    for leaf in rubric.leaves():
        scores.set_score(db, assessment, "U1", leaf.code, leaf.max, assessor="甲")
    scores.set_score(db, assessment, "U2", "1.1", "18.5", assessor="甲", remark="材料齐全")
    scores.set_score(db, assessment, "U3", "1.1", 3, assessor="乙")
    sheet = score_sheet.sheet_for(db, assessment, "甲")
    assert [x.code for x in sheet.subjects] == ["U1", "U2"]
    assert sheet.values["U2"] == {"1.1": D("18.5")} and sheet.remarks["U2"] == {"1.1": "材料齐全"}
    assert sheet.is_complete("U1") and not sheet.is_complete("U2")
    assert sheet.scored_count("U2") == 1 and sheet.editable and not sheet.locked
    everyone = score_sheet.sheet_for(db, assessment, "乙")
    assert len(everyone.subjects) == 4 and everyone.values == {"U3": {"1.1": D(3)}}
    nobody = score_sheet.sheet_for(db, assessment, None)
    assert not nobody.editable and nobody.values == {}
    with pytest.raises(InputError, match="没有这位评分人"):
        score_sheet.sheet_for(db, assessment, "丙")


def test_submitted_or_locked_sheets_are_not_editable(db, assessment):
    scores.submit_sheet(db, assessment, "甲")
    assert not score_sheet.sheet_for(db, assessment, "甲").editable
    assert score_sheet.sheet_for(db, assessment, "乙").editable
    # nothing is scored: submitting is refused until every subject is complete or left out
    with pytest.raises(InputError, match="未评完"):
        assessments.change_state(db, assessment, "submit")
    for code in ("U1", "U2", "U3", "U4"):
        subject_marks.exclude_subject(db, assessment, code, reason="测试：只看锁定")
    for action in ("submit", "approve"):
        assessments.change_state(db, assessment, action)
    sheet = score_sheet.sheet_for(db, assessment, "乙")
    assert sheet.locked and not sheet.editable


def test_clear_score_and_remarks(db, assessment):
    scores.set_score(db, assessment, "U1", "1.1", 20, assessor="甲")
    scores.set_remark(db, assessment, "U1", "1.1", " 现场查看 ", assessor="甲")
    assert score_sheet.sheet_for(db, assessment, "甲").remarks["U1"]["1.1"] == "现场查看"
    with pytest.raises(InputError, match="请先给这一项评分"):
        scores.set_remark(db, assessment, "U1", "1.2.1", "无分数", assessor="甲")
    assert scores.clear_score(db, assessment, "U1", "1.1", assessor="甲") is True
    assert scores.clear_score(db, assessment, "U1", "1.1", assessor="甲") is False
    assert score_sheet.sheet_for(db, assessment, "甲").values == {}
    with pytest.raises(InputError, match="没有这位评分人"):
        scores.clear_score(db, assessment, "U1", "1.1", assessor="丙")
    scores.submit_sheet(db, assessment, "甲")
    with pytest.raises(InputError, match="已提交评分表"):
        scores.clear_score(db, assessment, "U1", "1.1", assessor="甲")


def test_events_per_subject_removal_and_evidence_copy(db, assessment, tmp_path: Path):
    scan = tmp_path / "outside" / "表彰文件.jpg"
    scan.parent.mkdir()
    scan.write_bytes(b"\xff\xd8fake jpeg")
    event = scores.record_event(db, assessment, "U1", "B1", 3, matter="创新", note="区里推广",
                                evidence_file=scan)
    assert event.evidence.startswith("attachments/") and event.evidence.endswith("表彰文件.jpg")
    stored = scores.evidence_path(db, event.evidence)
    assert stored.name == "表彰文件.jpg" and stored.read_bytes() == scan.read_bytes()
    # attachments/<assessment>/<time>/表彰文件.jpg beside the file (a server database: in the data folder)
    assert stored.parents[3] == (db.path.parent if db.path is not None else data_dir())
    scores.add_event(db, assessment, "U2", "D1", 1)
    assert [e.subject_code for e in scores.list_events(db, assessment, subject="U1")] == ["U1"]
    assert len(scores.list_events(db, assessment)) == 2
    with pytest.raises(InputError, match="不允许该分值"):
        scores.record_event(db, assessment, "U1", "D1", 2, evidence_file=scan)
    assert len(list(stored.parent.parent.iterdir())) == 1  # the refused claim's copy is gone
    removed = scores.remove_event(db, event.id)
    assert removed.rule_code == "B1" and scores.list_events(db, assessment, subject="U1") == []
    with pytest.raises(InputError, match="没有编号为"):
        scores.remove_event(db, event.id)


def test_preview_uses_domain_scoring_and_matches_the_ranking(db, assessment):
    scores.set_score(db, assessment, "U1", "1.1", 20, assessor="甲")
    scores.set_score(db, assessment, "U1", "1.2.1", "1.5", assessor="甲")
    scores.add_event(db, assessment, "U1", "B1", 4, matter="同一事项")
    scores.add_event(db, assessment, "U1", "B2", 5, matter="同一事项")
    scores.add_event(db, assessment, "U1", "B3", 9)
    scores.add_event(db, assessment, "U1", "D1", 3)
    sheet = score_sheet.sheet_for(db, assessment, "甲")
    preview = score_sheet.subject_preview(sheet.rubric, sheet.values["U1"], sheet.events["U1"])
    assert preview.items["1.2"] == D("1.5") and preview.items["1"] == D("21.5")
    assert (preview.bonus_claimed, preview.bonus) == (D(14), D(10))  # matter once, capped at 10
    assert preview.base == D("21.5") and preview.total == D("28.5")
    ranked = {r.subject_code: r for r in ranking.rank_assessment(db, assessment)}
    assert ranked["U1"].total == preview.total  # one assessor: the sheet is the result
