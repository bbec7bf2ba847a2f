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

The number itself is the caller's (`services.documents` numbers them per year).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import plain_date
from .fonts import SONG, GongwenFonts, MissingGlyph, gongwen_fonts, require_printable
from .layout import draft_watermark, new_canvas, set_fonts_note

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

KIND_TITLES = {  # 文种 as the titles use them
    "rectify": "整改通知书",
    "report": "限期书面报告通知",
    "talk": "诫勉谈话通知",
    "criticise": "通报批评",
    "advice": "改进意见书",
}

_NO_START = "，。、；：？！）」』》〕】”’,.;:?!)%"  # never begins a line
_NO_END = "（「『《〔【“‘("  # never ends one
_HANGS = "，。、；：？！）」』》〕】”’"  # may hang past the right edge
_HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
_HEADING2 = re.compile(r"^（[一二三四五六七八九十]+）")
# where a unit's name may break in a title: after an administrative level or a kind of place
_NAME_BREAKS = re.compile(r"(?<=省|市|区|县|镇|乡|村|旗)|(?<=街道|社区|中心|委会)|(?<=服务站|工作站)")


@dataclass(frozen=True)
class LostItem:
    title: str
    max: str  # already rounded for display (`domain.numbers.shown`)
    score: str
    lost: str


@dataclass(frozen=True)
class Deduction:
    title: str
    amount: str
    matter: str = ""


@dataclass(frozen=True)
class Notice:
    """One notice. To a unit it says 你单位/该单位; to a person (`person`) it says 你/该同志
    and is addressed to “姓名同志”. `relation` says how the person stands to the subject:
    self (the person assessed), head (负责人 of the assessed unit) or member (one of its staff)."""

    kind: str  # rectify / report / talk / criticise / advice
    number: str  # 文号, e.g. 某街便〔2024〕3号; "" on a draft
    unit_name: str  # the subject assessed: a unit's or a person's name
    assessment_name: str
    total: str
    rank: int | None
    count: int  # how many subjects were ranked
    grade: str
    issued: date
    issuer: str = ""
    head: str = ""  # the 发文机关标志; "" → issuer + 文件
    due: date | None = None  # when the written report / 整改 report is due
    talk_at: str = ""  # 诫勉谈话: the time (or time and place in one)
    contact: str = ""  # “王伟 0731-85551234”: 联系人 and 电话 for the 附注
    lost_items: tuple[LostItem, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    extra: tuple[str, ...] = field(default_factory=tuple)  # more paragraphs
    person: bool = False
    recipient: str = ""  # the person's name (person notices)
    relation: str = "self"
    rubric_name: str = ""  # 《…》 the rule comes from
    rule_text: str = ""  # the rubric's own words for this consequence
    address: str = ""
    draft: bool = False
    talk_place: str = ""  # 诫勉谈话: the place
    copy_to: str = ""  # 抄送 in the 版记; "" leaves that line out
    printer: str = ""  # 印发机关; "" → issuer

    @property
    def addressee(self) -> str:
        """主送: a 通报 goes to every unit; the others to the unit or the person."""
        if self.kind == "criticise":
            return "各有关单位"
        if self.person:
            return f"{self.recipient or self.unit_name}同志"
        return self.unit_name

    @property
    def target(self) -> str:
        return f"{self.recipient or self.unit_name}同志" if self.person else self.unit_name

    def title_parts(self) -> list[str]:
        """The title as words (it wraps only between them): 关于 / 对 / name / … / 的通知."""
        name = _name_words(self.recipient or self.unit_name)
        if self.person:
            name[-1] += "同志"
        if self.kind == "rectify":
            return ["关于", "对", *name, "限期整改", "的通知"]
        if self.kind == "report":
            return ["关于", *name, "限期报送", "书面报告", "的通知"]
        if self.kind == "talk":
            return ["关于", "对", *name, "进行", "诫勉谈话", "的通知"]
        if self.kind == "criticise":
            return ["关于", "对", *name, "予以", "通报批评", "的通报"]
        return ["关于", *name, "改进工作", "的意见"]

    @property
    def title(self) -> str:
        return "".join(self.title_parts())

    @property
    def record(self) -> str:
        """How a message names this notice."""
        who = f"{self.unit_name} {self.recipient}" if self.recipient else self.unit_name
        return f"{KIND_TITLES.get(self.kind, self.kind)} {self.number or '（草稿）'} {who}".strip()


def _name_words(name: str) -> list[str]:
    return [w for w in _NAME_BREAKS.split(name) if w] or [name]


def _you(n: Notice) -> str:
    """The second person: 你 to a person, 你单位 to a unit."""
    return "你" if n.person else "你单位"


def _standing(n: Notice, second_person: bool = True) -> str:
    """Who scored what: 你/你负责的…/你单位 — or, in a 通报, the third person."""
    if second_person:
        who = {"head": f"你负责的{n.unit_name}", "member": f"你所在的{n.unit_name}"}.get(
            n.relation, _you(n)) if n.person else "你单位"
    elif n.person and n.relation == "self":
        who = f"{n.recipient or n.unit_name}同志"
    elif n.person:
        who = f"{n.recipient}同志负责的{n.unit_name}"
    else:
        who = n.unit_name
    rank = f"在{n.count}个参评对象中排名第{n.rank}位，" if n.rank else ""
    return f"在{n.assessment_name}中，{who}得分{n.total}分，{rank}考核等次为“{n.grade}”。"


def _basis(n: Notice) -> str:
    """根据《办法》“…”的规定 — the rubric's words, inner quotes turned to ‘’."""
    if not n.rubric_name:
        return "根据考核办法"
    if not n.rule_text:
        return f"根据《{n.rubric_name}》"
    words = n.rule_text.replace("“", "‘").replace("”", "’").rstrip("。")
    return f"根据《{n.rubric_name}》“{words}”的规定"


def _lost_paragraphs(n: Notice) -> list[str]:
    out: list[str] = []
    if n.lost_items:
        out.append("一、失分较多的项目")
        for k, i in enumerate(n.lost_items, start=1):
            out.append(f"{k}.{i.title}（满分{i.max}分，得{i.score}分，失{i.lost}分）。")
    if n.deductions:
        out.append(f"{'二' if n.lost_items else '一'}、扣分事项")
        for k, d in enumerate(n.deductions, start=1):
            matter = f"：{d.matter}" if d.matter else ""
            out.append(f"{k}.{d.title}{matter}，扣{d.amount}分。")
    return out


def _talk_when(n: Notice) -> str:
    if n.talk_at and n.talk_place:
        return f"{n.talk_at}到{n.talk_place}"
    return n.talk_at or (f"按通知的时间到{n.talk_place}" if n.talk_place else "另行通知的时间和地点")


def paragraphs(n: Notice) -> list[str]:
    """The body's paragraphs (headings 一、 and （一） are paragraphs of their own)."""
    you = _you(n)
    due = plain_date(n.due) if n.due else "规定期限"
    out: list[str] = []
    if n.kind == "rectify":
        out.append(_standing(n) + f"{_basis(n)}，现将失分较多的项目和扣分情况通知如下，请认真整改。")
        out.extend(_lost_paragraphs(n))
        out.append(f"请{you}对照上述问题逐项制定整改措施，于{due}前完成整改，并将书面整改报告报送"
                   f"{n.issuer}。")
    elif n.kind == "report":
        out.append(_standing(n) + f"{_basis(n)}，请{you}认真查找问题，分析原因，于{due}前"
                   f"向{n.issuer}报送书面报告。")
        out.extend(_lost_paragraphs(n))
    elif n.kind == "talk":
        when = _talk_when(n)
        if n.person:
            out.append(_standing(n) + f"{_basis(n)}，决定对你进行诫勉谈话。")
            out.append(f"请你于{when}参加谈话，并就存在问题和整改打算作出说明。")
        else:
            out.append(_standing(n) + f"{_basis(n)}，决定对你单位负责人进行诫勉谈话。")
            out.append(f"请你单位负责人于{when}参加谈话，并就存在问题和整改打算作出说明。")
        if n.lost_items:
            out.append("主要问题：" + "；".join(f"{i.title}失{i.lost}分" for i in n.lost_items) + "。")
    elif n.kind == "criticise":
        they = "该同志" if n.person and n.relation == "self" else "该单位"
        out.append(_standing(n, second_person=False) + f"{they}工作存在明显差距。{_basis(n)}，"
                   f"经研究，决定对{n.target}予以通报批评。")
        if n.deductions:
            out.append("主要扣分事项：" + "；".join(
                f"{d.title}{('（' + d.matter + '）') if d.matter else ''}扣{d.amount}分"
                for d in n.deductions) + "。")
        out.append(f"希望{they}认真吸取教训，举一反三，切实改进便民服务工作。"
                   "各单位要引以为戒，不断提高服务质量和水平。")
    else:  # advice
        out.append(_standing(n) + f"{_basis(n)}，现就改进工作提出以下意见。")
        out.extend(_lost_paragraphs(n))
        out.append(f"请{you}针对上述问题改进工作，于{due}前将改进情况报送{n.issuer}。")
    out.extend(n.extra)
    return out


_CONTACT = re.compile(r"^\s*(\S+?)[\s,，、:：]+([0-9０-９][0-9０-９\-－—()（） ]*)\s*$")


def note(n: Notice) -> str:
    """附注: （联系人：王伟，联系电话：0731-85551234，地址：…）."""
    parts = []
    if n.contact:
        m = _CONTACT.match(n.contact)
        if m:
            parts += [f"联系人：{m.group(1)}", f"联系电话：{m.group(2).strip()}"]
        else:
            parts.append(f"联系人及电话：{n.contact.strip()}")
    if n.address:
        parts.append(f"地址：{n.address}")
    return f"（{'，'.join(parts)}）" if parts else ""


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
        _page_number(c, k, fonts.page.name)
        _end_page(c, n)
    if colophon_alone:
        if blank_before:
            _end_page(c, n)  # the blank page before the 版记 page: no number
        _colophon(c, n, fonts.body.name)
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
