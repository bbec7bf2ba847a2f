"""Printing the monthly attendance summary: the table as a QTextDocument (HTML), sent to
a printer chosen in QPrintDialog, or to a PDF file (tests, and 另存为 PDF on a PC without
a printer driver that does it).

The document uses the application font — the shipped CJK font — so Chinese prints on a
machine without Chinese fonts. Landscape A4: the summary has 10 + one column per leave
type.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ..common.tables import Column


def summary_html(title: str, subtitle: str, columns: Sequence[Column], rows: Sequence[object],
                 notes: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{escape(c.title)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = c.value(row)
            text = "" if value is None else escape(str(value))
            cells.append(f"<td align='right'>{text}</td>" if c.right else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    foot = "".join(f"<p class='note'>注：{escape(n)}</p>" for n in notes)
    return (
        "<html><head><style>"
        "h1 { font-size: 16pt; text-align: center; margin: 0; }"
        "p.sub { text-align: center; color: #444; margin: 4px 0 10px 0; }"
        "table { border-collapse: collapse; }"
        "th { background: #dce6f1; font-weight: bold; padding: 3px 5px; }"
        "td { padding: 2px 5px; }"
        "p.note { color: #444; font-size: 9pt; }"
        "</style></head><body>"
        f"<h1>{escape(title)}</h1><p class='sub'>{escape(subtitle)}</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}"
        "</body></html>")


def summary_document(html: str) -> QTextDocument:
    doc = QTextDocument()
    app_font = QApplication.font()
    doc.setDefaultFont(QFont(app_font.family(), 9))
    doc.setHtml(html)
    return doc


def _landscape(printer: QPrinter) -> None:
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Landscape,
                                      QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))


def print_to_pdf(html: str, path: Path) -> Path:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _landscape(printer)
    summary_document(html).print_(printer)
    return path


def print_with_dialog(parent: QWidget | None, html: str) -> bool:
    """Ask for a printer (QPrintDialog) and print; False when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _landscape(printer)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印考勤汇总")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    summary_document(html).print_(printer)
    return True
