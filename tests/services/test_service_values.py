"""Cells of service exports as platforms write them (service_rows): times in every written
form seen in exports, levels drawn with stars other ways than ★/☆, 核实结果 written as a
word, a sentence or 是/否."""

from __future__ import annotations

from datetime import datetime

import pytest

from kaohe_desktop.services.service_rows import level_of, parse_time, verdict_valid


@pytest.mark.parametrize(("cell", "moment"), [
    ("2024年7月5日9时5分", datetime(2024, 7, 5, 9, 5)),
    ("2024年7月5日9时5分30秒", datetime(2024, 7, 5, 9, 5, 30)),
    ("2024年7月2日 9:05", datetime(2024, 7, 2, 9, 5)),
    ("2024年7月5日 9点05", datetime(2024, 7, 5, 9, 5)),
    ("2024年7月5号", datetime(2024, 7, 5)),
    ("2024 年 4 月 18 日", datetime(2024, 4, 18)),
    ("2024/7/2", datetime(2024, 7, 2)),
    ("2024.9.3", datetime(2024, 9, 3)),
    ("2024-07-02T09:05:00", datetime(2024, 7, 2, 9, 5)),
    ("20240715093000", datetime(2024, 7, 15, 9, 30)),   # yyyyMMddHHmmss (data interfaces)
    ("202407181620", datetime(2024, 7, 18, 16, 20)),
    ("20240715", datetime(2024, 7, 15)),
    (20240715, datetime(2024, 7, 15)),                  # typed into a number cell
    (45506.4583333333, datetime(2024, 8, 2, 11, 0)),    # a serial: to the second
    (45505.5, datetime(2024, 8, 1, 12, 0)),
    ("2024-07-02 09:05:00.0", datetime(2024, 7, 2, 9, 5)),         # a Java timestamp
    ("2024-07-02T09:05:00.000+08:00", datetime(2024, 7, 2, 9, 5)),
    ("2024-07-02T01:05:00Z", datetime(2024, 7, 2, 9, 5)),           # UTC, read as China time
    ("2024/7/2 下午 3:05", datetime(2024, 7, 2, 15, 5)),
    ("2024年7月2日 上午9:05:00", datetime(2024, 7, 2, 9, 5)),
    ("2024/7/2 3:05:10 PM", datetime(2024, 7, 2, 15, 5, 10)),
    ("2024/7/2 12:30 AM", datetime(2024, 7, 2, 0, 30)),
])
def test_times_as_exports_write_them(cell, moment):
    assert parse_time(cell) == moment


@pytest.mark.parametrize("cell", ["2024-07-0209:05", "2024-07-02T25:00", "Tuesday", "2024-13-01",
                                  "20241340", "12345678", "2024", "明天", 123])
def test_what_is_not_a_time_is_refused(cell):
    with pytest.raises(ValueError):
        parse_time(cell)


@pytest.mark.parametrize(("cell", "level"), [
    ("☆☆☆☆☆", 5), ("☆", 1), ("☆☆☆☆☆☆", None), ("⭐⭐⭐⭐", 4), ("⭐️⭐️⭐️", 3),
    ("★★★★☆", 4), ("4星", 4), ("五星", 5), (5, 5), ("满意（4星）", 4), ("好", None),
])
def test_levels_drawn_with_stars_every_way(cell, level):
    assert level_of(cell) == level


@pytest.mark.parametrize(("text", "valid"), [
    ("属实", True), ("部分属实", True), ("基本属实", True), ("情况属实", True),
    ("经核实，部分属实", True), ("是", True), ("有效", True),
    ("不属实", False), ("经查不属实", False), ("否", False), ("核实中", False), ("", False),
])
def test_verdicts_as_registers_write_them(text, valid):
    assert verdict_valid(text) is valid


@pytest.mark.parametrize(("text", "split"), [
    ("林志强（0101）", ("林志强", "0101")), ("林志强(101)", ("林志强", "101")),
    ("林志强/0101", ("林志强", "0101")), ("0101 林志强", ("林志强", "0101")),
    ("林志强（综合窗口）", ("林志强", "")), ("林志强", None), ("古丽米拉·艾力", None),
])
def test_a_name_cell_carrying_a_staff_code_or_a_note(text, split):
    from kaohe_desktop.services.service_records import _name_and_code

    assert _name_and_code(text) == split
