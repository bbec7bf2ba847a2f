"""Previewing and printing a finished PDF through Qt's print dialog.

Each page is rasterised at the printer's resolution and painted onto the QPrinter the
user chose. The rasteriser is QtPdf where PySide6 ships it, else pdfium (the
`pypdfium2` package, a dependency); both are imported only when printing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, QSizeF, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPainter
from PySide6.QtWidgets import QWidget

Renderer = tuple[int, Callable[[int], QSizeF], Callable[[int, QSize], QImage]]


def open_in_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _renderer(path: Path, parent: QWidget | None = None) -> Renderer:
    """(page count, page size in points, render page n at a pixel size)."""
    try:
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        QPdfDocument = None
    if QPdfDocument is not None:
        doc = QPdfDocument(parent)
        doc.load(str(path))
        return doc.pageCount(), doc.pagePointSize, doc.render
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))

    def size(n: int) -> QSizeF:
        w, h = pdf[n].get_size()
        return QSizeF(w, h)

    def render(n: int, pixels: QSize) -> QImage:
        page = pdf[n]
        w, _ = page.get_size()
        bitmap = page.render(scale=pixels.width() / w, rev_byteorder=True)
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBA8888 if bitmap.n_channels == 4
                       else QImage.Format.Format_RGB888)
        return image.copy()  # detach from pdfium's buffer before it is freed

    return len(pdf), size, render


def print_pages(printer, path: Path, first: int = 1, last: int = 0) -> int:
    """Paint pages first…last (1-based; 0 = to the end) onto `printer`; pages printed."""
    count, point_size, render = _renderer(path)
    last = min(last or count, count)
    if count and point_size(0).width() > point_size(0).height():
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)  # certificates
    painter = QPainter(printer)
    printed = 0
    try:
        for n in range(max(first, 1) - 1, last):
            if printed:
                printer.newPage()
            target = painter.viewport()
            points = point_size(n)
            scale = min(target.width() / points.width(), target.height() / points.height())
            pixels = QSize(int(points.width() * scale), int(points.height() * scale))
            painter.drawImage(0, 0, render(n, pixels))
            printed += 1
    finally:
        painter.end()
    return printed


def print_pdf(parent: QWidget | None, path: Path) -> bool:
    """Print through Qt's print dialog; False when the user cancels."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    count = _renderer(path, parent)[0]
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.name)
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, max(count, 1))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_pages(printer, path, printer.fromPage() or 1, printer.toPage() or 0)
    return True
