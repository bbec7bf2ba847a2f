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

import pytest
from sqlalchemy import insert

from kaohe_desktop.domain.numbers import round2
from kaohe_desktop.store.db import open_database
from kaohe_desktop.store.models import Assessment, Assessor, RubricRow, Score, Subject
from kaohe_desktop.store.queries import section_mean_cents

# not one run per section in sorted order ("2.9" lies between "2.1" and "a_b"): the
# search over all codes
AWKWARD = {"1.1": 0, "1.2": 0, "1.10": 0, "10": 1, "2.1": 2, "2.9": 0, "甲": 2, "乙.一": 1,
           "a_b": 1, "A%": 2, "x'y": 0}
# each section one run of the sorted codes: section starts, then the codes checked
NUMBERED = {"1.1": 0, "1.2.1": 0, "1.2.2": 0, "1.10": 0, "10.1": 3, "10.2": 3, "2.1": 1,
            "2.2": 1, "3": 2}
STRANGERS = ["1", "1.3", "2", "0", "zz", "丙", "1.2.3", "1.25", "10.1\x1f2.1"]


def store(db, leaves, strangers, rng):
    """Scores of 30 subjects by up to 7 assessors; (subject, code) → the values."""
    values: dict[tuple[int, str], list[D]] = {}
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
        rows = []
        for subject in subjects:
            for code in [*leaves, *strangers]:
                if rng.random() < 0.2:
                    continue  # not scored at all
                for person in rng.sample(people, rng.randint(1, len(people))):
                    v = D(rng.randint(0, 40_000_000)).scaleb(-rng.choice((0, 1, 2, 3, 6)))
                    values.setdefault((subject.id, code), []).append(v)
                    rows.append({"assessment_id": a.id, "subject_id": subject.id,
                                 "assessor_id": person.id, "item_code": code, "value": v,
                                 "remark": ""})
        s.execute(insert(Score), rows)
        return a.id, values


def expected(values, section_of, everyone):
    want: dict[tuple[int, int], list] = {}
    for (sid, code), vals in values.items():
        if code not in section_of:
            continue
        mine = want.setdefault((sid, section_of[code]), [D(0), 0])
        mine[0] += round2(sum(vals, D(0)) / len(vals))
        mine[1] += len(vals) == everyone
    return want


@pytest.mark.parametrize(("section_of", "strangers"), [(AWKWARD, STRANGERS), (NUMBERED, [])],
                         ids=["search", "runs"])
def test_section_sums_match_the_domain_rounding(db_target, section_of, strangers):
    db = open_database(db_target)
    try:
        aid, values = store(db, section_of, strangers, random.Random(21))
        with db.session() as s:
            for everyone in (None, 3, 7):
                rows = section_mean_cents(s, aid, section_of, everyone)
                assert rows is not None
                assert {(sid, n): [D(int(c)).scaleb(-2), by_everyone]
                        for sid, n, c, by_everyone in rows} == expected(values, section_of, everyone)
    finally:
        db.close()


@pytest.mark.parametrize("stranger", ["1.25", "1.2.3", "0", "zz", "10.1\x1f2.1"])
def test_codes_that_are_no_leaves_send_the_caller_to_the_leaves(db_target, stranger):
    db = open_database(db_target)
    try:
        aid, _ = store(db, NUMBERED, [stranger], random.Random(5))
        with db.session() as s:
            assert section_mean_cents(s, aid, NUMBERED, 3) is None
    finally:
        db.close()
