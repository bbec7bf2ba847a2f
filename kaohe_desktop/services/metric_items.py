"""Service measures into the score: the metric items of a rubric (issue 17 §3).

An item is a metric item when it is a derived leaf whose `rule.source` is "service"
(`domain.metric_rules`). Its value is computed from the measures of the subject (a person
for a staff rubric, a unit for a unit rubric) over the assessment's period and written
as the assessor "服务记录" — like attendance, with the role of the assessment's first
group — with the derivation as the remark ("满意率 98.20%（1,031/1,050）→ ≥ 97% 得 80%
→ 8 分"). Nobody can type over it (`derived_items.derived_refused`); an administrator
may override one subject with a reason.

`refresh_in` runs after every service import (in the import's transaction) and when an
assessment is created, so values follow re-imports; a locked assessment is left as it
is and named. A period without any service record writes nothing (no conclusion from
missing data); a subject without records is left pending unless the rule says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.completeness import SERVICE_RECORDS_SOURCE
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.metric_rules import (
    MetricRule,
    derivation,
    has_data,
    is_metric_rule,
    measure_value,
    ranks,
    rule_from_raw,
)
from kaohe_desktop.domain.rubric import Item, ItemKind, Rubric
from kaohe_desktop.domain.service_measures import Measures, MonthTally, months_of, sum_months
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, AssessorGroup, Score

from .assessment_lookup import (
    assessment_rubric,
    load_assessment,
    load_subjects,
    require_editable,
    subject_code,
    subject_name,
)
from .derived_items import refresh_open, write_value
from .results import AppliedValue, ApplyResult, AttendanceScoresRefreshed
from .scores import ensure_assessor
from .service_span import span_totals, whole_months
from .service_summary import monthly

ASSESSOR = SERVICE_RECORDS_SOURCE


class MetricScoresRefreshed(AttendanceScoresRefreshed):
    """Assessments whose metric items were brought up to date, by name."""

    def summary(self) -> str:
        parts = []
        if self.updated:
            parts.append(f"已更新{'、'.join(self.updated)}取自服务记录的得分")
        if self.locked:
            parts.append(f"{'、'.join(self.locked)}已锁定，服务记录得分未更新（需要时请重新打开后再计入）")
        return "；".join(parts)


def metric_items(rubric: Rubric) -> list[tuple[Item, MetricRule]]:
    """Each metric leaf with its rule (a rubric that exists has valid rules)."""
    out = []
    for item in rubric.leaves():
        if item.kind == ItemKind.DERIVED and is_metric_rule(item.rule):
            rule, _ = rule_from_raw(item.rule or {}, item.code)
            if rule is not None:
                out.append((item, rule))
    return out


def subject_measures(s: Session, a: Assessment, rubric: Rubric) -> dict[int, Measures]:
    """Subject id → its measures over the assessment's period, only for subjects with any
    record; empty when the period has none at all. Whole months come from the monthly
    summary; a period starting or ending inside a month is counted day by day."""
    by = "person" if rubric.subject_kind == "staff" else "unit"
    if whole_months(a.period_start, a.period_end):
        per = monthly(s, a.period_start, a.period_end, by)
        months = months_of(a.period_start, a.period_end)
        totals = {k: sum_months(v, months) for k, v in per.items()}
    else:
        totals = span_totals(s, a.period_start, a.period_end, by)
    if not totals:
        return {}
    out = {}
    for x in load_subjects(s, a.id):
        key = x.staff_id if by == "person" else x.unit_id
        out[x.id] = Measures(subject_code(x), subject_name(x), totals.get(key, MonthTally()))
    return out


@dataclass(frozen=True)
class MetricValue:
    """One subject's derivation of one metric item (the feedback letter reads these)."""

    item_code: str
    rule: MetricRule
    value: Decimal | None  # in the rule's unit (percent for rates)
    points: Decimal | None
    remark: str


def derive(rubric: Rubric, measures: dict[int, Measures]) -> dict[int, list[MetricValue]]:
    """Subject id → the metric items' values (ranks over the subjects with data)."""
    out: dict[int, list[MetricValue]] = {sid: [] for sid in measures}
    for item, rule in metric_items(rubric):
        values = {str(sid): v for sid, m in measures.items()
                  if has_data(rule.measure, m)
                  and (v := measure_value(rule.measure, m)) is not None}
        places = ranks(values, rule.info.higher_better) if rule.mode == "rank" else {}
        for sid, m in measures.items():
            got = derivation(rule, m, item.max, item.step, places.get(str(sid)))
            value = values.get(str(sid))
            out[sid].append(MetricValue(item.code, rule, value, got[0] if got else None,
                                        got[1] if got else f"{rule.info.label}无数据，待定"))
    return out


def apply_in(s: Session, assessment_id: int) -> ApplyResult:
    """Write the metric items of one assessment inside the caller's transaction."""
    a = load_assessment(s, assessment_id)
    require_editable(a)
    rubric = assessment_rubric(s, a)
    items = metric_items(rubric)
    if not items:
        raise InputError(Problem(f"细则 {rubric.code} 没有取自服务记录的项目", column="考核",
                                 value=assessment_id))
    measures = subject_measures(s, a, rubric)
    subjects = load_subjects(s, a.id)
    if not measures:
        return ApplyResult(a.id, ASSESSOR, (), tuple(subject_code(x) for x in subjects))
    group = s.scalars(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id)
                      .order_by(AssessorGroup.id)).first()
    who = ensure_assessor(s, a, ASSESSOR, group.role if group else None,
                          group.name if group else None)
    stored = {(row.subject_id, row.item_code): row for row in s.scalars(
        select(Score).where(Score.assessment_id == a.id, Score.assessor_id == who.id))}
    values, no_data = [], []
    derived = derive(rubric, measures)
    for x in subjects:
        for mv in derived.get(x.id, []):
            if mv.points is None:  # no data: pending, and any older value goes
                no_data.append(subject_code(x))
                if (row := stored.get((x.id, mv.item_code))) is not None:
                    s.delete(row)
                continue
            status = write_value(s, stored, a.id, who.id, x.id, mv.item_code, mv.points,
                                 mv.remark)
            values.append(AppliedValue(subject_code(x), subject_name(x), mv.item_code,
                                       mv.points, mv.remark, status))
    return ApplyResult(a.id, who.name, tuple(values), tuple(dict.fromkeys(no_data)))


def apply_to_assessment(db: Database, assessment_id: int) -> ApplyResult:
    with db.session() as s:
        return apply_in(s, assessment_id)


def refresh_in(s: Session, start: date = date.min, end: date = date.max, *,
               only: int | None = None) -> MetricScoresRefreshed:
    """Bring the metric items of every assessment overlapping [start, end] (or only
    assessment `only`) up to date; locked ones are named, not changed."""
    query = select(Assessment).where(Assessment.period_start <= end, Assessment.period_end >= start)
    if only is not None:
        query = query.where(Assessment.id == only)
    found = [a for a in s.scalars(query.order_by(Assessment.id))
             if metric_items(assessment_rubric(s, a))]
    return MetricScoresRefreshed(*refresh_open(s, found, apply_in))


def refresh_assessments(db: Database, start: date = date.min, end: date = date.max, *,
                        only: int | None = None) -> MetricScoresRefreshed:
    with db.session() as s:
        return refresh_in(s, start, end, only=only)


def subject_metrics(db: Database, assessment_id: int) -> tuple[dict[str, Measures],
                                                              dict[str, list[MetricValue]]]:
    """Subject code → its measures over the period, and → its metric items' derivations
    now (read only: the feedback letter); both empty without metric items or records."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        if not metric_items(rubric):
            return {}, {}
        measures = subject_measures(s, a, rubric)
        code_of = {x.id: subject_code(x) for x in load_subjects(s, a.id)}
        return ({code_of[sid]: m for sid, m in measures.items()},
                {code_of[sid]: v for sid, v in derive(rubric, measures).items()})
