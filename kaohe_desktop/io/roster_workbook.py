"""Roster workbooks (units and staff) with columns named in Chinese.

Columns are found by header name (or its synonyms, compared after `header_key`), in any
order. A column the program does not recognise is reported in the header (`field` None),
never dropped without a word: the import preview shows it as 未识别 and lets the user map
it or choose 不导入 (`mapping`). A missing required column, a blank required cell or a
code given twice is a problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.text_rules import ROSTER_LIMITS as LIMITS
from kaohe_desktop.domain.text_rules import STAFF_LIMITS, TextRefused, clean

from .sheet_writer import Table, write_tables
from .workbook import column_letter, is_blank, read_workbook

# field → (header aliases, required). Headers are compared after `header_key` (NFKC, no
# spaces, no * or （必填） marks), so "所属 街道" and "＊所属街道" are 所属街道.
UNIT_COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "code": (("编号", "单位编号", "站点编号", "代码", "单位代码", "站点代码", "服务站编号"), True),
    "name": (("名称", "单位名称", "站点名称", "服务站名称", "便民服务站名称", "服务站", "站点",
              "单位"), True),
    "area": (("所属街道", "所属乡镇", "街道", "乡镇", "所属区域", "街道/乡镇", "乡镇/街道",
              "所在街道", "所在乡镇", "所在街道/乡镇", "所属街道/乡镇", "街道（乡镇）",
              "乡镇（街道）", "所属街道（乡镇）", "镇街", "街镇", "所属镇街"), False),
    "kind": (("类型", "单位类型", "站点类型", "类别", "站点类别"), False),
    "phone": (("电话", "联系电话", "办公电话", "固定电话", "座机"), False),
    "address": (("地址", "办公地址", "详细地址", "站点地址", "所在地址"), False),
}
STAFF_COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "code": (("编号", "工号", "人员编号", "员工编号", "职工编号", "人员代码"), True),
    "name": (("姓名", "名称", "人员姓名", "员工姓名", "名字"), True),
    "unit": (("所属单位", "单位", "所属站点", "单位编号", "单位名称", "所在单位", "所在站点",
              "工作单位", "所属服务站", "服务站", "站点名称", "站点"), True),
    "post": (("岗位", "职务", "类型", "职位", "岗位名称"), False),
    "attendance_no": (("考勤号", "考勤编号", "UserId", "用户ID", "钉钉ID", "考勤机号", "打卡号"),
                      False),
    "phone": (("电话", "手机", "手机号", "联系电话", "手机号码", "移动电话"), False),
    "head": (("负责人", "是否负责人", "本站负责人"), False),
}
IGNORE = ""  # a mapping's value for a column the user chose not to import


def header_key(text: str) -> str:
    """A header as compared: NFKC, no whitespace, no required-marks (*, （必填）)."""
    import unicodedata

    key = "".join(unicodedata.normalize("NFKC", text).split())
    for mark in ("(必填)", "(必选)", "(选填)", "*"):
        key = key.replace(mark, "")
    return key.casefold()


@dataclass(frozen=True)
class HeaderColumn:
    letter: str
    title: str
    field: str | None  # None: not recognised (and not mapped by the user)
    ignored: bool = False  # the user chose 不导入
    same_as: str = ""  # another column (its letter) already gives this field: not read


@dataclass(frozen=True)
class RosterSheet:
    """What a roster file holds: its header as read and mapped, the rows, the problems of
    single rows, and the required fields no column gives (the preview asks for them)."""

    rows: list[RosterRow]
    problems: list[Problem]
    header: tuple[HeaderColumn, ...]
    missing: tuple[str, ...]
    sheet: str = ""
    header_row: int = 1  # Excel row number


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


def read_roster_rows(path: Path, columns: dict[str, tuple[tuple[str, ...], bool]],
                     mapping: dict[str, str] | None = None
                     ) -> tuple[list[RosterRow], list[Problem]]:
    """Every data row, and the problems of single rows (a blank required cell, a code given
    twice) as a list, so a preview can show them beside the row. Problems of the whole
    file (not a workbook, no header, a missing column, no data rows) raise InputError."""
    sheet = read_roster_sheet(path, columns, mapping)
    if sheet.missing:
        raise InputError([_missing_problem(columns, f, path.name, sheet) for f in sheet.missing])
    return sheet.rows, sheet.problems


def _missing_problem(columns: dict[str, tuple[tuple[str, ...], bool]], field: str, file: str,
                     sheet: RosterSheet) -> Problem:
    names = columns[field][0]
    unknown = "、".join(f"{c.title}（{c.letter} 列）" for c in sheet.header
                        if c.field is None and not c.ignored and not c.same_as)
    also = f"；表中未识别的列：{unknown}" if unknown else ""
    return Problem(f"缺少必需的列“{names[0]}”（也可写作：{'、'.join(names[1:])}）{also}",
                   file=file, sheet=sheet.sheet, row=sheet.header_row)


def read_roster_sheet(path: Path, columns: dict[str, tuple[tuple[str, ...], bool]],
                      mapping: dict[str, str] | None = None) -> RosterSheet:
    """The file's header (each column recognised by its title, or by `mapping`: header_key
    → field, or IGNORE) and its rows. A required field no column gives is listed in
    `missing` rather than raised, so a preview can ask which column holds it."""
    file = path.name
    mapping = {header_key(k): v for k, v in (mapping or {}).items()}
    aliases = {header_key(a): f for f, (names, _) in columns.items() for a in names}
    known = set(aliases) | {k for k, v in mapping.items() if v}
    sheets = read_workbook(path)
    for sheet in sheets:
        h = next((i for i, row in enumerate(sheet.rows[:10])
                  if any(isinstance(v, str) and header_key(v) in known for v in row)), None)
        if h is not None:
            break
    else:
        wanted = "、".join(names[0] for names, req in columns.values() if req)
        raise InputError(Problem(f"找不到表头行（应有 {wanted} 等列）", file=file))
    header = [_text(v) for v in sheet.rows[h]]
    where_col: dict[str, int] = {}
    shown: list[HeaderColumn] = []
    for col, text in enumerate(header):
        if not text:
            continue
        key = header_key(text)
        field = mapping[key] if key in mapping else aliases.get(key)
        if field and field not in columns:
            field = None
        same_as = ""
        if field and field in where_col:  # a second column for one field: said, not read
            same_as, field = column_letter(where_col[field]), None
        elif field:
            where_col[field] = col
        shown.append(HeaderColumn(column_letter(col), text, field or None,
                                  ignored=mapping.get(key) == IGNORE, same_as=same_as))
    missing = tuple(f for f, (_, required) in columns.items() if required and f not in where_col)
    problems: list[Problem] = []
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
            if required and field in where_col and not values.get(field):
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
    return RosterSheet(out, problems, tuple(shown), missing, sheet.name, h + 1)


def write_roster(path: Path, headers: list[str], rows: Iterable[list[object]], title: str,
                 widths: tuple[int, ...] = (12, 28, 16, 16, 14, 16)) -> Path:
    """One sheet that imports back unchanged: the headers in row 1 (no title row, so other
    tools reading the roster find them where they always were), the rows below. Through
    `io.sheet_writer`: names like ``=HYPERLINK(…)`` stay text, codes stay text (001), and
    the sheet prints with 编号 and 名称 on every page; write-only, so 50,000 rows are quick."""
    return write_tables(path, [Table(title, "", headers, rows, widths=widths,
                                     key_columns=2, text_columns=(0,))])
