"""The ranking's SQL mean (`store.queries.item_mean_cents`) rounds each item's mean exactly
as the domain does (`round2` of the Decimal mean), on a real SQLite file (or PostgreSQL): halves, thirds,
six-decimal values and many assessors."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal as D

from sqlalchemy import insert

from kaohe_desktop.domain.numbers import round2
from kaohe_desktop.store.db import open_database
from kaohe_desktop.store.models import Assessment, Assessor, RubricRow, Score, Subject
from kaohe_desktop.store.queries import item_mean_cents

CASES = [
    ["18.125"], ["0.005"], ["0.004999"], ["1", "2"], ["10", "10", "10.01"],  # 10.00333…
    ["0.01", "0.02"], ["99.995", "99.995"], ["17", "18", "18"], ["2.675"],
    ["0.000001", "0", "0"], ["999.999999"] * 7,
]


def test_sql_mean_in_cents_matches_the_domain_rounding(db_target):
    rng = random.Random(12)
    cases = CASES + [[str(D(rng.randint(0, 40_000_000)).scaleb(-rng.choice((0, 1, 2, 3, 6))))
                      for _ in range(rng.randint(1, 9))] for _ in range(400)]
    db = open_database(db_target)
    try:
        with db.session() as s:
            rubric = RubricRow(code="T", version=1, name="t", subject_kind="unit", definition="{}")
            s.add(rubric)
            s.flush()
            a = Assessment(name="t", rubric_id=rubric.id, period_kind="year",
                           period_start=date(2024, 1, 1),
                           period_end=date(2024, 12, 31))
            s.add(a)
            s.flush()
            subject = Subject(assessment_id=a.id)
            s.add(subject)
            people = [Assessor(assessment_id=a.id, name=f"评分人{n}", role="上级") for n in range(9)]
            s.add_all(people)
            s.flush()
            s.execute(insert(Score), [
                {"assessment_id": a.id, "subject_id": subject.id, "assessor_id": people[k].id,
                 "item_code": f"i{n}", "value": D(v), "remark": ""}
                for n, values in enumerate(cases) for k, v in enumerate(values)])
            got = {code: cents for _, code, cents, _ in item_mean_cents(s, a.id)}
        for n, values in enumerate(cases):
            mean = sum((D(v) for v in values), D(0)) / len(values)
            assert D(got[f"i{n}"]).scaleb(-2) == round2(mean), (values, got[f"i{n}"])
    finally:
        db.close()
