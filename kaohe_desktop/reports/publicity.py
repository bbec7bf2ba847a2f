"""公示 list: the ranking with grades, the publication and objection dates, whom to contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import plain_date
from .fonts import register
from .layout import Column, draft_watermark, draw_table, fit, wrap

MARGIN = 20 * mm


@dataclass(frozen=True)
class PublicityRow:
    rank: int | None  # None: not ranked (不参评)
    code: str
    name: str
    area: str
    total: str  # display text (`shown`)
    grade: str


@dataclass(frozen=True)
class PublicityList:
    title: str  # e.g. 2024年度社区便民服务站管理考核结果公示
    rows: tuple[PublicityRow, ...]
    published: date
    objection_start: date
    objection_end: date
    issuer: str = ""
    contact: str = ""  # 联系人及电话
    intro: str = ""
    address: str = ""  # where written objections go
    draft: bool = False  # a preview: 草稿 across every page


def write_publicity(path: Path | str, p: PublicityList) -> Path:
    song, sans = register()
    w, h = A4
    width = w - 2 * MARGIN
    c = Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle(p.title)
    size, lines = fit(p.title, song, 22, width, min_size=16, max_lines=2)
    y = h - MARGIN - size
    c.setFont(song, size)
    for line in lines:
        c.drawCentredString(w / 2, y, line)
        y -= size * 1.5
    intro = p.intro or (f"根据考核办法，现将考核结果予以公示。公示期为{plain_date(p.objection_start)}至"
                        f"{plain_date(p.objection_end)}。公示期间如有异议，请以书面或电话形式向"
                        f"{p.issuer}反映。")
    c.setFont(song, 12)
    for n, line in enumerate(wrap(intro, song, 12, width - 24)):
        c.drawString(MARGIN + (24 if n == 0 else 0), y, line)
        y -= 20
    y -= 4

    def new_page() -> float:
        if p.draft:
            draft_watermark(c, w, h, song)
        c.showPage()
        return h - MARGIN

    cols = [Column("名次", 16 * mm, "centre"), Column("编号", 22 * mm), Column("名称", 70 * mm),
            Column("所属", width - 148 * mm), Column("总分", 20 * mm, "right"),
            Column("等次", 20 * mm, "centre")]
    rows = [(str(r.rank) if r.rank else "—", r.code, r.name, r.area, r.total, r.grade) for r in p.rows]
    y = draw_table(c, cols, rows, x=MARGIN, y_top=y, y_bottom=MARGIN + 10 * mm, font=sans, size=10,
                   new_page=new_page) - 10 * mm
    if y < MARGIN + 40 * mm:
        y = new_page() - 20
    c.setFont(song, 12)
    if p.contact:
        c.drawString(MARGIN, y, f"联系人及电话：{p.contact}")
        y -= 20
    if p.address:
        for line in wrap(f"书面意见请寄送：{p.address}", song, 12, width):
            c.drawString(MARGIN, y, line)
            y -= 20
    c.drawString(MARGIN, y, f"公示时间：{plain_date(p.objection_start)}至{plain_date(p.objection_end)}")
    y -= 36
    c.drawRightString(w - MARGIN, y, p.issuer)
    c.drawRightString(w - MARGIN, y - 20, plain_date(p.published))
    if p.draft:
        draft_watermark(c, w, h, song)
    c.showPage()
    c.save()
    return Path(path)
