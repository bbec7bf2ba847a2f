"""公文-style notices: 整改通知书, 限期书面报告通知, 诫勉谈话通知, 通报批评, 改进意见书.

Layout after GB/T 9704 (A4 portrait): margins top 37 mm, left 28 mm, right 26 mm,
bottom 35 mm; a red-headed issuer line (红头), the document number (文号) such as
某街便〔2024〕3号 above a red rule, the title in Song at 22 pt, the body in Song at 16 pt
on a 28 pt line with a two-character first-line indent. The number itself is the
caller's (`services.documents` numbers them per year and stores the counter).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .chinese_dates import plain_date
from .fonts import register, text_width
from .layout import draft_watermark, fit, wrap

RED = (0.8, 0.0, 0.0)
TOP, LEFT, RIGHT, BOTTOM = 37 * mm, 28 * mm, 26 * mm, 35 * mm
BODY = 16
LEADING = 28

KIND_TITLES = {  # 文种 as the titles use them
    "rectify": "整改通知书",
    "report": "限期书面报告通知",
    "talk": "诫勉谈话通知",
    "criticise": "通报批评",
    "advice": "改进意见书",
}


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
    head: str = ""  # the red head; "" → issuer + 文件
    due: date | None = None  # when the written report is due
    talk_at: str = ""  # 诫勉谈话: time and place
    contact: str = ""
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

    @property
    def addressee(self) -> str:
        """主送: a 通报 goes to every unit; the others to the unit or the person."""
        if self.kind == "criticise":
            return "各有关单位"
        if self.person:
            return f"{self.recipient or self.unit_name}同志"
        return self.unit_name

    @property
    def title(self) -> str:
        target = f"{self.recipient or self.unit_name}同志" if self.person else self.unit_name
        if self.kind == "rectify":
            return f"关于{target}限期整改的通知"
        if self.kind == "report":
            return f"关于{target}限期报送书面报告的通知"
        if self.kind == "talk":
            return f"关于对{target}进行诫勉谈话的通知"
        if self.kind == "criticise":
            return f"关于对{target}予以通报批评的通报"
        return f"关于{target}改进工作的意见"


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


def _lost_paragraphs(n: Notice) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    if n.lost_items:
        out.append(("一、失分较多的项目", True))
        for k, i in enumerate(n.lost_items, start=1):
            out.append((f"{k}．{i.title}（满分{i.max}分，得{i.score}分，失{i.lost}分）", True))
    if n.deductions:
        out.append((f"{'二' if n.lost_items else '一'}、扣分事项", True))
        for k, d in enumerate(n.deductions, start=1):
            matter = f"：{d.matter}" if d.matter else ""
            out.append((f"{k}．{d.title}{matter}，扣{d.amount}分", True))
    return out


def _paragraphs(n: Notice) -> list[tuple[str, bool]]:
    """(text, indented) paragraphs of the body."""
    you = _you(n)
    due = plain_date(n.due) if n.due else "规定期限"
    out: list[tuple[str, bool]] = []
    if n.kind == "rectify":
        out.append((_standing(n) + f"{_basis(n)}，现将失分较多的项目和扣分情况通知如下，"
                    "请认真整改。", True))
        out.extend(_lost_paragraphs(n))
        out.append((f"请{you}对照上述问题逐项制定整改措施，于{due}前将书面整改报告报送"
                    f"{n.issuer}。", True))
    elif n.kind == "report":
        out.append((_standing(n) + f"{_basis(n)}，请{you}认真查找问题，分析原因，于{due}前"
                    f"向{n.issuer}报送书面报告。", True))
        out.extend(_lost_paragraphs(n))
    elif n.kind == "talk":
        when = n.talk_at or "另行通知的时间和地点"
        if n.person:
            out.append((_standing(n) + f"{_basis(n)}，决定对你进行诫勉谈话。", True))
            out.append((f"请你于{when}参加谈话，并就存在问题和整改打算作出说明。", True))
        else:
            out.append((_standing(n) + f"{_basis(n)}，决定对你单位负责人进行诫勉谈话。", True))
            out.append((f"请你单位负责人于{when}参加谈话，并就存在问题和整改打算作出说明。", True))
        if n.lost_items:
            out.append(("主要问题：" + "；".join(f"{i.title}失{i.lost}分" for i in n.lost_items) + "。",
                        True))
    elif n.kind == "criticise":
        they = "该同志" if n.person and n.relation == "self" else "该单位"
        target = f"{n.recipient or n.unit_name}同志" if n.person else n.unit_name
        out.append((_standing(n, second_person=False) + f"{they}工作存在明显差距。{_basis(n)}，"
                    f"经研究，决定对{target}予以通报批评。", True))
        if n.deductions:
            out.append(("主要扣分事项：" + "；".join(
                f"{d.title}{('（' + d.matter + '）') if d.matter else ''}扣{d.amount}分"
                for d in n.deductions) + "。", True))
        out.append((f"希望{they}认真吸取教训，举一反三，切实改进便民服务工作。"
                    "各单位要引以为戒，不断提高服务质量和水平。", True))
    else:  # advice
        out.append((_standing(n) + f"{_basis(n)}，现就改进工作提出以下意见。", True))
        out.extend(_lost_paragraphs(n))
        out.append((f"请{you}针对上述问题改进工作，于{due}前将改进情况报送{n.issuer}。", True))
    out.extend((p, True) for p in n.extra)
    return out


def _note(n: Notice) -> str:
    """附注: contact and address, in parentheses."""
    parts = [f"联系人及电话：{n.contact}" if n.contact else "", f"地址：{n.address}" if n.address else ""]
    text = "，".join(p for p in parts if p)
    return f"（{text}）" if text else ""


def draw_notice(c: Canvas, n: Notice) -> None:
    """The notice's pages on `c`; the last page is left for the caller to end."""
    song, _ = register()
    w, h = A4
    width = w - LEFT - RIGHT
    # 红头 and 文号
    head = n.head or f"{n.issuer}文件"
    size, lines = fit(head, song, 36, width, min_size=22, max_lines=1)
    c.setFillColorRGB(*RED)
    c.setFont(song, size)
    c.drawCentredString(LEFT + width / 2, h - TOP - size, lines[0])
    y = h - TOP - size - 14 * mm
    c.setFillColorRGB(0, 0, 0)
    c.setFont(song, BODY)
    c.drawCentredString(LEFT + width / 2, y, n.number or ("（草稿，不编号）" if n.draft else ""))
    y -= 4 * mm
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(1.5)
    c.line(LEFT, y, w - RIGHT, y)
    c.setStrokeColorRGB(0, 0, 0)
    y -= 12 * mm + 22
    # title
    tsize, tlines = fit(n.title, song, 22, width,
                        min_size=18, max_lines=2)
    c.setFont(song, tsize)
    for line in tlines:
        c.drawCentredString(LEFT + width / 2, y, line)
        y -= tsize * 1.5
    y -= LEADING * 0.5

    page = 1

    def page_number() -> None:
        c.setFont(song, 14)  # 4号 half-width digits with dashes, 7 mm below the text area
        c.drawCentredString(w / 2, BOTTOM - 7 * mm - 14, f"— {page} —")

    def next_page() -> float:
        nonlocal page
        page_number()
        if n.draft:
            draft_watermark(c, w, h, song)
        c.showPage()
        page += 1
        return h - TOP - BODY

    def line_out(text: str, x: float = LEFT) -> None:
        nonlocal y
        if y < BOTTOM:
            y = next_page()
        c.setFont(song, BODY)
        c.drawString(x, y, text)
        y -= LEADING

    for line in wrap(f"{n.addressee}：", song, BODY, width):
        line_out(line)
    indent = 2 * BODY
    for text, indented in _paragraphs(n):
        lines = wrap(text, song, BODY, width - (indent if indented else 0))
        # first line indented by two characters; following lines use the full width
        if indented and lines:
            first = lines[0]
            rest = wrap(text[len(first):], song, BODY, width) if len(lines) > 1 else []
            line_out(first, LEFT + indent)
            for line in rest:
                if line:
                    line_out(line)
        else:
            for line in lines:
                line_out(line)
    # signature block: the date ends four characters from the right margin (右空四字),
    # the issuer is centred over it, the seal stamped over both
    y -= LEADING * 0.5
    if y - LEADING < BOTTOM:
        y = next_page() - 2 * LEADING
    c.setFont(song, BODY)
    issued = plain_date(n.issued)
    centre = w - RIGHT - 4 * BODY - text_width(issued, song, BODY) / 2
    centre = min(centre, w - RIGHT - text_width(n.issuer, song, BODY) / 2)
    c.drawCentredString(centre, y, n.issuer)
    c.drawCentredString(centre, y - LEADING, issued)
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(1)
    c.circle(centre, y - LEADING / 2, 20 * mm)  # where the seal goes
    c.setStrokeColorRGB(0, 0, 0)
    note = _note(n)
    if note:  # 附注: below the date, indented two characters, clear of where the seal goes
        y -= 3 * LEADING
        for line in wrap(note, song, BODY, width - 2 * BODY):
            line_out(line, LEFT + 2 * BODY)
    if page > 1:
        page_number()
    if n.draft:
        draft_watermark(c, w, h, song)


def iter_notices(path: Path | str, notices: Sequence[Notice]) -> Iterator[int]:
    register()
    c = Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle("通知")
    for k, n in enumerate(notices, start=1):
        draw_notice(c, n)
        c.showPage()
        yield k
    c.save()


def write_notices(path: Path | str, notices: Iterable[Notice]) -> Path:
    for _ in iter_notices(path, list(notices)):
        pass
    return Path(path)
