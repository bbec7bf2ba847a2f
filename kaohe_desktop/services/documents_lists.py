"""The 公示 list and the monthly attendance report."""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import round2, shown
from kaohe_desktop.reports.attendance_report import (
    AttendanceLine,
    AttendanceReport,
    UnitAttendance,
    write_attendance_report,
)
from kaohe_desktop.reports.publicity import PublicityList, PublicityRow, write_publicity
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.queries import stored_punches

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import get_assessment, objection_period
from .attendance import monthly_summary, period_range
from .attendance_data import load_calendar
from .audit import results_digest
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
from .ranking_results import RankingRow, RankingTable
from .roster import list_staff
from .verification import issue_mark


def _publicity_grade(r: RankingRow) -> str:
    if not r.grade:  # no grade: 不参评 (excluded) or still incomplete
        return "不参评" if r.excluded else "待定"
    return r.grade + ("（一票否决）" if r.vetoed else "")


def two_decimals(value: Decimal) -> str:
    """Every figure of the list with the same two decimals (85.50, 90.00), rounded once."""
    return f"{round2(value):.2f}"


def top_only_default(db: Database, assessment_id: int) -> bool:
    """A staff 公示 lists only those proposed for the top grade when the rubric's
    consequences honour that grade alone (certificates for 优秀 and for nothing else)."""
    table = results_table(db, assessment_id)
    if table.subject_kind != "staff" or not table.grade_names:
        return False
    with db.session() as s:
        rubric = assessment_rubric(s, load_assessment(s, assessment_id))
    honoured = {c.grade for c in rubric.consequences if c.kind == "certificate"}
    return honoured == {table.grade_names[0]}


def _objection_period(db: Database, table: RankingTable, opts: DocumentOptions
                      ) -> tuple[date, date, int]:
    """The 公示期 recorded when the results were published; before that, `objection_days`
    working days from the date on the list."""
    if table.objection_start and table.objection_end:
        start, end = table.objection_start, table.objection_end
    else:
        with db.session() as s:
            start, end = objection_period(s, opts.issued_on(), opts.objection_days)
    with db.session() as s:
        workdays = len(load_calendar(s, start, end).workdays)
    return start, end, workdays


def publicity_data(db: Database, assessment_id: int,
                   opts: DocumentOptions = DEFAULT_OPTIONS, *, sign: bool = False) -> PublicityList:
    """The 公示 list; refused without the issuer, the contact phone and the address (an
    objection must be able to reach someone)."""
    opts = with_office(db, opts, ("issuer", "contact", "address"), "公示名单")
    table = results_table(db, assessment_id)
    top_only = opts.top_only if opts.top_only is not None else top_only_default(db, assessment_id)
    start, end, workdays = _objection_period(db, table, opts)
    chosen = table.rows
    intro = ""
    title = f"关于{table.name}结果的公示"
    if top_only and table.grade_names:
        top = table.grade_names[0]
        chosen = tuple(r for r in table.rows if r.grade == top)
        title = f"关于{table.name}拟评为“{top}”等次人员的公示"
        intro = f"经考核，拟评定以下{len(chosen)}名同志为“{top}”等次，现予公示。"
    rows = tuple(PublicityRow(r.rank or None, r.subject_code, r.subject_name, r.area,
                              two_decimals(r.total), _publicity_grade(r)) for r in chosen)
    digest = "" if opts.draft else (results_digest(db, assessment_id) or "")
    mark = None
    if sign and not opts.draft:
        # the list states how many it names and a digest of exactly those rows (a list
        # made again after a change gets a code of its own), with the sealed results
        listed = hashlib.sha256(json.dumps([list(map(str, astuple(r))) for r in rows],
                                           ensure_ascii=False).encode()).hexdigest()[:12].upper()
        mark = issue_mark(db, "公示名单", subject=title,
                          result=f"共 {len(rows)} 个对象；名单摘要 {listed}"
                          + (f"；结果校验码 {digest}" if digest else ""),
                          assessment=table.name, on=opts.issued_on(), assessment_id=assessment_id)
    return PublicityList(title, rows, opts.issued_on(), start, end, opts.issuer, opts.contact,
                         opts.address, workdays=workdays, intro=intro,
                         area_title="所属单位" if table.subject_kind == "staff" else "所属街道",
                         draft=opts.draft, digest=digest, verification=mark)


def publicity_job(db: Database, assessment_id: int, out_dir: Path | str,
                  opts: DocumentOptions = DEFAULT_OPTIONS) -> DocJob:
    yield Progress(0, 1, "正在生成公示名单")
    if not opts.draft:
        require_approved(db, assessment_id, "公示名单")
    data = publicity_data(db, assessment_id, opts, sign=True)
    name = get_assessment(db, assessment_id).name
    stage = Staging(out_dir)
    try:
        what = "拟评人员" if "拟评" in data.title else "结果公示"
        stem = f"{'草稿_' if opts.draft else ''}公示_{name}{what}"
        write_publicity(stage.path(safe_name(stem) + ".pdf"), data)
    except BaseException:
        stage.close()
        raise
    yield Progress(1, 1, "公示名单")
    return stage.deliver()


# ----------------------------------------------------------------------------- attendance


NO_PUNCH = "无打卡记录"


def _punched(db: Database, staff_ids: set[int], start: date, end: date) -> set[int]:
    """Who has at least one punch in the month (a 01:30 check-out on the 1st belongs to
    the month before; a day's margin either side is good enough for 'any punch')."""
    with db.session() as s:
        found = stored_punches(s, staff_ids, datetime.combine(start, time.min),
                               datetime.combine(end + timedelta(days=1), time.min))
    return {sid for sid, moments in found.items() if moments}


def attendance_report_data(db: Database, month: str, unit: str | None = None,
                           opts: DocumentOptions = DEFAULT_OPTIONS) -> AttendanceReport:
    """Each unit with attendance data in the month, listing every active person of it:
    those the clock never saw this month as 无打卡记录, not left off. A month without
    any attendance data is refused (nothing to report), never printed as an empty page."""
    opts = with_office(db, opts, ("issuer",), "考勤月报")
    start, end = period_range(month)
    rows = monthly_summary(db, month, unit)
    if not rows:
        where = f"单位“{unit}”" if unit else ""
        raise InputError(Problem(
            f"{start.year}年{start.month}月{where}没有考勤数据，不生成考勤月报：请先导入该月的打卡记录"
            "（窗口“考勤 → 导入”或 kaohe attendance import 文件）", column="月份", value=month))
    roster = [p for p in list_staff(db, unit or "") if p.active]
    units: dict[str, list[AttendanceLine]] = {r.unit_name: [] for r in rows}
    punched = _punched(db, {r.staff_id for r in rows}, start, end)
    seen = set()
    for r in rows:
        seen.add(r.staff_id)
        leave = "；".join(f"{k} {shown(v)}" for k, v in r.leave_days.items() if v)
        units[r.unit_name].append(AttendanceLine(
            r.staff_code, r.name, r.workdays, r.late, r.late_minutes, r.early, r.early_minutes,
            r.missing, shown(r.absent_days), leave, "" if r.staff_id in punched else NO_PUNCH))
    for person in roster:  # active staff the month's data does not know at all
        if person.id not in seen and person.unit_name in units:
            units[person.unit_name].append(AttendanceLine(
                person.code, person.name, None, None, None, None, None, None, "", "",
                f"{NO_PUNCH}（未纳入统计，请核实）"))
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    return AttendanceReport(f"{start.year}年{start.month}月", first, last,
                            tuple(UnitAttendance(u, tuple(sorted(x, key=lambda a: a.code)))
                                  for u, x in units.items()),
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

