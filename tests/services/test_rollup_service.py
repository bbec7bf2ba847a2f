"""The year-end roll-up on a real SQLite file: figures that add up (each part's mean and
weighted share rounded once, the total their sum), ad-hoc results as a part, pending
subjects, the totals fast path's completeness, and the roll-up saved as an assessment of
its own (年度综合) that ranks, goes through 审议 and is updated rather than duplicated."""

from __future__ import annotations

import json
import random
from decimal import Decimal as D
from fractions import Fraction

import pytest
from sqlalchemy import insert, select

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import adhoc_period, parse_period
from kaohe_desktop.services import assessments, ranking, rollup, roster, rubrics, scores, totals
from kaohe_desktop.services.assessment_lookup import load_assessment, subjects_by_code
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.store.models import Assessment, Score

CODES = ["U1", "U2", "U3", "U4"]


def cents(fr: Fraction) -> Fraction:
    """Half up to 2 decimals, independently of domain.numbers (fr ≥ 0)."""
    return Fraction(int(fr * 100 + Fraction(1, 2)), 100)


def dec(fr: Fraction) -> D:
    return D(fr.numerator) / D(fr.denominator)


def fill(db, aid: int, assessor: str, values: dict[tuple[str, str], D], group: str | None = None) -> None:
    with db.session() as s:
        a = load_assessment(s, aid)
        who = scores.ensure_assessor(s, a, assessor, group=group)
        subjects = subjects_by_code(s, aid)
        s.execute(insert(Score), [{"assessment_id": aid, "subject_id": subjects[c].id, "assessor_id": who.id,
                                   "item_code": item, "value": v, "remark": ""}
                                  for (c, item), v in values.items()])


def sheet(rng: random.Random, codes, skip: float = 0.0) -> dict[tuple[str, str], D]:
    out = {}
    for c in codes:
        for item in rubrics.builtin_rubric("CY2019").leaves():
            if rng.random() >= skip:
                out[(c, item.code)] = item.step * rng.randint(0, int(item.max / item.step))
    return out


def scored(db, period, rng, assessors: int = 3, skip: float = 0.0, adhoc=None) -> int:
    info = assessments.create_assessment(db, "CY2019", adhoc or parse_period(period), subjects="units")
    for k in range(assessors):
        fill(db, info.id, f"评委{k}", sheet(rng, CODES, skip))
    return info.id


@pytest.fixture
def year(db):
    """Three complete months, a complete year-end assessment and two ad-hoc checks."""
    for n, c in enumerate(CODES, start=1):
        roster.add_unit(db, f"第{n}站", code=c, area="城关街道")
    rng = random.Random(11)
    months = [scored(db, m, rng) for m in ("2024-01", "2024-02", "2024-03")]
    annual = scored(db, "2024", rng, assessors=2)
    checks = [scored(db, "", rng, 1, adhoc=adhoc_period("2024-05-01", "2024-05-31")),
              scored(db, "", rng, 1, adhoc=adhoc_period("2024-09-01", "2024-09-30"))]
    scores.add_event(db, months[0], "U2", "B1", 3)
    return db, months, annual, checks


def plain(db, ids) -> dict[int, dict[str, Fraction]]:
    return {aid: {t.code: Fraction(str(t.total)) for t in rows}
            for aid, rows in totals.assessment_totals(db, ids).items()}


def test_every_figure_of_the_roll_up_adds_up_with_adhoc_results(year):
    db, months, annual, checks = year
    got = rollup.annual_rollup(db, 2024, "CY2019", "monthly:0.4,annual:0.5,adhoc:0.1")
    t = plain(db, [*months, annual, *checks])
    for r in got.rows:
        m = cents(sum(t[a][r.subject_code] for a in months) / 3)
        y = cents(t[annual][r.subject_code])
        h = cents(sum(t[a][r.subject_code] for a in checks) / 2)
        shares = [cents(Fraction(2, 5) * m), cents(Fraction(1, 2) * y), cents(Fraction(1, 10) * h)]
        assert r.parts == {"monthly": dec(m), "annual": dec(y), "adhoc": dec(h)}
        assert list(r.contributions.values()) == [dec(x) for x in shares]
        assert r.total == dec(sum(shares)) == sum(r.contributions.values())
        assert r.counts == {"monthly": 3, "annual": 1, "adhoc": 2} and r.rank is not None


def test_a_subject_with_an_unfinished_month_is_pending(year):
    db, *_ = year
    extra = scored(db, "2024-04", random.Random(5), assessors=2)
    with db.session() as s:  # U3 lacks one item from one assessor in April
        s.execute(Score.__table__.delete().where(Score.assessment_id == extra, Score.item_code == "1.1",
                                                 Score.subject_id == subjects_by_code(s, extra)["U3"].id,
                                                 Score.assessor_id == min(
                                                     x.assessor_id for x in s.scalars(select(Score).where(
                                                         Score.assessment_id == extra)))))
    got = {r.subject_code: r for r in rollup.annual_rollup(db, 2024, "CY2019").rows}
    assert got["U3"].rank is None and got["U3"].grade == "待定" and got["U3"].pending == ("2024-04",)
    assert all(got[c].rank is not None for c in ("U1", "U2", "U4"))
    assert "U3" not in [c for x in rollup.excellent_lists(db, 2024, "CY2019") if x.period_key == "2024-04"
                        for c, *_ in x.subjects]


def test_fast_path_completeness_agrees_with_rank_assessment(db):
    for n, c in enumerate(CODES, start=1):
        roster.add_unit(db, f"第{n}站", code=c)
    rng = random.Random(3)
    info = assessments.create_assessment(db, "CY2019", parse_period("2024-06"), subjects="units",
                                         groups=[GroupSpec("第一组", "上级", ("U1", "U2")),
                                                 GroupSpec("第二组", "上级", ("U3", "U4"))])
    fill(db, info.id, "甲", sheet(rng, ["U1", "U2"]), "第一组")
    fill(db, info.id, "乙", sheet(rng, ["U1", "U2"], skip=0.02), "第一组")
    fill(db, info.id, "丙", sheet(rng, ["U3"]), "第二组")  # U4 nobody scored: incomplete
    fast = {t.code: t for t in totals.assessment_totals(db, [info.id])[info.id]}
    slow = {r.subject_code: r for r in ranking.rank_assessment(db, info.id)}
    assert {c: t.complete for c, t in fast.items()} == {c: r.complete for c, r in slow.items()}
    assert {c: t.total for c, t in fast.items()} == {c: r.total for c, r in slow.items()}
    assert fast["U3"].complete and not fast["U4"].complete


def test_saved_as_an_assessment_of_its_own_ranks_the_same_and_updates_its_draft(year):
    db, months, annual, checks = year
    mix = "monthly:0.4,annual:0.5,adhoc:0.1"
    shown_rollup = rollup.annual_rollup(db, 2024, "CY2019", mix)
    saved = rollup.save_annual_rollup(db, 2024, "CY2019", mix)
    assert saved.created and saved.rubric_code == "CY2019-年度综合" and saved.subjects == 4
    assert {x.assessment_id for x in saved.drafts} == set([*months, annual, *checks])  # all drafts
    ranked = {r.subject_code: r for r in ranking.rank_assessment(db, saved.assessment_id)}
    for r in shown_rollup.rows:
        got = ranked[r.subject_code]
        assert got.total == r.total and got.rank == r.rank and got.grade == r.grade and got.complete
        assert [got.items[k] for k in ("1", "2", "3")] == list(r.contributions.values())
    rubric = rubrics.get_rubric(db, "CY2019-年度综合")
    source = rubrics.builtin_rubric("CY2019")
    assert rubric.full_marks == source.full_marks == sum(i.max for i in rubric.items)
    assert [i.max for i in rubric.items] == [D(40), D(50), D(10)]
    assert rubric.grades == source.grades and rubric.consequences == source.consequences
    with db.session() as s:
        a = s.get(Assessment, saved.assessment_id)
        origin = json.loads(a.origin)
        assert a.period_kind == "year" and a.state == "draft"
    assert origin["year"] == 2024 and origin["rubric"] == "CY2019"
    assert origin["mix"] == {"monthly": "0.4", "annual": "0.5", "adhoc": "0.1"}
    assert sorted(origin["sources"]) == sorted([*months, annual, *checks])

    # a score changes in a source; saving again updates the same draft, same rubric version
    scores.add_event(db, months[1], "U1", "B1", 2)
    again = rollup.save_annual_rollup(db, 2024, "CY2019", mix, name="2024年度综合")
    assert not again.created and again.assessment_id == saved.assessment_id
    assert again.rubric_version == saved.rubric_version and again.name == "2024年度综合"
    new_total = {r.subject_code: r.total for r in rollup.annual_rollup(db, 2024, "CY2019", mix).rows}
    assert {r.subject_code: r.total for r in ranking.rank_assessment(db, saved.assessment_id)} == new_total
    with db.session() as s:
        assert len(s.scalars(select(Assessment).where(Assessment.origin != "")).all()) == 1

    # it goes through 审议 like any other; once submitted it is not overwritten
    assessments.change_state(db, saved.assessment_id, "submit")
    assessments.change_state(db, saved.assessment_id, "approve")
    with pytest.raises(InputError, match="不能覆盖"):
        rollup.save_annual_rollup(db, 2024, "CY2019", mix)
    # another mix is another 年度综合
    other = rollup.save_annual_rollup(db, 2024, "CY2019", "monthly:1")
    assert other.created and other.assessment_id != saved.assessment_id


def test_a_subject_lacking_a_part_is_pending_in_the_saved_one(year):
    db, *_ = year
    roster.add_unit(db, "第五站", code="U5")
    info = assessments.create_assessment(db, "CY2019", parse_period("2024-07"), subjects=["U5"])
    fill(db, info.id, "评委", sheet(random.Random(1), ["U5"]))
    saved = rollup.save_annual_rollup(db, 2024, "CY2019", "monthly:0.4,annual:0.6")
    assert saved.incomplete == ("U5",)
    u5 = next(r for r in ranking.rank_assessment(db, saved.assessment_id) if r.subject_code == "U5")
    assert not u5.complete and u5.grade is None and u5.rank is None
    assert any("2" in line for line in u5.missing)  # the year-end part, by its item code


def test_nothing_to_roll_up_is_refused(db):
    roster.add_unit(db, "第一站", code="U1")
    with pytest.raises(InputError, match="没有细则"):
        rollup.save_annual_rollup(db, 2024, "CY2019")
    assessments.create_assessment(db, "CY2019", parse_period("2024-01"), subjects="units")
    with pytest.raises(InputError, match="无可汇总"):
        rollup.save_annual_rollup(db, 2024, "CY2019")
    with db.session() as s:
        assert s.scalars(select(Assessment).where(Assessment.origin != "")).all() == []
