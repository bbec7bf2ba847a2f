"""The 公示 list and the monthly attendance report."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.reports.attendance_report import (
    AttendanceLine,
    AttendanceReport,
    UnitAttendance,
    write_attendance_report,
)
from kaohe_desktop.reports.publicity import PublicityList, PublicityRow, write_publicity
from kaohe_desktop.store.db import Database

from .attendance import monthly_summary, period_range
from .documents_common import (
    DEFAULT_OPTIONS,
    DocJob,
    DocumentOptions,
    Progress,
    Staging,
    require_approved,
    results_table,
    safe_name,
    with_office,
)
from .ranking_results import RankingRow


def _publicity_grade(r: RankingRow) -> str:
    if not r.grade:  # no grade: 不参评 (excluded) or still incomplete
        return "不参评" if getattr(r, "excluded", False) else "待定"
    return r.grade + ("（一票否决）" if r.vetoed else "")


def publicity_data(db: Database, assessment_id: int,
                   opts: DocumentOptions = DEFAULT_OPTIONS) -> PublicityList:
    """The 公示 list; the issuer and the contact for objections are required."""
    opts = with_office(db, opts, ("issuer", "contact"), "公示名单")
    table = results_table(db, assessment_id)
    published = table.objection_start or opts.issued_on()
    start = table.objection_start or published
    end = table.objection_end or start + timedelta(days=opts.objection_days)
    rows = tuple(PublicityRow(r.rank or None, r.subject_code, r.subject_name, r.area,
                              shown(r.total), _publicity_grade(r)) for r in table.rows)
    return PublicityList(f"{table.name}结果公示", rows, published, start, end, opts.issuer,
                         opts.contact, address=opts.address, draft=opts.draft)


def publicity_job(db: Database, assessment_id: int, out_dir: Path | str,
                  opts: DocumentOptions = DEFAULT_OPTIONS) -> DocJob:
    yield Progress(0, 1, "正在生成公示名单")
    if not opts.draft:
        require_approved(db, assessment_id, "公示名单")
    data = publicity_data(db, assessment_id, opts)
    stage = Staging(out_dir)
    try:
        name = f"{'草稿_' if opts.draft else ''}公示_{safe_name(data.title)}.pdf"
        write_publicity(stage.path(name), data)
    except BaseException:
        stage.close()
        raise
    yield Progress(1, 1, "公示名单")
    return stage.deliver()



def attendance_report_data(db: Database, month: str, unit: str | None = None,
                           opts: DocumentOptions = DEFAULT_OPTIONS) -> AttendanceReport:
    opts = with_office(db, opts, ("issuer",), "考勤月报")
    start, end = period_range(month)
    rows = monthly_summary(db, month, unit)
    units: dict[str, list[AttendanceLine]] = {}
    for r in rows:
        leave = "；".join(f"{k} {shown(v)}" for k, v in r.leave_days.items() if v)
        units.setdefault(r.unit_name, []).append(AttendanceLine(
            r.staff_code, r.name, r.workdays, r.late, r.late_minutes, r.early, r.early_minutes,
            r.missing, shown(r.absent_days), leave))
    return AttendanceReport(f"{start.year}年{start.month}月", start, end,
                            tuple(UnitAttendance(u, tuple(x)) for u, x in units.items()),
                            opts.issued_on(), opts.issuer)


def attendance_job(db: Database, month: str, out_dir: Path | str, unit: str | None = None,
                   opts: DocumentOptions = DEFAULT_OPTIONS) -> DocJob:
    yield Progress(0, 1, "正在汇总考勤")
    data = attendance_report_data(db, month, unit, opts)
    stage = Staging(out_dir)
    try:
        write_attendance_report(stage.path(f"考勤月报_{month}.pdf"), data)
    except BaseException:
        stage.close()
        raise
    yield Progress(1, 1, "考勤月报")
    return stage.deliver()

