"""The 整改 deadline and the 诫勉谈话 time and place reach the notices from the command line."""

from __future__ import annotations

from doc_data import add_stations, frnl_assessment
from pdf_helpers import pdf_text
from test_cli_reports import _run


def test_due_date_and_talk_time_and_place_from_the_cli(db, tmp_path):
    add_stations(db)
    a = str(frnl_assessment(db))
    out = tmp_path / "out"
    _run(db, "report", "notices", a, "--out", str(out), "--date", "2024-12-20", "--due", "2025-01-31",
         "--talk-time", "2025年1月6日上午9时", "--talk-place", "街道办事处三楼会议室")
    texts = {p.name: pdf_text(p)[1] for p in out.iterdir()}
    report = next(t for n, t in texts.items() if "限期书面报告通知" in n)
    talk = next(t for n, t in texts.items() if "诫勉谈话通知" in n)
    assert "于2025年1月31日前" in report
    assert "请你于2025年1月6日上午9时到街道办事处三楼会议室参加谈话" in talk
