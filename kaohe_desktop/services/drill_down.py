"""One subject of an assessment in detail: what a unit needs to know to improve.

Item by item (rubric order) its combined score, each assessor's score and remark, the
events behind its bonus and deductions with their evidence (and which claims did not
count because a higher claim of the same matter did), the leaves where it lost most
points, and the scores that still need a written remark (`domain.standings`).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from kaohe_desktop.domain.aggregation import aggregate_leaves
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import Item, Rubric
from kaohe_desktop.domain.scoring import Event, ScoringPlan, counted_claims, section_total
from kaohe_desktop.domain.standings import missing_remarks
from kaohe_desktop.domain.states import State, editable
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    AssessmentRole,
    Assessor,
    AssessorGroup,
    EventRow,
    GroupSubject,
    Score,
)

from .assessment_lookup import assessment_rubric, load_assessment, subjects_by_code
from .ranking_results import AssessorScore, DrillDown, EventLine, ItemLine
from .scores import event_info
from .standings import ranking_table

MOST_LOST = 5


def _counted(events: list[EventRow]) -> set[int]:
    """Ids of the claims that count, as the scoring counts them."""
    return counted_claims((e.id, e.section, e.matter, e.amount) for e in events)  # type: ignore[return-value]


def _rule_title(rubric: Rubric, code: str) -> str:
    veto = rubric.veto_rule(code)
    if veto is not None:
        return veto.title
    found = rubric.event_rule(code)
    return found[1].title if found else ""


def drill_down(db: Database, assessment_id: int, subject_code: str, *,
               normalised: bool = False) -> DrillDown:
    """The subject's items, each assessor's scores, events and weakest items."""
    table = ranking_table(db, assessment_id, normalised=normalised)
    row = next((r for r in table.rows if r.subject_code == subject_code), None)
    if row is None:
        raise InputError(Problem("该对象不在本次考核中", column="对象", value=subject_code))
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        subject = subjects_by_code(s, a.id)[subject_code]
        weights = {r.role: r.weight for r in s.scalars(
            select(AssessmentRole).where(AssessmentRole.assessment_id == a.id))}
        # who scores the subject: assessors of no group, of a group that scores every
        # subject (names none), or of a group that names this subject
        naming = set(s.scalars(select(GroupSubject.group_id)
                               .where(GroupSubject.subject_id == subject.id)))
        named = set(s.scalars(select(GroupSubject.group_id).distinct().join(AssessorGroup)
                              .where(AssessorGroup.assessment_id == a.id)))
        assessors = [x for x in s.scalars(select(Assessor).where(Assessor.assessment_id == a.id)
                                          .order_by(Assessor.id))
                     if x.group_id is None or x.group_id not in named or x.group_id in naming]
        by_id = {x.id: x for x in assessors}
        scores = s.execute(select(Score.assessor_id, Score.item_code, Score.value, Score.remark)
                           .where(Score.subject_id == subject.id)).all()
        extra = [aid for aid, _, _, _ in scores if aid not in by_id]
        if extra:  # someone outside the subject's groups scored it: show them too
            for x in s.scalars(select(Assessor).where(Assessor.id.in_(extra))):
                assessors.append(x)
                by_id[x.id] = x
        events = list(s.scalars(select(EventRow).where(EventRow.subject_id == subject.id)
                                .order_by(EventRow.id)))
        trimmed = a.trimmed_mean
        locked = not editable(State(a.state))
        names = [(x.name, x.role) for x in assessors]

    values: dict[tuple[int, str], tuple[Decimal, str]] = {
        (aid, code): (value, remark or "") for aid, code, value, remark in scores}
    leaves = aggregate_leaves(((by_id[aid].role, code, value) for aid, code, value, _ in scores),
                              weights, trimmed)
    # the item scores the ranking made (a derived item's source or override, 不适用 left
    # out); computed here only for a row without them
    combined = row.items or ScoringPlan(rubric).item_scores(leaves)
    need = missing_remarks(rubric, ((subject_code, by_id[aid].name, code, value, remark)
                                    for aid, code, value, remark in scores))
    needing: dict[str, list[str]] = {}
    for n in need:
        needing.setdefault(n.item_code, []).append(n.assessor)

    lines: list[ItemLine] = []

    def visit(item: Item, depth: int) -> None:
        per = ()
        if item.is_leaf:
            per = tuple(AssessorScore(x.name, x.role, *(values.get((x.id, item.code), (None, ""))))
                        for x in assessors)
        lines.append(ItemLine(item.code, item.title, depth, item.max, combined[item.code],
                              item.is_leaf, per, tuple(needing.get(item.code, ()))))
        for child in item.children:
            visit(child, depth + 1)

    for top in rubric.items:
        visit(top, 0)
    order = {line.code: n for n, line in enumerate(lines)}
    worst = sorted((x for x in lines if x.is_leaf and x.lost > 0),
                   key=lambda x: (-x.lost, order[x.code]))[:MOST_LOST]
    counted = _counted(events)
    claims = [Event(e.rule_code, e.amount, e.matter, e.id) for e in events]
    bonus_claimed, _ = section_total(rubric.bonus, claims)
    deduction_claimed, _ = section_total(rubric.deduction, claims)
    return DrillDown(
        assessment_id=assessment_id, subject_code=subject_code, subject_name=row.subject_name,
        area=row.area, group=row.group, row=row, assessors=tuple(names), items=tuple(lines),
        events=tuple(EventLine(event_info(e, subject_code), _rule_title(rubric, e.rule_code),
                               e.id in counted) for e in events),
        most_lost=tuple(worst), bonus_claimed=bonus_claimed, deduction_claimed=deduction_claimed,
        locked=locked, rubric=rubric)
