"""Score collection through the services on a real SQLite file."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, ranking, roster, scores
from kaohe_desktop.services.assessments import GroupSpec


@pytest.fixture
def assessment(db):
    for n in range(1, 5):
        roster.add_unit(db, f"第{n}站", code=f"U{n}", area="城关街道")
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2024-Q2"), subjects="units",
        groups=[GroupSpec("第一组", "上级", ("U1", "U2")), GroupSpec("第二组", "上级", ("U3", "U4")),
                GroupSpec("自评组", "自评")],
        weights={"上级": D("0.8"), "自评": D("0.2")})
    return info.id


def test_exported_template_with_scores_imports_as_no_change(db, assessment, tmp_path: Path):
    scores.set_score(db, assessment, "U1", "1.1", "18.5", assessor="甲", group="第一组")
    scores.set_score(db, assessment, "U2", "3.3", 7, assessor="甲")
    path = scores.write_template(db, assessment, tmp_path / "甲.xlsx", assessor="甲")
    ws = load_workbook(path)["评分表"]
    assert [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)] == ["U1", "U2"]  # group only
    report = scores.import_scores(db, assessment, path, assessor="甲")
    assert (report.added, report.changed, report.unchanged) == (0, 0, 2)


def test_group_scores_only_its_subjects(db, assessment):
    with pytest.raises(InputError, match="不负责这个对象"):
        scores.set_score(db, assessment, "U3", "1.1", 10, assessor="甲", group="第一组")


def test_roles_combine_by_weight_in_the_ranking(db, assessment):
    scores.set_score(db, assessment, "U1", "1.1", 20, assessor="甲", group="第一组")
    scores.set_score(db, assessment, "U1", "1.1", 10, assessor="乙", group="第一组")
    scores.set_score(db, assessment, "U1", "1.1", 5, assessor="站长", group="自评组")
    result = {r.subject_code: r for r in ranking.rank_assessment(db, assessment)}
    # 上级 mean 15 × 0.8 + 自评 5 × 0.2 = 13
    assert result["U1"].items["1.1"] == D(13)
    assert result["U1"].assessors_expected == 3 and result["U1"].assessors_done == 0


def test_locked_assessment_refuses_every_edit(db, assessment, tmp_path: Path, leave_out_unfinished):
    scores.set_score(db, assessment, "U1", "1.1", 20, assessor="甲", group="第一组")
    path = scores.write_template(db, assessment, tmp_path / "t.xlsx", assessor="甲")
    leave_out_unfinished(db, assessment)
    for action in ("submit", "approve", "publish"):
        assessments.change_state(db, assessment, action, actor="主任")
    edits = [
        lambda: scores.set_score(db, assessment, "U1", "1.1", 19, assessor="甲"),
        lambda: scores.import_scores(db, assessment, path, assessor="甲"),
        lambda: scores.add_event(db, assessment, "U1", "B1", 2),
        lambda: assessments.add_group(db, assessment, GroupSpec("第三组")),
    ]
    for edit in edits:
        with pytest.raises(InputError, match="已锁定"):
            edit()
    with pytest.raises(InputError, match="理由"):
        assessments.change_state(db, assessment, "reopen")
    with pytest.raises(InputError, match="管理员"):
        assessments.change_state(db, assessment, "reopen", reason="更正录入错误")
    assessments.change_state(db, assessment, "reopen", reason="更正录入错误", actor_is_admin=True)
    scores.set_score(db, assessment, "U1", "1.1", 19, assessor="甲")
    assert ranking.rank_assessment(db, assessment)[0].items["1.1"] == D(19)


def test_submitted_sheet_is_read_only_for_its_assessor(db, assessment):
    scores.set_score(db, assessment, "U1", "1.1", 20, assessor="甲", group="第一组")
    scores.submit_sheet(db, assessment, "甲")
    with pytest.raises(InputError, match="已提交评分表"):
        scores.set_score(db, assessment, "U1", "1.1", 10, assessor="甲")


def test_demo_is_realistic(db):
    from kaohe_desktop.services.demo import load_demo

    ids = load_demo(db)
    assert len(roster.list_units(db)) == 12
    assert 55 <= len(roster.list_staff(db)) <= 65
    info = assessments.get_assessment(db, ids["year"])
    assert info.rubric_code == "CY2019" and len(info.groups) == 2
    results = ranking.rank_assessment(db, ids["year"])
    assert next(r.rank for r in results) == 1 and all(r.assessors_done == 3 for r in results)
    assert {r.grade for r in results} <= {"优秀", "良好", "合格", "不合格"}
    assert any(r.bonus > 0 for r in results) and any(r.deduction > 0 for r in results)
    monthly = [a for a in assessments.list_assessments(db) if a.rubric_code == "VILLAGE-ATT"]
    assert len(monthly) == 3 and all(a.period_kind == "month" for a in monthly)
    with pytest.raises(InputError, match="空数据库"):
        load_demo(db)
