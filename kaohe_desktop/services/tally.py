"""The year-end tally workbook (`kaohe export tally --year 2024 --out FILE.xlsx`).

Sheets: 汇总 (rank, unit, area, section totals, base, bonus, deduction, total, grade —
the numbers of `kaohe ranking`, rounded with `as_number`; a 说明 column names a 不适用
conversion, 待定 and 不参评), one sheet per top-level section with its item scores (nested
items grouped under their parent), 考勤汇总 (the year's attendance per person, with the
days it covers) and 加减分事项. The
assessment is the year's unit assessment (period kind "year"), or the one named.
The file is built locally and copied through `io.safe_write`: a full or read-only USB drive leaves no
half-written file under the final name.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Generator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import as_number
from kaohe_desktop.domain.rubric import Item
from kaohe_desktop.io.safe_write import copy_file
from kaohe_desktop.io.tally_workbook import TallySheet, write_tally
from kaohe_desktop.reports.verification_mark import qr_png

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import list_assessments
from .attendance import coverage_note, monthly_summary
from .audit import results_digest
from .documents import SECTION_NAMES, Progress
from .ranking import rank_assessment
from .scores import list_events
from .standings import ranking_table
from .verification import issue_code


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


def _verification_notes(db, aid: int, table, summary: TallySheet, digest: str
                        ) -> tuple[list[str], bytes]:
    """The tally's verification code: it states how many it lists and a digest of the
    summary rows exactly as written (a tally made again after a change gets its own)."""
    rows = [[str(v) for v in row] for row in summary.rows]
    listed = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:12].upper()
    v = issue_code(db, "年终汇总表", subject=f"{table.name}（{table.period_label}）",
                   result=f"共 {len(rows)} 个对象；汇总摘要 {listed}"
                   + (f"；结果校验码 {digest}" if digest else ""),
                   assessment=table.name, on=date.today(), assessment_id=aid)
    # the QR code carries the whole statement; a note that long would widen the printed
    # page (fitted to one page across) and shrink the table
    return ([f"核验码：{v.text}（kaohe verify 核验码，或窗口“帮助 → 核验文件…”；二维码见下）"],
            qr_png(v.payload))


def tally_sheets(db, year: int, assessment_id: int | None = None, *,
                 sign: bool = False) -> list[TallySheet]:
    aid = year_assessment(db, year, assessment_id)
    table = ranking_table(db, aid)
    items_of = {r.subject_code: r.items for r in rank_assessment(db, aid)}
    with db.session() as s:
        rubric = assessment_rubric(s, load_assessment(s, aid))
    summary = _summary_sheet(table)
    digest = results_digest(db, aid)
    if digest:  # sealed at publication: paper checks the data
        summary.notes.append(f"结果校验码：{digest}（公示时封存，kaohe audit verify 可核对数据是否改动）")
    if sign:
        notes, png = _verification_notes(db, aid, table, summary, digest or "")
        summary.notes.extend(notes)
        summary = replace(summary, image=png)  # the QR code below the notes
    return [summary, *_section_sheets(table, rubric, items_of),
            _attendance_sheet(db, year), _events_sheet(db, aid, table)]


def _summary_sheet(table) -> TallySheet:
    """Sections, then 基础分 (their sum — or the 不适用 conversion of it, named in 说明), so
    基础分 + 加分 − 减分 = 总分 holds on every row as printed."""
    heads = [x.short_title for x in table.sections]
    n = len(heads)
    converted = any(r.conversion for r in table.rows)
    notes = ["各大项之和为基础分，总分 = 基础分 + 加分 − 减分；求和时不要把大项与基础分相加。"]
    if converted:
        notes.append("说明列写“折算”的对象有不适用项目：基础分按“得分 ÷ 适用项满分 × 满分”折算一次，"
                     "因此与各大项之和不同，总分按折算后的基础分计。")
    return TallySheet(
        "汇总", f"{table.name}（{table.period_label}）年终汇总",
        ("名次", "编号", "单位", "街道/乡镇", *heads, "基础分", "加分", "减分", "总分", "等次",
         "一票否决", "说明"),
        [(r.rank, r.subject_code, r.subject_name, r.area, *(as_number(v) for v in r.sections),
          as_number(r.base), as_number(r.bonus), as_number(r.deduction), as_number(r.total),
          r.grade, "、".join(r.vetoed), _remark(r)) for r in table.rows],
        widths=(6, 10, 30, 12, *(10 for _ in heads), 9, 8, 8, 9, 8, 12, 40 if converted else 16),
        decimals=tuple(range(4, 4 + n + 4)), key_columns=3, text_columns=(1,),
        totals=(4 + n, 7 + n), notes=notes)


def _remark(r) -> str:
    """Why a row's figures are not the plain sum, or why it has no rank."""
    parts = []
    if r.excluded:
        parts.append(f"不参评：{r.exclude_reason}" if r.exclude_reason else "不参评")
    elif not r.complete:
        parts.append("待定（未评完）")
    if r.conversion:
        parts.append(f"折算：不适用 {'、'.join(r.not_applicable)}；{r.conversion}")
    if r.overridden:
        parts.append(f"更正：{'、'.join(r.overridden)}")
    return "；".join(parts)


def _section_sheets(table, rubric, items_of) -> list[TallySheet]:
    """One sheet per top-level section. Nested items stand right of their parent as an
    outline group one level deeper (collapsible, set apart in grey italics): the parent
    already holds their sum, so 小计 = the section's top items only."""
    sheets = []
    for top, section in zip(rubric.items, table.sections, strict=True):
        walked: list[Item] = [i for i in _walk(top) if i is not top]
        depth0 = top.code.count(".") + 1
        levels = {3 + k: i.code.count(".") - depth0 for k, i in enumerate(walked)}
        nested = any(levels.values())
        notes = (["灰色斜体列是其左侧上级项目的下级明细（已分组，可点“−”折叠），已计入上级项目；"
                  "小计 = 不含下级明细的各项目之和，求和时请勿把明细列与上级项目一并相加。"]
                 if nested else [])
        if any(r.conversion for r in table.rows):
            notes.append("有不适用项目的对象，小计未折算；折算后的基础分见“汇总”表。")
        sheets.append(TallySheet(
            f"{section.code} {section.short_title}", f"{section.title}（满分 {as_number(section.max)}）",
            ("名次", "编号", "单位", *(f"{i.code} {i.title}（{as_number(i.max)}）" for i in walked),
             "小计"),
            [(r.rank, r.subject_code, r.subject_name,
              *(_num(items_of[r.subject_code].get(i.code)) for i in walked),
              as_number(r.sections[table.sections.index(section)])) for r in table.rows],
            widths=(6, 10, 30, *(14 for _ in walked), 9),
            decimals=tuple(range(3, 4 + len(walked))), key_columns=3, text_columns=(1,),
            levels={c: lv for c, lv in levels.items() if lv}, totals=(3 + len(walked),),
            notes=notes))
    return sheets


def _attendance_sheet(db, year: int) -> TallySheet:
    """The year's attendance per person, with the days each row covers: a person or a
    year with data for part of the period only says so (a note row), so nobody reads
    June's counts as the year's."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    att = monthly_summary(db, (first, last))
    leave_types = sorted({k for r in att for k in r.leave_days})
    notes = list(dict.fromkeys(n for r in att for n in r.notes))
    partial = coverage_note(db, att, first, last)
    if partial:
        notes.insert(0, partial + "每人实际覆盖的日期见“数据起”“数据止”两列。")
    elif not att:
        notes.insert(0, f"{year} 年没有导入任何考勤数据。")
    return TallySheet(
        "考勤汇总", f"{year} 年考勤汇总",
        ("编号", "姓名", "单位", "数据起", "数据止", "应出勤(天)", "迟到(次)", "迟到(分钟)",
         "早退(次)", "早退(分钟)", "缺卡(次)", "旷工(天)", *(f"{k}(天)" for k in leave_types)),
        [(r.staff_code, r.name, r.unit_name, r.start, r.end, r.workdays, r.late, r.late_minutes,
          r.early, r.early_minutes, r.missing, as_number(r.absent_days),
          *(as_number(r.leave_days.get(k, Decimal(0))) for k in leave_types))
         for r in att],
        widths=(12, 10, 26, 11, 11, 10, 9, 10, 9, 10, 9, 9, *(9 for _ in leave_types)),
        key_columns=2, text_columns=(0,), notes=notes)


def _events_sheet(db, aid: int, table) -> TallySheet:
    names = {r.subject_code: r.subject_name for r in table.rows}
    return TallySheet(
        "加减分事项", f"{table.name} 加分、减分与一票否决事项",
        ("编号", "单位", "类别", "规则", "分值", "事项", "说明", "日期", "佐证"),
        [(e.subject_code, names.get(e.subject_code, ""), SECTION_NAMES.get(e.section, e.section),
          e.rule_code, as_number(e.amount), e.matter, e.note, e.occurred_on, e.evidence)
         for e in list_events(db, aid)],
        widths=(10, 30, 10, 8, 8, 36, 36, 12, 20), decimals=(4,), key_columns=2,
        text_columns=(0,))


def _walk(item: Item):
    yield item
    for child in item.children:
        yield from _walk(child)


def _num(value):
    return None if value is None else as_number(value)


def tally_job(db, year: int, out: Path | str,
              assessment_id: int | None = None) -> Generator[Progress, None, Path]:
    yield Progress(0, 2, "正在汇总考核结果")
    sheets = tally_sheets(db, year, assessment_id, sign=True)
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
