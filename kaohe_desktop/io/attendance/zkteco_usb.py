"""ZKTeco (中控) standalone clock: U盘下载 考勤报表 (<月>月汇总表.xls), sheet 刷卡记录.

Layout: title '刷卡记录表'; a row '考勤日期 : | 2024/06/01 ~ 06/30 | … 制表时间 : 2024/07/01';
a row of day numbers (1 … 31, one column per day, starting in column A); then per person
a label row ('工 号：' | id in the next filled cell | '姓 名:' | name | '部 门:' | dept)
followed by one (sometimes more) rows whose day cells list that day's times, one per line
('09:40\\n17:45\\n'). Each time is a Punch. Other sheets (考勤汇总表, 排班信息, 异常统计,
考勤卡表) are not read: their counts follow the clock's own rules, not the office's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.workbook import column_letter

from .base import Found
from .cells import CellError, id_text, norm, parse_times, text
from .collect import Collector
from .container import Source
from .period import day_run, find_period, map_days
from .records import Punch

FORMAT = "zkteco_usb"
WANTS = "中控考勤机 U 盘报表：工作表 刷卡记录（“工 号：”行 + 按日的打卡时间行）"
SHEET = "刷卡记录"
ID_LABELS = ("工号", "考勤号", "登记号码", "编号", "用户号")
NAME_LABELS = ("姓名",)


def _label_at(row: list[object], labels: tuple[str, ...]) -> str | None:
    """The value in the first filled cell to the right of a label cell."""
    for j, v in enumerate(row):
        if norm(v) in labels:
            for k in range(j + 1, min(j + 8, len(row))):
                if text(row[k]):
                    return id_text(row[k])
            return ""
    return None


def _person_rows(rows: list[list[object]]) -> list[int]:
    return [i for i, row in enumerate(rows) if _label_at(row[:4], ID_LABELS) is not None]


def find(src: Source) -> Found | None:
    for sheet in sorted(src.sheet_names, key=lambda n: norm(n) != SHEET):
        head = src.head(sheet, 30)
        people = _person_rows(head)
        if not people:
            continue
        first = people[0]
        day_row = next((i for i in range(first - 1, -1, -1) if len(day_run(head[i])) >= 7), None)
        if day_row is not None:
            return Found(FORMAT, sheet, None, {"day_row": day_row})
    return None


def read(src: Source, found: Found, col: Collector) -> None:
    sheet, rows = found.sheet, src.rows(found.sheet)
    day_row = found.extra["day_row"]
    period = find_period(rows[:day_row])
    found.extra["period"] = period
    if period is None:
        raise InputError(Problem("找不到考勤日期（应有“考勤日期 : 2024/06/01 ~ 06/30”），"
                                 "无法确定每一列是哪一天", file=col.file, sheet=sheet))
    header_cells = rows[day_row]
    day_of, reason = map_days(header_cells, day_run(header_cells), *period)
    if reason:
        col.problem(reason, sheet=sheet, row=day_row + 1)
    people = _person_rows(rows)
    for n, start in enumerate(people):
        stop = people[n + 1] if n + 1 < len(people) else len(rows)
        pid = _label_at(rows[start], ID_LABELS) or ""
        name = _label_at(rows[start], NAME_LABELS) or ""
        if not pid and not name:
            col.problem("这一行没有工号也没有姓名", sheet=sheet, row=start + 1)
            continue
        col.check_name(pid, name, sheet=sheet, row=start + 1, column="")
        for i in range(start + 1, stop):
            row = rows[i]
            for c, day in day_of.items():
                value = row[c] if c < len(row) else ""
                if value == "":
                    continue
                where = f"{column_letter(c)}（{day.month}月{day.day}日）"
                try:
                    times = parse_times(value)
                except CellError as exc:
                    col.problem(str(exc), sheet=sheet, row=i + 1, column=where, value=text(value))
                    continue
                if times and col.date_problem(day):
                    col.problem(col.date_problem(day), sheet=sheet, row=i + 1, column=where,
                                value=text(value))
                    continue
                col.rows_read += bool(times)
                for t, next_day in times:
                    at = datetime.combine(day, t) + timedelta(days=1 if next_day else 0)
                    col.add_punch(Punch(pid, name, at,
                                        f"{col.file} 工作表“{sheet}” 第 {i + 1} 行 {column_letter(c)} 列"))
