"""Changing an assessment's grade scale: preview the counts per grade, then save.

The scale is the rubric's `grades` part in its JSON form (`{"mode": …, "scale": [...]}`).
Saving never changes a stored rubric version: it stores the assessment's rubric with the
new scale as a new version (`rubrics.save_rubric`) and points the assessment at it — an
edit of the assessment, so a locked (approved or published) assessment refuses it. The
rubric's items are unchanged, so every stored score stays valid. When the rubric already
has a newer version with other changes, saving is refused rather than reverting them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.grading import Ranked, assign_grades
from kaohe_desktop.domain.rubric import GradeScale, rubric_from_dict, rubric_to_dict
from kaohe_desktop.domain.standings import grade_counts
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import RubricRow

from . import rubrics
from .assessment_lookup import assessment_rubric, load_assessment, require_editable
from .ranking_results import GradePreview, RankingTable
from .results import RubricInfo
from .standings import ranking_table


def parse_scale(grades: dict[str, Any]) -> GradeScale:
    """The scale from its JSON form; InputError with every problem (the rubric's own
    validation, run on a one-item probe rubric)."""
    probe = {"code": "PREVIEW", "full_marks": 1, "grades": grades,
             "items": [{"code": "1", "title": "预览", "max": 1, "kind": "yesno"}]}
    return rubric_from_dict(probe).grades


def preview_grades(table: RankingTable, grades: dict[str, Any]) -> GradePreview:
    """Counts per grade of the table's subjects under `grades` (no database work).

    Give an unfiltered table: quotas are shares of every subject of the assessment."""
    try:
        scale = parse_scale(grades)
    except InputError as exc:
        return GradePreview({}, {}, tuple(exc.lines()))
    ranked = [Ranked(r.subject_code, r.total, bool(r.vetoed)) for r in table.rows]
    return GradePreview(grade_counts(scale, ranked), assign_grades(scale, ranked))


def preview_grade_scale(db: Database, assessment_id: int, scale: dict[str, Any], *,
                        normalised: bool = False) -> GradePreview:
    """How many of the assessment's subjects each grade of `scale` would get."""
    return preview_grades(ranking_table(db, assessment_id, normalised=normalised), scale)


def _without(definition: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in definition.items() if k not in keys}


def save_grade_scale(db: Database, assessment_id: int, scale: dict[str, Any]) -> RubricInfo:
    """Store the scale as a new rubric version and use it for this assessment."""
    parse_scale(scale)  # every problem of the scale, before anything is written
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        current = rubric_to_dict(assessment_rubric(s, a))
        newest = s.scalars(select(RubricRow).where(RubricRow.code == a.rubric.code)
                           .order_by(RubricRow.version.desc())).first()
        assert newest is not None
        if newest.id != a.rubric_id and _without(json.loads(newest.definition), "version", "grades") \
                != _without(current, "version", "grades"):
            raise InputError(Problem(
                f"考核细则 {a.rubric.code} 已有更新的第 {newest.version} 版（评分项目不同）；"
                "请到“考核细则”页修改等次", column="等次", value=a.rubric.code))
        # a version no assessment uses yet: saving on top of it is never refused as locked
        raw = {**current, "grades": scale, "version": newest.version + 1}
    info = rubrics.save_rubric(db, raw)
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        a.rubric_id = info.id
    return info
