"""Subjects' totals for many assessments at once, without their items.

The year-end roll-up reads twelve monthly assessments (1,000 units × 35 items × 3
assessors each: 1.26 million scores); ranking each in full would take seconds. When an
assessment's scores combine simply — one role, parents that sum, no trimmed mean in
play, values with at most 6 decimals — a subject's base is Σ over items of
(Σ values ÷ n), which `store.ranking_queries.item_sums` delivers per count n as sums
that round back to exact integer millionths; the base is then added as a fraction and
divided once, so it is the exact value (not merely close to it). Any other assessment
goes through `rank_assessment`, the general path. Either way the same domain rules
(`section_total`, veto) add the events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from kaohe_desktop.domain.numbers import ZERO
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.domain.scoring import Event, section_total
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, AssessmentRole, Assessor, RubricRow
from kaohe_desktop.store.ranking_queries import (
    MAX_DECIMALS,
    SCALE,
    events_of,
    item_sums,
    role_counts,
    subject_labels_of,
)

from .ranking import rank_assessment
from .ranking_results import SubjectTotal
from .rubrics import rubric_from_row

TRIM_MIN_COUNT = 5  # domain.aggregation.TRIM_MIN_COUNT: trimming starts to matter here


def _sums_only(rubric: Rubric) -> bool:
    return all(item.combine != "weighted" for item in rubric.walk() if item.children)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _decimals(rubric: Rubric) -> int:
    """The most decimals a valid score of the rubric can have (steps, maxima, levels)."""
    places = [0]
    for leaf in rubric.leaves():
        places += [_places(leaf.step), _places(leaf.max), *(_places(lv.points) for lv in leaf.levels)]
    return max(places)


def _fraction_to_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def assessment_totals(db: Database, assessment_ids: Sequence[int]) -> dict[int, list[SubjectTotal]]:
    """Assessment id → its subjects' totals (in subject order). Unknown ids are skipped."""
    ids = list(dict.fromkeys(assessment_ids))
    if not ids:
        return {}
    with db.session() as s:
        rows = s.execute(select(Assessment.id, Assessment.trimmed_mean, Assessment.rubric_id)
                         .where(Assessment.id.in_(ids))).all()
        rubric_rows = {r.id: r for r in s.scalars(select(RubricRow).where(
            RubricRow.id.in_({rid for _, _, rid in rows})))}
        rubrics = {rid: rubric_from_row(row) for rid, row in rubric_rows.items()}
        rubric_of = {aid: rubrics[rid] for aid, _, rid in rows}
        trimmed = {aid: bool(t) for aid, t, _ in rows}
        roles = role_counts(s, ids)
        weights: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for aid, role, weight in s.execute(select(AssessmentRole.assessment_id, AssessmentRole.role,
                                                  AssessmentRole.weight)
                                           .where(AssessmentRole.assessment_id.in_(ids))):
            weights[aid][role] = weight
        only_role = dict(s.execute(select(Assessor.assessment_id, Assessor.role)
                                   .where(Assessor.assessment_id.in_(ids)).distinct()).all())
        simple = set()
        for aid in rubric_of:
            if roles.get(aid, 0) > 1 or not _sums_only(rubric_of[aid]):
                continue
            role = only_role.get(aid)
            if role is not None and weights[aid] and weights[aid].get(role, ZERO) <= 0:
                continue
            simple.add(aid)
        labels = subject_labels_of(s, list(rubric_of))
        sums: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
        simple = {aid for aid in simple if _decimals(rubric_of[aid]) <= MAX_DECIMALS}
        if simple:
            for aid, sid, n, total in item_sums(s, sorted(simple)):
                if aid not in simple:
                    continue
                scaled = float(total) * SCALE
                millionths = round(scaled)
                if abs(scaled - millionths) > 1e-3 or (trimmed[aid] and n >= TRIM_MIN_COUNT):
                    simple.discard(aid)  # a value finer than the rubric allows, or trimming
                    continue
                sums[(aid, sid)] += Fraction(millionths, n * SCALE)
        events: dict[tuple[int, int], list[Event]] = defaultdict(list)
        for eid, aid, sid, rule, amount, matter in events_of(s, sorted(simple)):
            events[(aid, sid)].append(Event(rule, Decimal(amount), matter or "", eid))

    out: dict[int, list[SubjectTotal]] = {aid: [] for aid in rubric_of}
    for sid, aid, code, name, area in labels:
        if aid not in simple:
            continue
        rubric = rubric_of[aid]
        claims = events.get((aid, sid), ())
        _, bonus = section_total(rubric.bonus, claims)
        _, deduction = section_total(rubric.deduction, claims)
        veto_codes = {v.code for v in rubric.veto}
        vetoed = tuple(sorted({e.rule_code for e in claims if e.rule_code in veto_codes}))
        base = _fraction_to_decimal(sums[(aid, sid)]) if (aid, sid) in sums else ZERO
        out[aid].append(SubjectTotal(sid, code, name, area, base, bonus, deduction, vetoed))
    ids_by_code = {(aid, code): sid for sid, aid, code, _, _ in labels}
    for aid in rubric_of:
        if aid in simple:
            continue
        out[aid] = [SubjectTotal(ids_by_code.get((aid, r.subject_code), 0), r.subject_code,
                                 r.subject_name, r.area, r.base, r.bonus, r.deduction, r.vetoed)
                    for r in sorted(rank_assessment(db, aid),
                                    key=lambda r: ids_by_code.get((aid, r.subject_code), 0))]
    return out
