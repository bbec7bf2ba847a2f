"""Shared drawing helpers: text that shrinks and wraps to fit, tables that paginate.

Chinese text has no spaces to break at: `wrap` breaks between any two characters, but
never before closing punctuation (，。、；：）」》), never after an opening one, and never
inside a number or a Latin word (0.43, FR05).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfgen.canvas import Canvas

from kaohe_desktop import __version__

from .fonts import SONG, describe_font, register, text_width

_NO_START = "，。、；：？！）」』》〕】”’,.;:?!)%"
_NO_END = "（「『《〔【“‘("


def _is_word(ch: str) -> bool:
    """Digits, Latin letters and the decimal point: a number such as 0.43 never breaks."""
    return ch.isascii() and (ch.isalnum() or ch in ".%-")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width` (a single over-wide character still gets a line)."""
    lines: list[str] = []
    char_width: dict[str, float] = {}
    for para in text.split("\n"):
        line = ""
        used = 0.0  # glyph widths add up: reportlab applies no kerning to TrueType text
        for ch in para:
            cw = char_width.get(ch)
            if cw is None:
                cw = char_width[ch] = text_width(ch, font, size)
            trial = line + ch
            used += cw
            if line and used > width + 1e-6:
                # break before `k`: never start a line with closing punctuation nor end
                # one with opening punctuation; carry characters over when needed
                k = len(trial) - 1
                while k > 1 and (trial[k] in _NO_START or trial[k - 1] in _NO_END
                                 or (_is_word(trial[k]) and _is_word(trial[k - 1]))):
                    k -= 1
                if k == 1 and len(trial) > 2:  # one long word: break it after all
                    k = len(trial) - 1
                lines.append(trial[:k])
                line = trial[k:]
                used = text_width(line, font, size)
            else:
                line = trial
        lines.append(line)
    return lines


def fit(text: str, font: str, size: float, width: float, *, min_size: float,
        max_lines: int = 1) -> tuple[float, list[str]]:
    found = _fit(text, font, size, width, min_size, max_lines)
    return found[0], list(found[1])


@lru_cache(maxsize=1024)  # a batch repeats the same wording, issuer and date on every page
def _fit(text: str, font: str, size: float, width: float, min_size: float,
         max_lines: int) -> tuple[float, tuple[str, ...]]:
    """The largest size ≤ `size` (down to `min_size`) at which `text` fits `width` in at most
    `max_lines` lines; at `min_size` it wraps to as many lines as it needs."""
    s = size
    while s >= min_size:
        lines = wrap(text, font, s, width)
        if len(lines) <= max_lines:
            return s, tuple(balance(text, font, s, width, lines))
        s -= 0.5
    return min_size, tuple(balance(text, font, min_size, width, wrap(text, font, min_size, width)))


def balance(text: str, font: str, size: float, width: float, lines: list[str]) -> list[str]:
    """The same number of lines, as even as possible (no single character left alone)."""
    if len(lines) < 2 or "\n" in text:
        return lines
    lo, hi = width / len(lines) * 0.8, width
    best = lines
    for _ in range(12):
        mid = (lo + hi) / 2
        trial = wrap(text, font, size, mid)
        if len(trial) <= len(lines):
            best, hi = trial, mid
        else:
            lo = mid
    return best


def centred_lines(c: Canvas, lines: Sequence[str], font: str, size: float, x_mid: float,
                  y_top: float, leading: float) -> float:
    """Draw lines centred on x_mid from the baseline y_top down; returns the next baseline."""
    c.setFont(font, size)
    y = y_top
    for line in lines:
        c.drawCentredString(x_mid, y, line)
        y -= leading
    return y


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # points
    align: str = "left"  # left / centre / right


def draw_table(c: Canvas, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, x: float,
               y_top: float, y_bottom: float, font: str, size: float = 10,
               new_page: Callable[[], float] | None = None, header_fill=(0.9, 0.9, 0.9)) -> float:
    """A ruled table; cells wrap; when a row does not fit above y_bottom, `new_page()` is
    called (it starts a page and returns its top) and the header repeats. Returns the y
    below the last row."""
    pad = 1.5 * mm
    leading = size * 1.3

    def row_height(cells: Sequence[str]) -> tuple[float, list[list[str]]]:
        wrapped = [wrap(str(t), font, size, col.width - 2 * pad) for t, col in zip(cells, columns,
                                                                                  strict=True)]
        return max(len(w) for w in wrapped) * leading + 2 * pad, wrapped

    def draw_row(y: float, cells: Sequence[str], fill=None, header: bool = False) -> float:
        h, wrapped = row_height(cells)
        if fill:
            c.setFillColorRGB(*fill)
            c.rect(x, y - h, sum(col.width for col in columns), h, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
        cx = x
        c.setFont(font, size)
        for lines, col in zip(wrapped, columns, strict=True):
            c.rect(cx, y - h, col.width, h)
            ty = y - pad - size * 0.9
            for line in lines:
                if header or col.align == "centre":
                    c.drawCentredString(cx + col.width / 2, ty, line)
                elif col.align == "right":
                    c.drawRightString(cx + col.width - pad, ty, line)
                else:
                    c.drawString(cx + pad, ty, line)
                ty -= leading
            cx += col.width
        return y - h

    c.setLineWidth(0.5)
    heads = [col.title for col in columns]
    y = draw_row(y_top, heads, header_fill, header=True)
    for cells in rows:
        h, _ = row_height(cells)
        if y - h < y_bottom and new_page is not None:
            y = draw_row(new_page(), heads, header_fill, header=True)
            c.setLineWidth(0.5)
        y = draw_row(y, cells)
    return y


DRAFT_MARK = "草稿"
DRAFT_NOTE = "草稿 · 未经审议 · 不得作为正式文件"


def draft_watermark(c: Canvas, width: float, height: float, font: str) -> None:
    """A preview from an assessment not yet approved: a large grey 草稿 across the page
    and a line saying why, drawn over the content so no print of it passes as issued."""
    c.saveState()
    c.setFillColorRGB(0.55, 0.55, 0.55)
    if hasattr(c, "setFillAlpha"):
        c.setFillAlpha(0.35)
    c.translate(width / 2, height / 2)
    c.rotate(35)
    size = min(width, height) / 3.2
    c.setFont(font, size)
    c.drawCentredString(0, -size / 3, DRAFT_MARK)
    c.setFont(font, size / 7)
    c.drawCentredString(0, -size / 3 - size / 4.5, DRAFT_NOTE)
    c.restoreState()


# ----------------------------------------------------------------------------- the document


class _Info(PDFInfo):
    """The document information dictionary, filled in at save time with the fonts that
    drew the document (Keywords and a /Fonts entry), read from the fonts it embeds."""

    fonts_note = ""  # replaces the automatic list (the 公文 name each font's role)

    def format(self, document):  # type: ignore[no-untyped-def]
        used = list(dict.fromkeys(describe_font(name) for name in document.fontMapping))
        fonts = self.fonts_note or "、".join(used)
        others = [f for f in used if f not in fonts]  # a rare character's fallback face
        if others:
            fonts += "；个别字：" + "、".join(others)
        if fonts:
            self.keywords = f"字体：{fonts}"
        text = super().format(document)
        if not fonts:
            return text
        extra = PDFDictionary({"Fonts": PDFString(fonts)}).format(document)
        # both are "<< ... >>": splice the extra entry in before the closing brackets
        return text.rstrip()[:-2] + extra.strip()[2:]


def canvas_options() -> dict[str, object]:
    """Keyword arguments for every Canvas the program makes. The initial font is a
    TrueType one: reportlab's default (Helvetica) would be named in every page's preamble
    and so referenced by a PDF that never draws with it."""
    register()
    return {"pageCompression": 1, "initialFontName": SONG}


def prepare(c: Canvas, *, title: str | None = None, author: str | None = None,
            subject: str | None = None) -> Canvas:
    """The properties every PDF carries: title, author (the issuer) and subject (None
    keeps what was set), the program as creator, the fonts used (at save), and
    /PrintScaling /None so viewers print at actual size — a 公文's margins and a
    certificate's frame come out as measured."""
    info = _Info()
    info.__dict__.update(c._doc.info.__dict__)
    c._doc.info = info
    if title is not None:
        c.setTitle(title)
    if author is not None:
        c.setAuthor(author or "便民服务站考核")
    if subject is not None:
        c.setSubject(subject)
    c.setCreator(f"便民服务站考核 {__version__}")
    c.setViewerPreference("PrintScaling", "None")
    return c


def new_canvas(path: Path | str, pagesize: tuple[float, float], *, title: str, author: str = "",
               subject: str = "") -> Canvas:
    """A prepared Canvas (see `canvas_options` and `prepare`)."""
    c = Canvas(str(path), pagesize=pagesize, **canvas_options())  # type: ignore[arg-type]
    return prepare(c, title=title, author=author, subject=subject or title)


def set_fonts_note(c: Canvas, note: str) -> None:
    """Name the fonts in the properties by role instead of by file (the 公文)."""
    info = c._doc.info
    if isinstance(info, _Info):
        info.fonts_note = note
