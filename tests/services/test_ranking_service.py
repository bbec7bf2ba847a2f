"""The ranking dashboard's services on a real SQLite file: the ranking table, totals for
many assessments, drill-down, grade previews and saving, review with who/when, the
year-end roll-up — checked against independent exact computations (fractions)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from sqlalchemy import insert

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import (
    assessments,
    drill_down,
    grade_scale,
    ranking,
    review,
    rollup,
    roster,
    rubrics,
    scores,
    standings,
    totals,
)
from kaohe_desktop.services.assessment_lookup import load_assessment, subjects_by_code
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.store.models import Score

CODES = ["U1", "U2", "U3", "U4", "U5"]


def exact(fr: Fraction) -> str:
    return shown(D(fr.numerator) / D(fr.denominator))


def fill(db, aid: int, assessor: str, values: dict[tuple[str, str], D], group: str | None = None) -> None:
    """Store one assessor's scores directly (setup; the services read them back)."""
    with db.session() as s:
        a = load_assessment(s, aid)
        who = scores.ensure_assessor(s, a, assessor, group=group)
        subjects = subjects_by_code(s, aid)
        s.execute(insert(Score), [{"assessment_id": aid, "subject_id": subjects[c].id, "assessor_id": who.id,
                                   "item_code": item, "value": v, "remark": ""}
                                  for (c, item), v in values.items()])


def random_sheet(rng: random.Random, leaves, codes, skip: float = 0.0) -> dict[tuple[str, str], D]:
    out = {}
    for c in codes:
        for item in leaves:
            if rng.random() < skip:
                continue
            out[(c, item.code)] = item.step * rng.randint(0, int(item.max / item.step))
    return out


def cents(fr: Fraction) -> Fraction:
    """`fr` rounded half up to 2 decimals, independently of domain.numbers (fr ≥ 0)."""
    return Fraction(int(fr * 100 + Fraction(1, 2)), 100)


def independent_totals(sheets: list[dict[tuple[str, str], D]], codes) -> dict[str, Fraction]:
    """Σ over items of the plain mean of the assessors who scored it, each mean rounded
    half up to cents once (one role, sums) — the README's rule."""
    out = {}
    for c in codes:
        total = Fraction(0)
        items = {item for sheet in sheets for (cc, item) in sheet if cc == c}
        for item in items:
            vals = [Fraction(str(sheet[(c, item)])) for sheet in sheets if (c, item) in sheet]
            total += cents(sum(vals) / len(vals))
        out[c] = total
    return out


@pytest.fixture
def units(db):
    for n, c in enumerate(CODES, start=1):
        roster.add_unit(db, f"第{n}站", code=c, area="城关街道" if n <= 3 else "河西街道")
    return db


@pytest.fixture
def months(units):
    """Three monthly CY2019 assessments of five units, two groups, three assessors each month,
    random scores (some items left out in January); returns (ids, sheets per month)."""
    db = units
    rng = random.Random(7)
    leaves = rubrics.builtin_rubric("CY2019").leaves()
    ids, all_sheets = [], []
    for month in ("2024-01", "2024-02", "2024-03"):
        info = assessments.create_assessment(
            db, "CY2019", parse_period(month), subjects="units",
            groups=[GroupSpec("第一组", "上级", ("U1", "U2", "U3")),
                    GroupSpec("第二组", "上级", ("U4", "U5"))])
        sheets = []
        # January leaves items out (the totals' fast path must cope with items scored by
        # fewer assessors); February and March are complete, so they rank and grade
        skip = 0.1 if month == "2024-01" else 0.0
        for k in range(3):
            first = random_sheet(rng, leaves, CODES[:3], skip=skip)
            second = random_sheet(rng, leaves, CODES[3:], skip=skip)
            fill(db, info.id, f"甲{k}", first, "第一组")
            fill(db, info.id, f"乙{k}", second, "第二组")
            sheets += [first, second]
        ids.append(info.id)
        all_sheets.append(sheets)
    scores.add_event(db, ids[2], "U2", "B1", 3, matter="创新")
    scores.add_event(db, ids[2], "U2", "B2", 5, matter="创新")  # same matter: counts once, at 5
    scores.add_event(db, ids[2], "U4", "D1", 1)
    return ids, all_sheets


def test_totals_fast_path_is_exact_and_agrees_with_rank_assessment(db, months):
    ids, sheets = months
    got = totals.assessment_totals(db, ids)
    for aid, month_sheets in zip(ids, sheets, strict=True):
        want = independent_totals(month_sheets, CODES)
        ranked = {r.subject_code: r for r in ranking.rank_assessment(db, aid)}
        for t in got[aid]:
            bonus = 5 if (aid, t.code) == (ids[2], "U2") else 0
            minus = 1 if (aid, t.code) == (ids[2], "U4") else 0
            assert D(want[t.code].numerator) / D(want[t.code].denominator) == t.base  # exact
            assert shown(t.total) == exact(want[t.code] + bonus - minus) == shown(ranked[t.code].total)


def test_totals_fall_back_for_several_roles(units):
    db = units
    info = assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects="units",
                                         groups=[GroupSpec("上级组", "上级"), GroupSpec("自评组", "自评")],
                                         weights={"上级": D("0.8"), "自评": D("0.2")})
    scores.set_score(db, info.id, "U1", "1.1", 20, assessor="甲", group="上级组")
    scores.set_score(db, info.id, "U1", "1.1", 10, assessor="站长", group="自评组")
    [t] = [x for x in totals.assessment_totals(db, [info.id])[info.id] if x.code == "U1"]
    assert t.base == D(18)


def test_ranking_table_sections_groups_filters_and_change(db, months):
    ids, _ = months
    table = standings.ranking_table(db, ids[2])
    assert table.previous is not None and table.previous.assessment_id == ids[1]
    assert table.groups == ("第一组", "第二组") and table.areas == ("城关街道", "河西街道")
    assert [s.short_title for s in table.sections] == ["运行情况", "服务设施", "服务制度"]
    previous = {r.subject_code: r.rank for r in standings.ranking_table(db, ids[1]).rows}
    for r in table.rows:
        assert sum(r.sections) == r.base and r.total == r.base + r.bonus - r.deduction
        assert r.change == previous[r.subject_code] - r.rank
        assert r.group == ("第一组" if r.subject_code in CODES[:3] else "第二组")
        assert (r.assessors_done, r.assessors_expected)[1] == 3
    assert [r.rank for r in table.rows] == sorted(r.rank for r in table.rows)
    by_group = {}
    for r in table.rows:
        by_group.setdefault(r.group, []).append(r)
    for rows in by_group.values():
        better = {r.subject_code: sum(1 for o in rows if round(o.total, 2) > round(r.total, 2)) for r in rows}
        assert all(r.group_rank == better[r.subject_code] + 1 for r in rows)
    only = standings.ranking_table(db, ids[2], group="第二组")
    assert [r.subject_code for r in only.rows] == [r.subject_code for r in table.rows if r.group == "第二组"]
    assert {r.area for r in standings.ranking_table(db, ids[2], area="河西街道").rows} == {"河西街道"}
    with pytest.raises(InputError, match="第三组"):
        standings.ranking_table(db, ids[2], group="第三组")
    assert standings.ranking_table(db, ids[0]).previous is None


def test_normalised_table_puts_each_groups_best_base_at_full_marks(db, months):
    ids, _ = months
    table = standings.ranking_table(db, ids[0], normalised=True)
    for group in table.groups:
        rows = [r for r in table.rows if r.group == group]
        assert max(r.base for r in rows) == 100
        best_raw = max(r.raw_base for r in rows)
        for r in rows:
            assert shown(r.base) == exact(Fraction(str(r.raw_base)) * 100 / Fraction(str(best_raw)))


def test_drill_down_items_assessors_events_and_most_lost(db, months):
    ids, sheets = months
    d = drill_down.drill_down(db, ids[2], "U2")
    assert [n for n, _ in d.assessors] == ["甲0", "甲1", "甲2"]  # only its group's assessors
    leaf = next(i for i in d.items if i.code == "1.1")
    for k, x in enumerate(leaf.scores):
        assert x.value == sheets[2][2 * k].get(("U2", "1.1"))
    assert [(e.event.amount, e.counted) for e in d.events] == [(D(3), False), (D(5), True)]
    assert d.bonus_claimed == 5 and d.row.bonus == 5
    lost = [i.lost for i in d.most_lost]
    assert lost == sorted(lost, reverse=True) and len(lost) <= 5
    assert all(i.is_leaf for i in d.most_lost)
    with pytest.raises(InputError, match="不在本次考核"):
        drill_down.drill_down(db, ids[2], "U9")


def test_drill_down_flags_missing_remarks(db, units):
    roster.add_staff(db, "张三", "U1", code="P1")
    info = assessments.create_assessment(db, "VILLAGE-ATT", parse_period("2024-05"), subjects="staff")
    scores.set_score(db, info.id, "P1", "2", 20, assessor="站长")  # full marks, no remark
    scores.set_score(db, info.id, "P1", "3", 10, assessor="站长", remark="群众投诉两次")
    scores.set_score(db, info.id, "P1", "4", 15, assessor="站长")
    d = drill_down.drill_down(db, info.id, "P1")
    assert {i.code: i.remark_needed for i in d.items if i.remark_needed} == {"2": ("站长",)}


def test_grade_preview_and_save_make_a_new_version(db, months):
    ids, _ = months  # February: complete, so every subject is graded
    table = standings.ranking_table(db, ids[1])
    scale = {"mode": "quota", "scale": [{"name": "优秀", "quota_count": 2}, {"name": "其他"}]}
    preview = grade_scale.preview_grade_scale(db, ids[1], scale)
    assert preview.counts == {"优秀": 2, "其他": 3}
    assert set(preview.grades) == {r.subject_code for r in table.rows}
    bad = grade_scale.preview_grade_scale(db, ids[1], {"mode": "threshold", "scale": [
        {"name": "优秀", "min": 80}, {"name": "良好", "min": 90}]})
    assert not bad.ok and "从高到低" in bad.problems[0]
    info = grade_scale.save_grade_scale(db, ids[1], scale)
    assert info.version == 2 and assessments.get_assessment(db, ids[1]).rubric_version == 2
    assert [r.grade for r in standings.ranking_table(db, ids[1]).rows].count("优秀") == 2
    assert assessments.get_assessment(db, ids[2]).rubric_version == 1  # the others keep theirs
    for action in ("submit", "approve"):
        assessments.change_state(db, ids[2], action)
    with pytest.raises(InputError, match="已锁定"):
        grade_scale.save_grade_scale(db, ids[2], scale)


def test_review_records_who_when_and_the_objection_period(db, months):
    ids, _ = months
    aid = ids[1]  # February: complete (January's gaps would hold the submit back)
    with pytest.raises(InputError, match="未评完"):
        assessments.change_state(db, ids[0], "submit", actor="录入员")
    assessments.change_state(db, aid, "submit", actor="录入员")
    assessments.change_state(db, aid, "approve", actor="考核委员会", reason="同意")
    with pytest.raises(InputError, match="早于"):
        assessments.change_state(db, aid, "publish", objection_start=date(2024, 2, 10),
                                 objection_end=date(2024, 2, 1))
    info = assessments.change_state(db, aid, "publish", actor="办公室",
                                    objection_start=date(2024, 2, 1), objection_end=date(2024, 2, 7))
    assert (info.objection_start, info.objection_end) == (date(2024, 2, 1), date(2024, 2, 7))
    with pytest.raises(InputError, match="已锁定"):
        scores.set_score(db, aid, "U1", "1.1", 1, assessor="甲0")
    with pytest.raises(InputError, match="理由"):
        assessments.change_state(db, aid, "reopen", actor="主任", actor_is_admin=True)
    with pytest.raises(InputError, match="管理员"):
        assessments.change_state(db, aid, "reopen", actor="录入员", reason="改错")
    assessments.change_state(db, aid, "reopen", actor="主任", reason="复核更正", actor_is_admin=True)
    history = review.review_history(db, aid)
    assert [(h.action, h.actor) for h in history] == [
        ("submit", "录入员"), ("approve", "考核委员会"), ("publish", "办公室"), ("reopen", "主任")]
    assert history[2].objection_start == date(2024, 2, 1) and history[3].actor_is_admin
    assert all(h.at is not None for h in history)
    assert assessments.get_assessment(db, aid).objection_start is None
    assert review.allowed_actions("draft") == ["submit"]
    assert review.allowed_actions("reviewed") == ["publish", "reopen"]


def test_publish_without_dates_uses_five_working_days_from_today(db, months):
    from kaohe_desktop.domain.workcalendar import workdays_between

    ids, _ = months
    for action in ("submit", "approve"):
        assessments.change_state(db, ids[1], action)
    info = assessments.change_state(db, ids[1], "publish")
    assert info.objection_start == date.today()
    assert workdays_between(info.objection_start, info.objection_end) == 5
    assert workdays_between(info.objection_end, info.objection_end) == 1  # ends on a workday
    with pytest.raises(InputError, match="只有公示"):
        assessments.change_state(db, ids[2], "submit", objection_start=date.today(),
                                 objection_end=date.today())


def test_annual_rollup_sources_pending_and_refusals(db, months):
    """The figures themselves: tests/services/test_rollup_service.py (complete data)."""
    ids, _ = months
    result = rollup.annual_rollup(db, 2024, "CY2019")
    assert result.mix == {"monthly": 1} and [s.period_key for s in result.sources] == ["2024-01", "2024-02",
                                                                                     "2024-03"]
    done = {aid: {t.code for t in rows if t.complete}
            for aid, rows in totals.assessment_totals(db, ids).items()}
    for r in result.rows:  # a subject unfinished in some month has no rank and no grade
        finished = all(r.subject_code in done[aid] for aid in ids)
        assert (r.rank is not None) == finished and (r.grade == "待定") == (not finished)
    with pytest.raises(InputError, match="年度考核"):
        rollup.annual_rollup(db, 2024, "CY2019", "monthly:0.4,annual:0.6")
    with pytest.raises(InputError, match="没有细则"):
        rollup.annual_rollup(db, 2023, "CY2019")
    with pytest.raises(InputError, match="没有考核细则"):
        rollup.annual_rollup(db, 2024, "NOPE")


def test_excellent_lists_per_month_and_derived_quarter(db, months):
    ids, _ = months
    scale = {"mode": "quota", "scale": [{"name": "优秀", "quota_count": 1}, {"name": "合格"}]}
    for aid in ids:
        grade_scale.save_grade_scale(db, aid, scale)
    per_month = rollup.excellent_lists(db, 2024, "CY2019")
    assert [x.period_key for x in per_month] == ["2024-01", "2024-02", "2024-03"]
    for x, aid in zip(per_month, ids, strict=True):
        top = [r.subject_code for r in standings.ranking_table(db, aid).rows if r.grade == "优秀"]
        assert [c for c, *_ in x.subjects] == top and x.grade == "优秀"
    [q1] = rollup.excellent_lists(db, 2024, "CY2019", "quarter")
    year = rollup.annual_rollup(db, 2024, "CY2019")
    assert q1.derived and [c for c, *_ in q1.subjects] == [r.subject_code for r in year.rows
                                                          if r.grade == "优秀"]


def test_trend_lists_the_years_months(db, months):
    ids, _ = months
    points = standings.subject_trend(db, ids[1], "U1")
    assert [p.period_key for p in points] == ["2024-01", "2024-02", "2024-03"]
    table = {r.subject_code: r for r in standings.ranking_table(db, ids[1]).rows}
    assert shown(points[1].total) == shown(table["U1"].total) and points[1].rank == table["U1"].rank


def test_demo_ranking_table_and_choices(db):
    ids = load_demo(db)
    choices = standings.assessment_choices(db)
    assert {c.id for c in choices} == {a.id for a in assessments.list_assessments(db)}
    table = standings.ranking_table(db, ids["year"])
    assert len(table.rows) == 12 and table.groups == ("第一组", "第二组")
    assert all(r.complete for r in table.rows)
