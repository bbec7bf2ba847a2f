"""Score sheets: blank ones for paper scoring by an assessor group (every item with its
max and criteria, empty boxes, the bonus and deduction rules with the values each allows
and columns to claim them, signature and date lines) and filled ones per subject (scores
per item with a 备注 where a figure is not an assessor's, bonus and deduction details,
totals, grade, notes). One subject per page (a long rubric continues on the next page
with the header repeated); every page is numbered 第 x 页 共 y 页.

Numbers arrive as display text, rounded by the caller (each item once; parents the sums
of the printed children).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import register
from .layout import Column, canvas_options, draw_table, fit, prepare, wrap
from .page_tools import PagedCanvas

MARGIN = 15 * mm
BOTTOM = MARGIN + 6 * mm  # above the page number


@dataclass(frozen=True)
class SheetItem:
    code: str
    title: str
    depth: int
    max: str
    criteria: str = ""
    is_leaf: bool = True
    score: str = ""  # filled sheets: the combined score ("" blank)
    mark: str = ""  # 数据折算 / 管理员更正 / 不适用 / 他组评分 (blank sheets: no box to fill)


@dataclass(frozen=True)
class SheetRule:
    """A bonus or deduction rule an assessor may claim on a blank sheet."""

    section: str  # 加分 / 减分 / 一票否决
    code: str
    title: str
    allowed: str  # 1～5（步长 1） 分 / 1、3、5 分


@dataclass(frozen=True)
class SheetEvent:
    section: str  # 加分 / 减分 / 一票否决
    title: str
    amount: str
    matter: str = ""
    counted: bool = True


@dataclass(frozen=True)
class ScoreSheet:
    assessment_name: str
    period_label: str
    subject_code: str
    subject_name: str
    items: tuple[SheetItem, ...]
    group: str = ""
    filled: bool = False
    events: tuple[SheetEvent, ...] = ()
    rules: tuple[SheetRule, ...] = ()  # blank sheets: the rules to claim
    rule_notes: tuple[str, ...] = ()  # blank sheets: each section's cap
    notes: tuple[str, ...] = ()  # filled sheets: 不参评, 待定, 不适用 conversion, overrides
    base: str = ""
    bonus: str = ""
    deduction: str = ""
    total: str = ""
    rank: str = ""
    grade: str = ""
    full_marks: str = ""


def draw_sheet(c: Canvas, sheet: ScoreSheet) -> None:
    song, sans = register()
    w, h = A4
    width = w - 2 * MARGIN
    kind = "评分结果表" if sheet.filled else "评分表"
    size, lines = fit(f"{sheet.assessment_name}{kind}", song, 18, width, min_size=13, max_lines=2)
    y = h - MARGIN - size
    c.setFont(song, size)
    for line in lines:
        c.drawCentredString(w / 2, y, line)
        y -= size * 1.4
    c.setFont(sans, 10)
    info = f"考核对象：{sheet.subject_code} {sheet.subject_name}    期间：{sheet.period_label}"
    if sheet.group:
        info += f"    评分组：{sheet.group}"
    for line in fit(info, sans, 10, width, min_size=8, max_lines=2)[1]:
        c.drawString(MARGIN, y, line)
        y -= 14
    y -= 2

    def new_page() -> float:
        c.showPage()
        c.setFont(sans, 9)
        c.drawString(MARGIN, h - MARGIN, f"{sheet.subject_name}（续）")
        return h - MARGIN - 8

    if sheet.filled:
        cols = [Column("编号", 14 * mm), Column("考核内容", 54 * mm), Column("评分标准", 62 * mm),
                Column("满分", 13 * mm, "right"), Column("得分", 16 * mm, "right"),
                Column("备注", width - 159 * mm)]
        rows = [(i.code, "  " * i.depth + i.title, i.criteria, i.max, i.score, i.mark)
                for i in sheet.items]
    else:
        cols = [Column("编号", 16 * mm), Column("考核内容", 58 * mm), Column("评分标准", 70 * mm),
                Column("满分", 14 * mm, "right"), Column("评分", width - 158 * mm, "centre")]
        rows = [(i.code, "  " * i.depth + i.title, i.criteria, i.max,
                 i.mark or ("" if i.is_leaf else "—")) for i in sheet.items]
    y = draw_table(c, cols, rows, x=MARGIN, y_top=y, y_bottom=BOTTOM, font=sans, size=9,
                   new_page=new_page)
    y -= 6 * mm
    if sheet.filled:
        if sheet.events:
            ecols = [Column("类别", 20 * mm), Column("事项", 70 * mm), Column("说明", width - 110 * mm),
                     Column("分值", 20 * mm, "right")]
            note = "（同一事项按最高分计，本条不计）"
            erows = [(e.section, e.title, e.matter + ("" if e.counted else note), e.amount)
                     for e in sheet.events]
            y = draw_table(c, ecols, erows, x=MARGIN, y_top=y, y_bottom=BOTTOM + 15 * mm, font=sans,
                           size=9, new_page=new_page) - 6 * mm
        notes = [line for n in sheet.notes for line in wrap(f"注：{n}", sans, 9, width)]
        if y - 14 * len(notes) - 50 < BOTTOM:
            y = new_page() - 10
        c.setFont(sans, 9)
        for line in notes:
            c.drawString(MARGIN, y, line)
            y -= 14
        y -= 4 if notes else 0
        c.setFont(song, 12)
        c.drawString(MARGIN, y, f"基础分 {sheet.base}    加分 {sheet.bonus}    减分 {sheet.deduction}")
        y -= 20
        c.setFont(song, 14)
        c.drawString(MARGIN, y, f"总分 {sheet.total}    名次 {sheet.rank}    等次 {sheet.grade}")
        y -= 24
    else:
        if sheet.rules:
            if y - 40 * mm < BOTTOM:
                y = new_page() - 10
            c.setFont(sans, 9)
            c.drawString(MARGIN, y, "加分、减分事项（如有，请在“申报分值”中填写允许的分值，"
                                    "并写明事项和依据）：")
            y -= 3 * mm
            rcols = [Column("类别", 16 * mm), Column("编号", 12 * mm), Column("事项", 68 * mm),
                     Column("允许分值", 30 * mm), Column("申报分值", 18 * mm),
                     Column("事项及依据", width - 144 * mm)]
            rrows = [(r.section, r.code, r.title, r.allowed, "", "") for r in sheet.rules]
            y = draw_table(c, rcols, rrows, x=MARGIN, y_top=y, y_bottom=BOTTOM + 15 * mm,
                           font=sans, size=9, new_page=new_page) - 4 * mm
            c.setFont(sans, 9)
            for n in sheet.rule_notes:
                c.drawString(MARGIN, y, n)
                y -= 13
            y -= 4 * mm
        if y < BOTTOM + 14 * mm:  # the total and the signature stay together
            y = new_page() - 10
        c.setFont(song, 12)
        c.drawString(MARGIN, y, f"合计得分：____________（满分 {sheet.full_marks}）")
        y -= 24
    c.setFont(song, 12)
    c.drawString(MARGIN, y, "评分人（签字）：________________")
    c.drawString(MARGIN + width / 2, y, "日期：______年____月____日")


def iter_sheets(path: Path | str, sheets: Sequence[ScoreSheet]) -> Iterator[int]:
    _, sans = register()
    c = prepare(PagedCanvas(str(path), pagesize=A4, number_font=sans, **canvas_options()))  # type: ignore[arg-type]
    c.setTitle(f"{sheets[0].assessment_name}评分表" if sheets else "评分表")
    c.setSubject("评分结果表" if sheets and sheets[0].filled else "空白评分表")
    for n, sheet in enumerate(sheets, start=1):
        draw_sheet(c, sheet)
        c.showPage()
        yield n
    c.save()


def write_sheets(path: Path | str, sheets: Iterable[ScoreSheet]) -> Path:
    for _ in iter_sheets(path, list(sheets)):
        pass
    return Path(path)
