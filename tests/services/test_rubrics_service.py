"""The rubric editor's use-cases on a real SQLite file: versions, save, copy, the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaohe_desktop.domain import rubric_edit
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, rubrics


def _edited(db) -> dict:
    """CY2019 with a new item under 1.2 and 1.2.5 lowered so 1.2 still adds up to 10."""
    raw = rubrics.rubric_definition(db, "CY2019")
    code = rubric_edit.add_child(raw, "1.2")
    rubric_edit.find_item(raw, code)["title"] = "有便民服务台账"
    rubric_edit.find_item(raw, "1.2.5")["max"] = 2
    return raw


def _assessment(db, code: str = "CY2019", version: int | None = None) -> int:
    roster.add_unit(db, "第一站", code="U1", area="城关街道")
    return assessments.create_assessment(db, code, parse_period("2024"), subjects="units",
                                         rubric_version=version).id


def test_versions_and_definition(db):
    versions = rubrics.rubric_versions(db, "CY2019")
    assert [(v.code, v.version, v.leaves, v.builtin) for v in versions] == [("CY2019", 1, 35, True)]
    assert rubrics.rubric_versions(db, "NOPE") == []
    raw = rubrics.rubric_definition(db, "CY2019")
    assert raw["code"] == "CY2019" and raw["version"] == 1
    assert len(list(rubric_edit.walk(raw))) == 46


def test_save_stores_a_new_version_and_keeps_the_old(db):
    info = rubrics.save_rubric(db, _edited(db))
    assert (info.code, info.version, info.leaves, info.builtin) == ("CY2019", 2, 36, False)
    assert rubrics.get_rubric(db, "CY2019").item("1.2.6").title == "有便民服务台账"
    assert rubrics.get_rubric(db, "CY2019", 1).item("1.2.6") is None
    assert [v.version for v in rubrics.rubric_versions(db, "CY2019")] == [1, 2]
    # the same definition again adds nothing
    again = rubrics.save_rubric(db, {**rubrics.rubric_definition(db, "CY2019"), "version": 2})
    assert again.version == 2
    assert [r.version for r in rubrics.list_rubrics(db) if r.code == "CY2019"] == [2]


def test_save_refuses_an_invalid_rubric_and_writes_nothing(db):
    raw = rubrics.rubric_definition(db, "CY2019")
    rubric_edit.add_child(raw, "1.2")  # 1.2 now adds up to 11, 1 to 51, the total to 101
    rubric_edit.find_item(raw, "2.1.1")["max"] = "四"
    with pytest.raises(InputError) as caught:
        rubrics.save_rubric(db, raw)
    text = "\n".join(caught.value.lines())
    assert "上级项目满分 10 与下级合计 11 不符" in text
    assert "满分不是数字" in text
    assert [v.version for v in rubrics.rubric_versions(db, "CY2019")] == [1]


def test_a_version_used_by_a_submitted_assessment_is_locked(db, leave_out_unfinished):
    assessment = _assessment(db)
    assert not rubrics.rubric_is_locked(db, "CY2019", 1)  # a draft does not lock
    leave_out_unfinished(db, assessment)
    assessments.change_state(db, assessment, "submit")
    assert rubrics.rubric_is_locked(db, "CY2019", 1)
    assert rubrics.locked_versions(db, "CY2019") == {1}
    assert not rubrics.rubric_is_locked(db, "FRNL", 1)
    with pytest.raises(InputError, match="只读"):
        rubrics.save_rubric(db, _edited(db))
    copy = rubrics.copy_as_new_version(db, "CY2019", 1)
    assert copy.version == 2 and not rubrics.rubric_is_locked(db, "CY2019", 2)
    raw = _edited(db)
    assert raw["version"] == 2
    assert rubrics.save_rubric(db, raw).version == 3
    # the assessment still uses version 1
    assert assessments.get_assessment(db, assessment).rubric_version == 1


def test_copy_rubric_makes_a_new_code(db):
    info = rubrics.copy_rubric(db, "CY2019", " CY2025 ", "2025年社区便民服务站管理考核办法")
    assert (info.code, info.version, info.leaves, info.builtin) == ("CY2025", 1, 35, False)
    copied = rubrics.get_rubric(db, "CY2025")
    assert copied.name == "2025年社区便民服务站管理考核办法"
    assert copied.bonus == rubrics.get_rubric(db, "CY2019").bonus
    assert "CY2025" in [r.code for r in rubrics.list_rubrics(db)]


@pytest.mark.parametrize(("code", "name", "reason"), [
    ("FRNL", "新名称", "已有这个编号"),
    ("", "新名称", "编号不能为空"),
    ("CY 2025", "新名称", "不能含空格"),
    ("CY2025", " ", "名称不能为空"),
])
def test_copy_rubric_refuses_bad_codes_and_names(db, code, name, reason):
    with pytest.raises(InputError, match=reason):
        rubrics.copy_rubric(db, "CY2019", code, name)
    assert [r.code for r in rubrics.list_rubrics(db)] == sorted(rubrics.BUILTIN_CODES)


def test_copy_of_an_unknown_rubric_names_the_ones_there_are(db):
    with pytest.raises(InputError, match="没有考核细则 NOPE"):
        rubrics.copy_rubric(db, "NOPE", "X1", "名称")


def test_a_saved_version_exports_and_imports_as_no_change(db, tmp_path: Path):
    rubrics.save_rubric(db, _edited(db))
    path = rubrics.export_rubric(db, "CY2019", tmp_path / "cy.json")
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 2
    info, added = rubrics.import_rubric(db, path)
    assert (info.version, added) == (2, False)
