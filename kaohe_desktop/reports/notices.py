"""公文 notices to GB/T 9704-2012: 整改通知书, 限期书面报告通知, 诫勉谈话通知, 通报批评, 改进意见书.

The page (A4, printed on both sides): 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm holding
22 lines of 28 characters of 3号 (16 pt) 仿宋. The grid is exact: characters step
`PITCH` (16 pt glyph plus a negative spacing, so the 28th ends on the 版心's right edge)
and lines step `LINE` (225 mm / 22). Lines are justified except a paragraph's last; a
closing punctuation mark that would start a line hangs past the right edge instead (as
Word's 允许标点溢出边界 does), so every line keeps the grid.

Vertical distances between elements are measured between glyph boxes (em boxes, which
is what a PDF reader reports): the 发文机关标志's top 35 mm below the 版心's top, the
发文字号 two lines below the 标志, the red rule 4 mm below the 文号, the title two lines
below the rule, the 主送机关 one line below the title; the body follows line by line.

The end: two empty lines for the seal (stamped by hand — nothing is printed there),
the 发文机关署名 centred over the 成文日期, which stands 右空四字; the 附注 in
parentheses on the next line. The 署名 never starts a page alone: the last two body lines
go with it. The 版记 (抄送, then 印发机关 and 印发日期, between rules) sits at the foot of
the last page, which is always even — so a batch prints duplex without one notice on the
back of another. Page numbers (— 1 —, 4号 宋体) 7 mm below the 版心: odd pages right, even
pages left, one character in; a blank page before the 版记 page and that page carry none.
The verification code (QR and short text) stands in the bottom margin of the 版记 page,
at the right, below the 版心: nothing of the grid moves.

The number itself is the caller's (`services.documents` numbers them per year).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import plain_date
from .fonts import SONG, GongwenFonts, MissingGlyph, gongwen_fonts, require_printable
from .layout import draft_watermark, new_canvas, set_fonts_note
from .notice_text import (  # noqa: F401  (the notice's data and wording, re-exported for callers)
    KIND_TITLES,
    Deduction,
    LostItem,
    Notice,
    note,
    paragraphs,
)
from .verification_mark import draw_mark

RED = (0.86, 0.0, 0.0)
PAGE_W, PAGE_H = A4
TOP, LEFT = 37 * mm, 28 * mm  # 天头, 订口
BLOCK_W, BLOCK_H = 156 * mm, 225 * mm  # 版心
RIGHT_EDGE = LEFT + BLOCK_W
BOTTOM_EDGE = TOP + BLOCK_H  # measured from the page top
BODY = 16  # 3号
CHARS, LINES = 28, 22
PITCH = (BLOCK_W - BODY) / (CHARS - 1)  # one character's step: 15.785 pt
CHAR_SPACE = PITCH - BODY  # -0.21 pt: 28 glyphs of 16 pt fill 156 mm exactly
LINE = BLOCK_H / LINES  # 28.99 pt
TITLE = 22  # 2号
FOOT = 14  # 4号: page numbers and 版记
FLAG_MAX = 52.0  # the 标志's largest size; long names get smaller, then narrower
FLAG_TOP = 35 * mm  # below the 版心's top
RULE_GAP = 4 * mm
PAGE_NUMBER_DROP = 7 * mm  # the dashes' line below the 版心

_NO_START = "，。、；：？！）」』》〕】”’,.;:?!)%"  # never begins a line
_NO_END = "（「『《〔【“‘("  # never ends one
_HANGS = "，。、；：？！）」』》〕】”’"  # may hang past the right edge
_HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
_HEADING2 = re.compile(r"^（[一二三四五六七八九十]+）")


# ----------------------------------------------------------------------------- the grid


def _adv(ch: str, font: str, size: float, cache: dict[tuple[str, str, float], float] = {}) -> float:  # noqa: B006 (a deliberate per-process cache)
    """A character's advance without spacing (fallback fonts included)."""
    key = (ch, font, size)
    w = cache.get(key)
    if w is None:
        w = cache[key] = pdfmetrics.stringWidth(ch, font, size)
    return w


def _is_word(ch: str) -> bool:
    """Digits, Latin letters and the decimal point: 0.43 or FR05 never breaks."""
    return ch.isascii() and (ch.isalnum() or ch in ".%-")


@dataclass
class Line:
    """One line of text as drawn: its start, its spacing, and whether it hangs a mark."""

    text: str
    font: str
    x: float
    char_space: float = CHAR_SPACE
    size: float = BODY
    faux_bold: bool = False
    colour: tuple[float, float, float] = (0, 0, 0)
    horiz_scale: float = 100.0

    def width(self) -> float:
        return (sum(_adv(ch, self.font, self.size) for ch in self.text)
                + self.char_space * (len(self.text) - 1)) * self.horiz_scale / 100


def break_paragraph(text: str, font: str, first_indent: int = 2) -> list[Line]:
    """The paragraph's lines on the 28-character grid: the first indented `first_indent`
    characters, the rest flush left; all but the last justified to the 版心's width."""
    lines: list[Line] = []
    start = 0
    indent = first_indent
    while start < len(text):
        x0 = LEFT + indent * PITCH
        room = RIGHT_EDGE - x0
        used = 0.0
        end = start
        while end < len(text):
            step = _adv(text[end], font, BODY) + (CHAR_SPACE if end > start else 0)
            if used + step > room + 0.01:
                break
            used += step
            end += 1
        if end < len(text):
            if (text[end] in _HANGS and text[end - 1] not in _HANGS
                    and (end + 1 >= len(text) or text[end + 1] not in _NO_START)):
                end += 1  # hangs past the edge: the grid stays whole
            else:
                k = end  # break before text[k]: no line starts with a closing mark …
                while k > start + 1 and (text[k] in _NO_START or text[k - 1] in _NO_END
                                         or (_is_word(text[k]) and _is_word(text[k - 1]))):
                    k -= 1
                if k > start + 1:
                    end = k
        end = max(end, start + 1)
        chunk = text[start:end]
        line = Line(chunk, font, x0)
        last = end >= len(text)
        if not last and len(chunk) > 1:
            body = chunk[:-1] if chunk[-1] in _HANGS and line.width() > room + 0.01 else chunk
            natural = sum(_adv(ch, font, BODY) for ch in body)
            line.char_space = (room - natural) / (len(body) - 1) if len(body) > 1 else CHAR_SPACE
        lines.append(line)
        start = end
        indent = 0
    return lines or [Line("", font, LEFT)]


def _title_lines(parts: Sequence[str], font: str) -> list[str]:
    """The title broken between words into a balanced trapezoid (each line no shorter
    than the one above) or, for three lines and more, a diamond; as few lines as fit."""
    room = int(BLOCK_W // TITLE)  # 20 characters of 2号

    def splits(k: int, lo: int) -> Iterator[list[int]]:
        if k == 0:
            yield []
            return
        for i in range(lo, len(parts)):
            for rest in splits(k - 1, i + 1):
                yield [i, *rest]

    words = [w for p in parts for w in ([p] if len(p) <= room else
                                        [p[i:i + room] for i in range(0, len(p), room)])]
    parts = words
    for count in range(1, min(len(parts), 4) + 1):
        best: tuple[float, list[str]] | None = None
        for cuts in splits(count - 1, 1):
            bounds = [0, *cuts, len(parts)]
            lines = ["".join(parts[a:b]) for a, b in itertools.pairwise(bounds)]
            lengths = [len(x) for x in lines]
            if max(lengths) > room:
                continue
            trapezoid = all(a <= b for a, b in itertools.pairwise(lengths))
            peak = lengths.index(max(lengths))
            diamond = (count >= 3 and all(a <= b for a, b in itertools.pairwise(lengths[:peak + 1]))
                       and all(a >= b for a, b in itertools.pairwise(lengths[peak:])))
            score = max(lengths) - min(lengths) + (0 if trapezoid or diamond else 100)
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return best[1]
    return ["".join(parts)]


# ----------------------------------------------------------------------------- drawing


def _baseline(em_top: float, font: str, size: float) -> float:
    """The PDF y of the baseline that puts a glyph's em box top at `em_top` (measured down
    from the page top); readers place the box from the font's descent."""
    descent = pdfmetrics.getFont(font).face.descent / 1000 * size
    return PAGE_H - (em_top + size) - descent


def _draw(c: Canvas, line: Line, em_top: float) -> None:
    if not line.text:
        return
    t = c.beginText()
    t.setTextOrigin(line.x, _baseline(em_top, line.font, line.size))
    t.setFont(line.font, line.size)
    t.setCharSpace(line.char_space)
    if line.horiz_scale != 100:
        t.setHorizScale(line.horiz_scale)
    c.setFillColorRGB(*line.colour)
    if line.faux_bold:  # a stand-in for 小标宋: fill and stroke the outline a little
        c.setStrokeColorRGB(*line.colour)
        c.setLineWidth(line.size * 0.028)
        t.setTextRenderMode(2)
    t.textOut(line.text)
    c.drawText(t)
    c.setFillColorRGB(0, 0, 0)
    c.setStrokeColorRGB(0, 0, 0)


def _centred(text: str, font: str, size: float, faux_bold: bool = False,
             colour: tuple[float, float, float] = (0, 0, 0), space: float = 0.0) -> Line:
    line = Line(text, font, 0, space, size, faux_bold, colour)
    line.x = LEFT + (BLOCK_W - line.width()) / 2
    return line


@dataclass
class _Slot:
    """A body line's place: `line` None is an empty line (the seal's room)."""

    line: Line | None
    tail: bool = False  # part of the signature block
    keep: bool = False  # one of the last body lines kept with the signature block


@dataclass
class _Page:
    slots: list[tuple[float, _Slot]]  # (em top, slot)
    first: bool = False


def _page_slots(first_top: float | None) -> list[float]:
    """Em tops of a page's body lines: page 1 from below the head, others the grid."""
    margin = (LINE - BODY) / 2
    if first_top is None:
        return [TOP + k * LINE + margin for k in range(LINES)]
    out = []
    top = first_top
    while top + BODY + margin <= BOTTOM_EDGE + 0.01:
        out.append(top)
        top += LINE
    return out


def _paginate(slots: list[_Slot], first_top: float) -> list[list[tuple[float, _Slot]]]:
    """Fill pages line by line. The signature block (seal room, 署名, 日期, 附注) never
    splits and never starts a page by itself: when it would, the page breaks before the
    last body lines instead, which move over with it."""
    pages: list[list[tuple[float, _Slot]]] = []
    tail = next((j for j, s in enumerate(slots) if s.tail), len(slots))
    kept = next((j for j, s in enumerate(slots) if s.keep), tail)
    i = 0
    places = _page_slots(first_top)
    while i < len(slots):
        take = min(len(places), len(slots) - i)
        end = i + take
        if end < len(slots) and i <= tail <= end and kept > i:
            take = kept - i
        pages.append(list(zip(places, slots[i:i + take], strict=False)))
        i += take
        places = _page_slots(None)
    return pages


def _page_number(c: Canvas, number: int, font: str) -> None:
    """— 7 — in 4号 宋体: the dashes' line 7 mm below the 版心; odd right, even left."""
    text = f"— {number} —"
    line = Line(text, font, 0, 0, FOOT)
    width = line.width()
    line.x = RIGHT_EDGE - FOOT - width if number % 2 else LEFT + FOOT
    # an em dash sits on the middle of the ideographic em box
    _draw(c, line, BOTTOM_EDGE + PAGE_NUMBER_DROP - FOOT / 2)


def _colophon(c: Canvas, n: Notice, font: str) -> None:
    """版记 at the foot of the page: thick rule, 抄送, thin rule, 印发机关 … 印发日期, thick
    rule on the 版心's bottom edge."""
    rows = 2 if n.copy_to else 1
    top = BOTTOM_EDGE - rows * LINE

    def rule(d: float, width_mm: float) -> None:
        c.setLineWidth(width_mm * mm)
        y = PAGE_H - d
        c.line(LEFT, y, RIGHT_EDGE, y)

    def em_top(row: int) -> float:
        return top + row * LINE + (LINE - FOOT) / 2

    rule(top, 0.35)
    row = 0
    if n.copy_to:
        copy = n.copy_to.rstrip("。") + "。"
        _draw(c, Line(f"抄送：{copy}", font, LEFT + FOOT, 0, FOOT), em_top(0))
        rule(top + LINE, 0.25)
        row = 1
    printer = n.printer or n.issuer
    _draw(c, Line(printer, font, LEFT + FOOT, 0, FOOT), em_top(row))
    printed = Line(f"{plain_date(n.issued)}印发", font, 0, 0, FOOT)
    printed.x = RIGHT_EDGE - FOOT - printed.width()
    _draw(c, printed, em_top(row))
    rule(BOTTOM_EDGE, 0.35)


QR_SIZE = 28 * mm  # with its quiet zone: 0.36 mm a module
QR_BOTTOM = 4 * mm  # the quiet zone reaches down here; the dark modules start 1.5 mm higher


def _verification(c: Canvas, n: Notice, font: str) -> None:
    """The verification code below the 版心 of the 版记 page, at the right: that page is
    even, its page number stands at the left, and the 版心 itself keeps its grid."""
    if n.verification is not None:
        draw_mark(c, n.verification, RIGHT_EDGE - QR_SIZE, QR_BOTTOM, QR_SIZE, font,
                  text_side="left")


def _head(c: Canvas, n: Notice, fonts: GongwenFonts) -> float:
    """发文机关标志, 发文字号, red rule, title and 主送; returns the first body line's em top."""
    head, body = fonts.head, fonts.body.name
    flag_text = n.head or f"{n.issuer}文件"
    unit = Line(flag_text, head.name, 0, 0, 1).width()  # width at 1 pt
    size = min(FLAG_MAX, BLOCK_W * 0.96 / unit) if unit else FLAG_MAX
    scale = 100.0
    if size < 30:  # a long name: keep the height, narrow the glyphs
        scale, size = 100 * size / 30, 30.0
    flag = Line(flag_text, head.name, 0, 0, size, head.faux_bold, RED, scale)
    flag.x = LEFT + (BLOCK_W - flag.width()) / 2
    flag_top = TOP + FLAG_TOP
    _draw(c, flag, flag_top)
    number_top = flag_top + size + 2 * LINE
    number = n.number or ("（草稿，不编号）" if n.draft else "")
    _draw(c, _centred(number, body, BODY, space=CHAR_SPACE), number_top)
    rule = number_top + BODY + RULE_GAP
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(1.0)  # the 版心's width
    c.line(LEFT, PAGE_H - rule, RIGHT_EDGE, PAGE_H - rule)
    c.setStrokeColorRGB(0, 0, 0)
    top = rule + 2 * LINE
    lines = _title_lines(n.title_parts(), head.name)
    for k, text in enumerate(lines):
        _draw(c, _centred(text, head.name, TITLE, head.faux_bold), top + k * LINE)
    return top + (len(lines) - 1) * LINE + TITLE + LINE


def _signature(n: Notice, body: str) -> list[Line]:
    """署名 centred over 成文日期, which ends four characters from the right edge."""
    issued = plain_date(n.issued)
    date_line = Line(issued, body, 0)
    date_line.x = RIGHT_EDGE - 4 * PITCH - date_line.width()
    signer = Line(n.issuer, body, 0)
    centre = date_line.x + date_line.width() / 2
    signer.x = min(centre - signer.width() / 2, RIGHT_EDGE - signer.width())
    return [signer, date_line]


def _body_slots(n: Notice, fonts: GongwenFonts) -> list[_Slot]:
    body = fonts.body.name
    slots = [_Slot(line) for line in break_paragraph(f"{n.addressee}：", body, 0)]
    for text in paragraphs(n):
        font = (fonts.heading1.name if _HEADING1.match(text)
                else fonts.heading2.name if _HEADING2.match(text) else body)
        slots += [_Slot(line) for line in break_paragraph(text, font)]
    for s in slots[-2:]:
        s.keep = True
    slots += [_Slot(None, tail=True), _Slot(None, tail=True)]  # the seal's room
    slots += [_Slot(line, tail=True) for line in _signature(n, body)]
    remark = note(n)
    if remark:
        slots += [_Slot(line, tail=True) for line in break_paragraph(remark, body)]
    return slots


def _texts(n: Notice) -> list[str]:
    return [n.head or f"{n.issuer}文件", n.number, n.title, n.addressee, *paragraphs(n), n.issuer,
            note(n), n.copy_to, n.printer]


def draw_notice(c: Canvas, n: Notice, fonts: GongwenFonts | None = None) -> int:
    """The notice's pages on `c`, every page ended; returns how many (always even)."""
    fonts = fonts or gongwen_fonts()
    require_printable(_texts(n), fonts.body.name, n.record)
    first_top = _head(c, n, fonts)
    pages = _paginate(_body_slots(n, fonts), first_top)
    slot_rows = 2 if n.copy_to else 1
    last_used = pages[-1][-1][0] + BODY + (LINE - BODY) / 2  # the last line's box bottom
    room_below = last_used <= BOTTOM_EDGE - slot_rows * LINE + 0.01
    count = len(pages)
    colophon_alone = not (count % 2 == 0 and room_below)
    blank_before = colophon_alone and count % 2 == 0
    total = count + (0 if not colophon_alone else 2 if blank_before else 1)
    for k, page in enumerate(pages, start=1):
        for em_top, slot in page:
            if slot.line is not None:
                _draw(c, slot.line, em_top)
        if k == total:
            _colophon(c, n, fonts.body.name)
            _verification(c, n, fonts.page.name)
        _page_number(c, k, fonts.page.name)
        _end_page(c, n)
    if colophon_alone:
        if blank_before:
            _end_page(c, n)  # the blank page before the 版记 page: no number
        _colophon(c, n, fonts.body.name)
        _verification(c, n, fonts.page.name)
        if not blank_before:
            _page_number(c, total, fonts.page.name)
        _end_page(c, n)
    return total


def _end_page(c: Canvas, n: Notice) -> None:
    if n.draft:
        draft_watermark(c, PAGE_W, PAGE_H, SONG)
    c.showPage()


def notices_canvas(path: Path | str, notices: Sequence[Notice]) -> Canvas:
    """The PDF with its properties: title, the issuer as author, the subject, the fonts."""
    fonts = gongwen_fonts()
    first = notices[0] if notices else None
    title = first.title if first and len(notices) == 1 else "通知（批量）"
    subject = (f"{first.assessment_name} {KIND_TITLES.get(first.kind, '')} {first.number}".strip()
               if first else "通知")
    c = new_canvas(path, A4, title=title, author=first.issuer if first else "", subject=subject)
    set_fonts_note(c, fonts.summary())
    return c


def iter_notices(path: Path | str, notices: Sequence[Notice]) -> Iterator[int]:
    """Draw the notices one after another (each an even number of pages, so duplex
    printing never puts one on the back of another); yields after each."""
    fonts = gongwen_fonts()
    c = notices_canvas(path, notices)
    for k, n in enumerate(notices, start=1):
        try:
            draw_notice(c, n, fonts)
        except MissingGlyph as e:
            raise e.for_record(n.record) from None
        yield k
    c.save()


def write_notices(path: Path | str, notices: Iterable[Notice]) -> Path:
    for _ in iter_notices(path, list(notices)):
        pass
    return Path(path)
