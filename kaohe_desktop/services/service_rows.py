"""Service records (issue 17) cell by cell: the values of one row of an export turned into
a record as stored, or its problem named. Used by `service_records`, whose preview runs
these for each of 100,000 rows: what repeats in a column (承诺时限, 评价等级, 办理状态, 事项)
is judged once per distinct value, and times written the common way are parsed in C.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from kaohe_desktop.domain.service_measures import accepted_status, parse_level, parse_limit

# a 是否属实 column says 是 / 否; registers write sentences (情况属实, 经核实，部分属实, 经查不属实)
_YES_VERDICTS = frozenset({"是", "有效", "成立", "有效投诉"})
_NO_VERDICTS = frozenset({"否", "无效", "不成立", "无效投诉"})
_EXCEL_EPOCH = datetime(1899, 12, 30)
# 2024-07-02 09:05, 2024/7/2 9:05:00, 2024年7月2日 9:05, 2024年7月2日9时5分(30秒)
# (also 2024/7/2 下午 3:05, 2024/7/2 3:05 PM: the 12-hour clock of some Windows exports)
_DT_RX = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*[日号])?"
                    r"(?:(?:\s+|T|(?<=[日号]))(?:(上午|下午|AM|PM|am|pm)\s*)?"
                    r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})"
                    r"(?:\s*[:：分]\s*(\d{1,2}(?:\.\d+)?)\s*秒?|\s*分)?(?:\s*(AM|PM|am|pm))?)?\s*$")
_PM, _AM = frozenset({"下午", "PM", "pm"}), frozenset({"上午", "AM", "am"})
_CHINA = timezone(timedelta(hours=8))
# yyyyMMdd, yyyyMMddHHmm, yyyyMMddHHmmss: how provincial data interfaces write times
_COMPACT_RX = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")
def parse_time(value: object) -> datetime | None:
    """A cell as a moment: an Excel date-time, a date, a serial number or text like
    2024-04-02 09:02:14, 2024/04/03 15:00, 2024年4月18日. Raises ValueError when unreadable;
    None for an empty cell or "--"."""
    if value is None or value == "" or value in ("--", "-", "—", "/", "无"):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial a text-typed column kept as a number
            # to the second: a stored 45506.4583333333 is 11:00, not 10:59:59.999997
            return _EXCEL_EPOCH + timedelta(seconds=round(float(value) * 86400))
        if value == int(value) and value >= 19000101:  # 20240715 typed into a number cell
            return _compact(str(int(value)))
        raise ValueError
    text = str(value).strip()
    if not text:
        return None
    m = _DT_RX.match(text)
    if not m:
        if "T" in text and text[:4].isdigit():  # ISO 8601 with a zone: 2024-07-02T09:05:00+08:00
            return _iso(text)
        return _compact(text)
    y, mo, d, ap, hh, mm, ss, ap2 = m.groups()
    sec = float(ss) if ss else 0.0
    hour = int(hh or 0)
    ap = ap or ap2
    if ap in _PM and hour < 12:
        hour += 12
    elif ap in _AM and hour == 12:
        hour = 0
    return datetime(int(y), int(mo), int(d), hour, int(mm or 0), int(sec))


def _iso(text: str) -> datetime:
    """An ISO time with a zone as the wall-clock time in China (where the records are)."""
    moment = datetime.fromisoformat(text)  # ValueError when it is not one
    if moment.tzinfo is not None:
        moment = moment.astimezone(_CHINA).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _compact(text: str) -> datetime:
    m = _COMPACT_RX.match(text)
    if not m:
        raise ValueError
    y, mo, d, hh, mm, ss = m.groups()
    return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))


def parse_moment(value: object) -> datetime | None:
    """`parse_time` with a fast path for what platforms write most, text like
    2024-04-02, 2024-04-02 09:30 or 2024-04-02 09:02:14 (digits checked by fromisoformat,
    in C; anything it refuses goes to the general parser, which decides)."""
    if type(value) is str:
        if _common_shape(value):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
    elif type(value) is datetime:
        return value
    return parse_time(value)


def _common_shape(text: str) -> bool:
    """Whether `text` is written 2024-04-02, 2024-04-02 09:30 or 2024-04-02 09:02:14, the
    form fromisoformat reads exactly (an hour below 24: Python 3.12 reads 24:00 as the next
    day, which the general parser refuses)."""
    n = len(text)
    return (n == 19 or n == 16 or n == 10) and text[4] == "-" and text[7] == "-" and (
        n == 10 or (text[10] == " " and text[13] == ":" and (n == 16 or text[16] == ":")
                    and text[11:13] < "24"))


# what a moment's text lacks of the stored form, by the text's length (see `stamp_of`)
_STAMP_TAIL = {19: ".000000", 16: ":00.000000", 10: " 00:00:00.000000"}


def stamp(moment: datetime) -> str:
    """A moment in the form the records are stored and compared in: SQLAlchemy's SQLite
    DateTime text, "YYYY-MM-DD HH:MM:SS.ffffff" (PostgreSQL's COPY reads it too), whose
    order as text is the order in time."""
    return moment.isoformat(" ", "microseconds")


def stamp_of(value: object) -> str | None:
    """A cell as a stored moment (`stamp`), None for an empty cell; ValueError when
    unreadable. Text written the common way (2024-04-02 09:02:14, 2024-04-02 09:30,
    2024-04-02) is checked by fromisoformat, in C, and kept as it is with the missing tail
    added: a year's 办件 hold 200,000 such times, and formatting each again cost more than
    reading it."""
    if value is None:
        return None
    if type(value) is str:
        if _common_shape(value):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return value + _STAMP_TAIL[len(value)]
    elif type(value) is datetime:
        return stamp(value)
    moment = parse_time(value)
    return None if moment is None else stamp(moment)


def stamp_day(value: str) -> date:
    """The day of a stored moment."""
    return date.fromisoformat(value[:10])


def verdict_valid(text: str) -> bool:
    """Whether a 核实结果 makes a complaint valid: 属实, 部分属实, 基本属实, written alone or in
    a sentence, or 是 in a 是否属实 column; never 不属实 or one not yet verified (核实中)."""
    t = "".join(text.split())
    if t in _YES_VERDICTS:
        return True
    if t in _NO_VERDICTS or "不属实" in t:
        return False
    return "属实" in t


# stars drawn other ways than ★/☆: the national 好差评 标识 draws a level as hollow stars
# only (☆☆☆☆☆ = 非常满意); some evaluator systems write emoji stars
_HOLLOW_STARS = frozenset("☆✩")
_OTHER_FILLED = str.maketrans({"⭐": "★", "🌟": "★", "✭": "★", "✮": "★", "✯": "★", "✪": "★"})


def level_of(cell: object) -> int | None:
    """`parse_level`, also reading a level written with hollow stars only or emoji stars."""
    level = parse_level(cell)
    if level is None and type(cell) is str:
        t = "".join(cell.split())
        if t and set(t) <= _HOLLOW_STARS:
            return len(t) if len(t) <= 5 else None
        t2 = t.translate(_OTHER_FILLED).replace("\ufe0f", "")
        if t2 != t:
            return parse_level(t2)
    return level


def cell_text(value: object) -> str:
    if type(value) is str:  # most cells: first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# each kind's records as stored: the columns of its table, in this order (import_id added)
RECORD_COLUMNS = {
    "requests": ("no", "matter", "instant", "limit_days", "unit_id", "staff_id", "accepted_at",
                 "finished_at", "status", "accepted"),
    "ratings": ("no", "request_no", "channel", "level", "content", "rated_at", "unit_id",
                "staff_id", "rect_note", "rect_done_at", "visit_at", "visit_result"),
    "complaints": ("no", "at", "source", "content", "verdict", "valid", "closed_at", "unit_id",
                   "staff_id"),
}
BAD_TIME = "无法识别的日期时间（应如 2024-04-02 09:30 或 2024年4月2日）"
_BAD_LIMIT = "无法识别的承诺时限（应为工作日数，如 5、5个工作日，或 即办）"
_BAD_LEVEL = "无法识别的评价等级（应为 非常满意、满意、基本满意、不满意、非常不满意，或 1～5 星）"


Problem_ = Callable[[str, int, str, object], None]
Converter = Callable[[str, Any, list, Any, Any, int], "tuple[Any, ...] | None"]


def _is_moment(value: object) -> bool:
    """A 承诺时限 cell that holds the deadline itself (承诺办结时间 2024-04-09) rather than a
    number of working days: a date cell, or text written like a date."""
    if isinstance(value, date):
        return True
    return type(value) is str and _DATE_START_RX.match(value) is not None


_DATE_START_RX = re.compile(r"^\s*\d{4}(?:\s*[-/.年]\s*\d{1,2}|\d{4}(?:\d{4}(?:\d{2})?)?\s*$)")
WorkingDays = Callable[[date, date], int]


def _requests(pos: Mapping[str, int], problem: Problem_,
              working_days: WorkingDays | None = None) -> Converter:
    """A 办件's record in RECORD_COLUMNS order, or None (its problem named).

    Some platforms give the deadline (承诺办结时间) instead of the 承诺时限 in working days;
    `working_days(accepted, deadline)` turns it into the days it allows (the calendar's
    holidays and 调休 counted), so on-time is judged the same way for both."""
    i_limit, i_kind, i_matter, i_status = pos["limit"], pos["kind"], pos["matter"], pos["status"]
    texts: dict[str, str] = {}  # one string object per distinct 事项 and 状态
    keep = texts.setdefault
    # each distinct (承诺时限, 办件类型) judged once: a year's log holds a few dozen; keyed
    # with the type too (True and 1 are equal keys but different cells)
    limits: dict[tuple[Any, Any, type], tuple[str, bool, int | None]] = {}
    accepted_of: dict[str, bool] = {}

    def limit_of(limit: object, kind_cell: object) -> tuple[str, bool, int | None]:
        parsed = parse_limit(limit)
        if parsed is None:
            return _BAD_LIMIT, False, None
        instant = parsed[0] or "即办" in cell_text(kind_cell)
        if not instant and parsed[1] is None:
            return "承诺件缺少承诺时限（工作日数）", False, None
        return "", instant, 0 if instant else parsed[1]

    def from_deadline(limit: object, kind_cell: object, accepted: str | None,
                      row: int) -> tuple[str, bool, int | None] | None:
        try:
            deadline = parse_moment(limit)
        except ValueError:
            return _BAD_LIMIT, False, None
        if accepted is None or deadline is None or working_days is None:
            return None  # the missing 受理时间 is named already
        day = stamp_day(accepted)
        if deadline.date() < day:
            return "承诺办结时间早于受理时间", False, None
        days = working_days(day, deadline.date())
        instant = days == 0 or "即办" in cell_text(kind_cell)
        return "", instant, 0 if instant else days

    def convert(no: str, v: Any, times: list, staff_id: Any, unit_id: Any,
                row: int) -> tuple[Any, ...] | None:
        limit, kind_cell = v[i_limit], v[i_kind]
        if _is_moment(limit):
            judged = from_deadline(limit, kind_cell, times[0], row)
            if judged is None:
                return None
        else:
            key = (limit, kind_cell, type(limit))
            judged = limits.get(key)
            if judged is None:
                judged = limits[key] = limit_of(limit, kind_cell)
        reason, instant, days = judged
        if reason:
            problem(reason, row, "limit", None if reason.startswith("承诺件缺少") else limit)
            return None
        accepted, finished = times
        if accepted is not None and finished is not None and finished < accepted:
            problem("办结时间早于受理时间", row, "finished", v[pos["finished"]])
            return None
        status, matter = cell_text(v[i_status]), cell_text(v[i_matter])
        ok = accepted_of.get(status)
        if ok is None:
            ok = accepted_of[status] = accepted_status(status)
        return (no, keep(matter, matter), instant, days, unit_id, staff_id, accepted, finished,
                keep(status, status), ok)

    return convert


def _ratings(pos: Mapping[str, int], problem: Problem_) -> Converter:
    i_level, i_req, i_channel, i_content, i_note, i_visit = (
        pos["level"], pos["req_no"], pos["channel"], pos["content"], pos["rect_note"],
        pos["visit_result"])
    texts: dict[str, str] = {}  # one string object per distinct 渠道, 内容, 回访结果
    keep = texts.setdefault
    levels: dict[str, int | None] = {}  # a word or star text → level (numbers parsed as met)

    def convert(no: str, v: Any, times: list, staff_id: Any, unit_id: Any,
                row: int) -> tuple[Any, ...] | None:
        cell = v[i_level]
        if type(cell) is str:
            level = levels.get(cell, 0)
            if level == 0:
                level = levels[cell] = level_of(cell)
        else:
            level = parse_level(cell)
        if level is None:
            problem(_BAD_LEVEL, row, "level", cell)
            return None
        at, done, visit = times
        channel, content = cell_text(v[i_channel]), cell_text(v[i_content])
        note, result = cell_text(v[i_note]), cell_text(v[i_visit])
        return (no, cell_text(v[i_req]), keep(channel, channel), level, keep(content, content), at,
                unit_id, staff_id, keep(note, note), done, visit, keep(result, result))

    return convert


def _complaints(pos: Mapping[str, int], problem: Problem_) -> Converter:
    i_source, i_content, i_verdict = pos["source"], pos["content"], pos["verdict"]
    valid_of: dict[str, bool] = {}  # each distinct 核实结果 judged once

    def convert(no: str, v: Any, times: list, staff_id: Any, unit_id: Any,
                row: int) -> tuple[Any, ...] | None:
        verdict = cell_text(v[i_verdict])
        valid = valid_of.get(verdict)
        if valid is None:
            valid = valid_of[verdict] = verdict_valid(verdict)
        at, closed = times
        return (no, at, cell_text(v[i_source]), cell_text(v[i_content]), verdict,
                valid, closed, unit_id, staff_id)

    return convert


CONVERTERS = {"requests": _requests, "ratings": _ratings, "complaints": _complaints}
