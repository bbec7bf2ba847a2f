"""An administrator's marks on one subject of an assessment: 不参评 (excluded, with a
reason) and 不适用 (an item that does not apply, where the rubric allows it).

Both are recorded with a reason and shown wherever the subject's result is: an excluded
subject has no rank, no grade and no document; a subject with items 不适用 has its base
converted to the full scale (得分 ÷ 适用项满分 × 满分, `domain.completeness.convert_base`).
"""

from __future__ import annotations

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import SubjectItemNA

from .assessment_lookup import assessment_rubric, load_assessment, require_editable, subjects_by_code


def _subject(s, assessment_id: int, subject: str):
    a = load_assessment(s, assessment_id)
    require_editable(a)
    subj = subjects_by_code(s, a.id).get(subject)
    if subj is None:
        raise InputError(Problem("该对象不在本次考核中", column="对象", value=subject))
    return a, subj


def exclude_subject(db: Database, assessment_id: int, subject: str, *, reason: str) -> None:
    """不参评: leave the subject out of grading, ranking and documents."""
    if not reason.strip():
        raise InputError(Problem("不参评必须填写理由（--reason）", column="--reason"))
    with db.session() as s:
        _, subj = _subject(s, assessment_id, subject)
        subj.excluded, subj.exclude_reason = True, reason.strip()


def include_subject(db: Database, assessment_id: int, subject: str) -> bool:
    """Take an excluded subject back; False when it was not excluded."""
    with db.session() as s:
        _, subj = _subject(s, assessment_id, subject)
        was = subj.excluded
        subj.excluded, subj.exclude_reason = False, ""
        return was


def mark_not_applicable(db: Database, assessment_id: int, subject: str, item_code: str, *,
                        reason: str, actor: str = "") -> None:
    """不适用: the item does not apply to this subject (only where the rubric allows it)."""
    with db.session() as s:
        a, subj = _subject(s, assessment_id, subject)
        rubric = assessment_rubric(s, a)
        item = rubric.item(item_code)
        problems = []
        if not reason.strip():
            problems.append(Problem("标记不适用必须填写理由（--reason）", column="--reason"))
        if item is None or not item.is_leaf:
            problems.append(Problem(f"细则 {rubric.code} 没有末级项目 {item_code}", column="项目",
                                    value=item_code))
        elif not item.allow_na:
            allowed = [i.code for i in rubric.leaves() if i.allow_na]
            problems.append(Problem(
                f"细则 {rubric.code} 不允许把项目 {item.code}“{item.title}”标为不适用"
                f"（允许的项目：{'、'.join(allowed) or '无'}）", column="项目", value=item_code))
        if problems:
            raise InputError(problems)
        row = s.scalar(select(SubjectItemNA).where(SubjectItemNA.subject_id == subj.id,
                                                   SubjectItemNA.item_code == item_code))
        if row is None:
            row = SubjectItemNA(subject_id=subj.id, item_code=item_code)
            s.add(row)
        row.reason, row.actor = reason.strip(), actor.strip()


def unmark_not_applicable(db: Database, assessment_id: int, subject: str, item_code: str) -> bool:
    with db.session() as s:
        _, subj = _subject(s, assessment_id, subject)
        row = s.scalar(select(SubjectItemNA).where(SubjectItemNA.subject_id == subj.id,
                                                   SubjectItemNA.item_code == item_code))
        if row is None:
            return False
        s.delete(row)
        return True
