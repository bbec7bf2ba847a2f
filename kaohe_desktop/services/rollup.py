"""The year-end roll-up (年终汇总) and the periods' 优秀工作人员 lists.

Which assessments count: those of the rubric code (any version) whose period is a month,
a quarter or the year and starts in that year, in any state (the result lists the ones
not yet published). Subjects are matched across assessments by code. The year's ranks
and grades use the newest version of the rubric's grade scale. The rules themselves are
in `domain.rollup`; totals come from `services.totals` (exact, without item detail).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.periods import Period, PeriodKind, parse_period
from kaohe_desktop.domain.rollup import (
    MONTHLY,
    PART_NAMES,
    PERIOD_PART,
    PeriodTotal,
    default_mix,
    normalise_mix,
    parse_mix,
    roll_up,
    top_graded,
)
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, RubricRow

from .ranking_results import ExcellentList, Rollup, RollupRow, RollupSource, SubjectTotal
from .rubrics import rubric_from_row
from .totals import assessment_totals


@dataclass(frozen=True)
class _Found:
    source: RollupSource
    period: Period
    rubric: Rubric


def _year_assessments(db: Database, year: int, rubric_code: str) -> tuple[Rubric, list[_Found]]:
    with db.session() as s:
        newest = s.scalars(select(RubricRow).where(RubricRow.code == rubric_code)
                           .order_by(RubricRow.version.desc())).first()
        if newest is None:
            codes = "、".join(s.scalars(select(RubricRow.code).distinct()))
            raise InputError(Problem(f"没有考核细则 {rubric_code}；已有：{codes or '无'}",
                                     column="--rubric", value=rubric_code))
        rows = s.execute(
            select(Assessment, RubricRow).join(RubricRow)
            .where(RubricRow.code == rubric_code, Assessment.period_kind.in_(list(PERIOD_PART)),
                   Assessment.period_start >= date(year, 1, 1),
                   Assessment.period_start <= date(year, 12, 31))
            .order_by(Assessment.period_start, Assessment.id)).all()
        parsed: dict[int, Rubric] = {}
        found = []
        for a, row in rows:
            if row.id not in parsed:
                parsed[row.id] = rubric_from_row(row)
            period = Period(PeriodKind(a.period_kind), a.period_start, a.period_end)
            found.append(_Found(RollupSource(a.id, a.name, PERIOD_PART[a.period_kind], period.key,
                                             a.state), period, parsed[row.id]))
        return rubric_from_row(newest), found


def _mix(mix: Mapping[str, Decimal] | str | None, present: set[str]) -> dict[str, Decimal]:
    try:
        if mix is None or (isinstance(mix, str) and not mix.strip()):
            return default_mix(present)
        return parse_mix(mix) if isinstance(mix, str) else normalise_mix(mix)
    except ValueError as exc:
        raise InputError(Problem(str(exc), column="--mix", value=mix)) from None


def annual_rollup(db: Database, year: int, rubric_code: str,
                  mix: Mapping[str, Decimal] | str | None = None) -> Rollup:
    """The year's result per subject from its monthly / quarterly / year-end results.

    `mix`: None (the monthly average; else quarterly; else the year-end assessment),
    text such as "monthly:0.4,annual:0.6", or a mapping of part → weight."""
    rubric, found = _year_assessments(db, year, rubric_code)
    if not found:
        raise InputError(Problem(f"{year} 年没有细则 {rubric_code} 的月度、季度或年度考核",
                                 column="--year", value=year))
    present = {f.source.part for f in found}
    weights = _mix(mix, present)
    absent = [PART_NAMES[p] for p in weights if p not in present]
    if absent:
        raise InputError(Problem(f"{year} 年没有细则 {rubric_code} 的{'、'.join(absent)}结果，"
                                 "无法按此比例汇总", column="--mix", value=mix))
    used = [f for f in found if f.source.part in weights]
    totals = assessment_totals(db, [f.source.assessment_id for f in used])
    periods: dict[str, list[PeriodTotal]] = defaultdict(list)
    label: dict[str, tuple[str, str]] = {}
    for f in used:  # in period order: the latest name and area win
        for t in totals.get(f.source.assessment_id, []):
            periods[t.code].append(PeriodTotal(f.source.part, f.period.key, t.total, bool(t.vetoed)))
            label[t.code] = (t.name, t.area)
    rolled = {code: r for code, ps in periods.items() if (r := roll_up(ps, weights)) is not None}
    ranked = [Ranked(code, r.total, r.vetoed) for code, r in rolled.items()]
    ranks = competition_ranks(ranked)
    grades = assign_grades(rubric.grades, ranked)
    rows = sorted((RollupRow(code, label[code][0], label[code][1], r.parts, r.counts, r.total,
                             ranks[code], grades[code], r.vetoed, r.missing)
                   for code, r in rolled.items()), key=lambda x: (x.rank, x.subject_code))
    return Rollup(year, rubric_code, rubric.name, weights, tuple(f.source for f in found),
                  tuple(rows), tuple(b.name for b in rubric.grades.bands))


def _excellent(period: Period, rubric: Rubric, totals: list[tuple[str, str, Decimal, bool]],
               derived: bool) -> ExcellentList:
    ranked = [Ranked(code, total, vetoed) for code, _, total, vetoed in totals]
    ranks = competition_ranks(ranked)
    grades = assign_grades(rubric.grades, ranked)
    top = rubric.grades.bands[0].name if rubric.grades.bands else ""
    info = {code: (name, total) for code, name, total, _ in totals}
    keys = top_graded(((c, ranks[c], grades[c]) for c in ranks), top) if top else []
    return ExcellentList(period.key, period.label, top,
                         tuple((c, info[c][0], info[c][1], ranks[c]) for c in keys), derived)


def _plain(rows: list[SubjectTotal]) -> list[tuple[str, str, Decimal, bool]]:
    return [(t.code, t.name, t.total, bool(t.vetoed)) for t in rows]


def excellent_lists(db: Database, year: int, rubric_code: str, per: str = "month") -> list[ExcellentList]:
    """Each month's (per="month") or quarter's (per="quarter") subjects graded in the top
    band (优秀工作人员). A quarter without a quarterly assessment is rolled up from its
    months (their average, graded with the newest scale) and marked `derived`."""
    if per not in ("month", "quarter"):
        raise InputError(Problem("只能按月（month）或按季度（quarter）列出", column="--per", value=per))
    newest, found = _year_assessments(db, year, rubric_code)
    months = [f for f in found if f.source.part == MONTHLY]
    if per == "month":
        totals = assessment_totals(db, [f.source.assessment_id for f in months])
        return [_excellent(f.period, f.rubric, _plain(totals[f.source.assessment_id]), False)
                for f in months]
    quarters = [f for f in found if f.period.kind == PeriodKind.QUARTER]
    totals = assessment_totals(db, [f.source.assessment_id for f in quarters + months])
    out = []
    for q in range(1, 5):
        period = parse_period(f"{year}-Q{q}")
        own = [f for f in quarters if f.period.start.month == 3 * q - 2]
        if own:
            f = own[-1]
            out.append(_excellent(f.period, f.rubric, _plain(totals[f.source.assessment_id]), False))
            continue
        inside = [f for f in months if (f.period.start.month - 1) // 3 == q - 1]
        if not inside:
            continue
        periods: dict[str, list[PeriodTotal]] = defaultdict(list)
        names: dict[str, str] = {}
        for f in inside:
            for t in totals[f.source.assessment_id]:
                periods[t.code].append(PeriodTotal(MONTHLY, f.period.key, t.total, bool(t.vetoed)))
                names[t.code] = t.name
        rows = []
        for code, ps in periods.items():
            r = roll_up(ps, {MONTHLY: Decimal(1)})
            if r is not None:
                rows.append((code, names[code], r.total, r.vetoed))
        out.append(_excellent(period, newest, rows, True))
    return out
