"""The program's own attendance template (downloadable from page 考勤): sheet 考勤记录 with
columns 考勤号 | 姓名 | 日期 | 上班打卡 | 下班打卡 | 请假类型 | 请假天数, and a 说明 sheet.

Filled in by hand, one row per person-day; read back as DayRecords (format "template").
Extra time columns whose header ends in 打卡 (上班打卡2 …) are read too. A row with a leave
type and a blank 请假天数 is a full day; a leave with no type is a problem.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from ..sheet_writer import append_row, header_height, print_setup, put, style_header
from .base import Found
from .cells import CellError, parse_number, text
from .collect import Collector
from .container import Source
from .dayrows import DayRow, add_day_row, is_blank, person, row_date
from .table import find_header

FORMAT = "template"
SHEET = "考勤记录"
COLUMNS = ("考勤号", "姓名", "日期", "上班打卡", "下班打卡", "请假类型", "请假天数")
WANTS = "本程序的考勤模板：工作表 考勤记录（考勤号、姓名、日期、上班打卡、下班打卡、请假类型、请假天数）"
LEAVE_CHOICES = ("事假", "病假", "年假", "调休", "婚假", "产假", "丧假", "公出", "出差", "其他")
HELP = (
    ("考勤号", "考勤机或钉钉/企业微信里的工号、考勤号；以 0 开头的号请保持文本格式。可留空，按姓名匹配。"),
    ("姓名", "人员姓名，与名册一致。考勤号和姓名至少填一项。"),
    ("日期", "打卡日期，如 2024-06-03；不能晚于今天，不能早于 2000 年。"),
    ("上班打卡", "上班打卡时间，如 08:55；未打卡留空。跨零点写“次日 01:30”。"),
    ("下班打卡", "下班打卡时间，如 17:35；未打卡留空。"),
    ("请假类型", "整天或半天请假时填写：" + "、".join(LEAVE_CHOICES) + "。"),
    ("请假天数", "1 表示一整天，0.5 表示半天；填了请假类型而本格留空按 1 天。"),
)


def write_attendance_template(path: Path | str) -> Path:
    """Write the blank template to `path` (.xlsx) and return the path."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    widths = (12, 12, 13, 11, 11, 11, 10)
    for j, name in enumerate(COLUMNS, start=1):
        style_header(put(ws, 1, j, name))
    ws.row_dimensions[1].height = header_height(COLUMNS, widths)
    for letter, fmt in (("A", "@"), ("C", "yyyy-mm-dd"), ("D", "hh:mm"), ("E", "hh:mm"), ("G", "0.0")):
        ws.column_dimensions[letter].number_format = fmt   # the column's style: no pre-made rows
    # header row 1 only (the reader finds it there); the filter covers the rows to be typed
    print_setup(ws, columns=len(COLUMNS), widths=widths, header_row=1, key_columns=2,
                last_row=1001)
    ws.freeze_panes = "A2"
    choice = DataValidation(type="list", formula1='"' + ",".join(LEAVE_CHOICES) + '"', allow_blank=True)
    choice.add("F2:F1001")
    days = DataValidation(type="decimal", operator="between", formula1="0", formula2="1",
                          allow_blank=True)
    days.add("G2:G1001")
    ws.add_data_validation(choice)
    ws.add_data_validation(days)
    notes = wb.create_sheet("说明")
    for j, name in enumerate(("列", "填写说明"), start=1):
        style_header(put(notes, 1, j, name))
    for row in HELP:
        append_row(notes, list(row), border=True)
    append_row(notes, [])
    append_row(notes, ["提示", "每人每天一行；请勿改动第一行的列名。"
                               "导入时会逐格检查，读不出的格子会列出行号和列名。"])
    for row in notes.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    print_setup(notes, columns=2, widths=(12, 80), header_row=1, key_columns=1)
    wb.save(path)
    return path


def find(src: Source) -> Found | None:
    for sheet in src.sheet_names:
        header = find_header(src.head(sheet), ("考勤号", "姓名"), [("日期",), ("上班打卡", "下班打卡")])
        if header is not None:
            return Found(FORMAT, sheet, header)
    return None


def read(src: Source, found: Found, col: Collector) -> None:
    rows, h, sheet = src.rows(found.sheet), found.header, found.sheet
    c_id, c_name, c_date = h.find(("考勤号",)), h.find(("姓名",)), h.find(("日期",))
    c_type, c_days = h.find(("请假类型",)), h.find(("请假天数",))
    times = [j for j, n in enumerate(h.names) if n.rstrip("0123456789").endswith("打卡")]
    for i in range(h.first_data, len(rows)):
        row, r = rows[i], i + 1
        if is_blank(row):
            continue
        pid, name, _ = person(row, c_id, None, c_name)
        day = row_date(col, h, sheet, row, r, c_date)
        if day is None:
            continue
        kind = text(row[c_type]) if c_type is not None and c_type < len(row) else ""
        raw_days = row[c_days] if c_days is not None and c_days < len(row) else ""
        try:
            amount = parse_number(raw_days)
        except CellError as exc:
            col.problem(str(exc), sheet=sheet, row=r, column=h.label(c_days), value=text(raw_days))
            continue
        if amount and not kind:
            col.problem("填了请假天数，但没有请假类型", sheet=sheet, row=r, column=h.label(c_type),
                        value=text(raw_days))
            continue
        if kind and not (0 <= amount <= 1):
            col.problem("请假天数应为 0.5 或 1（每天一行）", sheet=sheet, row=r, column=h.label(c_days),
                        value=text(raw_days))
            continue
        add_day_row(col, h, DayRow(sheet, r, pid, name, day,
                                   time_cells=[(c, row[c]) for c in times if c < len(row)],
                                   leave=(kind, amount or Decimal(1)) if kind else None,
                                   source_col=c_date, name_col=c_name))
