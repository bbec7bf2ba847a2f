"""The monthly attendance report: every active person of a unit listed (those without a
punch as 无打卡记录), every page numbered, and an empty month refused, not printed."""

from __future__ import annotations

from datetime import date

import pytest
from pdf_helpers import ISSUED
from pypdf import PdfReader

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.reports.attendance_report import AttendanceReport, write_attendance_report
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.roster import add_staff, list_staff

OPTS = docs.DocumentOptions(issued=ISSUED)


def _pages(path) -> list[str]:
    return [p.extract_text().replace(" ", "").replace("\n", "") for p in PdfReader(str(path)).pages]


@pytest.fixture
def month(demo):
    db, _ = demo
    report = docs.attendance_report_data(db, "2024-11", opts=OPTS)
    return db, report


def test_every_active_person_of_a_unit_is_listed(month, tmp_path):
    db, report = month
    unit = report.units[0]
    unit_code = next(p.unit_code for p in list_staff(db) if p.unit_name == unit.unit_name)
    newcomer = add_staff(db, "新来的", unit_code, code=f"{unit_code}-99", post="窗口受理员")
    try:
        report = docs.attendance_report_data(db, "2024-11", opts=OPTS)
        lines = {x.code: x for u in report.units for x in u.lines}
        active = [p for p in list_staff(db) if p.unit_name in {u.unit_name for u in report.units}]
        assert {p.code for p in active} <= set(lines)
        line = lines[newcomer.code]
        assert line.notes.startswith("无打卡记录") and line.workdays is None
        [pdf] = docs.run(docs.attendance_job(db, "2024-11", tmp_path, opts=OPTS))
        pages = _pages(pdf)
        assert any("新来的" in p and "无打卡记录" in p for p in pages)
        for k, text in enumerate(pages, start=1):
            assert f"第{k}页共{len(pages)}页" in text
    finally:
        from kaohe_desktop.services.roster import set_staff_active

        set_staff_active(db, [newcomer.code], False)


def test_an_empty_month_is_refused_and_nothing_written(demo, tmp_path):
    db, _ = demo
    out = tmp_path / "u"
    with pytest.raises(InputError, match="没有考勤数据"):
        docs.run(docs.attendance_job(db, "2019-01", out, opts=OPTS))
    assert not out.exists()


def test_the_report_refuses_to_draw_an_empty_page(tmp_path):
    empty = AttendanceReport("2024年11月", date(2024, 11, 1), date(2024, 11, 30), (), ISSUED)
    with pytest.raises(ValueError, match="没有考勤数据"):
        write_attendance_report(tmp_path / "a.pdf", empty)
    assert not (tmp_path / "a.pdf").exists()
