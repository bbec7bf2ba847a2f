"""荣誉证书: A4 landscape, a double frame with corner ornaments, title, body, issuer,
Chinese date and a seal placeholder — all vectors, so a page costs a few KB.

Long names shrink (down to 20 pt) and then wrap; nothing is drawn outside the frame.
One PDF holds a batch (`write_certificates`) or one subject (`write_certificate`).
The certificate number (证书编号) sits in the upper left corner inside the frame; a preview
from an assessment not yet approved carries a large 草稿 across the page and no number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import chinese_date
from .fonts import register
from .layout import centred_lines, draft_watermark, fit

RED = (0.72, 0.09, 0.09)
GOLD = (0.72, 0.55, 0.18)


@dataclass(frozen=True)
class CertificateTemplate:
    """The editable wording and layout choices. `body` uses {name}, {period} (2024年度,
    2024年第三季度, 2024年10月), {year}, {honour} and {grade}. An empty `honour` or
    `issuer` is filled per certificate (the grade earned; the office's setting)."""

    title: str = "荣誉证书"
    body: str = "授予 {name} {period}“{honour}”称号"
    honour: str = ""
    closing: str = "特发此证，以资鼓励。"
    issuer: str = ""
    seal: bool = True  # draw the red circle where the seal goes
    frame: bool = True


@dataclass(frozen=True)
class Certificate:
    name: str  # the unit's or the person's name
    year: int
    issued: date
    grade: str = "优秀"
    honour: str = ""  # overrides the template's honour ("" → template)
    period: str = ""  # 2024年度 / 2024年第三季度 / 2024年10月; "" → {year}年度
    number: str = ""  # 证书编号
    person: bool = False  # a person: the name is followed by 同志
    draft: bool = False  # a preview: 草稿 across the page, no number
    issuer: str = ""  # overrides the template's issuer


def _frame(c: Canvas, w: float, h: float) -> None:
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(4)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    c.setLineWidth(1)
    c.rect(16 * mm, 16 * mm, w - 32 * mm, h - 32 * mm)
    c.setFillColorRGB(*GOLD)
    for x, y in ((16, 16), (w / mm - 16, 16), (16, h / mm - 16), (w / mm - 16, h / mm - 16)):
        p = c.beginPath()  # a small diamond on each inner corner
        cx, cy = x * mm, y * mm
        p.moveTo(cx, cy - 5 * mm)
        p.lineTo(cx + 5 * mm, cy)
        p.lineTo(cx, cy + 5 * mm)
        p.lineTo(cx - 5 * mm, cy)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)


def _seal(c: Canvas, x: float, y: float) -> None:
    """A placeholder: a red ring and star where the official seal is stamped."""
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(1.5)
    c.circle(x, y, 21 * mm)
    c.setLineWidth(0.6)
    c.circle(x, y, 19.5 * mm)
    c.setFillColorRGB(*RED)
    import math

    p = c.beginPath()
    for k in range(10):
        r = (5 if k % 2 == 0 else 2) * mm
        a = math.pi / 2 + k * math.pi / 5
        (p.moveTo if k == 0 else p.lineTo)(x + r * math.cos(a), y + r * math.sin(a))
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)


X_SIGN = landscape(A4)[0] - 85 * mm  # issuer and date, the seal stamped over them (骑年盖月)
DECOR = "kaohe-certificate-decor"


def _decorations(c: Canvas, t: CertificateTemplate) -> None:
    w, h = landscape(A4)
    if t.frame:
        _frame(c, w, h)
    if t.seal:
        _seal(c, X_SIGN, 38 * mm)


def define_decorations(c: Canvas, t: CertificateTemplate) -> str:
    """Draw frame and seal once into a form XObject that every page reuses: a batch of
    1,000 pages carries the vectors once (bytes and time per page stay low)."""
    c.beginForm(DECOR)
    _decorations(c, t)
    c.endForm()
    return DECOR


def draw_certificate(c: Canvas, cert: Certificate, t: CertificateTemplate,
                     decor: str | None = None) -> None:
    """One page on `c` (the caller ends the page). `decor`: the form from
    `define_decorations`; without it frame and seal are drawn on the page itself.
    The seal is drawn first and the text over it, as the printed page will be stamped."""
    song, _ = register()
    w, h = landscape(A4)
    if decor:
        c.doForm(decor)
    else:
        _decorations(c, t)
    inner = w - 2 * 45 * mm  # text block width, well inside the frame
    c.setFillColorRGB(*RED)
    c.setFont(song, 54)
    title = " ".join(t.title) if len(t.title) <= 5 else t.title
    c.drawCentredString(w / 2, h - 52 * mm, title)
    c.setFillColorRGB(0, 0, 0)

    honour = cert.honour or t.honour or f"{cert.grade}{'工作人员' if cert.person else '单位'}"
    words = dict(year=cert.year, honour=honour, grade=cert.grade,
                 period=cert.period or f"{cert.year}年度")
    # the name gets a line of its own; it shrinks, then wraps, to fit
    before, _, after = t.body.partition("{name}")
    before = before.format(**words).strip()
    after = after.format(**words).strip()
    name = f"{cert.name} 同志" if cert.person else cert.name
    blocks: list[tuple[float, list[str], float, float]] = []  # (size, lines, leading, gap)
    if before:
        size, lines = fit(before, song, 24, inner, min_size=16, max_lines=2)
        blocks.append((size, lines, size * 1.6, 0))
    size, lines = fit(name, song, 32, inner, min_size=20, max_lines=2)
    blocks.append((size, lines, size * 1.3, 6 * mm))
    if after:
        size, lines = fit(after, song, 24, inner, min_size=16, max_lines=2)
        blocks.append((size, lines, size * 1.6, 4 * mm))
    if t.closing:
        blocks.append((18, [t.closing], 18 * 1.6, 4 * mm))
    # the body block sits centred between the title and the signature
    height = sum(gap + leading * len(lines) for _, lines, leading, gap in blocks)
    y = min((h - 62 * mm + 78 * mm) / 2 + height / 2, h - 66 * mm)
    for n, (size, lines, leading, gap) in enumerate(blocks):
        y -= gap + size
        if t.closing and n == len(blocks) - 1:
            c.setFont(song, size)
            c.drawString(45 * mm, y, lines[0])
        else:
            centred_lines(c, lines, song, size, w / 2, y, leading)
        y -= leading * len(lines) - size

    x_sign = X_SIGN
    size, lines = fit(cert.issuer or t.issuer, song, 20, 90 * mm, min_size=14, max_lines=2)
    yy = centred_lines(c, lines, song, size, x_sign, 30 * mm + size * 1.4 * len(lines), size * 1.4)
    c.setFont(song, 18)
    c.drawCentredString(x_sign, yy - 2 * mm, chinese_date(cert.issued))
    number = cert.number or ("草稿，不编号" if cert.draft else "")
    if number:
        c.setFont(song, 11)
        c.drawString(24 * mm, h - 26 * mm, f"证书编号：{number}")
    if cert.draft:
        draft_watermark(c, w, h, song)


def iter_certificates(path: Path | str, certs: Sequence[Certificate],
                      template: CertificateTemplate = CertificateTemplate()) -> Iterator[int]:
    """Write every certificate into one PDF, yielding the count done after each page."""
    register()
    c = Canvas(str(path), pagesize=landscape(A4), pageCompression=1)
    c.setTitle(template.title)
    c.setAuthor(template.issuer)
    decor = define_decorations(c, template)
    for n, cert in enumerate(certs, start=1):
        draw_certificate(c, cert, template, decor)
        c.showPage()
        yield n
    c.save()


def write_certificates(path: Path | str, certs: Iterable[Certificate],
                       template: CertificateTemplate = CertificateTemplate()) -> Path:
    for _ in iter_certificates(path, list(certs), template):
        pass
    return Path(path)


def write_certificate(path: Path | str, cert: Certificate,
                      template: CertificateTemplate = CertificateTemplate()) -> Path:
    return write_certificates(path, [cert], template)
