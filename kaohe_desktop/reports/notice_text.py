"""What a 公文 notice says: its data (`Notice` and its parts) and its wording — whom it
addresses (你/该同志 or the unit), the grounds from the rubric, the items lost, the 附注.
The page itself (the GB/T 9704 grid) is `notices`, which draws these paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .chinese_dates import plain_date
from .verification_mark import VerificationMark

# where a unit's name may break in a title: after an administrative level or a kind of place
_NAME_BREAKS = re.compile(r"(?<=省|市|区|县|镇|乡|村|旗)|(?<=街道|社区|中心|委会)|(?<=服务站|工作站)")


def _name_words(name: str) -> list[str]:
    return [w for w in _NAME_BREAKS.split(name) if w] or [name]


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
    # the verification code, in the bottom margin of the 版记 page; None on a draft
    verification: VerificationMark | None = None

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
