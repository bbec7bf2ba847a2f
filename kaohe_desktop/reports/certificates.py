"""荣誉证书: A4 landscape, a double frame with corner ornaments, title, body, issuer,
Chinese date — all vectors, so a page costs a few KB.

No seal is printed: the office stamps the real one by hand over the issuer and date
(骑年盖月). An office that prints its stamp from a scan it supplies (`seal_image`, off by
default) gets it there, the same image embedded once for a whole batch.

Long names shrink (down to 20 pt) and then wrap; nothing is drawn outside the frame.
One PDF holds a batch (`write_certificates`) or one subject (`write_certificate`).
The certificate number (证书编号) sits in the upper left corner inside the frame, the
verification code (QR and short text, reports/verification_mark) in the lower left; a
preview from an assessment not yet approved carries a large 草稿 across the page and
neither.

Full-width quotation marks sit in one half of their em box; drawn as they are, “ after
度 and ” before 称 leave a half-em gap that reads as a stray space. The body closes those
gaps (标点挤压), and the extracted text has no space either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import chinese_date
from .fonts import register, text_width
from .layout import canvas_options, draft_watermark, fit, prepare
from .verification_mark import VerificationMark, draw_mark

RED = (0.72, 0.09, 0.09)
GOLD = (0.72, 0.55, 0.18)
SEAL_SIZE = 42 * mm  # a round 公章 is 42 mm across (40–45 mm)


@dataclass(frozen=True)
class CertificateTemplate:
    """The editable wording and layout choices. `body` uses {name}, {period} (2024年度,
    2024年第三季度, 2024年10月), {year}, {honour} and {grade}. An empty `honour` or
    `issuer` is filled per certificate (the grade earned; the office's setting).
    `seal_image`: a scanned seal (PNG with a transparent background, or JPEG) printed
    where the stamp goes; empty (the default) prints none."""

    title: str = "荣誉证书"
    body: str = "授予{name}{period}“{honour}”称号"
    honour: str = ""
    closing: str = "特发此证，以资鼓励。"
    issuer: str = ""
    seal_image: str = ""
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
    # the verification code (QR and short text) in the lower left corner; None on a draft
    verification: VerificationMark | None = None


QR_SIZE = 30 * mm  # in the lower left corner, inside the frame's corner ornament


def seal_problem(path: str) -> str:
    """Why a seal image cannot be printed ("" when it can): missing, unreadable or not
    an image reportlab can embed."""
    if not Path(path).is_file():
        return "找不到印章图片文件"
    try:
        w, h = ImageReader(path).getSize()
    except Exception as exc:  # PIL raises many kinds for a file that is not an image
        return f"无法读取印章图片（应为 PNG 或 JPG）：{exc}"
    if w < 50 or h < 50:
        return f"印章图片太小（{w}×{h} 像素），请用至少 300×300 像素的扫描件"
    return ""


def honour_line(cert: Certificate, t: CertificateTemplate) -> str:
    """The body after the name, as printed: 2024年度“优秀单位”称号."""
    return _words(cert, t)[1]


def _words(cert: Certificate, t: CertificateTemplate) -> tuple[str, str]:
    honour = cert.honour or t.honour or f"{cert.grade}{'工作人员' if cert.person else '单位'}"
    words = dict(year=cert.year, honour=honour, grade=cert.grade,
                 period=cert.period or f"{cert.year}年度")
    before, _, after = t.body.partition("{name}")
    return before.format(**words).strip(), after.format(**words).strip()


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


X_SIGN = landscape(A4)[0] - 85 * mm  # issuer and date, the seal stamped over them (骑年盖月)
Y_DATE = 30 * mm  # the date's baseline; the issuer's lines above it
DECOR = "kaohe-certificate-decor"

# 标点挤压: an opening mark's glyph sits in the right half of its em box, a closing one's
# in the left half; the empty half beside the neighbouring character is taken back
_OPENING = "“‘「『《〈（"
_CLOSING = "”’」』》〉）"


def _squeezes(text: str) -> list[float]:
    """Per character, the share of an em its advance gives back (0 or 0.5)."""
    out = []
    for k, ch in enumerate(text):
        nxt = text[k + 1] if k + 1 < len(text) else ""
        squeeze = 0.0
        if ch in _CLOSING and nxt and nxt not in "，。、；：":
            squeeze = 0.5  # ” then 称: close the gap after the mark
        elif nxt and nxt in _OPENING and ch not in _OPENING + _CLOSING:
            squeeze = 0.5  # 度 then “: close the gap before the mark
        out.append(squeeze)
    return out


def compact_width(text: str, font: str, size: float) -> float:
    return text_width(text, font, size) - sum(_squeezes(text)) * size


def draw_compact(c: Canvas, text: str, x: float, y: float, font: str, size: float) -> None:
    """One line from x with the punctuation gaps closed: one text object, the character
    spacing (Tc) changed around the squeezed characters, so no position jump makes a
    PDF reader insert a space when the text is copied."""
    t = c.beginText(x, y)
    t.setFont(font, size)
    run, squeeze = "", 0.0
    for ch, s in zip(text, _squeezes(text), strict=True):
        if s != squeeze and run:
            t.setCharSpace(-squeeze * size)
            t.textOut(run)
            run = ""
        squeeze = s
        run += ch
    if run:
        t.setCharSpace(-squeeze * size)
        t.textOut(run)
    t.setCharSpace(0)
    c.drawText(t)


def _centred_compact(c: Canvas, lines: Sequence[str], font: str, size: float, x_mid: float,
                     y: float, leading: float) -> float:
    for line in lines:
        draw_compact(c, line, x_mid - compact_width(line, font, size) / 2, y, font, size)
        y -= leading
    return y


def _spaced_title(c: Canvas, title: str, font: str, size: float, x_mid: float, y: float) -> None:
    """A short title spread out (荣 誉 证 书) by character spacing, not spaces: it still
    copies as 荣誉证书."""
    spacing = size * 0.6 if len(title) <= 5 else 0.0
    width = text_width(title, font, size) + spacing * (len(title) - 1)
    t = c.beginText(x_mid - width / 2, y)
    t.setFont(font, size)
    t.setCharSpace(spacing)
    t.textOut(title)
    t.setCharSpace(0)
    c.drawText(t)


def define_decorations(c: Canvas, t: CertificateTemplate) -> str:
    """Draw the frame once into a form XObject that every page reuses: a batch of 1,000
    pages carries the vectors once (bytes and time per page stay low)."""
    c.beginForm(DECOR)
    if t.frame:
        _frame(c, *landscape(A4))
    c.endForm()
    return DECOR


def _draw_seal(c: Canvas, image: ImageReader) -> None:
    """The supplied seal over issuer and date, as a stamp presses on them; reportlab
    embeds one image once however many pages draw it."""
    w, h = image.getSize()
    scale = SEAL_SIZE / max(w, h)
    c.drawImage(image, X_SIGN - w * scale / 2, Y_DATE + 8 * mm - h * scale / 2, w * scale,
                h * scale, mask="auto")


def draw_certificate(c: Canvas, cert: Certificate, t: CertificateTemplate,
                     decor: str | None = None, seal: ImageReader | None = None) -> None:
    """One page on `c` (the caller ends the page). `decor`: the form from
    `define_decorations`; without it the frame is drawn on the page itself. `seal`: the
    office's scanned seal, when it asked for one."""
    song, _ = register()
    w, h = landscape(A4)
    if decor:
        c.doForm(decor)
    elif t.frame:
        _frame(c, w, h)
    inner = w - 2 * 45 * mm  # text block width, well inside the frame
    c.setFillColorRGB(*RED)
    _spaced_title(c, t.title, song, 54, w / 2, h - 52 * mm)
    c.setFillColorRGB(0, 0, 0)

    # the name gets a line of its own; it shrinks, then wraps, to fit
    before, after = _words(cert, t)
    name = f"{cert.name}同志" if cert.person else cert.name
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
        size, lines = fit(t.closing, song, 20, inner, min_size=14, max_lines=2)
        blocks.append((size, lines, size * 1.6, 6 * mm))
    # the body block sits centred between the title and the signature, every line centred;
    # a block too tall for that room (a long name on two lines) closes up its spacing
    # rather than run into the issuer
    top, bottom = h - 66 * mm, 84 * mm
    height = sum(gap + leading * len(lines) for _, lines, leading, gap in blocks)
    if height > top - bottom:
        factor = (top - bottom) / height
        blocks = [(size, lines, max(size * 1.2, leading * factor), gap * factor)
                  for size, lines, leading, gap in blocks]
        height = sum(gap + leading * len(lines) for _, lines, leading, gap in blocks)
    y = min((top + bottom) / 2 + height / 2, top)
    for size, lines, leading, gap in blocks:
        y -= gap + size
        y = _centred_compact(c, lines, song, size, w / 2, y, leading) + leading - size

    size, lines = fit(cert.issuer or t.issuer, song, 20, 90 * mm, min_size=14, max_lines=2)
    yy = _centred_compact(c, lines, song, size, X_SIGN, Y_DATE + size * 1.4 * len(lines),
                          size * 1.4)
    c.setFont(song, 18)
    c.drawCentredString(X_SIGN, yy - 2 * mm, chinese_date(cert.issued))
    number = cert.number or ("草稿，不编号" if cert.draft else "")
    if number:
        c.setFont(song, 11)
        c.drawString(24 * mm, h - 26 * mm, f"证书编号：{number}")
    if seal is not None:
        _draw_seal(c, seal)
    if cert.verification is not None:
        draw_mark(c, cert.verification, 24 * mm, 22 * mm, QR_SIZE, song)
    if cert.draft:
        draft_watermark(c, w, h, song)


def iter_certificates(path: Path | str, certs: Sequence[Certificate],
                      template: CertificateTemplate = CertificateTemplate()) -> Iterator[int]:
    """Write every certificate into one PDF, yielding the count done after each page."""
    register()
    c = prepare(Canvas(str(path), pagesize=landscape(A4), **canvas_options()))  # type: ignore[arg-type]
    c.setTitle(template.title)
    c.setAuthor(template.issuer or (certs[0].issuer if certs else ""))
    c.setSubject("、".join(dict.fromkeys(honour_line(x, template) for x in certs))[:200])
    decor = define_decorations(c, template)
    seal = ImageReader(template.seal_image) if template.seal_image else None
    for n, cert in enumerate(certs, start=1):
        draw_certificate(c, cert, template, decor, seal)
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
