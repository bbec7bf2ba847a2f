"""考核结果反馈书: one A4 page per person or unit after 审议 (issue 17 §5) — the result
and rank, each section's score against its maximum, the assessors' remarks, the measures
against their targets and the improvement plan — set in the 公文 faces (title 小标宋,
headings 黑体, body 仿宋, `fonts.gongwen_fonts`).

One page is a promise: the letter is laid out at the body size first and, when it runs
longer, again a half point smaller (down to 9 pt), remarks and plan steps past their
limits left out and said so. Draws only the data it is handed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import plain_date
from .fonts import SONG, GongwenFonts, MissingGlyph, gongwen_fonts, text_width
from .layout import Column, canvas_options, draft_watermark, draw_table, new_canvas, set_fonts_note, wrap

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 26 * mm, PAGE_W - 24 * mm
TOP, BOTTOM = PAGE_H - 22 * mm, 18 * mm
WIDTH = RIGHT - LEFT
SIZES = (12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0)
MAX_REMARKS = 6


@dataclass(frozen=True)
class SectionScore:
    code: str
    title: str
    score: str
    max: str
    rate: str  # 得分率, "85%"


@dataclass(frozen=True)
class RemarkLine:
    item: str  # "2.1 服务质量"
    assessor: str
    text: str


@dataclass(frozen=True)
class MeasureRow:
    label: str
    value: str
    target: str
    points: str


@dataclass(frozen=True)
class FeedbackLetter:
    subject_code: str
    subject_name: str
    you: str  # 你 / 你单位
    assessment_name: str
    period: str  # 2024年第二季度 ("" when the assessment's name says it)
    rubric_name: str
    total: str
    full_marks: str
    rank: int | None
    ranked: int
    grade: str
    sections: tuple[SectionScore, ...]
    remarks: tuple[RemarkLine, ...]
    measures: tuple[MeasureRow, ...]
    next_grade: str  # "" when the grade is the best
    points_needed: str  # "" with next_grade ""
    plan: tuple[str, ...]
    issuer: str
    issued: date
    adjustments: str = ""  # "加分 2，减分 1" when there are any
    draft: bool = False
    # items 不适用 to the subject: the base over the items that apply, turned to full marks
    conversion: str = ""  # "65 ÷ 90 × 100 = 72.22" ("" when every item applies)
    applicable: str = ""  # the maxima of the items that apply ("90")
    raw: str = ""  # the score over them ("65")
    base: str = ""  # the items' total before 加分 and 减分
    bonus: str = ""  # "3" ("" none)
    deduction: str = ""  # "1" ("" none)

    @property
    def record(self) -> str:
        return f"{self.subject_code} {self.subject_name}"


def _standing(x: FeedbackLetter) -> str:
    rank = f"在 {x.ranked} 个考核对象中排第 {x.rank} 名，" if x.rank else ""
    extra = f"（其中{x.adjustments}）" if x.adjustments else ""
    how = "经考核（尚未审议，本件为草稿）" if x.draft else "经考核和审议"
    return (f"根据《{x.rubric_name}》，{how}，{x.you}在“{x.assessment_name}”中"
            f"总分 {x.total} 分{extra}（满分 {x.full_marks} 分），{rank}等次为“{x.grade}”。"
            "现将评估结果、评价意见和改进建议反馈如下。")


def _totals(x: FeedbackLetter) -> list[tuple[str, str, str, str]]:
    """The table's last rows, so the figures add up on the page: with 不适用 items the
    total of those that apply and its conversion to full marks; with 加分 or 减分 the
    items' total, each adjustment and the total."""
    if not x.conversion and not (x.bonus or x.deduction):
        return [("合计", x.full_marks, x.total, "")]
    if x.conversion:
        rows = [("合计（适用项目）", x.applicable, x.raw, ""),
                (f"按适用项目折算：{x.conversion}", x.full_marks, x.base or x.total, "")]
    else:
        rows = [("小计", x.full_marks, x.base, "")]
    if x.bonus:
        rows.append(("加分", "", f"+{x.bonus}", ""))
    if x.deduction:
        rows.append(("减分", "", f"-{x.deduction}", ""))
    if x.bonus or x.deduction:
        rows.append(("总分", "", x.total, ""))
    return rows


def _plan_lead(x: FeedbackLetter) -> str:
    if not x.next_grade:
        return f"{x.you}已是最高等次“{x.grade}”，以下各项仍可提高："
    if not x.points_needed:
        return f"上一等次“{x.next_grade}”按名额评定，以下各项最能提高得分："
    return (f"距上一等次“{x.next_grade}”还差 {x.points_needed} 分，"
            "以下各项最有可能得回（按可得分数排列）：")


class _Writer:
    """Lays the letter out from the top at one body size; `y` falls as it goes."""

    def __init__(self, c: Canvas, fonts: GongwenFonts, size: float) -> None:
        self.c, self.f, self.size = c, fonts, size
        self.y = TOP
        self.lead = size * 1.55

    def title(self, text: str, size: float) -> None:
        head = self.f.head
        c = self.c
        t = c.beginText()
        w = text_width(text, head.name, size)
        t.setTextOrigin(LEFT + (WIDTH - w) / 2, self.y - size)
        t.setFont(head.name, size)
        if head.faux_bold:  # a stand-in for 小标宋: fill and stroke the outline a little
            c.setLineWidth(size * 0.028)
            t.setTextRenderMode(2)
        t.textOut(text)
        c.drawText(t)
        self.y -= size * 1.6

    def centred(self, text: str, font: str, size: float) -> None:
        self.c.setFont(font, size)
        for line in wrap(text, font, size, WIDTH):
            self.c.drawCentredString(LEFT + WIDTH / 2, self.y - size, line)
            self.y -= size * 1.45

    def para(self, text: str, indent: bool = True, font: str | None = None) -> None:
        font = font or self.f.body.name
        c = self.c
        c.setFont(font, self.size)
        first = "\u3000\u3000" if indent else ""
        for line in wrap(first + text, font, self.size, WIDTH):
            c.drawString(LEFT, self.y - self.size, line)
            self.y -= self.lead

    def heading(self, text: str) -> None:
        self.y -= self.size * 0.3
        self.para(text, indent=True, font=self.f.heading1.name)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
        self.y = draw_table(self.c, columns, rows, x=LEFT, y_top=self.y - 2, y_bottom=-1e9,
                            font=self.f.body.name, size=self.size - 1.5,
                            header_fill=(0.93, 0.93, 0.93)) - self.size * 0.6

    def signature(self, issuer: str, issued: date) -> None:
        """署名 centred over 成文日期, the date in Arabic digits standing 右空四字 (GB/T
        9704-2012, as the notices have it)."""
        font, size = self.f.body.name, self.size
        day = plain_date(issued)
        day_w = text_width(day, font, size)
        day_x = RIGHT - 4 * size - day_w
        signer_w = text_width(issuer, font, size)
        signer_x = min(day_x + day_w / 2 - signer_w / 2, RIGHT - signer_w)
        self.c.setFont(font, size)
        self.c.drawString(signer_x, self.y - size, issuer)
        self.y -= self.lead
        self.c.drawString(day_x, self.y - size, day)
        self.y -= self.lead


def _draw(c: Canvas, x: FeedbackLetter, fonts: GongwenFonts, size: float, remarks: int,
          steps: int) -> float:
    """Draw the letter; returns the lowest y used (compared with BOTTOM to fit)."""
    w = _Writer(c, fonts, size)
    w.title("考核结果反馈书", 20 if size >= 11 else 18)
    w.centred(x.assessment_name if not x.period or x.period in x.assessment_name
              else f"{x.assessment_name}（{x.period}）", fonts.heading2.name, size + 1)
    w.y -= size * 0.4
    w.para(f"{x.subject_name}：", indent=False)
    w.para(_standing(x))
    w.heading("一、评估结果")
    w.table([Column("项目", WIDTH * 0.55), Column("满分", WIDTH * 0.15, "right"),
             Column("得分", WIDTH * 0.15, "right"), Column("得分率", WIDTH * 0.15, "right")],
            [(f"{s.code} {s.title}", s.max, s.score, s.rate) for s in x.sections] + _totals(x))
    w.heading("二、评价意见")
    if not x.remarks:
        w.para("评分人未填写评价意见。")
    for r in x.remarks[:remarks]:
        w.para(f"{r.item}（{r.assessor}）：{r.text}")
    if len(x.remarks) > remarks:
        w.para(f"另有 {len(x.remarks) - remarks} 条评价意见，见考核明细（kaohe drill）。")
    number = "三"
    if x.measures:
        w.heading("三、服务指标与目标")
        w.table([Column("指标", WIDTH * 0.22), Column("实际", WIDTH * 0.38),
                 Column("满分目标", WIDTH * 0.22), Column("得分", WIDTH * 0.18, "right")],
                [(m.label, m.value, m.target, m.points) for m in x.measures])
        number = "四"
    w.heading(f"{number}、改进建议")
    w.para(_plan_lead(x))
    for k, text in enumerate(x.plan[:steps], start=1):
        w.para(f"（{k}）{text}")
    if not x.plan:
        w.para("各项均已得满分。")
    w.y -= size * 0.8
    w.signature(x.issuer, x.issued)
    return w.y


def _fit(x: FeedbackLetter, fonts: GongwenFonts) -> tuple[float, int, int]:
    """The largest body size (and how many remarks and steps) that keeps one page."""
    tries = [(s, MAX_REMARKS, 4) for s in SIZES] + [(SIZES[-1], 3, 3), (SIZES[-1], 1, 2)]
    for size, remarks, steps in tries:
        scratch = Canvas(io.BytesIO(), pagesize=A4, **canvas_options())  # type: ignore[arg-type]
        if _draw(scratch, x, fonts, size, remarks, steps) >= BOTTOM:
            return size, remarks, steps
    return tries[-1]


def draw_letter(c: Canvas, x: FeedbackLetter, fonts: GongwenFonts | None = None) -> None:
    fonts = fonts or gongwen_fonts()
    size, remarks, steps = _fit(x, fonts)
    _draw(c, x, fonts, size, remarks, steps)
    if x.draft:
        draft_watermark(c, PAGE_W, PAGE_H, SONG)
    c.showPage()


def iter_letters(path: Path | str, letters: Sequence[FeedbackLetter]) -> Iterator[int]:
    """Draw the letters into one PDF, a page each; yields after each."""
    fonts = gongwen_fonts()
    first = letters[0] if letters else None
    c = new_canvas(path, A4, title="考核结果反馈书", author=first.issuer if first else "",
                   subject=f"{first.assessment_name} 考核结果反馈书 {first.subject_name}"
                   if first and len(letters) == 1 else "考核结果反馈书")
    set_fonts_note(c, fonts.summary())
    for k, x in enumerate(letters, start=1):
        try:
            draw_letter(c, x, fonts)
        except MissingGlyph as e:
            raise e.for_record(x.record) from None
        yield k
    c.save()


def write_letters(path: Path | str, letters: Sequence[FeedbackLetter]) -> Path:
    for _ in iter_letters(path, letters):
        pass
    return Path(path)
