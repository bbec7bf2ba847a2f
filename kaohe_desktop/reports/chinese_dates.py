"""Dates as 公文 writes them: 二〇二四年十二月 / 二〇二四年十二月二十日."""

from __future__ import annotations

from datetime import date

_DIGITS = "〇一二三四五六七八九"


def _number(n: int) -> str:
    """1–31 in Chinese: 十, 十二, 二十, 二十一, 三十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_year(year: int) -> str:
    return "".join(_DIGITS[int(c)] for c in str(year)) + "年"


def chinese_date(day: date, with_day: bool = False) -> str:
    """二〇二四年十二月, or with the day 二〇二四年十二月二十日."""
    text = chinese_year(day.year) + _number(day.month) + "月"
    return text + _number(day.day) + "日" if with_day else text


def plain_date(day: date | None) -> str:
    """2024年12月20日 (Arabic digits, for tables and notices' due dates)."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"
