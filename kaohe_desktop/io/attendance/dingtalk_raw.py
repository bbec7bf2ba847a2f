"""DingTalk (钉钉) 考勤统计 → 原始记录: one row per punch, under a title row and a
'报表生成时间' row. Columns used: 姓名, 工号 (the id; UserId when 工号 is blank, and kept in
`other_ids`), 考勤日期 ('24-06-03 星期一'), 打卡时间 ('24-06-03 09:40', or only '09:40'
on that 考勤日期), 打卡结果 (kept raw in `Punch.result`). 考勤时间 is the scheduled time,
not a punch, and is not read.
"""

from __future__ import annotations

from .base import Found
from .collect import Collector
from .container import Source
from .period import find_period
from .punchlog import LogColumns, read_log
from .table import find_header

FORMAT = "dingtalk_raw"
WANTS = "钉钉 原始记录：姓名、工号/UserId、考勤日期、打卡时间"


def find(src: Source) -> Found | None:
    for sheet in src.sheet_names:
        header = find_header(src.head(sheet), ("姓名", "工号", "UserId"),
                             [("考勤日期",), ("打卡时间",), ("打卡结果", "考勤时间", "UserId", "考勤组")])
        if header is not None and header.find(("打卡时间",)) is not None:
            return Found(FORMAT, sheet, header)
    return None


def read(src: Source, found: Found, col: Collector) -> None:
    h = found.header
    pid = h.find(("工号",))
    user = h.find(("UserId", "用户ID"))
    if pid is None:
        pid, user = user, None
    cols = LogColumns(time=h.find(("打卡时间",)), person_id=pid, name=h.find(("姓名",)),
                      date=h.find(("考勤日期", "日期")), result=h.find(("打卡结果",)),
                      other_ids=[user] if user is not None else [])
    rows = src.rows(found.sheet)
    read_log(col, found.sheet, rows, h, cols)
    found.extra["period"] = find_period(rows[:h.row])
    src.forget(found.sheet)
