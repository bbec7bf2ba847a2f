"""公示 list: the ranking with grades, the 公示期 (in working days, stated once), how to
object and to whom — contact phone and address always printed — the issuer and date.

Every page carries “第 x 页 共 y 页”; the table's columns are as wide as their content
(names get the room left); totals arrive as text with the same two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from .chinese_dates import plain_date
from .fonts import register
from .layout import canvas_options, draft_watermark, draw_table, fit, prepare, wrap
from .page_tools import PagedCanvas, fit_columns
from .verification_mark import VerificationMark, draw_mark

MARGIN = 20 * mm
BOTTOM = MARGIN + 6 * mm  # above the page number
QR_SIZE = 28 * mm


@dataclass(frozen=True)
class PublicityRow:
    rank: int | None  # None: not ranked (待定, 不参评)
    code: str
    name: str
    area: str
    total: str  # display text, two decimals (85.50)
    grade: str


@dataclass(frozen=True)
class PublicityList:
    title: str  # e.g. 关于2024年度社区便民服务站管理考核结果的公示
    rows: tuple[PublicityRow, ...]
    published: date
    objection_start: date
    objection_end: date
    issuer: str
    contact: str  # 联系人及电话
    address: str  # where written objections go
    workdays: int = 5  # the 公示期's working days
    intro: str = ""  # the opening sentence ("" → the standard one)
    area_title: str = "所属"
    draft: bool = False  # a preview: 草稿 across every page
    author: str = ""
    # the short digest of the results sealed at publication (kaohe audit verify checks the
    # data against it): a later change is visible against the printed paper
    digest: str = ""
    # the verification code: at the left, level with the issuer and date; None on a draft
    verification: VerificationMark | None = None


def period_text(p: PublicityList) -> str:
    return (f"{plain_date(p.objection_start)}至{plain_date(p.objection_end)}"
            f"（{p.workdays}个工作日）")


def write_publicity(path: Path | str, p: PublicityList) -> Path:
    song, sans = register()
    w, h = A4
    width = w - 2 * MARGIN
    c = prepare(PagedCanvas(str(path), pagesize=A4, number_font=sans, **canvas_options()))  # type: ignore[arg-type]
    c.setTitle(p.title)
    c.setAuthor(p.issuer)
    c.setSubject("考核结果公示")
    size, lines = fit(p.title, song, 22, width, min_size=16)  # one line while it fits at 16 pt
    y = h - MARGIN - size
    c.setFont(song, size)
    for line in lines:
        c.drawCentredString(w / 2, y, line)
        y -= size * 1.5
    intro = (p.intro or "根据考核办法，现将考核结果予以公示。") + (
        f"公示期为{period_text(p)}。其间如有异议，请以书面或电话形式向{p.issuer}反映，"
        "书面意见请署真实姓名和联系方式。")
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

    titles = ("名次", "编号", "名称", p.area_title, "总分", "等次")
    rows = [(str(r.rank) if r.rank else "—", r.code, r.name, r.area, r.total, r.grade)
            for r in p.rows]
    cols = fit_columns(titles, rows, sans, 10, width, flex=(2, 3),
                       aligns=("centre", "left", "left", "left", "right", "centre"))
    y = draw_table(c, cols, rows, x=MARGIN, y_top=y, y_bottom=BOTTOM, font=sans, size=10,
                   new_page=new_page) - 8 * mm
    texts = [f"联系人及电话：{p.contact}", f"地址：{p.address}"]
    if p.digest:
        texts.append(f"结果校验码：{p.digest}")
    tail = [line for text in texts for line in wrap(text, song, 12, width)]
    # the contact block, issuer and date (and the verification code) stay together
    closing = max(56.0, QR_SIZE + 8) if p.verification else 56.0
    if y - 20 * len(tail) - closing < BOTTOM:
        y = new_page() - 20
    c.setFont(song, 12)
    for line in tail:
        c.drawString(MARGIN, y, line)
        y -= 20
    if p.verification is not None:
        draw_mark(c, p.verification, MARGIN, y - QR_SIZE, QR_SIZE, sans)
        c.setFont(song, 12)
    y -= 16
    c.drawRightString(w - MARGIN, y, p.issuer)
    c.drawRightString(w - MARGIN, y - 20, plain_date(p.published))
    if p.draft:
        draft_watermark(c, w, h, song)
    c.showPage()
    c.save()
    return Path(path)
