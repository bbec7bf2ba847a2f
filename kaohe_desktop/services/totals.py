"""Subjects' totals for many assessments at once, without their items.

The year-end roll-up reads twelve monthly assessments (1,000 units × 35 items × 3
assessors each: 1.26 million scores); ranking each in full would take seconds. When an
assessment's scores combine simply — one role, parents that sum, no trimmed mean in
play, no derived items, overrides, 不适用 or 不参评, values with at most 6 decimals — a
subject's base is Σ over items of (Σ values ÷ n) rounded half up to cents, the shown
rule of `domain.scoring`; `store.ranking_queries.item_cents` computes it in exact
integer arithmetic from item sums that round back to integer millionths, so it equals
the item path to the cent (not merely close to it). Any other assessment goes through
`rank_assessment`, the general path. Either way the same domain rules
(`event_totals`, veto) add the events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from kaohe_desktop.domain.numbers import ZERO
from kaohe_desktop.domain.rubric import ItemKind, Rubric
from kaohe_desktop.domain.scoring import Event, event_totals
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, AssessmentRole, Assessor, RubricRow
from kaohe_desktop.store.ranking_queries import (
    MAX_DECIMALS,
    events_of,
    expected_assessors,
    item_cents,
    item_limited,
    role_counts,
    special_assessments,
    subject_labels_of,
)

from .ranking import rank_assessment
from .ranking_results import SubjectTotal
from .rubrics import rubric_from_row

TRIM_MIN_COUNT = 5  # domain.aggregation.TRIM_MIN_COUNT: trimming starts to matter here


def _sums_only(rubric: Rubric) -> bool:
    """Parents that only add, and no derived leaves (whose typed values do not count)."""
    return all(item.combine != "weighted" if item.children else item.kind != ItemKind.DERIVED
               for item in rubric.walk())


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _decimals(rubric: Rubric) -> int:
    """The most decimals a valid score of the rubric can have (steps, maxima, levels)."""
    places = [0]
    for leaf in rubric.leaves():
        places += [_places(leaf.step), _places(leaf.max), *(_places(lv.points) for lv in leaf.levels)]
    return max(places)


def _expected(rows: list[tuple[int, int | None, int | None, int]]
              ) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """(assessment, subject) → assessors expected to score every leaf (the subject's
    groups' and the loose ones; pairs absent have only loose ones: `loose[aid]`), and the
    pairs that cannot be complete (a group covering them has nobody)."""
    loose = {aid: n for aid, sid, _, n in rows if sid is None}
    expected: dict[tuple[int, int], int] = defaultdict(int)
    blocked: set[tuple[int, int]] = set()
    for aid, sid, _, n in rows:
        if sid is None:
            continue
        expected[(aid, sid)] += n
        if n == 0:
            blocked.add((aid, sid))
    for key in list(expected):
        expected[key] += loose.get(key[0], 0)
    return dict(expected) | {(aid, 0): n for aid, n in loose.items()}, blocked


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
        simple -= special_assessments(s, sorted(simple)) | item_limited(s, sorted(simple))
        expected, blocked = _expected(expected_assessors(s, sorted(simple)))
        labels = subject_labels_of(s, list(rubric_of))
        cents: dict[tuple[int, int], int] = {}
        simple = {aid for aid in simple if _decimals(rubric_of[aid]) <= MAX_DECIMALS}
        done: set[tuple[int, int]] = set()
        leaf_count = {aid: len(rubric_of[aid].leaves()) for aid in simple}  # not per subject
        if simple:
            for aid, sid, total, most, error, fewest, items in item_cents(s, sorted(simple)):
                if aid not in simple:
                    continue
                want = expected.get((aid, sid), expected.get((aid, 0), 0))
                if error > 1e-3 or (trimmed[aid] and most >= TRIM_MIN_COUNT) or most > want:
                    # a value finer than the rubric allows, trimming, or scores from someone
                    # not expected to score the subject: the general path sorts it out
                    simple.discard(aid)
                    continue
                cents[(aid, sid)] = total
                # each assessor scores an item at most once, so every expected assessor
                # scored every leaf exactly when each leaf has `want` values
                if fewest == want and items == leaf_count[aid] \
                        and (aid, sid) not in blocked:
                    done.add((aid, sid))
        events: dict[tuple[int, int], list[Event]] = defaultdict(list)
        for eid, aid, sid, rule, amount, matter in events_of(s, sorted(simple)):
            events[(aid, sid)].append(Event(rule, Decimal(amount), matter or "", eid))

    out: dict[int, list[SubjectTotal]] = {aid: [] for aid in rubric_of}
    for sid, aid, code, name, area in labels:
        if aid not in simple:
            continue
        rubric = rubric_of[aid]
        claims = events.get((aid, sid), ())
        bonus, deduction = event_totals(rubric, claims)
        veto_codes = {v.code for v in rubric.veto}
        vetoed = tuple(sorted({e.rule_code for e in claims if e.rule_code in veto_codes}))
        base = Decimal(cents[(aid, sid)]).scaleb(-2) if (aid, sid) in cents else ZERO
        out[aid].append(SubjectTotal(sid, code, name, area, base, bonus, deduction, vetoed,
                                     (aid, sid) in done))
    ids_by_code = {(aid, code): sid for sid, aid, code, _, _ in labels}
    for aid in rubric_of:
        if aid in simple:
            continue
        out[aid] = [SubjectTotal(ids_by_code.get((aid, r.subject_code), 0), r.subject_code,
                                 r.subject_name, r.area, r.base, r.bonus, r.deduction, r.vetoed,
                                 r.complete)
                    # a subject left out (不参评) did not take part in that period
                    for r in sorted((r for r in rank_assessment(db, aid) if not r.excluded),
                                    key=lambda r: ids_by_code.get((aid, r.subject_code), 0))]
    return out
