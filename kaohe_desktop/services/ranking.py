"""Ranking an assessment: aggregate assessors, add events, rank and grade."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from kaohe_desktop.domain.aggregation import aggregate_leaves
from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.scoring import Event, score_subject
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    AssessmentRole,
    Assessor,
    EventRow,
    GroupSubject,
    Subject,
)

from .assessments import (
    assessment_rubric,
    load_assessment,
    load_subjects,
    subject_area,
    subject_code,
    subject_name,
)
from .results import SubjectResult
from .scores import iter_score_rows


def rank_assessment(db: Database, assessment_id: int) -> list[SubjectResult]:
    """Every subject with base, bonus, deduction, total, rank and grade; best first."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        leaf_count = len(rubric.leaves())
        weights = {r.role: r.weight for r in s.scalars(
            select(AssessmentRole).where(AssessmentRole.assessment_id == a.id))}
        subjects = load_subjects(s, a.id)

        entries: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
        per_assessor: dict[tuple[int, int], int] = defaultdict(int)
        for sid, assessor_id, role, code, value in iter_score_rows(s, a.id):
            entries[sid].append((role, code, value))
            per_assessor[(sid, assessor_id)] += 1

        events: dict[int, list[Event]] = defaultdict(list)
        for e in s.scalars(select(EventRow).where(EventRow.assessment_id == a.id)):
            events[e.subject_id].append(Event(e.rule_code, e.amount, e.matter, e.id))

        group_subjects: dict[int, set[int]] = defaultdict(set)
        for gid, sid in s.execute(select(GroupSubject.group_id, GroupSubject.subject_id)
                                  .join(Subject).where(Subject.assessment_id == a.id)):
            group_subjects[gid].add(sid)
        assessors = s.execute(select(Assessor.id, Assessor.group_id)
                              .where(Assessor.assessment_id == a.id)).all()

        scored = []
        for subj in subjects:
            leaves = aggregate_leaves(entries.get(subj.id, ()), weights, a.trimmed_mean)
            result = score_subject(rubric, leaves, events.get(subj.id, ()))
            expected = [aid for aid, gid in assessors
                        if gid is None or not group_subjects.get(gid)
                        or subj.id in group_subjects[gid]]
            done = sum(per_assessor.get((subj.id, aid), 0) >= leaf_count for aid in expected)
            scored.append((subj, result, done, len(expected)))

        ranked = [Ranked(subject_code(x), r.total, bool(r.vetoed)) for x, r, _, _ in scored]
        ranks = competition_ranks(ranked)
        grades = assign_grades(rubric.grades, ranked)
        out = [
            SubjectResult(
                subject_code=subject_code(x), subject_name=subject_name(x),
                area=subject_area(x), base=r.base, bonus=r.bonus, deduction=r.deduction,
                total=r.total, rank=ranks[subject_code(x)], grade=grades[subject_code(x)],
                items=r.items, vetoed=r.vetoed, assessors_done=done,
                assessors_expected=expected)
            for x, r, done, expected in scored
        ]
    return sorted(out, key=lambda r: (r.rank, r.subject_code))
