"""`kaohe annual … --save`: the year's roll-up kept as a 年度综合 assessment that `kaohe
rank` ranks with the same figures; saving again updates the draft; refusals exit 2."""

from __future__ import annotations

from decimal import Decimal as D

import pytest


@pytest.fixture
def demo(kaohe):
    kaohe.ok("demo")
    return kaohe


def test_save_then_rank_shows_the_same_figures_and_resave_updates(demo):
    kaohe = demo
    out = kaohe.json("annual", "--year", "2024", "--rubric", "VILLAGE-ATT", "--save")
    saved, rows = out["saved"], out["rows"]
    assert saved["created"] and saved["rubric_code"] == "VILLAGE-ATT-年度综合"
    for r in rows:  # each shown share and the total add up
        assert D(str(r["total"])) == sum(D(str(v)) for v in r["contributions"].values())
    ranked = {r["subject_code"]: r for r in kaohe.json("rank", saved["assessment_id"])}
    for r in rows:
        assert ranked[r["subject_code"]]["total"] == r["total"]
        if r["rank"] is not None:
            assert ranked[r["subject_code"]]["rank"] == r["rank"]
            assert ranked[r["subject_code"]]["grade"] == r["grade"]
    text = kaohe.ok("annual", "--year", "2024", "--rubric", "VILLAGE-ATT", "--save",
                    "--name", "2024年度综合考核").out
    assert f"已更新考核 {saved['assessment_id']}“2024年度综合考核”" in text
    assert "尚未审议通过" in text  # the demo's months are drafts: named, not hidden
    names = [a["name"] for a in kaohe.json("assessment", "list")]
    assert names.count("2024年度综合考核") == 1


def test_refusals_exit_2_with_a_reason(demo):
    kaohe = demo
    r = kaohe("annual", "--year", "2024", "--rubric", "VILLAGE-ATT", "--mix", "monthly:0.9,adhoc:0.1",
              "--save")
    assert r.code == 2 and "专项平均" in r.err
    r = kaohe("annual", "--year", "2023", "--rubric", "VILLAGE-ATT", "--save")
    assert r.code == 2 and "没有细则" in r.err
