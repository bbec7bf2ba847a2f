"""PDF 预览 inside the program: an office PC often has no PDF reader, and handing the file to
one that is missing fails without a word. The preview shows the pages, prints them
(pdf_print) and opens the folder that holds the file.

The pages come from QtPdf's QPdfView where PySide6 ships QtPdfWidgets, else from pdfium
(the `pypdfium2` dependency), rendered one page at a time as it scrolls into view, so a
300-page batch of certificates opens at once. A file that is not a PDF (an .xlsx) goes to
the program registered for it, and when there is none the user is told and offered the
folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .pdf_print import open_in_viewer, print_pdf

PAGE_GAP = 12


def open_folder(parent: QWidget | None, path: Path) -> bool:
    """Show the folder holding `path`; says where it is when no file manager opens."""
    folder = path if path.is_dir() else path.parent
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    QMessageBox.information(parent, "打开所在文件夹", f"无法自动打开文件夹，文件在：\n{folder}")
    return False


class _PdfiumPages(QScrollArea):
    """The pages as images in a column; each rendered when it first comes into view."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pypdfium2

        self._pdf = pypdfium2.PdfDocument(str(path))
        self.count = len(self._pdf)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setStyleSheet("QScrollArea { background: #80868b; }")
        column = QWidget()
        column.setStyleSheet("background: #80868b;")
        layout = QVBoxLayout(column)
        layout.setSpacing(PAGE_GAP)
        layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.width_px = 820
        self.pages: list[QLabel] = []
        for n in range(self.count):
            w, h = self._pdf[n].get_size()
            label = QLabel(f"第 {n + 1} 页")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("background: white; color: #9aa0a6;")
            label.setFixedSize(QSize(self.width_px, int(self.width_px * h / w)))
            label.setProperty("rendered", False)
            layout.addWidget(label)
            self.pages.append(label)
        self.setWidget(column)
        self.verticalScrollBar().valueChanged.connect(lambda _: self.render_visible())

    def render_visible(self) -> None:
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        for n, label in enumerate(self.pages):
            y = label.y()
            if y > bottom + label.height():
                break
            if y + label.height() >= top and not label.property("rendered"):
                self._render(n, label)

    def _render(self, n: int, label: QLabel) -> None:
        from PySide6.QtGui import QImage

        page = self._pdf[n]
        ratio = self.devicePixelRatioF()
        bitmap = page.render(scale=label.width() * ratio / page.get_size()[0], rev_byteorder=True)
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBA8888 if bitmap.n_channels == 4
                       else QImage.Format.Format_RGB888).copy()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        label.setPixmap(pixmap)
        label.setProperty("rendered", True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.render_visible()

    def close_document(self) -> None:
        self._pdf.close()


def _qtpdf_view(path: Path, parent: QWidget) -> tuple[QWidget, int] | None:
    try:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView
    except ImportError:
        return None
    document = QPdfDocument(parent)
    document.load(str(path))
    view = QPdfView(parent)
    view.setDocument(document)
    view.setPageMode(QPdfView.PageMode.MultiPage)
    view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
    return view, document.pageCount()


class PdfPreviewDialog(QDialog):
    """One PDF: its pages, 打印…, 打开所在文件夹 and 用其他程序打开."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"预览 — {self.path.name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        qt_view = _qtpdf_view(self.path, self)
        if qt_view is not None:
            self.view, self.page_count = qt_view
        else:
            self.view = _PdfiumPages(self.path, self)
            self.page_count = self.view.count
        self.view.setObjectName("pages")
        self.info = QLabel(f"{self.path.name}　共 {self.page_count} 页")
        self.print_button = QPushButton("打印(&P)…")
        self.print_button.clicked.connect(lambda: print_pdf(self, self.path))
        self.folder_button = QPushButton("打开所在文件夹(&F)")
        self.folder_button.clicked.connect(lambda: open_folder(self, self.path))
        self.external_button = QPushButton("用其他程序打开")
        self.external_button.setToolTip("用这台电脑上的 PDF 阅读器打开（如果装有）")
        self.external_button.clicked.connect(self.open_externally)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        for button in (self.print_button, self.folder_button, self.external_button, close):
            button.setAutoDefault(False)
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self,
                  activated=self.print_button.click)
        self.resize(900, 860)

    def open_externally(self) -> bool:
        if open_in_viewer(self.path):
            return True
        QMessageBox.information(self, "用其他程序打开",
                                "这台电脑上没有能打开 PDF 的程序。可以在这个窗口里查看和打印，"
                                "或点“打开所在文件夹”把文件拷走。")
        return False

    def done(self, result: int) -> None:
        if isinstance(self.view, _PdfiumPages):
            self.view.close_document()
        super().done(result)


def preview_file(parent: QWidget | None, path: Path) -> QDialog | None:
    """Show a generated file: a PDF in the preview window (returned), anything else in the
    program registered for it — or, when there is none, say so and offer the folder."""
    path = Path(path)
    if not path.is_file():
        QMessageBox.information(parent, "预览", f"文件已不在原处：\n{path}")
        return None
    if path.suffix.lower() == ".pdf":
        try:
            dialog = PdfPreviewDialog(path, parent)
        except Exception:  # a damaged file: pdfium refuses it
            QMessageBox.information(parent, "预览", f"无法读取这个 PDF 文件，可能已损坏：\n{path}")
            return None
        dialog.show()
        return dialog
    if open_in_viewer(path):
        return None
    answer = QMessageBox.question(
        parent, "打开文件",
        f"这台电脑上没有能打开“{path.suffix}”文件的程序（如 Excel 或 WPS）。\n"
        "要打开所在文件夹，把文件拷到别的电脑上查看吗？")
    if answer == QMessageBox.StandardButton.Yes:
        open_folder(parent, path)
    return None
