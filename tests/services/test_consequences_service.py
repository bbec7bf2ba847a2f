"""Consequences come from the rubric: the built-in rubrics carry what their texts say, an
old database gets them as a new version, and nothing follows a missing grade."""

from __future__ import annotations

import json

import pytest
from backends import param, raw_connect
from doc_data import add_stations, frnl_assessment

from kaohe_desktop.services import consequences as cons
from kaohe_desktop.services.rubrics import (
    BUILTIN_CODES,
    builtin_rubric,
    ensure_builtin_rubrics,
    get_rubric,
    list_rubrics,
)


def test_builtin_rubrics_carry_exactly_what_their_texts_say():
    frnl = builtin_rubric("FRNL").consequences
    assert [(c.grade, c.kind, c.recipient) for c in frnl] == [
        ("工作优秀", "certificate", "subject"), ("工作优秀", "certificate", "staff"),
        ("工作一般", "report", "subject"), ("工作一般", "talk", "head"),
        ("工作较差", "criticise", "subject")]
    assert "颁发奖状和证书" in frnl[0].note and "主要责任人进行诫勉谈话" in frnl[3].note
    assert "纪律处分" in frnl[4].note  # said in the note; a 纪律处分 is no document of this program
    village = builtin_rubric("VILLAGE-ATT").consequences
    assert [(c.grade, c.kind) for c in village] == [("优秀", "certificate"), ("良好", "certificate")]
    assert "鼓励和表彰" in village[0].note
    # the 2019 station rules and the window-staff text name no documents: nothing is issued
    assert builtin_rubric("CY2019").consequences == () == builtin_rubric("WINDOW-STAFF").consequences


def test_an_old_database_gets_the_consequences_as_a_new_version(db, tmp_path):
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services.assessments import create_assessment

    add_stations(db)
    # as stored by an earlier version of the program: FRNL and VILLAGE-ATT without them
    con = raw_connect(db)
    for rid, definition in con.execute("SELECT id, definition FROM rubric").fetchall():
        raw = json.loads(definition)
        if raw["code"] not in ("FRNL", "VILLAGE-ATT"):
            continue
        raw["consequences"] = []
        con.execute(f"UPDATE rubric SET definition = {param()} WHERE id = {param()}",
                    (json.dumps(raw, ensure_ascii=False), rid))
    con.commit()
    con.close()
    old = create_assessment(db, "FRNL", parse_period("2023"), subjects="units")
    ensure_builtin_rubrics(db)
    versions = {(r.code, r.version) for r in list_rubrics(db, all_versions=True)}
    assert versions == {(code, 1) for code in BUILTIN_CODES} | {("FRNL", 2), ("VILLAGE-ATT", 2)}
    assert get_rubric(db, "FRNL").consequences == builtin_rubric("FRNL").consequences
    assert get_rubric(db, "FRNL", 1).consequences == ()  # the old assessment keeps its rules
    new = create_assessment(db, "FRNL", parse_period("2024"), subjects="units")
    assert (old.rubric_version, new.rubric_version) == (1, 2)
    ensure_builtin_rubrics(db)  # again: nothing more
    assert len(list_rubrics(db, all_versions=True)) == len(BUILTIN_CODES) + 2


def test_an_office_edit_is_not_replaced_by_the_builtin(db):
    from kaohe_desktop.domain.rubric import rubric_to_dict
    from kaohe_desktop.services.rubrics import save_rubric

    raw = rubric_to_dict(get_rubric(db, "FRNL"))
    raw["consequences"] = []  # this office issues nothing
    info = save_rubric(db, raw)
    ensure_builtin_rubrics(db)
    assert get_rubric(db, "FRNL").version == info.version == 2
    assert get_rubric(db, "FRNL").consequences == ()


def test_rows_name_the_people_and_the_reason(db):
    add_stations(db)
    aid = frnl_assessment(db)
    rows = cons.consequences(db, aid)
    assert [(r.subject_code, r.grade, r.kind, r.recipient) for r in rows] == [
        ("A01", "工作优秀", "certificate", "东风社区群众工作站"), ("A01", "工作优秀", "certificate", "赵一"),
        ("A01", "工作优秀", "certificate", "钱二"), ("A01", "工作优秀", "certificate", "孙三"),
        ("A03", "工作一般", "report", "红旗社区群众工作站"), ("A03", "工作一般", "talk", "王八"),
        ("A04", "工作较差", "criticise", "新华社区群众工作站")]
    assert all(r.reason.startswith(f"等次 {r.grade}：《芙蓉南路社区群众工作站考核办法》规定：") for r in rows)


def test_a_subject_without_a_grade_gets_nothing(db, monkeypatch):
    """Incomplete and 不参评 subjects have no grade (the ranking says so): no documents."""
    from dataclasses import replace

    add_stations(db)
    aid = frnl_assessment(db)
    real = cons.ranking_table

    def ungraded_a01(database, assessment_id, *args, **kwargs):
        table = real(database, assessment_id, *args, **kwargs)
        rows = tuple(replace(r, grade=None, rank=None) if r.subject_code in ("A01", "A04") else r
                     for r in table.rows)
        return replace(table, rows=rows)

    monkeypatch.setattr(cons, "ranking_table", ungraded_a01)
    found = cons.assessment_consequences(db, aid)
    assert {r.subject_code for r in found.rows} == {"A03"}
    assert found.ungraded == ("A01", "A04")


@pytest.mark.parametrize("post, head", [("站长", True), ("社区主任", True), ("副站长", False),
                                        ("窗口受理员", False), ("主任 ", True)])
def test_head_posts(post, head):
    assert cons.is_head_post(post) is head
