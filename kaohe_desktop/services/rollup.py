"""The year-end roll-up (年终汇总) and the periods' 优秀工作人员 lists.

Which assessments count: those of the rubric code (any version) whose period is a month,
a quarter, the year or ad hoc (专项, 抽查) and starts in that year, in any state (the
result lists the ones not yet published). Subjects are matched across assessments by
code. The year's ranks and grades use the newest version of the rubric's grade scale.
The rules themselves are in `domain.rollup`; totals come from `services.totals` (exact,
without item detail).

`save_annual_rollup` keeps a roll-up as an assessment of its own (年度综合) so that it goes
through 审议 and 公示 and yields the year's documents like any other: it is materialised —
a generated rubric "<code>-年度综合" (one derived leaf per part of the mix, worth its
share of the full marks; grades and consequences copied from the source rubric) and the
parts' contributions written as the scores of the data source "年度综合", the way
attendance writes its values. Ranking, completeness, review and documents then need no
special case. The assessment's `origin` records year, rubric, mix and sources.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.completeness import PENDING, ROLLUP_SOURCE
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.grading import Ranked, assign_grades, competition_ranks
from kaohe_desktop.domain.numbers import ZERO, round2, shown
from kaohe_desktop.domain.periods import Period, PeriodKind, parse_period
from kaohe_desktop.domain.rollup import (
    MONTHLY,
    PART_NAMES,
    PERIOD_PART,
    PeriodTotal,
    contributions,
    default_mix,
    mix_text,
    normalise_mix,
    parse_mix,
    roll_up,
    top_graded,
)
from kaohe_desktop.domain.rubric import Rubric, rubric_from_dict, rubric_to_dict
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Assessment,
    AssessmentRole,
    Assessor,
    EventRow,
    RubricRow,
    Score,
    Staff,
    Subject,
    Unit,
)

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
            periods[t.code].append(PeriodTotal(f.source.part, f.period.key, t.total, bool(t.vetoed),
                                               t.complete))
            label[t.code] = (t.name, t.area)
    rolled = {code: r for code, ps in periods.items() if (r := roll_up(ps, weights)) is not None}
    # nothing is concluded from missing data: a subject with an unfinished period is 待定
    ranked = [Ranked(code, r.total, r.vetoed) for code, r in rolled.items() if not r.pending]
    ranks = competition_ranks(ranked)
    grades = assign_grades(rubric.grades, ranked)
    rows = sorted((RollupRow(code, label[code][0], label[code][1], r.parts, r.counts, r.total,
                             ranks.get(code), grades.get(code, PENDING), r.vetoed, r.missing,
                             r.contributions, r.weights, r.pending)
                   for code, r in rolled.items()),
                  key=lambda x: (x.rank is None, x.rank or 0, x.subject_code))
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
    """The graded: an incomplete result gets no grade, so it is on no list."""
    return [(t.code, t.name, t.total, bool(t.vetoed)) for t in rows if t.complete]


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
                periods[t.code].append(PeriodTotal(MONTHLY, f.period.key, t.total, bool(t.vetoed),
                                                   t.complete))
                names[t.code] = t.name
        rows = []
        for code, ps in periods.items():
            r = roll_up(ps, {MONTHLY: Decimal(1)})
            if r is not None and not r.pending:
                rows.append((code, names[code], r.total, r.vetoed))
        out.append(_excellent(period, newest, rows, True))
    return out


# ----------------------------------------------------------------------------- 年度综合

ROLLUP_SUFFIX = "-年度综合"
ROLLUP_KIND = "annual_rollup"  # origin["kind"]
ROLLUP_VETO = "V-年内"  # the generated rubric's veto rule: a veto in a counted period
APPROVED = (str(State.REVIEWED), str(State.PUBLISHED))


@dataclass(frozen=True)
class SavedRollup:
    """What `save_annual_rollup` did."""

    assessment_id: int
    name: str
    rubric_code: str
    rubric_version: int
    created: bool  # False: the earlier draft of the same year, rubric and mix was updated
    subjects: int
    drafts: tuple[RollupSource, ...]  # counted sources not yet approved in 审议
    incomplete: tuple[str, ...]  # subjects lacking a part of the mix: 待定 until it exists


def _shares(full: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each part's full marks: weight × full, to the cent, the last part taking the rest
    so that they add up to the source's full marks exactly (1/3 + 1/3 + 1/3 of 100)."""
    parts = list(weights)
    out = {p: round2(weights[p] * full) for p in parts[:-1]}
    out[parts[-1]] = full - sum(out.values(), ZERO)
    return out


def rollup_rubric_dict(source: Rubric, weights: Mapping[str, Decimal], veto: bool = False,
                       version: int = 1) -> dict[str, Any]:
    """The generated rubric of a 年度综合: one derived leaf per part of the mix (in mix
    order, codes 1, 2, …), the source's full marks, grades and consequences; a veto rule
    when the source has one (or an older version of it vetoed someone this year)."""
    raw = rubric_to_dict(source)
    shares = _shares(source.full_marks, weights)
    items = [{"code": str(n), "title": f"{PART_NAMES[p]}（权重 {shown(w * 100)}%）",
              "max": float(shares[p]) if shares[p] != shares[p].to_integral_value() else int(shares[p]),
              "kind": "derived", "step": 0.01, "description": "由本年度各期考核结果汇总",
              "rule": {"source": "rollup", "part": p, "weight": str(w)}}
             for n, (p, w) in enumerate(weights.items(), start=1)]
    return {
        "code": source.code + ROLLUP_SUFFIX, "version": version,
        "name": f"{source.name}（年度综合）", "subject_kind": source.subject_kind,
        "full_marks": raw["full_marks"], "source": f"由细则 {source.code} 的年度汇总生成",
        "items": items,
        "veto": [{"code": ROLLUP_VETO, "title": "年内考核中有一票否决"}] if veto or source.veto else [],
        "grades": raw["grades"], "consequences": raw["consequences"],
    }


def _rubric_row(s: Session, raw: dict[str, Any]) -> RubricRow:
    """The stored rubric of that definition: the newest version when it is the same,
    else a new version (a used version is never changed in place)."""
    newest = s.scalars(select(RubricRow).where(RubricRow.code == raw["code"])
                       .order_by(RubricRow.version.desc())).first()
    if newest is not None and {**json.loads(newest.definition), "version": 0} == {
            **rubric_to_dict(rubric_from_dict(raw)), "version": 0}:
        return newest
    raw = {**raw, "version": newest.version + 1 if newest else 1}
    rubric = rubric_from_dict(raw)  # validates: the shares add up to the full marks
    row = RubricRow(code=rubric.code, version=rubric.version, name=rubric.name,
                    subject_kind=rubric.subject_kind,
                    definition=json.dumps(rubric_to_dict(rubric), ensure_ascii=False))
    s.add(row)
    s.flush()
    return row


def _origin(year: int, rubric_code: str, weights: Mapping[str, Decimal],
            sources: list[RollupSource]) -> dict[str, Any]:
    return {"kind": ROLLUP_KIND, "year": year, "rubric": rubric_code,
            "mix": {p: str(w) for p, w in weights.items()},
            "sources": [x.assessment_id for x in sources],
            "source_states": {str(x.assessment_id): x.state for x in sources}}


def rollup_origin(origin: str) -> dict[str, Any] | None:
    """The parsed origin of a 年度综合, None for an ordinary assessment."""
    try:
        data = json.loads(origin) if origin else None
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("kind") == ROLLUP_KIND else None


def _earlier(s: Session, year: int, rubric_code: str, weights: Mapping[str, Decimal]) -> Assessment | None:
    mix = {p: str(w) for p, w in weights.items()}
    for a in s.scalars(select(Assessment).where(Assessment.origin != "")
                       .order_by(Assessment.id.desc())):
        o = rollup_origin(a.origin)
        if o and o["year"] == year and o["rubric"] == rubric_code and o["mix"] == mix:
            return a
    return None


def _subject_targets(s: Session, kind: str, codes: list[str]) -> dict[str, Unit | Staff]:
    model = Unit if kind == "unit" else Staff
    return {x.code: x for x in s.scalars(select(model).where(model.code.in_(codes)))}


def save_annual_rollup(db: Database, year: int, rubric_code: str,
                       mix: Mapping[str, Decimal] | str | None = None,
                       name: str = "") -> SavedRollup:
    """Save the year's roll-up as a draft assessment (年度综合), or update the draft saved
    earlier for the same year, rubric and mix.

    Refused (InputError, nothing written) when there is nothing to roll up, or when the
    earlier one has been submitted — it is then 审议's to reopen. Sources still in draft
    are allowed and named in the result: the 年度综合 cannot pass 审议 before anyone sees
    them, and saving again updates it.

    Each subject's part leaf holds weight × its shown part mean, rounded once, with the
    mix's own weights; a subject lacking a part gets no value for it and stays 待定 (no
    grade, no document) until the part exists or an administrator overrides it — nothing
    is concluded from missing data, and the leaves never exceed their share.
    """
    result = annual_rollup(db, year, rubric_code, mix)
    if not any(r.parts for r in result.rows):  # no subject has a finished result yet
        raise InputError(Problem(f"{year} 年细则 {rubric_code} 的考核中还没有评完的结果，无可汇总",
                                 column="--year", value=year))
    weights = result.mix
    used = [x for x in result.sources if x.part in weights]
    drafts = tuple(x for x in used if x.state not in APPROVED)
    with db.session() as s:
        source_row = s.scalars(select(RubricRow).where(RubricRow.code == rubric_code)
                               .order_by(RubricRow.version.desc())).first()
        assert source_row is not None  # annual_rollup found it
        source = rubric_from_row(source_row)
        vetoes = any(r.vetoed for r in result.rows)
        rubric_row = _rubric_row(s, rollup_rubric_dict(source, weights, vetoes))
        leaf_of = {p: str(n) for n, p in enumerate(weights, start=1)}
        origin = json.dumps(_origin(year, rubric_code, weights, used), ensure_ascii=False)
        a = _earlier(s, year, rubric_code, weights)
        created = a is None
        if a is not None and a.state != str(State.DRAFT):
            raise InputError(Problem(
                f"{year} 年度综合考核 {a.id}“{a.name}”{STATE_NAMES[State(a.state)]}，不能覆盖；"
                "如需重新汇总，请先在审议中退回（重新打开）", column="--save", value=a.id))
        if a is None:
            a = Assessment(name=name or f"{year}年度综合考核（{source.name}）",
                           rubric_id=rubric_row.id, period_kind=str(PeriodKind.YEAR),
                           period_start=date(year, 1, 1), period_end=date(year, 12, 31),
                           state=str(State.DRAFT), origin=origin)
            s.add(a)
            s.flush()
            s.add(AssessmentRole(assessment_id=a.id, role=ROLLUP_SOURCE, weight=Decimal(1)))
        else:
            a.rubric_id, a.origin = rubric_row.id, origin
            a.name = name or a.name
        who = s.scalar(select(Assessor).where(Assessor.assessment_id == a.id,
                                              Assessor.name == ROLLUP_SOURCE))
        if who is None:
            who = Assessor(assessment_id=a.id, name=ROLLUP_SOURCE, role=ROLLUP_SOURCE)
            s.add(who)
            s.flush()
        # the source's values are rewritten whole; an administrator's overrides, 不参评
        # and 不适用 on the draft stay (they belong to the subject, not to the source)
        s.execute(delete(Score).where(Score.assessment_id == a.id, Score.assessor_id == who.id))
        s.execute(delete(EventRow).where(EventRow.assessment_id == a.id,
                                         EventRow.rule_code == ROLLUP_VETO))
        subjects = {(x.unit.code if x.unit else x.staff.code if x.staff else ""): x
                    for x in s.scalars(select(Subject).where(Subject.assessment_id == a.id))}
        wanted = {r.subject_code for r in result.rows}
        for code, x in subjects.items():
            if code not in wanted:
                s.delete(x)
        targets = _subject_targets(s, source.subject_kind, sorted(wanted - set(subjects)))
        for code in sorted(wanted - set(subjects)):
            target = targets.get(code)
            if target is None:
                continue  # left the roster since: nothing to attach a result to
            x = Subject(assessment_id=a.id, unit=target if isinstance(target, Unit) else None,
                        staff=target if isinstance(target, Staff) else None)
            s.add(x)
            subjects[code] = x
        s.flush()
        incomplete = []
        for r in result.rows:
            x = subjects.get(r.subject_code)
            if x is None:
                continue
            if r.missing or r.pending:
                incomplete.append(r.subject_code)
            for part, value in contributions(r.parts, weights).items():
                s.add(Score(assessment_id=a.id, subject_id=x.id, assessor_id=who.id,
                            item_code=leaf_of[part], value=value,
                            remark=f"{PART_NAMES[part]} {shown(r.parts[part])} × "
                                   f"{shown(weights[part] * 100)}%（{r.counts[part]} 次）"))
            if r.vetoed:
                s.add(EventRow(assessment_id=a.id, subject_id=x.id, section="veto",
                               rule_code=ROLLUP_VETO, amount=ZERO, matter="",
                               note="年内有考核被一票否决"))
        s.flush()
        return SavedRollup(a.id, a.name, rubric_row.code, rubric_row.version, created,
                           len([r for r in result.rows if r.subject_code in subjects]),
                           drafts, tuple(incomplete))


def describe_saved(saved: SavedRollup, weights: Mapping[str, Decimal]) -> str:
    """One line for the CLI and the window."""
    verb = "已保存为" if saved.created else "已更新"
    return (f"{verb}考核 {saved.assessment_id}“{saved.name}”（细则 {saved.rubric_code} "
            f"第 {saved.rubric_version} 版，{mix_text(weights)}），共 {saved.subjects} 个对象")
