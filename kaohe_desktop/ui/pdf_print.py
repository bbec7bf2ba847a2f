"""Previewing and printing a finished PDF.

Printing renders each page with QtPdf (PySide6-Addons) onto a QPrinter chosen in Qt's
print dialog. Where QtPdf is not installed, the PDF opens in the system's viewer, which
has its own preview and print. Both are lazy imports: the page loads without them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget


def open_in_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_pdf(parent: QWidget | None, path: Path) -> bool:
    """Print through Qt's print dialog; False when the user cancels. Falls back to the
    system viewer when QtPdf is missing."""
    try:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    except ImportError:
        return open_in_viewer(path)
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QPainter

    doc = QPdfDocument(parent)
    doc.load(str(path))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.name)
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, doc.pageCount())
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    painter = QPainter(printer)
    try:
        first = max(printer.fromPage(), 1) - 1
        last = (printer.toPage() or doc.pageCount()) - 1
        for n in range(first, last + 1):
            if n > first:
                printer.newPage()
            target = painter.viewport()
            points = doc.pagePointSize(n)
            scale = min(target.width() / points.width(), target.height() / points.height())
            size = QSize(int(points.width() * scale), int(points.height() * scale))
            painter.drawImage(0, 0, doc.render(n, size))
    finally:
        painter.end()
    return True
