"""Derived items (attendance, service records, roll-ups) belong to their source.

A derived item takes its value from its data only: a person's typed value is refused
(`derived_refused`, asked by every way of entering scores). An administrator may set one
subject's value with a reason (`override_derived`): it replaces the derived value — never
averaged with it —, is recorded with who and when, and is marked wherever the score is
shown (`SubjectResult.overridden`). `write_value` and `refresh_open` are the writing and
refreshing that every data source shares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.completeness import DATA_SOURCES
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import ItemKind, Rubric
from kaohe_desktop.domain.scoring import ValueRefused, parse_leaf_value
from kaohe_desktop.domain.states import State, editable
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, Assessor, Score, ScoreOverride

from .assessment_lookup import (
    assessment_rubric,
    load_assessment,
    require_editable,
    subject_code,
    subjects_by_code,
)
from .results import ApplyResult, DerivedValue


def write_value(s: Session, stored: dict[tuple[int, str], Score], assessment_id: int,
                assessor_id: int, subject_id: int, item_code: str, points: Decimal,
                remark: str) -> str:
    """Store one derived value as its data source's score, only when it changed:
    "added", "changed" or "unchanged". `stored` is that source's rows by (subject, item)."""
    row = stored.get((subject_id, item_code))
    if row is None:
        s.add(Score(assessment_id=assessment_id, subject_id=subject_id, assessor_id=assessor_id,
                    item_code=item_code, value=points, remark=remark))
        return "added"
    if row.value != points or row.remark != remark:
        row.value, row.remark = points, remark
        return "changed"
    return "unchanged"


def refresh_open(s: Session, found: Iterable[Assessment],
                 apply: Callable[[Session, int], ApplyResult]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Apply a data source to each of `found` (assessments with its items): the open ones
    are brought up to date, the locked ones only named. (updated names, locked names)."""
    updated, locked = [], []
    for assessment_id, name, open_ in [(a.id, a.name, editable(State(a.state))) for a in found]:
        if not open_:
            locked.append(name)
        elif any(v.status != "unchanged" for v in apply(s, assessment_id).values):
            updated.append(name)
    return tuple(updated), tuple(locked)


def source_of(rubric: Rubric, item_code: str) -> str:
    """The data a derived item comes from, in words ("考勤数据")."""
    item = rubric.item(item_code)
    source = str((item.rule or {}).get("source", "")) if item is not None else ""
    return {"attendance": "考勤数据", "rollup": "年度汇总", "service": "服务记录"}.get(source, "数据")


def derived_refused(rubric: Rubric, item_code: str, assessor: str) -> str:
    """Why `assessor` may not type a value for this item ("" when they may)."""
    item = rubric.item(item_code)
    if item is None or item.kind != ItemKind.DERIVED or assessor in DATA_SOURCES:
        return ""
    return (f"项目 {item.code}“{item.title}”取自{source_of(rubric, item.code)}，不能手工录入；"
            "如需更正，请由管理员填写理由后更正（kaohe scores set … --override --reason 理由）")


@dataclass(frozen=True)
class OverrideInfo:
    subject_code: str
    item_code: str
    value: Decimal
    reason: str
    actor: str
    at: datetime | None


def _derived_item(rubric: Rubric, item_code: str):
    item = rubric.item(item_code)
    if item is None or not item.is_leaf or item.kind != ItemKind.DERIVED:
        raise InputError(Problem(f"项目 {item_code} 不是取自数据的项目，按常规评分录入即可",
                                 column="项目", value=item_code))
    return item


def override_derived(db: Database, assessment_id: int, subject: str, item_code: str,
                     value: object, *, reason: str, actor: str = "") -> OverrideInfo:
    """Set a derived item's value for one subject by hand, replacing the derived value."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        rubric = assessment_rubric(s, a)
        problems = []
        if not reason.strip():
            problems.append(Problem("更正取自数据的项目必须填写理由（--reason）", column="--reason"))
        try:
            item = _derived_item(rubric, item_code)
            points = parse_leaf_value(item, value)
        except ValueRefused as exc:
            problems.append(exc.problem)
        except InputError as exc:
            problems.extend(exc.problems)
        subj = subjects_by_code(s, a.id).get(subject)
        if subj is None:
            problems.append(Problem("该对象不在本次考核中", column="对象", value=subject))
        if problems:
            raise InputError(problems)
        row = s.scalar(select(ScoreOverride).where(ScoreOverride.subject_id == subj.id,
                                                   ScoreOverride.item_code == item.code))
        if row is None:
            row = ScoreOverride(subject_id=subj.id, item_code=item.code)
            s.add(row)
        row.value, row.reason, row.actor = points, reason.strip(), actor.strip()
        row.at = datetime.now()
        s.flush()
        return OverrideInfo(subject, item.code, points, row.reason, row.actor, row.at)


def clear_override(db: Database, assessment_id: int, subject: str, item_code: str) -> bool:
    """Go back to the derived value; False when there was no override."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        subj = subjects_by_code(s, a.id).get(subject)
        if subj is None:
            raise InputError(Problem("该对象不在本次考核中", column="对象", value=subject))
        row = s.scalar(select(ScoreOverride).where(ScoreOverride.subject_id == subj.id,
                                                   ScoreOverride.item_code == item_code))
        if row is None:
            return False
        s.delete(row)
        return True


def list_overrides(db: Database, assessment_id: int) -> list[OverrideInfo]:
    with db.session() as s:
        load_assessment(s, assessment_id)
        subjects = {x.id: subject_code(x) for x in subjects_by_code(s, assessment_id).values()}
        rows = s.scalars(select(ScoreOverride).where(ScoreOverride.subject_id.in_(subjects))
                         .order_by(ScoreOverride.subject_id, ScoreOverride.item_code))
        return [OverrideInfo(subjects[r.subject_id], r.item_code, r.value, r.reason, r.actor, r.at)
                for r in rows]


def derived_values(db: Database, assessment_id: int) -> dict[str, dict[str, DerivedValue]]:
    """Subject code → derived leaf → the value that counts: an override where there is one,
    else the source's (with its working as the remark)."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        derived = [i.code for i in rubric.leaves() if i.kind == ItemKind.DERIVED]
        out: dict[str, dict[str, DerivedValue]] = {}
        if not derived:
            return out
        code_of = {x.id: subject_code(x) for x in subjects_by_code(s, a.id).values()}
        rows = s.execute(select(Score.subject_id, Score.item_code, Score.value, Score.remark)
                         .join(Assessor, Assessor.id == Score.assessor_id)
                         .where(Score.assessment_id == a.id, Score.item_code.in_(derived),
                                Assessor.name.in_(DATA_SOURCES)))
        for sid, code, value, remark in rows:
            out.setdefault(code_of[sid], {})[code] = DerivedValue(value, remark)
        for r in s.scalars(select(ScoreOverride).where(ScoreOverride.subject_id.in_(code_of))):
            out.setdefault(code_of[r.subject_id], {})[r.item_code] = DerivedValue(
                r.value, f"管理员更正：{r.reason}", True)
        return out
