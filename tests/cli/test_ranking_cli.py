"""`kaohe annual / excellent / ranking / drill / grades` and the review options
(--by, --admin, --from/--to), in-process on a real SQLite file.

Until `add_ranking_commands` is wired into `cli.build_parser`, the fixture wires it the
same way (with the parser's own `add` helper shape); once wired, the real parser runs.
"""

from __future__ import annotations

import argparse
import itertools
from decimal import Decimal as D
from fractions import Fraction

import pytest
from backends import param, raw_connect

from kaohe_desktop import cli
from kaohe_desktop.cli.ranking import add_ranking_commands, parse_scale_text


@pytest.fixture(autouse=True)
def wired(monkeypatch):
    original = cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "annual" not in sub.choices:
            common = argparse.ArgumentParser(add_help=False)
            common.add_argument("--db", default=argparse.SUPPRESS)
            common.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

            def add(parent, name, func, help_text):
                sp = parent.add_parser(name, help=help_text, parents=[common])
                sp.set_defaults(func=func)
                return sp

            add_ranking_commands(sub, add)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)


@pytest.fixture
def demo(kaohe):
    kaohe.ok("demo")
    return {a["period"]: a["id"] for a in kaohe.json("assessment", "list")}


def test_annual_average_of_the_months_matches_the_monthly_rankings(kaohe, demo):
    rows = kaohe.json("annual", "--year", "2024", "--rubric", "VILLAGE-ATT")
    assert len(rows) == 60
    monthly = [{r["subject_code"]: r["total"] for r in kaohe.json("rank", demo[m])}
               for m in ("2024-10", "2024-11", "2024-12")]
    for r in rows:
        assert set(r) >= {"subject_code", "subject_name", "total", "rank", "grade", "parts"}
        mean = sum(Fraction(str(m[r["subject_code"]])) for m in monthly) / 3
        # the displayed monthly totals are rounded; the roll-up uses full precision
        assert abs(Fraction(str(r["total"])) - mean) <= Fraction(1, 100)
        assert r["parts"]["monthly"] == r["total"] and r["periods"] == {"monthly": 3}
    ranks = [r["rank"] for r in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    for a, b in itertools.pairwise(rows):  # ties share a rank, then by code
        assert (a["total"] > b["total"] and b["rank"] > a["rank"]) or (
            a["total"] == b["total"] and a["rank"] == b["rank"] and a["subject_code"] < b["subject_code"])
    text = kaohe.ok("annual", "--year", "2024", "--rubric", "VILLAGE-ATT").out
    assert "月度平均 100%" in text and "共 60 个对象" in text and "尚未公示" in text


def test_annual_refusals(kaohe, demo):
    r = kaohe("annual", "--year", "2024", "--rubric", "VILLAGE-ATT", "--mix", "monthly:0.4,annual:0.6")
    assert r.code == 2 and "年度考核" in r.err and "Traceback" not in r.err
    r = kaohe("annual", "--year", "2024", "--rubric", "VILLAGE-ATT", "--mix", "weekly:1")
    assert r.code == 2 and "无法识别" in r.err
    r = kaohe("annual", "--year", "2023", "--rubric", "VILLAGE-ATT")
    assert r.code == 2 and "2023" in r.err
    r = kaohe("annual", "--year", "2024", "--rubric", "NOPE")
    assert r.code == 2 and "NOPE" in r.err


def test_excellent_lists(kaohe, demo):
    months = kaohe.json("excellent", "--year", "2024", "--rubric", "VILLAGE-ATT")
    assert [m["period"] for m in months] == ["2024-10", "2024-11", "2024-12"]
    for m in months:
        graded = {r["subject_code"] for r in kaohe.json("rank", demo[m["period"]]) if r["grade"] == "优秀"}
        assert {s["subject_code"] for s in m["subjects"]} == graded
    [q4] = kaohe.json("excellent", "--year", "2024", "--rubric", "VILLAGE-ATT", "--per", "quarter")
    assert q4["derived"] and q4["period"] == "2024-Q4"
    assert "优秀" in kaohe.ok("excellent", "--year", "2024", "--rubric", "VILLAGE-ATT").out


def test_ranking_table_and_drill_down(kaohe, demo):
    year = demo["2024"]
    rows = kaohe.json("ranking", year)
    ranked = {r["subject_code"]: r for r in kaohe.json("rank", year)}
    for r in rows:
        want = ranked[r["subject_code"]]
        assert r["total"] == want["total"] and r["rank"] == want["rank"]
        assert r["group"] in ("第一组", "第二组") and r["assessors"] == "3/3"
        assert r["complete"] is True and r["missing"] == [] and r["excluded"] is False
    first = kaohe.json("ranking", year, "--group", "第一组")
    assert {r["group"] for r in first} == {"第一组"}
    assert sorted(r["group_rank"] for r in first) == [1, 2, 3, 4, 5, 6]
    dec = kaohe.json("ranking", demo["2024-12"])
    nov = {r["subject_code"]: r["rank"] for r in kaohe.json("rank", demo["2024-11"])}
    assert all(r["change"] == nov[r["subject_code"]] - r["rank"] for r in dec)
    assert "较上期" in kaohe.ok("ranking", demo["2024-12"]).out
    d = kaohe.json("drill", year, "FR02")
    assert d["total"] == ranked["FR02"]["total"] and len(d["events"]) == 2
    assert [e["counted"] for e in d["events"]] == [False, True]
    assert "失分最多" in kaohe.ok("drill", year, "FR02").out
    assert kaohe("drill", year, "FR99").code == 2


def test_grades_preview_and_save(kaohe, demo, db_path):
    year = demo["2024"]
    out = kaohe.json("grades", year, "优秀:90:20%,良好:80,合格:60,不合格:0", "--mode", "both")
    assert out["counts"] == {"优秀": 2, "良好": 7, "合格": 3, "不合格": 0} and not out["saved"]
    r = kaohe("grades", year, "优秀:80,良好:90")
    assert r.code == 2 and "从高到低" in r.err
    kaohe.ok("grades", year, "优秀:93,良好:80,合格:60,不合格:0", "--save")
    assert sum(1 for x in kaohe.json("rank", year) if x["grade"] == "优秀") == 3
    assert parse_scale_text("优秀:90:5", "both")["scale"][0]["quota_count"] == 5


def test_review_records_actor_objection_period_and_needs_an_admin_to_reopen(kaohe, demo, db_path):
    aid = demo["2024-10"]
    kaohe.ok("review", aid, "submit", "--by", "录入员")
    kaohe.ok("review", aid, "approve", "--by", "考核委员会", "--reason", "同意")
    r = kaohe("review", aid, "publish", "--from", "2025-01-10")
    assert r.code == 2 and "--from" in r.err
    r = kaohe("review", aid, "publish", "--from", "2025-01-10", "--to", "2025-01-03")
    assert r.code == 2 and "早于" in r.err
    out = kaohe.ok("review", aid, "publish", "--from", "2025-01-03", "--to", "2025-01-09").out
    assert "公示期 2025-01-03 至 2025-01-09" in out
    refused = kaohe("scores", "set", aid, "FR01-01", "2", "10", "--assessor", "街道便民服务中心")
    assert refused.code == 2 and "已锁定" in refused.err
    r = kaohe("review", aid, "reopen", "--reason", "更正")
    assert r.code == 2 and "管理员" in r.err
    kaohe.ok("review", aid, "reopen", "--reason", "更正", "--by", "主任", "--admin")
    con = raw_connect(db_path)
    try:
        rows = con.execute("SELECT to_state, actor, reason, actor_is_admin, objection_start, "
                           f"objection_end, at FROM state_change WHERE assessment_id={param()} "
                           "ORDER BY id", (aid,)).fetchall()
    finally:
        con.close()
    assert [(x[0], x[1]) for x in rows] == [("submitted", "录入员"), ("reviewed", "考核委员会"),
                                           ("published", rows[2][1]), ("draft", "主任")]
    # --by defaults to the login
    assert rows[2][1] != "" and tuple(map(str, rows[2][4:6])) == ("2025-01-03", "2025-01-09")
    assert rows[3][3] in (1, True) and all(x[6] for x in rows)
    assert D(str(kaohe.json("rank", aid)[0]["total"])) > 0
