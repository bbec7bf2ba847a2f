"""The score workbook: a template an assessor fills in, and reading it back.

Layout of sheet 评分表: row 1 a title, row 2 the headers — 编号, 名称, then one column
per leaf item whose header begins with the item code and shows its maximum
("1.1 能够正常运转，对外办公（20分）"), then 合计 (a SUM formula, ignored on reading).
One row per subject from row 3. Excel data validation refuses values outside 0…max
(or offers the levels / 是否 as a list). Sheet 考核细则 holds the rubric text; a hidden
sheet _meta names the assessment so a workbook is not read into the wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import KIND_NAMES, Item, ItemKind, Rubric
from kaohe_desktop.domain.scoring import ValueRefused, parse_leaf_value

from .sheet_writer import (
    BORDER,
    TITLE_FONT,
    append_row,
    header_height,
    print_setup,
    put,
    put_formula,
    style_header,
)
from .workbook import column_letter, find_header_row, is_blank, read_workbook

SCORE_SHEET = "评分表"
RUBRIC_SHEET = "考核细则"
META_SHEET = "_meta"
CODE_HEADERS = {"编号", "代码", "单位编号", "人员编号", "工号"}
NAME_HEADERS = {"名称", "姓名", "单位名称", "单位", "对象"}
IGNORED_HEADERS = {"合计", "总分", "得分合计", "备注", "序号", "说明"}
WRAP = Alignment(wrap_text=True, vertical="top")
_CODE = re.compile(r"^\s*([A-Za-z]?\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class ScoreCell:
    row: int  # Excel row number, from 1
    column: str  # "C（1.1）"
    subject_code: str
    subject_name: str
    item_code: str
    value: Decimal


def _header(item: Item) -> str:
    return f"{item.code} {item.title}（{shown(item.max)}分）"


def _cell_value(item: Item, value: Decimal) -> object:
    if item.kind == ItemKind.YESNO:
        return "是" if value == item.max else "否"
    if item.kind == ItemKind.LEVEL:
        for level in item.levels:
            if level.points == value:
                return level.name
    return int(value) if value == value.to_integral_value() else float(value)


def _validation(item: Item) -> DataValidation:
    if item.kind == ItemKind.YESNO:
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    elif item.kind == ItemKind.LEVEL:
        names = ",".join(lv.name for lv in item.levels)
        dv = DataValidation(type="list", formula1=f'"{names}"', allow_blank=True)
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="0",
                            formula2=shown(item.max), allow_blank=True)
    dv.showErrorMessage = True
    dv.errorTitle = "分值超出范围"
    dv.error = f"{item.code} {item.title[:30]}：允许 {item.allowed_text()}"
    dv.promptTitle = f"{item.code}（满分 {shown(item.max)}）"
    dv.prompt = item.allowed_text()
    dv.showInputMessage = True
    return dv


def write_score_template(path: Path, rubric: Rubric, *, assessment_id: int, title: str,
                         subjects: Sequence[tuple[str, str]],
                         values: Mapping[tuple[str, str], Decimal] | None = None,
                         items: Collection[str] | None = None) -> Path:
    """Write the template; `values` pre-fills (subject code, leaf code) → points.

    `items` (leaf codes) keeps only those columns, for a group that scores part of the
    rubric; None: every leaf. The 考核细则 sheet always shows the whole rubric.
    """
    values = values or {}
    leaves = [i for i in rubric.leaves() if items is None or i.code in items]
    wb = Workbook()
    ws = wb.active
    ws.title = SCORE_SHEET
    last_col = len(leaves) + 3
    put(ws, 1, 1, title).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    headers = ["编号", "名称", *(_header(i) for i in leaves), "合计"]
    for col, text in enumerate(headers, start=1):
        style_header(put(ws, 2, col, text), total=col == last_col)
    widths = (12, 24, *([14] * (last_col - 2)))
    ws.row_dimensions[2].height = header_height(headers, widths)
    first, last = 3, 3 + max(len(subjects), 1) - 1
    print_setup(ws, columns=last_col, widths=widths, key_columns=2, last_row=last)
    for r, (code, name) in enumerate(subjects, start=first):
        put(ws, r, 1, code, border=True).number_format = "@"  # codes like 001 stay text
        put(ws, r, 2, name, border=True)
        for col, item in enumerate(leaves, start=3):
            v = values.get((code, item.code))
            put(ws, r, col, _cell_value(item, v) if v is not None else None, border=True)
        # the program's own formula (user text never becomes one: see io.sheet_writer)
        put_formula(ws, r, last_col,
                    f"=SUM({get_column_letter(3)}{r}:{get_column_letter(last_col - 1)}{r})"
                    ).border = BORDER
    for col, item in enumerate(leaves, start=3):
        dv = _validation(item)
        letter = get_column_letter(col)
        dv.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "C3"

    rs = wb.create_sheet(RUBRIC_SHEET)
    put(rs, 1, 1, rubric.name).font = Font(bold=True, size=13)
    rubric_headers = ["编号", "项目", "满分", "评分方式", "允许值", "说明"]
    for col, text in enumerate(rubric_headers, start=1):
        style_header(put(rs, 2, col, text))
    for item in rubric.walk():
        depth = item.code.count(".")
        kind = KIND_NAMES[item.kind] if item.kind else "合计"
        append_row(rs, [item.code, "  " * depth + item.title, float(item.max), kind,
                        item.allowed_text() if item.is_leaf else "", item.description],
                   border=True)
    table_end = rs.max_row
    for section, label in ((rubric.bonus, "加分"), (rubric.deduction, "减分")):
        if section.rules:
            append_row(rs, [])
            append_row(rs, [f"{label}：{section.title}（合计封顶 {shown(section.cap)} 分，同一事项取最高）"])
            for rule in section.rules:
                append_row(rs, [rule.code, rule.title, float(rule.highest), label,
                                rule.allowed_text()], border=True)
    for v in rubric.veto:
        append_row(rs, [v.code, v.title, "", "一票否决"], border=True)
    rubric_widths = (10, 60, 8, 10, 28, 40)
    for row in rs.iter_rows(min_row=3, max_row=rs.max_row, min_col=2, max_col=6):
        for cell in row:  # long criteria wrap inside the printed page instead of running off it
            cell.alignment = WRAP
    print_setup(rs, columns=len(rubric_headers), widths=rubric_widths, key_columns=1,
                landscape=True, last_row=table_end)

    meta = wb.create_sheet(META_SHEET)
    append_row(meta, ["assessment_id", assessment_id])
    append_row(meta, ["rubric", rubric.code, rubric.version])
    meta.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def read_score_workbook(path: Path, rubric: Rubric, *, assessment_id: int) -> list[ScoreCell]:
    """Every filled score cell, validated against the rubric; InputError lists all problems.

    Blank cells are "not scored" and are skipped. The same subject twice, a column whose
    code the rubric lacks, a value out of range or text in a number cell are problems.
    """
    file = path.name
    sheets = {s.name: s for s in read_workbook(path)}
    meta = sheets.get(META_SHEET)
    if meta and meta.rows and meta.rows[0][:1] == ["assessment_id"]:
        made_for = meta.rows[0][1]
        if isinstance(made_for, float | int) and int(made_for) != assessment_id:
            raise InputError(Problem(
                f"这份评分表是为考核 {int(made_for)} 生成的，不是考核 {assessment_id}",
                file=file, sheet=META_SHEET))
    sheet = sheets.get(SCORE_SHEET) or next(
        (s for s in sheets.values() if s.name != META_SHEET), None)
    if sheet is None:  # only the hidden _meta sheet: the score sheet was deleted
        raise InputError(Problem(f"工作簿里没有评分表（工作表“{SCORE_SHEET}”），只有隐藏的 {META_SHEET}",
                                 file=file))
    rows = sheet.rows
    h = find_header_row(rows, CODE_HEADERS | NAME_HEADERS)
    if h is None:
        raise InputError(Problem("找不到表头行（应有“编号”和“名称”列）", file=file,
                                 sheet=sheet.name))
    problems: list[Problem] = []
    header = [str(v).strip() if v is not None else "" for v in rows[h]]
    code_col = next((i for i, t in enumerate(header) if t in CODE_HEADERS), None)
    name_col = next((i for i, t in enumerate(header) if t in NAME_HEADERS), None)
    if code_col is None:
        problems.append(Problem("缺少“编号”列", file=file, sheet=sheet.name, row=h + 1))
    leaves = {i.code: i for i in rubric.leaves()}
    columns: dict[int, Item] = {}
    for col, text in enumerate(header):
        if col in (code_col, name_col) or not text or text in IGNORED_HEADERS:
            continue
        where = dict(file=file, sheet=sheet.name, row=h + 1, column=column_letter(col), value=text)
        m = _CODE.match(text)
        if not m:
            problems.append(Problem("无法识别的列：表头应以项目编号开头，如“1.1 …”", **where))
            continue
        code = m[1]
        item = rubric.item(code)
        if item is None:
            problems.append(Problem(f"细则 {rubric.code} 没有项目 {code}", **where))
        elif not item.is_leaf:
            problems.append(Problem(f"项目 {code} 是合计项，由下级项目相加，不能直接填分", **where))
        elif code in {i.code for i in columns.values()}:
            problems.append(Problem(f"项目 {code} 的列重复", **where))
        else:
            columns[col] = leaves[code]
    if problems:
        raise InputError(problems)
    if not columns:
        raise InputError(Problem("没有任何评分项目列", file=file, sheet=sheet.name, row=h + 1))

    cells: list[ScoreCell] = []
    seen: dict[str, int] = {}
    for r in range(h + 1, len(rows)):
        row = rows[r]
        if is_blank(row):
            continue
        excel_row = r + 1
        raw_code = row[code_col] if code_col is not None and code_col < len(row) else ""
        code = _text_code(raw_code)
        name = str(row[name_col]).strip() if name_col is not None and name_col < len(row) else ""
        where = dict(file=file, sheet=sheet.name, row=excel_row)
        if not code:
            if any(row[c] not in ("", None) for c in columns if c < len(row)):
                problems.append(Problem("这一行有分数但没有编号", column="编号", value=name, **where))
            continue
        if code in seen:
            problems.append(Problem(f"编号 {code} 在第 {seen[code]} 行已出现过，同一对象不能出现两次",
                                    column="编号", value=code, **where))
            continue
        seen[code] = excel_row
        for col, item in columns.items():
            raw = row[col] if col < len(row) else ""
            if raw in ("", None):
                continue
            label = f"{column_letter(col)}（{item.code}）"
            try:
                value = parse_leaf_value(item, raw)
            except ValueRefused as exc:
                shown_raw = int(raw) if isinstance(raw, float) and raw.is_integer() else raw
                problems.append(Problem(exc.problem.reason, column=label, value=shown_raw, **where))
                continue
            cells.append(ScoreCell(excel_row, label, code, name, item.code, value))
    if problems:
        raise InputError(problems)
    return cells


def _text_code(raw: object) -> str:
    """A subject code as text: Excel may turn 001 into 1.0; a float code is shown as int."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip() if raw is not None else ""
