"""The year-end tally workbook (`kaohe export tally --year 2024 --out FILE.xlsx`).

Sheets: 汇总 (rank, unit, area, section totals, bonus, deduction, total, grade — the
numbers of `kaohe ranking`, rounded with `as_number`), one sheet per top-level section
with its item scores, 考勤汇总 (the year's attendance per person) and 加减分事项. The
assessment is the year's unit assessment (period kind "year"), or the one named.
The file is built locally and copied through `io.safe_write`: a full or read-only USB drive leaves no
half-written file under the final name.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from datetime import date
from decimal import Decimal
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import as_number
from kaohe_desktop.domain.rubric import Item
from kaohe_desktop.io.safe_write import copy_file
from kaohe_desktop.io.tally_workbook import TallySheet, write_tally

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import list_assessments
from .attendance import monthly_summary
from .documents import SECTION_NAMES, Progress
from .ranking import rank_assessment
from .scores import list_events
from .standings import ranking_table


def year_assessment(db, year: int, assessment_id: int | None = None) -> int:
    """The id of the year's unit assessment (or `assessment_id`, checked)."""
    found = [a for a in list_assessments(db)
             if a.start.year == year and ((assessment_id is None and a.period_kind == "year")
                                          or a.id == assessment_id)]
    units = [a for a in found if a.subject_kind == "unit"] or found
    if not units:
        raise InputError(Problem(f"{year} 年没有年度考核", column="--year", value=year))
    if len(units) > 1 and assessment_id is None:
        raise InputError(Problem(f"{year} 年有多个年度考核，请用 --id 指定："
                                 + "、".join(f"{a.id} {a.name}" for a in units), column="--id"))
    return units[0].id


def tally_sheets(db, year: int, assessment_id: int | None = None) -> list[TallySheet]:
    aid = year_assessment(db, year, assessment_id)
    table = ranking_table(db, aid)
    items_of = {r.subject_code: r.items for r in rank_assessment(db, aid)}
    with db.session() as s:
        rubric = assessment_rubric(s, load_assessment(s, aid))
    heads = [x.short_title for x in table.sections]
    summary = TallySheet(
        "汇总", f"{table.name}（{table.period_label}）年终汇总",
        ("名次", "编号", "单位", "街道/乡镇", *heads, "加分", "减分", "总分", "等次", "一票否决"),
        [(r.rank, r.subject_code, r.subject_name, r.area, *(as_number(v) for v in r.sections),
          as_number(r.bonus), as_number(r.deduction), as_number(r.total), r.grade,
          "、".join(r.vetoed)) for r in table.rows],
        widths=(6, 10, 30, 12, *(10 for _ in heads), 8, 8, 9, 8, 12),
        decimals=tuple(range(4, 4 + len(heads) + 3)))
    sheets = [summary]
    for top, section in zip(rubric.items, table.sections, strict=True):
        walked: list[Item] = [i for i in _walk(top) if i is not top]
        sheets.append(TallySheet(
            f"{section.code} {section.short_title}", f"{section.title}（满分 {as_number(section.max)}）",
            ("名次", "编号", "单位", *(f"{i.code} {i.title}（{as_number(i.max)}）" for i in walked),
             "小计"),
            [(r.rank, r.subject_code, r.subject_name,
              *(_num(items_of[r.subject_code].get(i.code)) for i in walked),
              as_number(r.sections[table.sections.index(section)])) for r in table.rows],
            widths=(6, 10, 30, *(14 for _ in walked), 9),
            decimals=tuple(range(3, 4 + len(walked)))))
    att = monthly_summary(db, (date(year, 1, 1), date(year, 12, 31)))
    leave_types = sorted({k for r in att for k in r.leave_days})
    sheets.append(TallySheet(
        "考勤汇总", f"{year} 年考勤汇总",
        ("工号", "姓名", "单位", "应出勤(天)", "迟到(次)", "迟到(分钟)", "早退(次)", "早退(分钟)",
         "缺卡(次)", "旷工(天)", *(f"{k}(天)" for k in leave_types)),
        [(r.staff_code, r.name, r.unit_name, r.workdays, r.late, r.late_minutes, r.early,
          r.early_minutes, r.missing, as_number(r.absent_days),
          *(as_number(r.leave_days.get(k, Decimal(0))) for k in leave_types))
         for r in att],
        widths=(12, 10, 26, 10, 9, 10, 9, 10, 9, 9, *(9 for _ in leave_types))))
    names = {r.subject_code: r.subject_name for r in table.rows}
    sheets.append(TallySheet(
        "加减分事项", f"{table.name} 加分、减分与一票否决事项",
        ("编号", "单位", "类别", "规则", "分值", "事项", "说明", "日期", "佐证"),
        [(e.subject_code, names.get(e.subject_code, ""), SECTION_NAMES.get(e.section, e.section),
          e.rule_code, as_number(e.amount), e.matter, e.note,
          e.occurred_on.isoformat() if e.occurred_on else "", e.evidence)
         for e in list_events(db, aid)],
        widths=(10, 30, 10, 8, 8, 36, 36, 12, 20), decimals=(4,)))
    return sheets


def _walk(item: Item):
    yield item
    for child in item.children:
        yield from _walk(child)


def _num(value):
    return None if value is None else as_number(value)


def tally_job(db, year: int, out: Path | str,
              assessment_id: int | None = None) -> Generator[Progress, None, Path]:
    yield Progress(0, 2, "正在汇总考核结果")
    sheets = tally_sheets(db, year, assessment_id)
    yield Progress(1, 2, "正在写入工作簿")
    # built in a local temporary folder, then copied through `safe_write`: openpyxl never
    # writes to the USB drive itself, so a failing drive cannot leave it half-way
    with tempfile.TemporaryDirectory(prefix="kaohe-tally-") as tmp:
        local = write_tally(Path(tmp) / "tally.xlsx", sheets)
        path = copy_file(local, Path(out))
    yield Progress(2, 2, "已保存")
    return path


def export_tally(db, year: int, out: Path | str, assessment_id: int | None = None) -> Path:
    job = tally_job(db, year, out, assessment_id)
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value
