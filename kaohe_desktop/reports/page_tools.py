"""Helpers the tabular documents share (公示 list, score sheets, attendance report):
page numbers on every page, and table columns as wide as their content.

`PagedCanvas` keeps each finished page until `save`, when the page count is known, then
stamps “第 x 页 共 y 页” at the foot of each: a one-page list is numbered too, and a
reader who finds a loose sheet knows where it belongs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import text_width
from .layout import Column

FOOT = 8 * mm  # the page number's baseline above the paper's bottom edge


def page_label(number: int, total: int) -> str:
    return f"第 {number} 页 共 {total} 页"


class PagedCanvas(Canvas):
    """A Canvas whose pages get “第 x 页 共 y 页” centred at the foot when saved.
    `number_font` must be registered (a CJK font: the label is Chinese)."""

    def __init__(self, *args: Any, number_font: str, number_size: float = 9, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._number_font = number_font
        self._number_size = number_size
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        if self._code or not self._pages:  # something drawn after the last showPage
            self.showPage()
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.setFillColorRGB(0, 0, 0)
            self.setFont(self._number_font, self._number_size)
            width = self._pagesize[0]
            self.drawCentredString(width / 2, FOOT, page_label(number, total))
            self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)


def fit_columns(titles: Sequence[str], rows: Sequence[Sequence[str]], font: str, size: float,
                width: float, *, flex: Sequence[int] = (), aligns: Sequence[str] = (),
                pad: float = 1.5 * mm, header_size: float | None = None) -> list[Column]:
    """Columns as wide as their widest cell (header included), filling `width`: room to
    spare goes to the `flex` columns (names, texts); too little room is taken from them
    (their cells then wrap), never from the short columns (rank, code, numbers)."""
    header_size = header_size or size
    natural = []
    for k, title in enumerate(titles):
        cells = [text_width(str(r[k]), font, size) for r in rows]
        natural.append(max([text_width(title, font, header_size), *cells]) + 2 * pad + 1)
    flex = list(flex) or [max(range(len(titles)), key=lambda k: natural[k])]
    fixed = sum(w for k, w in enumerate(natural) if k not in flex)
    flexible = sum(natural[k] for k in flex)
    room = width - fixed
    widths = list(natural)
    least = 4 * size + 2 * pad  # a flexible column keeps room for four characters
    if flexible > 0:
        for k in flex:
            widths[k] = max(room * natural[k] / flexible, least)
        # a column raised to its least width takes that from the wider flexible columns
        excess = sum(widths[k] for k in flex) - room
        spare = sum(widths[k] - least for k in flex)
        if excess > 0 and spare > excess:
            for k in flex:
                widths[k] -= excess * (widths[k] - least) / spare
    if sum(widths) > width + 0.01:  # the short columns alone are too wide: scale them all
        scale = width / sum(widths)
        widths = [w * scale for w in widths]
    aligns = list(aligns) or ["left"] * len(titles)
    return [Column(t, w, a) for t, w, a in zip(titles, widths, aligns, strict=True)]
