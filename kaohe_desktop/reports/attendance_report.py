"""The monthly attendance report per unit, from the attendance summary rows: every active
person of a unit, those without a punch marked 无打卡记录; every page numbered. A report
without any unit is refused (ValueError): an empty page says nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from .chinese_dates import plain_date
from .fonts import register
from .layout import Column, canvas_options, draw_table, fit, prepare
from .page_tools import PagedCanvas

MARGIN = 15 * mm


@dataclass(frozen=True)
class AttendanceLine:
    code: str
    name: str
    workdays: int | None  # None: the person is not in the month's data (无打卡记录)
    late: int | None
    late_minutes: int | None
    early: int | None
    early_minutes: int | None
    missing: int | None
    absent_days: str  # display text
    leave: str  # e.g. 事假 1；病假 0.5
    notes: str = ""


@dataclass(frozen=True)
class UnitAttendance:
    unit_name: str
    lines: tuple[AttendanceLine, ...]


@dataclass(frozen=True)
class AttendanceReport:
    month_label: str  # 2024年11月
    start: date
    end: date
    units: tuple[UnitAttendance, ...]
    issued: date
    issuer: str = ""


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def write_attendance_report(path: Path | str, report: AttendanceReport) -> Path:
    """One section per unit, each starting on a new page (A4 landscape)."""
    if not report.units:
        raise ValueError("没有考勤数据：不生成空白的考勤月报")
    song, sans = register()
    w, h = landscape(A4)
    width = w - 2 * MARGIN
    c = prepare(PagedCanvas(str(path), pagesize=(w, h), number_font=sans,  # type: ignore[arg-type]
                            **canvas_options()),
                title=f"{report.month_label}考勤月报", author=report.issuer, subject="考勤月报")
    cols = [Column("工号", 24 * mm), Column("姓名", 24 * mm), Column("应出勤(天)", 20 * mm, "right"),
            Column("迟到(次)", 18 * mm, "right"), Column("迟到(分钟)", 20 * mm, "right"),
            Column("早退(次)", 18 * mm, "right"), Column("早退(分钟)", 20 * mm, "right"),
            Column("缺卡(次)", 18 * mm, "right"), Column("旷工(天)", 18 * mm, "right"),
            Column("请假", 34 * mm), Column("备注", width - 214 * mm)]
    for unit in report.units:
        def new_page(unit: UnitAttendance = unit) -> float:
            c.showPage()
            c.setFont(sans, 9)
            c.drawString(MARGIN, h - MARGIN, f"{unit.unit_name}（续）")
            return h - MARGIN - 8

        size, lines = fit(f"{unit.unit_name}{report.month_label}考勤月报", song, 18, width,
                          min_size=13, max_lines=2)
        y = h - MARGIN - size
        c.setFont(song, size)
        for line in lines:
            c.drawCentredString(w / 2, y, line)
            y -= size * 1.4
        c.setFont(sans, 10)
        c.drawString(MARGIN, y, f"统计期间：{plain_date(report.start)}至{plain_date(report.end)}"
                                f"    人数：{len(unit.lines)}")
        y -= 8
        rows = [(x.code, x.name, *(_count(v) for v in (x.workdays, x.late, x.late_minutes, x.early,
                                                        x.early_minutes, x.missing)),
                 x.absent_days, x.leave, x.notes) for x in unit.lines]
        y = draw_table(c, cols, rows, x=MARGIN, y_top=y, y_bottom=MARGIN + 15 * mm, font=sans, size=9,
                       new_page=new_page) - 10 * mm
        if y < MARGIN + 10 * mm:
            y = new_page() - 20
        c.setFont(sans, 10)
        c.drawString(MARGIN, y, "制表人：____________    审核人：____________")
        c.drawRightString(w - MARGIN, y, f"{report.issuer}    {plain_date(report.issued)}")
        c.showPage()
    c.save()
    return Path(path)
