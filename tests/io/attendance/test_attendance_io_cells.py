"""Single cells: the shapes of dates and times real exports use, and the ones refused."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from kaohe_desktop.io.attendance.cells import (
    CellError,
    id_text,
    parse_date,
    parse_datetime,
    parse_leave,
    parse_number,
    parse_times,
)


@pytest.mark.parametrize("value,want", [
    ("2024/06/03 09:40:00", datetime(2024, 6, 3, 9, 40)),
    ("2024-06-03 09:40", datetime(2024, 6, 3, 9, 40)),
    ("24-06-03 09:40", datetime(2024, 6, 3, 9, 40)),             # DingTalk 打卡时间
    ("2024-6-3 9:40:05", datetime(2024, 6, 3, 9, 40, 5)),
    ("2024年6月3日 8:30", datetime(2024, 6, 3, 8, 30)),
    ("24-06-03 星期一 次日 01:00", datetime(2024, 6, 4, 1, 0)),
    (45446.4, datetime(2024, 6, 3, 9, 36)),                       # an Excel serial
    (datetime(2024, 6, 3, 9, 39, 59, 999600), datetime(2024, 6, 3, 9, 40)),
])
def test_datetimes(value, want):
    assert parse_datetime(value) == want


@pytest.mark.parametrize("value,reason", [
    ("2024-06-03 25:61", "时间不存在"), ("2024-02-30 08:00", "日期不存在"),
    ("2024-06-03", "只有日期"), ("下午", "不是日期时间"), (time(8, 0), "只有时间"),
])
def test_bad_datetimes(value, reason):
    with pytest.raises(CellError, match=reason):
        parse_datetime(value)


@pytest.mark.parametrize("value,want", [
    ("08:41 08:42", [(time(8, 41), False), (time(8, 42), False)]),
    ("09:40\n17:45\n", [(time(9, 40), False), (time(17, 45), False)]),
    ("次日 01:30", [(time(1, 30), True)]),
    ("17:55 01:30(次日)", [(time(17, 55), False), (time(1, 30), True)]),
    ("09:40(补卡)", [(time(9, 40), False)]),
    ("9时30分", [(time(9, 30), False)]),
    ("未打卡", []), ("--", []), ("", []),
    (0.375, [(time(9, 0), False)]), (time(8, 5, 3), [(time(8, 5, 3), False)]),
])
def test_time_cells(value, want):
    assert parse_times(value) == want


@pytest.mark.parametrize("value", ["25:61", "8点半", "迟到", "次日", 1.5])
def test_bad_time_cells(value):
    with pytest.raises(CellError):
        parse_times(value)


def test_dates_ids_numbers_and_leave():
    assert parse_date("24-06-03 星期一") == date(2024, 6, 3)
    assert parse_date("2024/06/30 星期日") == date(2024, 6, 30)
    assert parse_date(45446.0) == date(2024, 6, 3) and parse_date("20240603") == date(2024, 6, 3)
    assert id_text(101.0) == "101" and id_text(" 0101 ") == "0101" and id_text(1.5) == "1.5"
    assert parse_number("--") == 0 and parse_number("1天") == 1 and parse_number(0.5) == Decimal("0.5")
    assert parse_leave("病假 1天") == ("病假", 1) and parse_leave("事假0.5天 ;") == ("事假", Decimal("0.5"))
    assert parse_leave("调休 4小时") == ("调休", Decimal("0.5"))
    assert parse_leave("病假06-20 09:00到06-20 17:30") == ("病假", 0)      # amount unknown here
    assert parse_leave("正常（休息）") == ("", 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024/6/3 下午 05:40:00", datetime(2024, 6, 3, 17, 40)),
    ("2024-06-03 08:59:00 AM", datetime(2024, 6, 3, 8, 59)),
    ("2024-06-03 12:10 AM", datetime(2024, 6, 3, 0, 10)),
    ("2024/6/3 中午 12:30", datetime(2024, 6, 3, 12, 30)),
    ("2024/6/3 中午 01:10", datetime(2024, 6, 3, 13, 10)),
    ("2024/6/3 下午 17:40", datetime(2024, 6, 3, 17, 40)),  # both ways at once: still clear
])
def test_twelve_hour_clock_times(text, expected):
    assert parse_datetime(text) == expected


def test_twelve_hour_clock_contradictions_and_time_cells():
    with pytest.raises(CellError, match="矛盾"):
        parse_datetime("2024/6/3 上午 17:40")
    assert parse_times("上午 08:50 下午 05:40") == [(time(8, 50), False), (time(17, 40), False)]
    assert parse_times("5:40 PM") == [(time(17, 40), False)]
