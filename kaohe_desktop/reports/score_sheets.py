"""Score sheets: blank ones for paper scoring by an assessor group (every item with its
max and criteria, empty boxes, signature and date lines) and filled ones per subject
(scores per item, bonus and deduction details, totals, grade). One subject per page
(a long rubric continues on the next page with the header repeated).

Numbers arrive as display text, rounded by the caller with `domain.numbers.shown`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import register
from .layout import Column, draw_table, fit

MARGIN = 15 * mm


@dataclass(frozen=True)
class SheetItem:
    code: str
    title: str
    depth: int
    max: str
    criteria: str = ""
    is_leaf: bool = True
    score: str = ""  # filled sheets: the combined score ("" blank)


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
    rules: tuple[tuple[str, str], ...] = ()  # blank sheets: (加分/减分, rule text) to claim
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

    last = "得分" if sheet.filled else "评分"
    cols = [Column("编号", 16 * mm), Column("考核内容", 58 * mm), Column("评分标准", 70 * mm),
            Column("满分", 14 * mm, "right"), Column(last, width - 158 * mm, "right")]
    rows = [(i.code, "  " * i.depth + i.title, i.criteria, i.max,
             i.score if sheet.filled else ("" if i.is_leaf else "—")) for i in sheet.items]
    y = draw_table(c, cols, rows, x=MARGIN, y_top=y, y_bottom=MARGIN + 8 * mm, font=sans, size=9,
                   new_page=new_page)
    y -= 6 * mm
    if sheet.filled:
        if sheet.events:
            ecols = [Column("类别", 20 * mm), Column("事项", 70 * mm), Column("说明", width - 110 * mm),
                     Column("分值", 20 * mm, "right")]
            note = "（同一事项按最高分计，本条不计）"
            erows = [(e.section, e.title, e.matter + ("" if e.counted else note), e.amount)
                     for e in sheet.events]
            y = draw_table(c, ecols, erows, x=MARGIN, y_top=y, y_bottom=MARGIN + 25 * mm, font=sans,
                           size=9, new_page=new_page) - 6 * mm
        if y < MARGIN + 30 * mm:
            y = new_page() - 10
        c.setFont(song, 12)
        c.drawString(MARGIN, y, f"基础分 {sheet.base}    加分 {sheet.bonus}    减分 {sheet.deduction}")
        y -= 20
        c.setFont(song, 14)
        c.drawString(MARGIN, y, f"总分 {sheet.total}    名次 {sheet.rank}    等次 {sheet.grade}")
        y -= 24
    else:
        if sheet.rules:
            c.setFont(sans, 9)
            c.drawString(MARGIN, y, "加分、减分事项（如有，请写明事项、依据和分值）：")
            y -= 6 * mm
            rcols = [Column("类别", 20 * mm), Column("事项", width - 60 * mm), Column("分值", 40 * mm)]
            y = draw_table(c, rcols, [(k, t, "") for k, t in sheet.rules], x=MARGIN, y_top=y,
                           y_bottom=MARGIN + 25 * mm, font=sans, size=9, new_page=new_page) - 6 * mm
        if y < MARGIN + 30 * mm:
            y = new_page() - 10
        c.setFont(song, 12)
        c.drawString(MARGIN, y, f"合计得分：____________（满分 {sheet.full_marks}）")
        y -= 24
    c.setFont(song, 12)
    c.drawString(MARGIN, y, "评分人（签字）：________________")
    c.drawString(MARGIN + width / 2, y, "日期：______年____月____日")


def iter_sheets(path: Path | str, sheets: Sequence[ScoreSheet]) -> Iterator[int]:
    register()
    c = Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle("评分表")
    for n, sheet in enumerate(sheets, start=1):
        draw_sheet(c, sheet)
        c.showPage()
        yield n
    c.save()


def write_sheets(path: Path | str, sheets: Iterable[ScoreSheet]) -> Path:
    for _ in iter_sheets(path, list(sheets)):
        pass
    return Path(path)
