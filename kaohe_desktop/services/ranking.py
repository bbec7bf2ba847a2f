"""Ranking an assessment: aggregate assessors, add events, check completeness, rank and
grade.

Hot path (1,000 subjects × 35 items × 5 assessors under a second): the scores arrive
grouped per subject, role and item from `store.queries`, decimal texts are parsed once
per distinct value, and the rubric is flattened once (`ScoringPlan`). Completeness is
counted in SQL per assessor and item set; item lists are read only for the pairs that
fall short.

Nothing is concluded from missing data: a subject some assessor (group) has not finished,
or whose derived items have no data, has no rank and no grade (待定); an excluded subject
(不参评) neither. Ranks and grade quotas count the graded subjects only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.aggregation import combine_roles, role_mean
from kaohe_desktop.domain.completeness import (
    DATA_SOURCES,
    Slot,
    convert_base,
    derived_leaves,
    leaves_under,
    missing_items,
)
from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.numbers import ZERO
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.domain.scoring import Event, ScoringPlan, SubjectScore, event_totals, score_subject
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Assessment,
    AssessmentRole,
    Assessor,
    AssessorGroup,
    EventRow,
    GroupSubject,
    ScoreOverride,
    Subject,
    SubjectItemNA,
)
from kaohe_desktop.store.queries import (
    item_mean_cents,
    score_values,
    scored_counts,
    scored_items,
    section_mean_cents,
    subject_labels,
)

from .assessment_lookup import assessment_rubric, group_item_codes, load_assessment
from .gc_pause import gc_paused
from .ranking_results import built
from .results import SubjectResult, SubjectStanding


def rank_assessment(db: Database, assessment_id: int, *,
                    leaf_items: bool = True) -> list[SubjectResult]:
    """Every subject with base, bonus, deduction, total, completeness, rank and grade;
    the graded best first, then the incomplete and excluded by code.

    Without `leaf_items` a result's `items` may hold only the top-level sections (the
    ranking table's columns): where the scores combine simply, SQL adds each section up
    and no leaf reaches Python. Every other figure is the same either way."""
    with gc_paused(), db.session() as s:
        a = load_assessment(s, assessment_id)
        return rank_loaded(s, a, assessment_rubric(s, a), subject_labels(s, a.id),
                           leaf_items=leaf_items)


@dataclass(frozen=True)
class _Who:
    """Who must score what in one assessment, and the administrators' marks."""

    slots: dict[int, list[Slot]]  # subject id → its slots
    sources: frozenset[int]  # assessor ids that are data sources
    derived: frozenset[str]
    overrides: dict[tuple[int, str], Decimal]
    not_applicable: dict[int, set[str]]
    excluded: dict[int, str]  # subject id → reason
    # every person scores every item of every subject (no group limits, no 不适用): then a
    # subject is complete when each item was scored this many times (one score per
    # assessor and item), which the item means' counts tell without another query
    everyone: int | None = None


def _who(s: Session, a_id: int, rubric: Rubric, subject_ids: Iterable[int],
         assessors: list) -> _Who:
    groups = s.execute(select(AssessorGroup).where(AssessorGroup.assessment_id == a_id)
                       .order_by(AssessorGroup.id)).scalars().all()
    members: dict[int, set[int]] = defaultdict(set)
    for gid, sid in s.execute(select(GroupSubject.group_id, GroupSubject.subject_id)
                              .join(Subject).where(Subject.assessment_id == a_id)):
        members[gid].add(sid)
    sources = frozenset(aid for aid, _, _, name in assessors if name in DATA_SOURCES)
    people = [(aid, gid, name) for aid, gid, _, name in assessors if aid not in sources]
    all_leaves = leaves_under(rubric, ())
    group_slots: list[tuple[int, list[Slot]]] = []  # (group id, its slots)
    for g in groups:
        leaves = leaves_under(rubric, group_item_codes(g))
        inside = [Slot(f"{g.name}/{name}", leaves, aid) for aid, gid, name in people if gid == g.id]
        group_slots.append((g.id, inside or [Slot(g.name, leaves)]))
    loose = [Slot(name, all_leaves, aid) for aid, gid, name in people if gid is None]
    if not groups and not loose:
        loose = [Slot("评分人", all_leaves)]
    slots: dict[int, list[Slot]] = {}
    for sid in subject_ids:
        mine = [slot for gid, group in group_slots
                if not members.get(gid) or sid in members[gid] for slot in group]
        slots[sid] = mine + loose
    overrides = {(sid, code): value for sid, code, value in s.execute(
        select(ScoreOverride.subject_id, ScoreOverride.item_code, ScoreOverride.value)
        .join(Subject).where(Subject.assessment_id == a_id))}
    na: dict[int, set[str]] = defaultdict(set)
    for sid, code in s.execute(select(SubjectItemNA.subject_id, SubjectItemNA.item_code)
                               .join(Subject).where(Subject.assessment_id == a_id)):
        na[sid].add(code)
    excluded = {sid: reason for sid, reason in s.execute(
        select(Subject.id, Subject.exclude_reason)
        .where(Subject.assessment_id == a_id, Subject.excluded))}
    plain = (people and not na and all(not members.get(g.id) and not group_item_codes(g)
                                       for g in groups)
             and all(any(gid == g.id for _, gid, _ in people) for g in groups))
    return _Who(slots, sources, derived_leaves(rubric), overrides, dict(na), excluded,
                len(people) if plain else None)


def _missing(s: Session, a_id: int, who: _Who,
             derived_present: dict[int, set[str]]) -> dict[int, tuple[str, ...]]:
    """Subject id → what it lacks (only subjects that lack something)."""
    by_leaves: dict[frozenset[str], set[int]] = defaultdict(set)
    for slots in who.slots.values():
        for slot in slots:
            if slot.assessor_id is not None:
                by_leaves[slot.leaves].add(slot.assessor_id)
    counts = {leaves: scored_counts(s, a_id, ids, leaves) for leaves, ids in by_leaves.items()}
    short: set[tuple[int, int]] = set()
    suspect: set[int] = set()
    for sid, slots in who.slots.items():
        na = who.not_applicable.get(sid, set())
        for slot in slots:
            if slot.assessor_id is None:
                suspect.add(sid)
            elif counts[slot.leaves].get((sid, slot.assessor_id), 0) < len(slot.leaves) or na:
                short.add((sid, slot.assessor_id))
                suspect.add(sid)
        if (who.derived - derived_present.get(sid, set()) - na):
            suspect.add(sid)
    details = scored_items(s, a_id, short)
    out = {}
    for sid in suspect:
        # a slot whose count was full needs no item list: it scored all its leaves
        scored = {slot.assessor_id: (details.get(sid, {}).get(slot.assessor_id, set())
                                     if (sid, slot.assessor_id) in short else slot.leaves)
                  for slot in who.slots[sid] if slot.assessor_id is not None}
        lack = missing_items(who.slots[sid], scored, who.derived,
                             derived_present.get(sid, set()), who.not_applicable.get(sid, set()))
        if lack:
            out[sid] = lack
    return out


def _section_map(rubric: Rubric, plan: ScoringPlan) -> dict[str, int] | None:
    """Leaf code → the index of its top-level section, when every parent only adds (a
    section is then the exact sum of its leaves); None when some parent is weighted."""
    if any(weight is not None for _, children in plan.parents for _, weight in children):
        return None
    return {item.code: n for n, top in enumerate(rubric.items) for item in top.walk()
            if item.is_leaf}


def _scored(rubric: Rubric, base: Decimal, items: dict[str, Decimal],
            events: Sequence[Event]) -> SubjectScore:
    """A subject's score from its base and events, as `score_subject` makes it."""
    if not events:
        return SubjectScore(base, ZERO, ZERO, base, items, ())
    bonus, deduction = event_totals(rubric, events)
    veto_codes = {v.code for v in rubric.veto}
    vetoed = tuple(sorted({e.rule_code for e in events if e.rule_code in veto_codes}))
    return SubjectScore(base, bonus, deduction, base + bonus - deduction, items, vetoed)


def rank_loaded(s: Session, a: Assessment, rubric: Rubric, labels: list[tuple[int, str, str, str]],
                *, leaf_items: bool = True) -> list[SubjectResult]:
    """`rank_assessment` inside the caller's session, with the assessment, its rubric and
    its subjects' labels (`store.queries.subject_labels`) already read: the ranking
    table reads them once for both."""
    plan = ScoringPlan(rubric)
    weights = {r.role: r.weight for r in s.scalars(
        select(AssessmentRole).where(AssessmentRole.assessment_id == a.id))}

    assessors = s.execute(select(Assessor.id, Assessor.group_id, Assessor.role, Assessor.name)
                          .where(Assessor.assessment_id == a.id)).all()
    who = _who(s, a.id, rubric, [sid for sid, _, _, _ in labels], assessors)
    role_of = {str(aid): role for aid, _, role, _ in assessors}
    source_ids = {str(aid) for aid in who.sources}
    # with derived items, each value's assessor tells a source from a person's typing
    single_role = len({role for _, _, role, _ in assessors}) <= 1 and not who.derived
    only_role = assessors[0].role if assessors else ""

    trimmed = a.trimmed_mean
    parsed: dict[str, Decimal] = {}
    # one role (the usual case): each item's mean straight away, no per-role grouping
    counted = not weights or weights.get(only_role, ZERO) > 0
    leaf_values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    by_subject: dict[int, dict[str, dict[str, list[Decimal]]]] = defaultdict(dict)
    derived_values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    exact = single_role and counted and not trimmed and _six_decimals(rubric)
    # the ranking table wants sections only: SQL adds the leaves up (one row per
    # subject and section), unless 不适用 items change a subject's sum
    section_of = None if leaf_items or not exact or who.not_applicable else _section_map(rubric, plan)
    per_section = section_mean_cents(s, a.id, section_of, who.everyone) if section_of else None
    cents = item_mean_cents(s, a.id) if exact and per_section is None else None
    fully_scored: dict[int, int] = defaultdict(int)  # subject → items scored by everyone
    section_cents: dict[int, list[int | None]] = {}  # subject → cents per section
    top_count = len(rubric.items)
    for sid, n, c, by_everyone in per_section or ():
        mine = section_cents.get(sid)
        if mine is None:
            mine = section_cents[sid] = [None] * top_count
        mine[n] = int(c)
        fully_scored[sid] += by_everyone
    if cents is not None:  # the hot path: SQLite averages and rounds each item exactly
        money: dict[int, Decimal] = {}
        for sid, code, c, n in cents:
            value = money.get(c)
            if value is None:
                value = money[c] = Decimal(c).scaleb(-2)
            leaf_values[sid][code] = value
            if n == who.everyone:
                fully_scored[sid] += 1
    for sid, code, joined in (() if cents is not None or per_section is not None else
                              score_values(s, a.id, with_assessor=not single_role)):
        if single_role:
            if not counted:
                continue
            values = []
            for raw in joined.split(","):
                value = parsed.get(raw)
                if value is None:
                    value = parsed[raw] = Decimal(raw)
                values.append(value)
            leaf_values[sid][code] = values[0] if len(values) == 1 else role_mean(values, trimmed)
            continue
        derived = code in who.derived
        by_role: dict[str, list[Decimal]] = {}
        for pair in joined.split(","):
            aid, raw = pair.split(":")
            value = parsed.get(raw)
            if value is None:
                value = parsed[raw] = Decimal(raw)
            if derived:  # only its source counts; a person's typed value never does
                if aid in source_ids:
                    derived_values[sid][code] = value
                continue
            if aid in source_ids:
                continue
            by_role.setdefault(role_of[aid], []).append(value)
        if by_role:
            by_subject[sid][code] = by_role
    for (sid, code), value in who.overrides.items():
        if code in who.derived:
            derived_values[sid][code] = value  # replaces the source's value
    leaf_count = len(plan.leaf_codes)
    if ((cents is not None or per_section is not None) and who.everyone is not None
            and all(fully_scored[sid] == leaf_count for sid in who.slots)):
        missing = {}  # every person scored every item of every subject
    else:
        missing = _missing(s, a.id, who, {sid: set(v) for sid, v in derived_values.items()})

    events: dict[int, list[Event]] = defaultdict(list)
    for eid, sid, rule, amount, matter in s.execute(
            select(EventRow.id, EventRow.subject_id, EventRow.rule_code, EventRow.amount,
                   EventRow.matter).where(EventRow.assessment_id == a.id)):
        events[sid].append(Event(rule, amount, matter, eid))

    scored = []
    no_sums: list[int | None] = [None] * len(plan.top_codes)
    for sid, code, name, area in labels:
        conversion = None
        if per_section is not None:
            # a section with no scored leaf is 0 as the leaf path makes it (no cents)
            items = {top: ZERO if c is None else Decimal(c).scaleb(-2)
                     for top, c in zip(plan.top_codes, section_cents.get(sid, no_sums), strict=True)}
            result = _scored(rubric, sum(items.values(), ZERO), items, events.get(sid, ()))
            base = result.base
        else:
            leaves = leaf_values.get(sid, {})
            for item_code, by_role in by_subject.get(sid, {}).items():
                value = combine_roles(by_role, weights, trimmed)
                if value is not None:
                    leaves[item_code] = value
            leaves.update(derived_values.get(sid, {}))
            na = who.not_applicable.get(sid, set())
            for item_code in na:
                leaves.pop(item_code, None)
            result = score_subject(rubric, leaves, events.get(sid, ()), plan,
                                   rounded_already=cents is not None and not by_subject.get(sid)
                                   and not derived_values.get(sid))
            conversion = convert_base(rubric, result.base, na) if na else None
            base = conversion.value if conversion else result.base
        slots = [x for x in who.slots[sid] if x.assessor_id is not None]
        lack = missing.get(sid, ())
        done = sum(1 for x in slots if not any(line.startswith(f"{x.label}：") for line in lack)) \
            if lack else len(slots)
        scored.append((sid, code, name, area, result, base, conversion, lack, done, len(slots)))

    graded = [Ranked(code, base + r.bonus - r.deduction, bool(r.vetoed))
              for sid, code, _, _, r, base, _, lack, _, _ in scored
              if not lack and sid not in who.excluded]
    ranks = competition_ranks(graded)
    grades = assign_grades(rubric.grades, graded)
    overridden = defaultdict(list)
    for sid, item_code in who.overrides:
        overridden[sid].append(item_code)
    out = [
        built(SubjectResult, {  # one per subject: see `built`
            "subject_code": code, "subject_name": name, "area": area, "base": base,
            "bonus": r.bonus, "deduction": r.deduction, "total": base + r.bonus - r.deduction,
            "rank": ranks.get(code), "grade": grades.get(code), "items": r.items,
            "vetoed": r.vetoed, "assessors_done": done, "assessors_expected": expected,
            "complete": not lack, "missing": lack, "excluded": sid in who.excluded,
            "exclude_reason": who.excluded.get(sid, ""),
            "not_applicable": tuple(sorted(who.not_applicable[sid]))
            if sid in who.not_applicable else (),
            "conversion": conversion.text() if conversion else "",
            "overridden": tuple(sorted(overridden[sid])) if sid in overridden else ()})
        for sid, code, name, area, r, base, conversion, lack, done, expected in scored
    ]
    return sorted(out, key=result_order)


def _six_decimals(rubric: Rubric) -> bool:
    """Whether every value the rubric allows has at most 6 decimals (the SQL mean's
    exactness needs it; any real rubric does)."""
    numbers = [n for i in rubric.leaves() for n in (i.max, i.step, *(lv.points for lv in i.levels))]
    return all(int(n.as_tuple().exponent) >= -6 for n in numbers)


def result_order(r: SubjectResult) -> tuple:
    """The graded by rank, then the incomplete, then the excluded, each by code."""
    if r.rank is not None:
        return (0, r.rank, r.subject_code)
    return (2 if r.excluded else 1, 0, r.subject_code)


def standings_of(db: Database, assessment_id: int) -> dict[str, SubjectStanding]:
    """Subject code → complete or what it lacks, over every assessor (the score-entry
    list shows it beside each assessor's own ✓)."""
    return {r.subject_code: SubjectStanding(r.complete, r.missing, r.excluded)
            for r in rank_assessment(db, assessment_id)}
