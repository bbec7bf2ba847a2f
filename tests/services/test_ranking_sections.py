"""The 排名 page's ranking (`ranking_table(leaf_items=False)`): SQL adds each section up
and no leaf reaches Python, yet every figure — sections, base, bonus, deduction, total,
rank, group rank, grade, completeness — is the one the per-leaf path makes, on a real
database (SQLite file or PostgreSQL), including the cases that must fall back to it."""

from __future__ import annotations

import json
import random
from dataclasses import FrozenInstanceError, fields, replace
from decimal import Decimal as D

import pytest
from sqlalchemy import insert

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import (
    assessments,
    ranking,
    roster,
    rubrics,
    scores,
    standings,
    subject_marks,
)
from kaohe_desktop.services.assessment_lookup import load_assessment, subjects_by_code
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.ranking_results import RankingRow, built
from kaohe_desktop.store.models import Score

CODES = [f"U{n}" for n in range(1, 9)]


def fill(db, aid: int, assessor: str, values: dict[tuple[str, str], D], group: str | None = None) -> None:
    with db.session() as s:
        a = load_assessment(s, aid)
        who = scores.ensure_assessor(s, a, assessor, group=group)
        subjects = subjects_by_code(s, aid)
        s.execute(insert(Score), [{"assessment_id": aid, "subject_id": subjects[c].id,
                                   "assessor_id": who.id, "item_code": item, "value": v, "remark": ""}
                                  for (c, item), v in values.items()])


def sheet(rng: random.Random, codes, skip: float = 0.0) -> dict[tuple[str, str], D]:
    leaves = rubrics.builtin_rubric("CY2019").leaves()
    return {(c, leaf.code): leaf.step * rng.randint(0, int(leaf.max / leaf.step))
            for c in codes for leaf in leaves if rng.random() >= skip}


@pytest.fixture
def units(db):
    for n, c in enumerate(CODES, start=1):
        roster.add_unit(db, f"第{n}站", code=c, area="城关街道" if n <= 4 else "河西街道")
    return db


def assert_same_tables(db, aid: int) -> None:
    """The section path's table equals the leaf path's, to the Decimal's exponent; its
    rows' items are the sections."""
    for normalised in (False, True):
        leafy = standings.ranking_table(db, aid, normalised=normalised)
        lean = standings.ranking_table(db, aid, normalised=normalised, leaf_items=False)
        assert replace(leafy, rows=()) == replace(lean, rows=())
        assert [r.subject_code for r in leafy.rows] == [r.subject_code for r in lean.rows]
        for a, b in zip(leafy.rows, lean.rows, strict=True):
            assert replace(a, items={}) == replace(b, items={})
            assert [str(x) for x in (*a.sections, a.base, a.total)] \
                == [str(x) for x in (*b.sections, b.base, b.total)]
            assert set(b.items) <= set(a.items)
            assert all(a.items[code] == value for code, value in b.items.items())


def sections_path_taken(monkeypatch) -> list[bool]:
    """Records each call of the section query: True when its sums were used, False when
    it sent the ranking to the per-leaf path."""
    calls: list[bool] = []
    real = ranking.section_mean_cents

    def spy(s, assessment_id, section_of, everyone=None):
        found = real(s, assessment_id, section_of, everyone)
        calls.append(found is not None)
        return found

    monkeypatch.setattr(ranking, "section_mean_cents", spy)
    return calls


def test_everyone_scores_everything_with_events_and_ties(units, monkeypatch):
    db = units
    rng = random.Random(3)
    info = assessments.create_assessment(db, "CY2019", parse_period("2024-05"), subjects="units",
                                         groups=[GroupSpec("评审组", "上级")])
    for k in range(3):  # thirds: means that round half up at the cent
        fill(db, info.id, f"甲{k}", sheet(rng, CODES), "评审组")
    scores.add_event(db, info.id, "U2", "B1", 3, matter="创新")
    scores.add_event(db, info.id, "U2", "B2", 5, matter="创新")
    scores.add_event(db, info.id, "U3", "D1", 1)
    calls = sections_path_taken(monkeypatch)
    assert_same_tables(db, info.id)
    assert calls and all(calls)
    table = standings.ranking_table(db, info.id, leaf_items=False)
    assert all(r.complete and r.rank is not None for r in table.rows)


@pytest.mark.parametrize("strangers", [False, True], ids=["leaves", "strangers"])
def test_groups_incomplete_excluded_and_unknown_codes(units, monkeypatch, strangers):
    db = units
    rng = random.Random(11)
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2024-06"), subjects="units",
        groups=[GroupSpec("第一组", "上级", tuple(CODES[:4])), GroupSpec("第二组", "上级", tuple(CODES[4:]))])
    for k in range(2):
        fill(db, info.id, f"甲{k}", sheet(rng, CODES[:4], skip=0.05 if k else 0.0), "第一组")
        fill(db, info.id, f"乙{k}", sheet(rng, CODES[4:]), "第二组")
    if strangers:
        # scores under codes that are no leaves of the rubric (a section's code, unknown
        # ones): the per-leaf path ignores them, and so must the sums
        with db.session() as s:
            who = scores.ensure_assessor(s, load_assessment(s, info.id), "甲0", group="第一组")
            u5 = subjects_by_code(s, info.id)["U5"].id
            s.execute(insert(Score), [{"assessment_id": info.id, "subject_id": u5,
                                       "assessor_id": who.id, "item_code": code, "value": D(7),
                                       "remark": ""} for code in ("1", "1.2", "0.9", "9", "1.25")])
    subject_marks.exclude_subject(db, info.id, "U8", reason="年中新建")
    scores.add_event(db, info.id, "U6", "B1", 3)
    calls = sections_path_taken(monkeypatch)
    assert_same_tables(db, info.id)
    # codes that are no leaves: the per-leaf path decides
    assert calls and (not any(calls) if strangers else all(calls))
    table = standings.ranking_table(db, info.id, leaf_items=False)
    by_code = {r.subject_code: r for r in table.rows}
    assert by_code["U8"].excluded and by_code["U8"].rank is None
    assert any(not r.complete for r in table.rows)  # 甲1 skipped some items


def test_not_applicable_items_take_the_leaf_path(db, monkeypatch, tmp_path):
    path = tmp_path / "na.json"
    path.write_text(json.dumps({
        "code": "NA-T", "version": 1, "name": "不适用测试", "subject_kind": "unit", "full_marks": 15,
        "items": [{"code": "1", "title": "服务", "max": 10, "children": [
            {"code": "1.1", "title": "窗口", "max": 6, "kind": "points", "step": 0.5},
            {"code": "1.2", "title": "代办", "max": 4, "kind": "points", "step": 0.5, "allow_na": True}]},
            {"code": "2", "title": "环境", "max": 5, "kind": "points", "step": 1}],
        "grades": {"mode": "threshold", "scale": [{"name": "合格", "min": 0}]}},
        ensure_ascii=False), encoding="utf-8")
    rubrics.import_rubric(db, path)
    for c in CODES[:3]:
        roster.add_unit(db, f"站{c}", code=c)
    info = assessments.create_assessment(db, "NA-T", parse_period("2024-07"), subjects="units",
                                         groups=[GroupSpec("组", "上级")])
    rng = random.Random(5)
    for k in range(2):
        fill(db, info.id, f"评{k}", {(c, code): D(rng.randint(0, top)) for c in CODES[:3]
                                    for code, top in (("1.1", 6), ("1.2", 4), ("2", 5))}, "组")
    subject_marks.mark_not_applicable(db, info.id, "U1", "1.2", reason="未开展代办业务")
    calls = sections_path_taken(monkeypatch)
    assert_same_tables(db, info.id)
    assert not calls  # 不适用 changes a subject's sum: the per-leaf path decides
    row = next(r for r in standings.ranking_table(db, info.id, leaf_items=False).rows
               if r.subject_code == "U1")
    assert row.conversion and row.not_applicable == ("1.2",)


def test_rows_built_without_init_equal_rows_made_the_usual_way(units):
    db = units
    info = assessments.create_assessment(db, "CY2019", parse_period("2024-08"), subjects="units",
                                         groups=[GroupSpec("评审组", "上级")])
    fill(db, info.id, "甲", sheet(random.Random(1), CODES), "评审组")
    for row in standings.ranking_table(db, info.id, leaf_items=False).rows:
        usual = RankingRow(**{f.name: getattr(row, f.name) for f in fields(RankingRow)})
        assert row == usual and repr(row) == repr(usual)
        with pytest.raises(FrozenInstanceError):
            row.rank = 1  # type: ignore[misc]
    values = {f.name: getattr(row, f.name) for f in fields(RankingRow)}
    del values["items"]
    with pytest.raises(TypeError, match="items"):
        built(RankingRow, values)
    with pytest.raises(TypeError, match="colour"):
        built(RankingRow, {**values, "colour": "red"})
