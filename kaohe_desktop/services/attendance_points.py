"""Attendance into the score: the points rule of each rubric item fed by attendance, and
writing each staff member's value into an assessment.

An item takes attendance when it is a derived leaf whose `rule.source` is "attendance"
(VILLAGE-ATT item 1). Its rule is the one saved for (rubric code, item code), else the
amounts in the rubric's own `rule`, else the defaults (−1 late, −1 early, −0.5 missing,
−3 per absent day). Values are written as the assessor "考勤系统" with the role of the
assessment's first group, each with a remark that spells out the deduction; running it
again after a re-import updates them. A locked assessment refuses (InputError).

`refresh_assessments` does that for every staff assessment whose period overlaps some
days — after an import and when an assessment is created — so the month's assessment
takes its attendance values without anyone asking; locked ones are left as they are
and named.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.attendance import summarize
from kaohe_desktop.domain.attendance_points import (
    ATTENDANCE_ASSESSOR,
    AttendancePointsRule,
    attendance_points,
    rule_from_dict,
    rule_problems,
)
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import Item, ItemKind, Rubric
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, AssessorGroup, PointsRuleRow, RubricRow, Score

from .assessment_lookup import assessment_rubric, load_assessment, load_subjects, require_editable
from .attendance_data import counting_leave_types, evaluate_people
from .derived_items import refresh_open, write_value
from .results import AppliedValue, ApplyResult, AttendanceScoresRefreshed, PointsItemInfo
from .rubrics import rubric_from_row
from .scores import ensure_assessor

ASSESSOR = ATTENDANCE_ASSESSOR


def attendance_items(rubric: Rubric) -> list[Item]:
    return [i for i in rubric.leaves()
            if i.kind == ItemKind.DERIVED and (i.rule or {}).get("source") == "attendance"]


def _item(s: Session, rubric_code: str, item_code: str) -> Item:
    row = s.scalars(select(RubricRow).where(RubricRow.code == rubric_code)
                    .order_by(RubricRow.version.desc())).first()
    if row is None:
        raise InputError(Problem("没有这套考核细则", column="细则", value=rubric_code))
    rubric = rubric_from_row(row)
    item = next((i for i in attendance_items(rubric) if i.code == item_code), None)
    if item is None:
        codes = "、".join(i.code for i in attendance_items(rubric)) or "无"
        raise InputError(Problem(f"细则 {rubric_code} 中取自考勤的项目只有：{codes}", column="项目",
                                 value=item_code))
    return item


def _rule(s: Session, rubric_code: str, item: Item) -> AttendancePointsRule:
    stored = s.scalar(select(PointsRuleRow.rule).where(PointsRuleRow.rubric_code == rubric_code,
                                                       PointsRuleRow.item_code == item.code))
    rule, _ = rule_from_dict(json.loads(stored) if stored else item.rule)
    return rule


def get_points_rule(db: Database, rubric_code: str, item_code: str) -> AttendancePointsRule:
    with db.session() as s:
        return _rule(s, rubric_code, _item(s, rubric_code, item_code))


def set_points_rule(db: Database, rubric_code: str, item_code: str,
                    rule: AttendancePointsRule | Mapping[str, Any]) -> AttendancePointsRule:
    """Save the rule of one attendance item (for every version of the rubric)."""
    if not isinstance(rule, AttendancePointsRule):
        rule, problems = rule_from_dict(rule)
        if problems:
            raise InputError(problems)
    with db.session() as s:
        item = _item(s, rubric_code, item_code)
        problems = rule_problems(rule, item.step)
        if problems:
            raise InputError([Problem(**{**p.__dict__, "column": f"{item_code}.{p.column}"})
                              for p in problems])
        text = json.dumps(rule.to_dict(), ensure_ascii=False, sort_keys=True)
        row = s.scalar(select(PointsRuleRow).where(PointsRuleRow.rubric_code == rubric_code,
                                                   PointsRuleRow.item_code == item_code))
        if row is None:
            s.add(PointsRuleRow(rubric_code=rubric_code, item_code=item_code, rule=text))
        else:
            row.rule = text
        refresh_in(s)  # the open assessments follow the new rule, in the same transaction
    return rule


def attendance_rule_items(db: Database) -> list[PointsItemInfo]:
    """Every item of the newest version of each rubric that takes attendance, with its rule."""
    out = []
    with db.session() as s:
        newest: dict[str, RubricRow] = {}
        for row in s.scalars(select(RubricRow).order_by(RubricRow.code, RubricRow.version)):
            newest[row.code] = row
        for code, row in newest.items():
            rubric = rubric_from_row(row)
            if rubric.subject_kind != "staff":
                continue
            for item in attendance_items(rubric):
                out.append(PointsItemInfo(code, rubric.name, item.code, item.title, item.max,
                                          item.step, _rule(s, code, item)))
    return out


def apply_to_assessment(db: Database, assessment_id: int) -> ApplyResult:
    """Write each staff subject's attendance items from the attendance of the period."""
    with db.session() as s:
        return apply_in(s, assessment_id)


def apply_in(s: Session, assessment_id: int) -> ApplyResult:
    """`apply_to_assessment` inside the caller's transaction (an import writes its
    punches and the points they give together: a kill leaves both or neither)."""
    a = load_assessment(s, assessment_id)
    require_editable(a)
    rubric = assessment_rubric(s, a)
    items = attendance_items(rubric)
    if not items or rubric.subject_kind != "staff":
        raise InputError(Problem(f"细则 {rubric.code} 没有取自考勤的人员考核项目",
                                 column="考核", value=assessment_id))
    rules = {i.code: _rule(s, rubric.code, i) for i in items}
    subjects = [x for x in load_subjects(s, a.id) if x.staff_id is not None]
    _, people = evaluate_people(s, a.period_start, a.period_end,
                                staff_ids=[x.staff_id for x in subjects])
    if not people:  # no attendance for the period: not even the 考勤系统 assessor
        return ApplyResult(a.id, ASSESSOR, (), tuple(x.staff.code for x in subjects))
    counting = counting_leave_types(s)
    by_staff = {p.staff_id: p for p in people}
    group = s.scalars(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id)
                      .order_by(AssessorGroup.id)).first()
    who = ensure_assessor(s, a, ASSESSOR, group.role if group else None,
                          group.name if group else None)
    stored = {(row.subject_id, row.item_code): row for row in s.scalars(
        select(Score).where(Score.assessment_id == a.id, Score.assessor_id == who.id))}
    values, no_data = [], []
    for subject in subjects:
        person = by_staff.get(subject.staff_id)
        if person is None:
            no_data.append(subject.staff.code)
            continue
        summary = summarize(person.days, counting)
        for item in items:
            result = attendance_points(summary, rules[item.code], item.max, item.step)
            status = write_value(s, stored, a.id, who.id, subject.id, item.code, result.points,
                                 result.remark)
            values.append(AppliedValue(person.code, person.name, item.code, result.points,
                                       result.remark, status))
    return ApplyResult(a.id, who.name, tuple(values), tuple(no_data))


def refresh_assessments(db: Database, start: date = date.min, end: date = date.max, *,
                        only: int | None = None) -> AttendanceScoresRefreshed:
    """Apply the attendance of [start, end] (default: all days, after a rule change) to
    every staff assessment with attendance items whose period overlaps it (or only to
    assessment `only`); locked ones are named, not changed. One transaction."""
    with db.session() as s:
        return refresh_in(s, start, end, only=only)


def refresh_in(s: Session, start: date = date.min, end: date = date.max, *,
               only: int | None = None) -> AttendanceScoresRefreshed:
    """`refresh_assessments` inside the caller's transaction."""
    query = (select(Assessment).join(RubricRow, Assessment.rubric_id == RubricRow.id)
             .where(RubricRow.subject_kind == "staff", Assessment.period_start <= end,
                    Assessment.period_end >= start))
    if only is not None:
        query = query.where(Assessment.id == only)
    found = [a for a in s.scalars(query.order_by(Assessment.id))
             if attendance_items(assessment_rubric(s, a))]
    return AttendanceScoresRefreshed(*refresh_open(s, found, apply_in))
