"""Every document read back with pypdf: pages, names, grades, numbers, embedded fonts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from doc_data import add_stations, frnl_assessment
from pdf_helpers import ISSUED, LONG_NAME, embedded_fonts, pdf_text

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.reports.attendance_report import (
    AttendanceLine,
    AttendanceReport,
    UnitAttendance,
    write_attendance_report,
)
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.standings import ranking_table

OPTS = docs.DocumentOptions(issued=ISSUED, contact="李明 0731-84446666")


def _cjk_embedded(path) -> None:
    fonts = embedded_fonts(path)
    assert any("UMingCN" in f for f in fonts), fonts


def test_blank_sheets_one_subject_per_page_with_every_item(demo, tmp_path):
    db, ids = demo
    sheets = docs.blank_sheet_data(db, ids["year"], group="第一组")
    assert len(sheets) == 6
    [pdf] = docs.run(docs.sheets_job(db, ids["year"], tmp_path, group="第一组"))
    pages, text = pdf_text(pdf)
    assert pages >= len(sheets)
    for sheet in sheets:
        assert sheet.subject_name in text
    for item in sheets[0].items:
        assert item.title.replace(" ", "")[:6] in text
    assert "评分人（签字）" in text
    _cjk_embedded(pdf)


def test_filled_sheets_show_scores_totals_and_grade(demo, tmp_path):
    db, ids = demo
    table = ranking_table(db, ids["year"])
    row = next(r for r in table.rows if r.subject_code == "FR02")  # has bonus events
    [pdf] = docs.run(docs.sheets_job(db, ids["year"], tmp_path, filled=True, subjects=["FR02"]))
    text = pdf_text(pdf)[1]
    assert row.subject_name in text
    assert f"总分{row.total:.2f}" in text and f"等次{row.grade}" in text
    assert f"加分{row.bonus:.2f}" in text
    assert "省级媒体报道便民服务经验" in text and "本条不计" in text


def test_publicity_lists_every_subject(demo, tmp_path):
    db, ids = demo
    table = ranking_table(db, ids["year"])
    [pdf] = docs.run(docs.publicity_job(db, ids["year"], tmp_path, replace(OPTS, draft=True)))
    text = pdf_text(pdf)[1]
    for r in table.rows:
        assert r.subject_name in text and shown(r.total) in text
    assert "公示期为2024年12月20日至2024年12月26日（5个工作日）" in text
    assert "李明0731-84446666" in text
    assert "草稿" in text and pdf.name.startswith("草稿_")
    _cjk_embedded(pdf)


def test_attendance_report_per_unit(tmp_path):
    line = AttendanceLine("FR01-01", "王伟", 21, 2, 35, 1, 10, 1, "0.5", "事假 1")
    report = AttendanceReport("2024年11月", date(2024, 11, 1), date(2024, 11, 30),
                              (UnitAttendance("东风社区便民服务站", (line,)),
                               UnitAttendance(LONG_NAME, ())), ISSUED)
    pdf = write_attendance_report(tmp_path / "a.pdf", report)
    pages, text = pdf_text(pdf)
    assert pages == 2
    assert "东风社区便民服务站2024年11月考勤月报" in text and LONG_NAME in text
    assert "王伟" in text and "事假1" in text
    _cjk_embedded(pdf)


def test_attendance_report_from_the_service(demo, tmp_path):
    db, _ = demo
    [pdf] = docs.run(docs.attendance_job(db, "2024-11", tmp_path, opts=OPTS))
    assert pdf_text(pdf)[0] >= 1


def test_full_usb_drive_leaves_no_pdf_and_uses_no_numbers(db, tmp_path, monkeypatch):
    import errno
    import os

    add_stations(db)
    aid = frnl_assessment(db)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match="已满"):
        docs.run(docs.notices_job(db, aid, tmp_path / "usb", OPTS, subjects=["A03"], kinds=["talk"]))
    assert list((tmp_path / "usb").iterdir()) == []
    assert docs.last_number(db, 2024, "测街便") == 0
    assert docs.issued_numbers(db, aid) == {}


def test_filled_sheets_agree_with_the_drill_down(demo):
    from kaohe_desktop.services.drill_down import drill_down

    db, ids = demo
    for sheet in docs.filled_sheets(db, ids["year"], ["FR02", "FR09"]):
        d = drill_down(db, ids["year"], sheet.subject_code)
        assert [(i.code, i.score) for i in sheet.items] == [(i.code, f"{i.score:.2f}") for i in d.items]
        assert [(e.amount, e.counted) for e in sheet.events] == [
            (shown(e.event.amount), e.counted) for e in d.events]
        assert sheet.total == f"{d.row.total:.2f}" and sheet.grade.startswith(d.row.grade)
