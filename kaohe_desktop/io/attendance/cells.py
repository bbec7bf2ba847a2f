"""Turning one cell into a date, a time, a date-time, an id, a number or a leave.

Every parser takes what python-calamine returns (str, float, int, bool, datetime, date,
time, timedelta) and raises `CellError` with a Chinese reason a user can act on; callers
turn that into a `Problem` with the row and column. Hazards handled here:
- ids typed as numbers come back as floats (101.0 → "101"); text ids keep leading zeros;
- text and real Excel date-times are mixed in one column (ZKTeco); two-digit years
  ("24-06-03 星期一", DingTalk) mean 20YY; "次日 01:30" is the next calendar day;
- "--", "未打卡", "缺卡" … in a time cell mean "no punch", not an error;
- 25:61 or 2024-02-30 are errors, never rolled over.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

EXCEL_EPOCH = datetime(1899, 12, 30)
NO_PUNCH = frozenset({"", "-", "--", "---", "—", "——", "/", "无", "未打卡", "缺卡", "旷工", "请假",
                      "休息", "未排班", "不在考勤组", "外出", "出差"})
NO_VALUE = frozenset({"", "-", "--", "---", "—", "——", "/", "无"})

_fromiso = datetime.fromisoformat
_DATE = r"(\d{4}|\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_WEEKDAY = r"(?:[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?)?"
_TIME = r"(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?|\s*分)?"
DATE_RX = re.compile(rf"^\s*{_DATE}\s*{_WEEKDAY}\s*$")
# 12-hour clocks: '2024/6/3 下午 05:40:00' (zh-TW style), '2024-06-03 05:40:00 PM'
MERIDIEM_BEFORE = "上午|下午|中午|晚上|凌晨|早上|AM|PM|am|pm"  # a marker written before the time
_BEFORE = rf"({MERIDIEM_BEFORE})?\s*"
_AFTER = r"\s*(AM|PM|am|pm|A\.M\.|P\.M\.|a\.m\.|p\.m\.)?"
DATETIME_RX = re.compile(rf"^\s*{_DATE}\s*{_WEEKDAY}\s*(?:T|\s)\s*(次日)?\s*{_BEFORE}{_TIME}{_AFTER}\s*$")
TIME_TOKEN_RX = re.compile(rf"(次日|\+1)?\s*{_BEFORE}{_TIME}{_AFTER}\s*(?:[(（]次日[)）]|\+1)?")
_PM = frozenset({"下午", "晚上", "PM", "pm", "P.M.", "p.m."})
_AM = frozenset({"上午", "凌晨", "早上", "AM", "am", "A.M.", "a.m."})
COMPACT_DATE_RX = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
SEPARATORS_RX = re.compile(r"[\s,，;；、|]+")
NOTE_RX = re.compile(r"[(（][^)）]{0,12}[)）]")
LEAVE_RX = re.compile(
    r"(事假|病假|年假|婚假|产假|陪产假|护理假|育儿假|丧假|调休假|调休|公出|出差|外出|哺乳假|探亲假|工伤假|"
    r"补休|其他假|其他)\s*[:：]?\s*(\d+(?:\.\d+)?)?\s*(天|日|小时|h|H|d)?")
HOURS_PER_DAY = Decimal(8)


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the user."""


def norm(value: object) -> str:
    """Header text for comparison: no whitespace or trailing colon, ASCII case folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split()).rstrip(":：")
    return text.casefold() if text.isascii() else text


def text(value: object) -> str:
    """A cell as display text: numbers without '.0', strings stripped."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def id_text(value: object) -> str:
    """An id (考勤号, 工号, PIN) as text; a numeric cell 101.0 becomes "101"."""
    if type(value) is str:
        return value.strip()
    return text(value)


def _make_date(y: str, m: str, d: str) -> date:
    year = int(y)
    if len(y) == 2:
        year += 2000
    try:
        return date(year, int(m), int(d))
    except ValueError:
        raise CellError(f"日期不存在（{year}年{int(m)}月{int(d)}日）") from None


def _make_time(h: str, m: str, s: str | None, before: str | None = None,
               after: str | None = None) -> time:
    hour, minute, second = int(h), int(m), int(s or 0)
    marker = before or after
    if marker:
        if hour > 12:  # '下午 17:40' says the same twice; '上午 17:40' contradicts itself
            if marker in _AM:
                raise CellError(f"“{marker}”与钟点 {hour} 矛盾（12 小时制应为 1–12）")
        elif marker in _PM or (marker == "中午" and hour < 6):
            hour = hour % 12 + 12
        elif marker in _AM:
            hour = hour % 12
    if hour > 23 or minute > 59 or second > 59:
        raise CellError("时间不存在（时 0–23，分 0–59，秒 0–59）")
    return time(hour, minute, second)


def _round(dt: datetime) -> datetime:
    if dt.microsecond:  # Excel floats: 09:39:59.9996 is 09:40:00
        dt = dt.replace(microsecond=0) + timedelta(seconds=dt.microsecond >= 500_000)
    return dt


def serial_to_datetime(value: float) -> datetime:
    if not 1 <= value < 2958466:
        raise CellError("不是日期（数字超出 Excel 日期范围）")
    return _round(EXCEL_EPOCH + timedelta(days=value))


def parse_date(value: object) -> date:
    """A date cell: Excel date, '2024-06-03', '24-06-03 星期一', '2024年6月3日', '20240603'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        if value == int(value) and 20000000 <= value <= 29991231:
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:
            return serial_to_datetime(float(value)).date()
        raise CellError("不是日期")
    if isinstance(value, str):
        m = DATE_RX.match(value) or COMPACT_DATE_RX.match(value)
        if m:
            return _make_date(*m.groups())
        m = DATETIME_RX.match(value)
        if m:
            return _make_date(*m.groups()[:3])
        if not value.strip():
            raise CellError("日期是空的")
    raise CellError("不是日期（应为 2024-06-03 这样的日期）")


def parse_datetime(value: object) -> datetime:
    """A date-and-time cell. Raises CellError('只有日期…') for a bare date."""
    if type(value) is datetime:
        return _round(value) if value.microsecond else value
    if type(value) is str:
        if len(value) >= 16 and value[10] in " T" and value[4] in "-/":
            try:  # fast path for the common 'YYYY-MM-DD HH:MM[:SS]' / 'YYYY/MM/DD …' shapes
                dt = _fromiso(value.replace("/", "-"))
            except ValueError:
                pass
            else:
                if dt.tzinfo is None:
                    return _round(dt) if dt.microsecond else dt
        m = DATETIME_RX.match(value)
        if m:
            y, mo, d, next_day, before, h, mi, s, after = m.groups()
            day = _make_date(y, mo, d)
            at = datetime.combine(day, _make_time(h, mi, s, before, after))
            return at + timedelta(days=1) if next_day else at
        if DATE_RX.match(value):
            raise CellError("只有日期，没有打卡时间")
        if not value.strip():
            raise CellError("打卡时间是空的")
        raise CellError("不是日期时间（应为 2024-06-03 08:30 这样的时间）")
    if isinstance(value, float | int) and not isinstance(value, bool):
        if value >= 1:
            return serial_to_datetime(float(value))
        raise CellError("只有时间，没有日期")
    if isinstance(value, datetime):
        return _round(value)
    if isinstance(value, date):
        raise CellError("只有日期，没有打卡时间")
    if isinstance(value, time):
        raise CellError("只有时间，没有日期")
    raise CellError("不是日期时间")


def parse_times(value: object) -> list[tuple[time, bool]]:
    """Every time in a cell, with True for a next-day ("次日") time. Blank/"--"/"未打卡" → [].

    A cell may hold several times ('08:41 08:42', '09:40\\n17:45', '次日 01:30', '01:30(次日)');
    short notes in brackets ('09:40(补卡)') are ignored; any other text is an error.
    """
    if value is None or value == "":
        return []
    if isinstance(value, datetime):
        return [(_round(value).time(), False)]
    if isinstance(value, time):
        return [(value.replace(microsecond=0), False)]
    if isinstance(value, timedelta):
        value = value.total_seconds() / 86400
    if isinstance(value, float | int) and not isinstance(value, bool):
        if 0 <= value < 1:
            secs = round(value * 86400)
            if secs == 86400:
                raise CellError("时间不存在（24:00）")
            return [(time(secs // 3600, secs // 60 % 60, secs % 60), False)]
        raise CellError("不是时间（应为 08:30 这样的时间）")
    if not isinstance(value, str):
        raise CellError("不是时间")
    if DATETIME_RX.match(value):
        return [(parse_datetime(value).time(), False)]
    found: list[tuple[time, bool]] = []
    pos = 0
    for m in TIME_TOKEN_RX.finditer(value):
        next_from_gap = _gap(value[pos:m.start()])
        pos = m.end()
        prefix, before, h, mi, s, after = m.groups()
        suffix = m.group(0).rstrip().endswith(("次日)", "次日）", "+1")) and not prefix
        found.append((_make_time(h, mi, s, before, after), bool(prefix) or suffix or next_from_gap))
    if _gap(value[pos:]):
        raise CellError("“次日”后面没有时间")
    return found


def _gap(gap: str) -> bool:
    """Text between two times: separators, no-punch words and notes in brackets are fine;
    True when it ends with 次日 (the next time is on the next day)."""
    gap = NOTE_RX.sub(" ", gap)
    words = SEPARATORS_RX.sub(" ", gap).split()
    next_day = False
    for word in words:
        next_day = False
        if word == "次日":
            next_day = True
        elif word not in NO_PUNCH:
            raise CellError("不是时间（应为 08:30 这样的时间）")
    return next_day


def parse_number(value: object) -> Decimal:
    """A count/amount cell: '--' and blank are 0; '1天' / '0.5' / 1.0 are read."""
    if value is None or isinstance(value, bool):
        return Decimal(0)
    if isinstance(value, int | float):
        return Decimal(str(value)).normalize() if value else Decimal(0)
    s = str(value).strip()
    if s in NO_VALUE:
        return Decimal(0)
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(?:天|日|次|小时|分钟|h|d)?$", s)
    if not m:
        raise CellError("不是数字")
    try:
        return Decimal(m.group(1)).normalize()
    except InvalidOperation:
        raise CellError("不是数字") from None


def parse_leave(value: object) -> tuple[str, Decimal]:
    """('病假', 1) from '病假 1天', '病假1天 ;', '病假06-20 09:00到06-20 17:30' (→ days 0: unknown),
    '调休 4小时' (→ 0.5, at 8 hours a day). ('', 0) when the text names no leave."""
    if not isinstance(value, str):
        return "", Decimal(0)
    m = LEAVE_RX.search(value)
    if not m:
        return "", Decimal(0)
    kind, amount, unit = m.groups()
    after = value[m.end():m.end() + 1]
    if amount is None or (unit is None and after and after in "-/月"):
        return kind, Decimal(0)
    days = Decimal(amount)
    if unit in ("小时", "h", "H"):
        days = days / HOURS_PER_DAY
    return kind, days.normalize()
