"""The ranking table of the 排名 page and `kaohe ranking`: section subtotals, bonus,
deduction, total, overall and per-group rank, grade, change since the previous period
and completion; also the assessments to choose from and a subject's trend.

The previous period of an assessment is the latest assessment of the same rubric code
(any version) and the same period kind that ended before this one started, whatever its
state. Its ranks are computed the same way as this table's (plain or 折合), so an
arrow compares like with like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.periods import Period, PeriodKind
from kaohe_desktop.domain.rubric import rubric_to_dict
from kaohe_desktop.domain.standings import normalised_bases, rank_change, ranks_within
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, AssessorGroup, GroupSubject, RubricRow
from kaohe_desktop.store.queries import subject_labels

from .assessment_lookup import assessment_rubric, load_assessment
from .gc_pause import gc_paused
from .ranking import rank_loaded
from .ranking_results import (
    PreviousPeriod,
    RankingRow,
    RankingTable,
    Section,
    SubjectTotal,
    TrendPoint,
    built,
)
from .totals import assessment_totals


@dataclass(frozen=True)
class AssessmentChoice:
    """One line of the page's assessment chooser (no subjects loaded)."""

    id: int
    name: str
    rubric_code: str
    period_kind: str
    period_key: str
    period_label: str
    state: str


def _period(a: Assessment) -> Period:
    return Period(PeriodKind(a.period_kind), a.period_start, a.period_end)


def assessment_choices(db: Database) -> list[AssessmentChoice]:
    """Every assessment, newest period first, then by id: two queries, no subjects."""
    with db.session() as s:
        rows = s.execute(select(Assessment, RubricRow.code).join(RubricRow)
                         .order_by(Assessment.period_end.desc(), Assessment.id)).all()
        return [AssessmentChoice(a.id, a.name, code, a.period_kind, _period(a).key,
                                 _period(a).label, a.state) for a, code in rows]


def group_membership(s: Session, assessment_id: int) -> tuple[dict[int, str], list[str]]:
    """Subject id → the first group (by creation) that names it, and those groups' names.

    Groups that score every subject (no subjects named) are no ranking groups."""
    members: dict[int, str] = {}
    names: list[str] = []
    rows = s.execute(select(AssessorGroup.id, AssessorGroup.name, GroupSubject.subject_id)
                     .join(GroupSubject, GroupSubject.group_id == AssessorGroup.id)
                     .where(AssessorGroup.assessment_id == assessment_id)
                     .order_by(AssessorGroup.id, GroupSubject.subject_id)).all()
    for _, name, sid in rows:
        if name not in names:
            names.append(name)
        members.setdefault(sid, name)
    return members, names


def previous_assessment(s: Session, a: Assessment) -> Assessment | None:
    return s.scalars(
        select(Assessment).join(RubricRow)
        .where(RubricRow.code == a.rubric.code, Assessment.period_kind == a.period_kind,
               Assessment.period_end < a.period_start, Assessment.id != a.id)
        .order_by(Assessment.period_end.desc(), Assessment.id.desc())).first()


def standing(totals: list[SubjectTotal], group_of: Mapping[str, str], full_marks: Decimal,
             normalised: bool) -> tuple[dict[str, Decimal], dict[str, Decimal], list[Ranked]]:
    """(base per code — 折合 when normalised, total per code, the Ranked list)."""
    bases = {t.code: t.base for t in totals}
    if normalised:
        bases = normalised_bases(bases, group_of, full_marks)
    out = {t.code: bases[t.code] + t.bonus - t.deduction for t in totals}
    ranked = [Ranked(t.code, out[t.code], bool(t.vetoed)) for t in totals]
    return bases, out, ranked


def _previous_ranks(db: Database, prev_id: int, full_marks: Decimal,
                    normalised: bool) -> dict[str, int]:
    # the previous period's ranks count its complete results only, as its own table did
    with db.session() as s:
        members, _ = group_membership(s, prev_id)
        codes = {sid: code for sid, code, _, _ in subject_labels(s, prev_id)}
    group_of = {codes[sid]: n for sid, n in members.items() if sid in codes}
    totals = [t for t in assessment_totals(db, [prev_id]).get(prev_id, []) if t.complete]
    _, _, ranked = standing(totals, group_of, full_marks, normalised)
    return competition_ranks(ranked)


def with_previous_ranks(db: Database, table: RankingTable) -> RankingTable:
    """`table` with each row's previous rank and change filled in (a table made with
    `with_previous=False`); the same table when there is nothing to add."""
    if not table.previous_pending or table.previous is None:
        return table
    previous = _previous_ranks(db, table.previous.assessment_id, table.full_marks,
                               table.normalised)
    rows = tuple(replace(r, previous_rank=previous.get(r.subject_code),
                         change=rank_change(r.rank, previous.get(r.subject_code)) if r.rank else None)
                 for r in table.rows)
    return replace(table, rows=rows, previous_pending=False)


def ranking_table(db: Database, assessment_id: int, group: str | None = None,
                  area: str | None = None, *, normalised: bool = False,
                  with_previous: bool = True, leaf_items: bool = True) -> RankingTable:
    """The assessment's ranking table, optionally only one group's or one area's rows.

    Ranks are always among all subjects of the assessment (`rank`) and among those of
    the subject's group (`group_rank`); a filter only hides rows. With `normalised`,
    bases are 折合分 (`domain.standings.normalised_bases`) and rank and grade follow it.
    Without `with_previous` the previous period's ranks are left for `with_previous_ranks`
    (`previous_pending`), which the window runs after the rows are on screen.
    Without `leaf_items` a row's `items` may hold its sections only (what the 排名 page
    shows; the drill-down reads the leaves itself): see `rank_assessment`.
    """
    # one session and one reading of the assessment, its rubric and its subjects for both
    # the ranking and the table
    with gc_paused(), db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        labels = subject_labels(s, a.id)
        results = rank_loaded(s, a, rubric, labels, leaf_items=leaf_items)
        members, group_names = group_membership(s, a.id)
        code_of = {sid: code for sid, code, _, _ in labels}
        group_of = {code_of[sid]: name for sid, name in members.items() if sid in code_of}
        prev = previous_assessment(s, a)
        prev_info = None
        if prev is not None:
            prev_info = PreviousPeriod(prev.id, prev.name, _period(prev).label)
        head = dict(name=a.name, rubric_code=a.rubric.code, rubric_version=a.rubric.version,
                    period_kind=a.period_kind, period_label=_period(a).label, state=a.state,
                    subject_kind=a.rubric.subject_kind, objection_start=a.objection_start,
                    objection_end=a.objection_end, grade_scale=rubric_to_dict(rubric)["grades"],
                    has_bonus=bool(rubric.bonus.rules), has_deduction=bool(rubric.deduction.rules))
    if group and group not in group_names:
        raise InputError(Problem(f"本次考核没有评分组“{group}”，可用：{'、'.join(group_names) or '无'}",
                                 column="--group", value=group))
    areas = sorted({r.area for r in results if r.area})
    if area and area not in areas:
        raise InputError(Problem(f"本次考核的对象不在“{area}”，可用：{'、'.join(areas) or '无'}",
                                 column="--area", value=area))

    ranks: Mapping[str, int | None]
    grades: Mapping[str, str | None]
    if normalised or group_of:
        totals = [SubjectTotal(0, r.subject_code, r.subject_name, r.area, r.base, r.bonus,
                               r.deduction, r.vetoed) for r in results]
        bases, total_of, ranked = standing(totals, group_of, rubric.full_marks, normalised)
        # only the graded (complete, taking part) are ranked, within groups too
        graded = {r.subject_code for r in results if r.graded}
        ranked = [x for x in ranked if x.key in graded]
        if normalised:
            ranks = competition_ranks(ranked)
            grades = assign_grades(rubric.grades, ranked)
        else:
            ranks = {r.subject_code: r.rank for r in results}
            grades = {r.subject_code: r.grade for r in results}
        group_ranks = ranks_within(ranked, group_of)
    else:
        # plain bases and no groups: the ranking's own totals, ranks and grades are the
        # table's, and everyone's group rank is their rank
        bases = {r.subject_code: r.base for r in results}
        total_of = {r.subject_code: r.total for r in results}
        ranks = {r.subject_code: r.rank for r in results}
        grades = {r.subject_code: r.grade for r in results}
        group_ranks = {code: rank for code, rank in ranks.items() if rank is not None}
    previous = (_previous_ranks(db, prev_info.assessment_id, rubric.full_marks, normalised)
                if prev_info and with_previous else {})
    band_index = {b.name: i for i, b in enumerate(rubric.grades.bands)}
    sections = tuple(Section(i.code, i.title, i.max) for i in rubric.items)
    rows = []
    section_codes = [x.code for x in sections]
    for r in results:
        code = r.subject_code
        if (group and group_of.get(code) != group) or (area and r.area != area):
            continue
        rank, grade, items = ranks.get(code), grades.get(code), r.items
        rows.append(built(RankingRow, {  # one row per subject: see `built`
            "subject_code": code, "subject_name": r.subject_name, "area": r.area,
            "group": group_of.get(code, ""), "sections": tuple([items[x] for x in section_codes]),
            "base": bases[code], "bonus": r.bonus, "deduction": r.deduction, "total": total_of[code],
            "rank": rank, "group_rank": group_ranks.get(code), "grade": grade,
            "grade_index": band_index.get(grade or "", -1), "vetoed": r.vetoed,
            "previous_rank": previous.get(code),
            "change": rank_change(rank, previous.get(code)) if rank else None,
            "assessors_done": r.assessors_done, "assessors_expected": r.assessors_expected,
            "raw_base": r.base if normalised else None, "complete": r.complete,
            "missing": r.missing, "excluded": r.excluded, "exclude_reason": r.exclude_reason,
            "not_applicable": r.not_applicable, "conversion": r.conversion,
            "overridden": r.overridden, "items": items}))
    rows.sort(key=lambda x: (x.rank is None, x.excluded, x.rank or 0, x.subject_code))
    return RankingTable(
        assessment_id=assessment_id, full_marks=rubric.full_marks, sections=sections,
        grade_names=tuple(b.name for b in rubric.grades.bands), rows=tuple(rows),
        areas=tuple(areas), groups=tuple(group_names), previous=prev_info, normalised=normalised,
        previous_pending=prev_info is not None and not with_previous, **head)


def subject_trend(db: Database, assessment_id: int, subject_code: str) -> list[TrendPoint]:
    """The subject's total and rank in each assessment of the same rubric code and period
    kind: over the months (or quarters) of the assessment's year, or, for a year or ad-hoc
    assessment, over every such assessment. Periods it was not assessed in have no total."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        q = (select(Assessment).join(RubricRow)
             .where(RubricRow.code == a.rubric.code, Assessment.period_kind == a.period_kind))
        if a.period_kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            year = a.period_start.year
            q = q.where(Assessment.period_start >= date(year, 1, 1),
                        Assessment.period_start <= date(year, 12, 31))
        found = [(x.id, _period(x)) for x in s.scalars(q.order_by(Assessment.period_start,
                                                                   Assessment.id))]
    totals = assessment_totals(db, [aid for aid, _ in found])
    points = []
    for aid, period in found:
        rows = totals.get(aid, [])
        # an unfinished result shows its total but takes no rank (nothing follows from it)
        ranks = competition_ranks([Ranked(t.code, t.total, bool(t.vetoed)) for t in rows
                                   if t.complete])
        mine = next((t for t in rows if t.code == subject_code), None)
        points.append(TrendPoint(period.key, period.label, mine.total if mine else None,
                                 ranks.get(subject_code), aid))
    return points
