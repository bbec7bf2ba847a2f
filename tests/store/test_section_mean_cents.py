"""`store.queries.section_mean_cents`: per subject and section the sum of the leaves'
means, each rounded half up to cents exactly as the domain does (`round2` of the Decimal
mean), and how many leaves everyone scored, on a real SQLite file (or PostgreSQL). The
leaf codes are awkward on purpose: numbers that sort as text (1.10 before 1.2, 10 before
2), a section whose leaves are not next to each other in that order, non-ASCII codes,
and codes that are no leaves."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal as D

from sqlalchemy import insert

from kaohe_desktop.domain.numbers import round2
from kaohe_desktop.store.db import open_database
from kaohe_desktop.store.models import Assessment, Assessor, RubricRow, Score, Subject
from kaohe_desktop.store.queries import section_mean_cents

SECTION_OF = {"1.1": 0, "1.2": 0, "1.10": 0, "10": 1, "2.1": 2, "2.9": 0, "甲": 2, "乙.一": 1,
              "a_b": 1, "A%": 2, "x'y": 0}
NOT_LEAVES = ["1", "1.3", "2", "0", "zz", "丙"]


def test_section_sums_match_the_domain_rounding(db_target):
    rng = random.Random(21)
    db = open_database(db_target)
    try:
        with db.session() as s:
            rubric = RubricRow(code="T", version=1, name="t", subject_kind="unit", definition="{}")
            s.add(rubric)
            s.flush()
            a = Assessment(name="t", rubric_id=rubric.id, period_kind="year",
                           period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
            s.add(a)
            s.flush()
            subjects = [Subject(assessment_id=a.id) for _ in range(30)]
            people = [Assessor(assessment_id=a.id, name=f"评分人{n}", role="上级") for n in range(7)]
            s.add_all(subjects + people)
            s.flush()
            values: dict[tuple[int, str], list[D]] = {}
            rows = []
            for subject in subjects:
                for code in [*SECTION_OF, *NOT_LEAVES]:
                    if rng.random() < 0.2:
                        continue  # not scored at all
                    for person in rng.sample(people, rng.randint(1, len(people))):
                        v = D(rng.randint(0, 40_000_000)).scaleb(-rng.choice((0, 1, 2, 3, 6)))
                        values.setdefault((subject.id, code), []).append(v)
                        rows.append({"assessment_id": a.id, "subject_id": subject.id,
                                     "assessor_id": person.id, "item_code": code, "value": v,
                                     "remark": ""})
            s.execute(insert(Score), rows)
            got = {everyone: section_mean_cents(s, a.id, SECTION_OF, everyone)
                   for everyone in (None, 3, len(people))}
        for everyone, rows in got.items():
            assert rows is not None
            want: dict[tuple[int, int], list] = {}
            for (sid, code), vals in values.items():
                if code not in SECTION_OF:
                    continue
                mine = want.setdefault((sid, SECTION_OF[code]), [D(0), 0])
                mine[0] += round2(sum(vals, D(0)) / len(vals))
                mine[1] += len(vals) == everyone
            assert {(sid, n): [D(int(c)).scaleb(-2), by_everyone]
                    for sid, n, c, by_everyone in rows} == want
    finally:
        db.close()
