"""The verification code printed on an issued document: a QR code (reportlab's own
barcode module, nothing else to ship) holding what the document states and the office's
signature, and beside it the short code to type or read aloud.

The documents hand in a `VerificationMark` (made by services/verification); each places
it where its layout leaves room (a certificate's lower left corner, a notice's bottom
margin on the 版记 page, below a list's issuer and date).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import text_width

QUIET = 4  # modules of white round the code, as the QR standard asks (inside the size given)
HOW = "扫码或用 kaohe verify 核验"


@dataclass(frozen=True)
class VerificationMark:
    text: str  # KH000017-ABCD-EFGH-IJKL-MNOP
    payload: str  # the signed lines and the signature (what the QR code holds)


def draw_qr(c: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """The QR code of `payload` as a `size` square with its lower left corner at (x, y).
    Level M: a scuffed corner of a certificate still reads."""
    widget = QrCodeWidget(payload, barLevel="M", barBorder=QUIET)
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    renderPDF.draw(d, c, x, y)


def draw_mark(c: Canvas, mark: VerificationMark, x: float, y: float, size: float, font: str,
              *, text_size: float = 7.5, text_side: str = "right") -> None:
    """The QR code at (x, y) (lower left) and the short code with a line saying how to
    check it: to its right (`text_side="right"`) or to its left ("left", right-aligned
    against the code), the two lines level with the code's lower half."""
    draw_qr(c, mark.payload, x, y, size)
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    lines = (f"核验码 {mark.text}", HOW)
    gap = 1.5 * mm
    for k, line in enumerate(lines):
        baseline = y + size * 0.35 - k * (text_size * 1.5)
        c.setFont(font, text_size)
        if text_side == "right":
            c.drawString(x + size + gap, baseline, line)
        else:
            c.drawString(x - gap - text_width(line, font, text_size), baseline, line)
    c.restoreState()


def mark_width(mark: VerificationMark, font: str, size: float, text_size: float = 7.5) -> float:
    """The room the code and its text take across."""
    texts = (f"核验码 {mark.text}", HOW)
    return size + 1.5 * mm + max(text_width(t, font, text_size) for t in texts)


def qr_png(payload: str, module_px: int = 8) -> bytes:
    """The same QR code as a PNG (for a workbook, which cannot hold vector drawings):
    the module matrix from reportlab's encoder, drawn square by square with Pillow."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    widget = QrCodeWidget(payload, barLevel="M", barBorder=QUIET)
    widget.qr.make()
    modules = widget.qr.modules
    n = len(modules) + 2 * QUIET
    image = Image.new("1", (n * module_px, n * module_px), 1)
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + QUIET) * module_px, (r + QUIET) * module_px
                draw.rectangle((x, y, x + module_px - 1, y + module_px - 1), fill=0)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
