"""Ranking an assessment: aggregate assessors, add events, rank and grade.

Hot path (1,000 subjects × 35 items × 5 assessors under a second): the scores arrive
grouped per subject, role and item from `store.queries`, decimal texts are parsed once
per distinct value, and the rubric is flattened once (`ScoringPlan`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from kaohe_desktop.domain.aggregation import combine_roles
from kaohe_desktop.domain.attendance_points import ATTENDANCE_ASSESSOR
from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.scoring import Event, ScoringPlan, score_subject
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import AssessmentRole, Assessor, EventRow, GroupSubject, Subject
from kaohe_desktop.store.queries import score_values, scored_per_assessor, subject_labels

from .assessment_lookup import assessment_rubric, load_assessment
from .gc_pause import gc_paused
from .results import SubjectResult


def rank_assessment(db: Database, assessment_id: int) -> list[SubjectResult]:
    """Every subject with base, bonus, deduction, total, rank and grade; best first."""
    with gc_paused():
        return _rank(db, assessment_id)


def _rank(db: Database, assessment_id: int) -> list[SubjectResult]:
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        plan = ScoringPlan(rubric)
        leaf_count = len(plan.leaf_codes)
        weights = {r.role: r.weight for r in s.scalars(
            select(AssessmentRole).where(AssessmentRole.assessment_id == a.id))}
        labels = subject_labels(s, a.id)

        assessors = s.execute(select(Assessor.id, Assessor.group_id, Assessor.role, Assessor.name)
                              .where(Assessor.assessment_id == a.id)).all()
        role_of = {str(aid): role for aid, _, role, _ in assessors}
        single_role = len({role for _, _, role, _ in assessors}) <= 1
        only_role = assessors[0].role if assessors else ""

        parsed: dict[str, Decimal] = {}
        by_subject: dict[int, dict[str, dict[str, list[Decimal]]]] = defaultdict(dict)
        for sid, code, joined in score_values(s, a.id, with_assessor=not single_role):
            if single_role:
                values = []
                for raw in joined.split(","):
                    value = parsed.get(raw)
                    if value is None:
                        value = parsed[raw] = Decimal(raw)
                    values.append(value)
                by_subject[sid][code] = {only_role: values}
                continue
            by_role: dict[str, list[Decimal]] = {}
            for pair in joined.split(","):
                aid, raw = pair.split(":")
                value = parsed.get(raw)
                if value is None:
                    value = parsed[raw] = Decimal(raw)
                by_role.setdefault(role_of[aid], []).append(value)
            by_subject[sid][code] = by_role
        per_assessor = scored_per_assessor(s, a.id)

        events: dict[int, list[Event]] = defaultdict(list)
        for e in s.scalars(select(EventRow).where(EventRow.assessment_id == a.id)):
            events[e.subject_id].append(Event(e.rule_code, e.amount, e.matter, e.id))

        group_subjects: dict[int, set[int]] = defaultdict(set)
        for gid, sid in s.execute(select(GroupSubject.group_id, GroupSubject.subject_id)
                                  .join(Subject).where(Subject.assessment_id == a.id)):
            group_subjects[gid].add(sid)
        trimmed = a.trimmed_mean

    scored = []
    for sid, code, name, area in labels:
        leaves = {}
        for item_code, by_role in by_subject.get(sid, {}).items():
            value = combine_roles(by_role, weights, trimmed)
            if value is not None:
                leaves[item_code] = value
        result = score_subject(rubric, leaves, events.get(sid, ()), plan)
        expected = [aid for aid, gid, _, name in assessors if name != ATTENDANCE_ASSESSOR
                    and (gid is None or not group_subjects.get(gid) or sid in group_subjects[gid])]
        done = sum(per_assessor.get((sid, aid), 0) >= leaf_count for aid in expected)
        scored.append((code, name, area, result, done, len(expected)))

    ranked = [Ranked(code, r.total, bool(r.vetoed)) for code, _, _, r, _, _ in scored]
    ranks = competition_ranks(ranked)
    grades = assign_grades(rubric.grades, ranked)
    out = [
        SubjectResult(subject_code=code, subject_name=name, area=area, base=r.base,
                      bonus=r.bonus, deduction=r.deduction, total=r.total, rank=ranks[code],
                      grade=grades[code], items=r.items, vetoed=r.vetoed, assessors_done=done,
                      assessors_expected=expected)
        for code, name, area, r, done, expected in scored
    ]
    return sorted(out, key=lambda r: (r.rank, r.subject_code))
