"""Reading PDFs back for the tests of tests/reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader

LONG_NAME = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"  # 30 characters
ISSUED = date(2024, 12, 20)


def pdf_text(path: Path) -> tuple[int, str]:
    """(page count, the text of every page with line breaks removed)."""
    reader = PdfReader(str(path))
    text = "".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), text.replace("\n", "").replace(" ", "")


def embedded_fonts(path: Path) -> set[str]:
    """BaseFont names of the fonts whose program (/FontFile2: TrueType) is in the file."""
    found = set()
    for page in PdfReader(str(path)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                fd = desc.get_object().get("/FontDescriptor")
                if fd is not None and "/FontFile2" in fd.get_object():
                    found.add(str(font["/BaseFont"]))
    return found
