"""Roster workbooks (units and staff) with columns named in Chinese.

Columns are found by header name, in any order; extra columns are ignored; a missing
required column, a blank required cell or a code given twice is a problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.text_rules import TextRefused, clean

from .sheet_writer import Table, write_tables
from .workbook import column_letter, find_header_row, is_blank, read_workbook

# field → (header aliases, required)
UNIT_COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "code": (("编号", "单位编号", "站点编号", "代码"), True),
    "name": (("名称", "单位名称", "站点名称", "服务站名称"), True),
    "area": (("所属街道", "所属乡镇", "街道", "乡镇", "所属区域", "街道/乡镇"), False),
    "kind": (("类型", "单位类型", "站点类型"), False),
    "phone": (("电话", "联系电话", "办公电话"), False),
    "address": (("地址", "办公地址"), False),
}
STAFF_COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "code": (("编号", "工号", "人员编号"), True),
    "name": (("姓名", "名称"), True),
    "unit": (("所属单位", "单位", "所属站点", "单位编号", "单位名称"), True),
    "post": (("岗位", "职务", "类型"), False),
    "attendance_no": (("考勤号", "考勤编号", "UserId", "用户ID", "钉钉ID"), False),
    "phone": (("电话", "手机", "手机号", "联系电话"), False),
    "head": (("负责人", "是否负责人"), False),
}

# How a 负责人 cell says yes or no. An empty cell is 否: the column marks the few people
# in charge, and a clerk leaves everyone else blank. Anything else is refused by the
# import (a typo must not silently make or unmake a person in charge).
_YES = frozenset({"是", "√", "✓", "✔", "1", "y", "yes", "true", "负责人"})
_NO = frozenset({"否", "", "0", "×", "✗", "n", "no", "false"})
YES_NO_HINT = "负责人一栏只能填 是 或 否（也可写 √、1、0；空白即否）"


def yes_no(text: str) -> bool | None:
    """True / False for a 负责人 cell, None when the text is neither."""
    text = text.strip().casefold()
    if text in _YES:
        return True
    return False if text in _NO else None


# The schema's column sizes (store/models.py): a longer value is refused, naming the limit,
# before it reaches the database. `unit` names a unit by code or name (≤ 200).
LIMITS = {"code": 50, "name": 200, "area": 100, "kind": 50, "phone": 50, "address": 200,
          "unit": 200, "post": 100, "attendance_no": 50, "head": 10}
STAFF_LIMITS = {**LIMITS, "name": 100}


@dataclass(frozen=True)
class RosterRow:
    row: int  # Excel row number
    fields: dict[str, str]
    sheet: str = ""
    letters: dict[str, str] = dataclass_field(default_factory=dict)  # field → column letter


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_roster(path: Path, columns: dict[str, tuple[tuple[str, ...], bool]]) -> list[RosterRow]:
    """Rows of the first sheet that has a recognisable header; InputError lists problems."""
    rows, problems = read_roster_rows(path, columns)
    if problems:
        raise InputError(problems)
    return rows


def read_roster_rows(path: Path, columns: dict[str, tuple[tuple[str, ...], bool]]
                     ) -> tuple[list[RosterRow], list[Problem]]:
    """Every data row, and the problems of single rows (a blank required cell, a code given
    twice) as a list, so a preview can show them beside the row. Problems of the whole
    file (not a workbook, no header, a missing column, no data rows) raise InputError."""
    file = path.name
    aliases = {a: f for f, (names, _) in columns.items() for a in names}
    sheets = read_workbook(path)
    for sheet in sheets:
        h = find_header_row(sheet.rows, set(aliases))
        if h is not None:
            break
    else:
        wanted = "、".join(names[0] for names, req in columns.values() if req)
        raise InputError(Problem(f"找不到表头行（应有 {wanted} 等列）", file=file))
    header = [_text(v) for v in sheet.rows[h]]
    where_col: dict[str, int] = {}
    for col, text in enumerate(header):
        field = aliases.get(text)
        if field and field not in where_col:
            where_col[field] = col
    problems = [
        Problem(f"缺少必需的列“{names[0]}”（也可写作：{'、'.join(names[1:])}）", file=file,
                sheet=sheet.name, row=h + 1)
        for field, (names, required) in columns.items() if required and field not in where_col
    ]
    if problems:
        raise InputError(problems)
    out: list[RosterRow] = []
    seen: dict[str, int] = {}
    limits = STAFF_LIMITS if "attendance_no" in columns else LIMITS
    for r in range(h + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if is_blank(row):
            continue
        values = {f: _text(row[c]) if c < len(row) else "" for f, c in where_col.items()}
        for f, text in values.items():  # NFKC, no invisible characters, within the column size
            try:
                values[f] = clean(text, what=f"“{columns[f][0][0]}”", limit=limits.get(f))
            except TextRefused as exc:
                problems.append(Problem(exc.reason, file=file, sheet=sheet.name, row=r + 1,
                                        column=column_letter(where_col[f]), value=exc.shown))
        for field, (names, required) in columns.items():
            if required and not values.get(field):
                problems.append(Problem(f"“{names[0]}”不能为空", file=file, sheet=sheet.name,
                                        row=r + 1, column=column_letter(where_col[field])))
        code = values.get("code", "")
        if code and code in seen:
            problems.append(Problem(f"编号 {code} 与第 {seen[code]} 行重复", file=file,
                                    sheet=sheet.name, row=r + 1,
                                    column=column_letter(where_col["code"]), value=code))
        seen.setdefault(code, r + 1)
        out.append(RosterRow(r + 1, values, sheet.name, {f: column_letter(c) for f, c in where_col.items()}))
    if not out:
        raise InputError(Problem("表中没有任何数据行", file=file, sheet=sheet.name))
    return out, problems


def write_roster(path: Path, headers: list[str], rows: Iterable[list[object]], title: str,
                 widths: tuple[int, ...] = (12, 28, 16, 16, 14, 16)) -> Path:
    """One sheet that imports back unchanged: the headers in row 1 (no title row, so other
    tools reading the roster find them where they always were), the rows below. Through
    `io.sheet_writer`: names like ``=HYPERLINK(…)`` stay text, codes stay text (001), and
    the sheet prints with 编号 and 名称 on every page; write-only, so 50,000 rows are quick."""
    return write_tables(path, [Table(title, "", headers, rows, widths=widths,
                                     key_columns=2, text_columns=(0,))])
