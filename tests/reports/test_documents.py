"""Every document read back with pypdf: pages, names, grades, numbers, embedded fonts."""

from __future__ import annotations

from datetime import date

import pytest
from pdf_helpers import ISSUED, LONG_NAME, embedded_fonts, pdf_text

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.reports.attendance_report import (
    AttendanceLine,
    AttendanceReport,
    UnitAttendance,
    write_attendance_report,
)
from kaohe_desktop.reports.certificates import Certificate, CertificateTemplate, write_certificates
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.standings import ranking_table

OPTS = docs.DocumentOptions(issued=ISSUED, contact="李明 0731-84446666")


def _cjk_embedded(path) -> None:
    fonts = embedded_fonts(path)
    assert any("UMingCN" in f for f in fonts), fonts


def test_certificates_batch_for_every_excellent_subject(demo, tmp_path):
    db, ids = demo
    table = ranking_table(db, ids["year"])
    best = [r for r in table.rows if r.grade == table.grade_names[0]]
    assert best
    [pdf] = docs.run(docs.certificates_job(db, ids["year"], tmp_path, OPTS))
    pages, text = pdf_text(pdf)
    assert pages == len(best)
    for r in best:
        assert r.subject_name in text
    assert "二〇二四年十二月" in text
    assert "2024年度便民服务工作优秀单位" in text
    _cjk_embedded(pdf)


def test_certificates_one_file_per_subject(demo, tmp_path):
    db, ids = demo
    files = docs.run(docs.certificates_job(db, ids["year"], tmp_path, OPTS, per_subject=True))
    assert len(files) == len(docs.certificate_data(db, ids["year"], OPTS))
    for f in files:
        assert pdf_text(f)[0] == 1
        assert f.read_bytes().rstrip().endswith(b"%%EOF")


def test_certificate_template_and_long_name(tmp_path):
    t = CertificateTemplate(title="奖状", body="{name}：在{year}年度考核中被评为{honour}，特发此状。",
                            honour="先进集体", issuer="某某区政务服务中心", closing="")
    pdf = write_certificates(tmp_path / "c.pdf", [Certificate(LONG_NAME, 2025, date(2025, 1, 8))], t)
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert LONG_NAME in text and "先进集体" in text and "二〇二五年一月" in text
    assert "某某区政务服务中心" in text


def test_notices_numbered_per_year_and_stored(demo, tmp_path):
    db, ids = demo
    table = ranking_table(db, ids["year"])
    weak = table.rows[-1]
    before = docs.last_number(db, 2024, OPTS.number_prefix)
    [pdf] = docs.run(docs.notices_job(db, ids["year"], tmp_path, OPTS, subjects=[weak.subject_code],
                                      kinds=["rectify", "talk", "criticise"]))
    pages, text = pdf_text(pdf)
    assert pages >= 3
    for k in range(1, 4):
        assert f"芙街便〔2024〕{before + k}号" in text
    assert docs.last_number(db, 2024, OPTS.number_prefix) == before + 3
    assert "整改通知书" in text and "诫勉谈话通知" in text and "通报批评" in text
    assert weak.subject_name in text and shown(weak.total) in text and weak.grade in text
    assert "2025年1月19日" in text  # due 30 days after 2024-12-20
    # the next batch goes on from there
    [pdf2] = docs.run(docs.notices_job(db, ids["year"], tmp_path / "2", OPTS,
                                       subjects=[weak.subject_code], kinds=["rectify"]))
    assert f"芙街便〔2024〕{before + 4}号" in pdf_text(pdf2)[1]
    _cjk_embedded(pdf)


def test_notice_lists_the_items_where_most_points_were_lost(demo, tmp_path):
    from kaohe_desktop.services.drill_down import drill_down

    db, ids = demo
    code = ranking_table(db, ids["year"]).rows[-1].subject_code
    d = drill_down(db, ids["year"], code)
    [pdf] = docs.run(docs.notices_job(db, ids["year"], tmp_path, OPTS, subjects=[code],
                                      kinds=["rectify"]))
    text = pdf_text(pdf)[1]
    for item in d.most_lost:
        assert f"失{shown(item.lost)}分" in text


def test_cancelled_notice_batch_uses_no_numbers(demo, tmp_path):
    db, ids = demo
    before = docs.last_number(db, 2024, OPTS.number_prefix)
    job = docs.notices_job(db, ids["year"], tmp_path, OPTS, subjects=["FR01", "FR02"], kinds=["rectify"])
    next(job)
    next(job)
    job.close()
    assert docs.last_number(db, 2024, OPTS.number_prefix) == before


def test_unknown_subject_is_refused(demo, tmp_path):
    db, ids = demo
    with pytest.raises(InputError, match="不在本次考核"):
        docs.run(docs.notices_job(db, ids["year"], tmp_path, OPTS, subjects=["NOPE"]))


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
    assert f"总分{shown(row.total)}" in text and f"等次{row.grade}" in text
    assert f"加分{shown(row.bonus)}" in text
    assert "省级媒体报道便民服务经验" in text and "本条不计" in text


def test_publicity_lists_every_subject(demo, tmp_path):
    db, ids = demo
    table = ranking_table(db, ids["year"])
    [pdf] = docs.run(docs.publicity_job(db, ids["year"], tmp_path, OPTS))
    text = pdf_text(pdf)[1]
    for r in table.rows:
        assert r.subject_name in text and shown(r.total) in text
    assert "公示期为2024年12月20日至2024年12月27日" in text
    assert "李明0731-84446666" in text
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


def test_full_usb_drive_leaves_no_pdf_and_uses_no_numbers(demo, tmp_path, monkeypatch):
    import errno
    import os

    db, ids = demo
    before = docs.last_number(db, 2024, OPTS.number_prefix)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match="已满"):
        docs.run(docs.notices_job(db, ids["year"], tmp_path, OPTS, subjects=["FR01"], kinds=["talk"]))
    assert list(tmp_path.iterdir()) == []
    assert docs.last_number(db, 2024, OPTS.number_prefix) == before


def test_filled_sheets_agree_with_the_drill_down(demo):
    from kaohe_desktop.services.drill_down import drill_down

    db, ids = demo
    for sheet in docs.filled_sheets(db, ids["year"], ["FR02", "FR09"]):
        d = drill_down(db, ids["year"], sheet.subject_code)
        assert [(i.code, i.score) for i in sheet.items] == [(i.code, shown(i.score)) for i in d.items]
        assert [(e.amount, e.counted) for e in sheet.events] == [
            (shown(e.event.amount), e.counted) for e in d.events]
        assert sheet.total == shown(d.row.total) and sheet.grade.startswith(d.row.grade)


def test_numbers_start_again_each_year(demo, tmp_path):
    db, ids = demo
    opts = docs.DocumentOptions(issued=date(2031, 1, 5), number_prefix="芙街考")
    [pdf] = docs.run(docs.notices_job(db, ids["year"], tmp_path, opts, subjects=["FR03"],
                                      kinds=["talk", "rectify"]))
    text = pdf_text(pdf)[1]
    assert "芙街考〔2031〕1号" in text and "芙街考〔2031〕2号" in text
    assert docs.last_number(db, 2031, "芙街考") == 2
    assert docs.last_number(db, 2032, "芙街考") == 0
