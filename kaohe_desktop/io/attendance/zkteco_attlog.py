"""The ZKTeco clock's own USB download, `<device>_attlog.dat`: text, one punch per line,
`PIN<TAB>YYYY-MM-DD HH:MM:SS<TAB>device<TAB>status<TAB>verify<TAB>workcode`, CRLF, PIN
right-aligned with spaces, no names. Older firmware separates fields with runs of spaces.
The file is text (UTF-8, else GBK/GB18030); `detect` calls it an attlog when most of its
first lines have that shape, whatever the file is called.
"""

from __future__ import annotations

import re

from kaohe_desktop.domain.errors import InputError, Problem

from .cells import CellError, parse_datetime
from .collect import PROGRESS_EVERY, Collector
from .container import Source
from .records import Punch
from .texttable import looks_like_attlog

FORMAT = "zkteco_attlog"
WANTS = "中控考勤机 attlog.dat：每行“考勤号<Tab>日期 时间<Tab>…”"
LINE_RX = re.compile(r"^\s*([^\s]+)[\t ]+(\d{2,4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{1,2}(?::\d{1,2})?)"
                     r"(?:[\t ]+(.*))?$")
looks_like = looks_like_attlog
# A few bad lines are reported one by one; past this many the file is refused as a whole.
MAX_JUNK_LINES = 200


def read(src: Source, col: Collector) -> None:
    total = len(src.lines)
    junk = first_junk = 0
    for n, line in enumerate(src.lines, start=1):
        if n % PROGRESS_EVERY == 0:
            col.tick(n, total)
        if not line.strip():
            continue
        col.rows_read += 1
        m = LINE_RX.match(line)
        if m is None:
            junk += 1
            first_junk = first_junk or n
            if junk > MAX_JUNK_LINES:  # megabytes of something else: one message, not 100,000
                raise InputError(Problem(
                    f"从第 {first_junk} 行起有大量不是打卡记录的内容（已超过 {MAX_JUNK_LINES} 行，"
                    f"全文 {total} 行）：文件可能损坏或混入了其他数据", file=col.file, row=first_junk))
            col.problem("这一行不是“考勤号<Tab>日期 时间”的打卡记录", row=n, column="整行",
                        value=line.strip()[:60])
            continue
        pid, stamp, rest = m.groups()
        try:
            at = parse_datetime(stamp)
        except CellError as exc:
            col.problem(str(exc), row=n, column="第 2 栏（日期时间）", value=stamp)
            continue
        reason = col.date_problem(at.date())
        if reason:
            col.problem(reason, row=n, column="第 2 栏（日期时间）", value=stamp)
            continue
        fields = (rest or "").split()
        status = fields[1] if len(fields) > 1 else ""
        col.add_punch(Punch(pid, "", at, f"{col.file} 第 {n} 行", status))
    col.tick(total, total)


