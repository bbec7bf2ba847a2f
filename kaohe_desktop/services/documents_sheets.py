"""Score sheets: blank ones per assessor group and subject, filled ones from the ranking.

Filled sheets print what `kaohe rank` computes — each item's score rounded once, parents
the sums of their printed children — and say where a figure is not an assessor's: 数据折算,
管理员更正, 不适用 (with the conversion), 不参评, 待定."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import round2, shown, to_decimal
from kaohe_desktop.domain.rubric import EventRule, Item, ItemKind, Rubric
from kaohe_desktop.domain.scoring import counted_claims, item_scores
from kaohe_desktop.reports.score_sheets import (
    ScoreSheet,
    SheetEvent,
    SheetItem,
    SheetRule,
    iter_sheets,
)
from kaohe_desktop.store.db import Database

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import get_assessment
from .documents_common import SECTION_NAMES, DocJob, Progress, Staging, results_table
from .ranking import rank_assessment
from .ranking_results import RankingRow
from .results import EventInfo
from .scores import list_events

# Editor's notes (about the source text or the program's defaults) are kept in a rubric's
# `note`/`source`; an older stored version may still carry them in a description, so any
# sentence with these marks is left off the printed criteria
EDITOR_MARKS = ("原文如此", "原文未", "原文无", "种子", "编者", "（默认", "默认：", "程序默认")
# attendance rule keys → how the deduction reads on a sheet
RULE_WORDS = {"late": "迟到每次扣{}分", "early": "早退每次扣{}分", "missing": "缺卡每次扣{}分",
              "absent_day": "旷工每天扣{}分"}


def printable_description(text: str) -> str:
    """The description without sentences that are editor's notes."""
    sentences = [s for s in text.replace("。", "。\n").split("\n") if s.strip()]
    return "".join(s for s in sentences if not any(m in s for m in EDITOR_MARKS)).strip()


def _derived_text(item: Item) -> str:
    rule = item.rule or {}
    parts = [words.format(shown(to_decimal(rule[key]))) for key, words in RULE_WORDS.items()
             if rule.get(key) not in (None, "", 0)]
    source = "按考勤数据计算" if rule.get("source") == "attendance" else "按数据计算"
    return source + ("：" + "，".join(parts) if parts else "")


def _criteria(item: Item) -> str:
    if item.kind == ItemKind.YESNO:
        text = f"是 {shown(item.max)} 分，否 0 分"
    elif item.kind == ItemKind.LEVEL:
        text = "；".join(f"{lv.name} {shown(lv.points)}" for lv in item.levels)
    elif item.kind == ItemKind.DERIVED:
        text = _derived_text(item)
    else:
        text = ""
    described = printable_description(item.description)
    if described.rstrip("。") == item.title.strip():
        described = ""
    if described and text and not described.endswith("。"):
        described += "；"
    return described + text


def figure(value: Decimal) -> str:
    """Scores on a filled sheet: two decimals every time, so columns line up and a clerk
    adds exactly what is printed."""
    return f"{round2(value):.2f}"


def _assigned(item_codes: Sequence[str]) -> Callable[[str], bool]:
    """Whether a leaf is scored by a group assigned these items (a section stands for all
    of its children; no items: everything)."""
    if not item_codes:
        return lambda code: True
    return lambda code: any(code == c or code.startswith(c + ".") for c in item_codes)


def _sheet_items(rubric: Rubric, scores: Mapping[str, Decimal] | None = None, *,
                 not_applicable: Sequence[str] = (), overridden: Sequence[str] = (),
                 assigned: Callable[[str], bool] = lambda code: True) -> tuple[SheetItem, ...]:
    """The rubric's items in order. Filled: every item's shown score (leaves rounded once,
    parents the sum of their printed children, as `kaohe rank` computes them), and a mark
    where the figure is not an assessor's: 数据折算, 管理员更正, 不适用."""
    out: list[SheetItem] = []
    shown_scores = item_scores(rubric, scores) if scores is not None else {}
    na, fixed = set(not_applicable), set(overridden)

    def visit(item: Item, depth: int) -> None:
        mark = ""
        if item.code in na:
            mark = "不适用"
        elif item.code in fixed:
            mark = "管理员更正"
        elif item.kind == ItemKind.DERIVED:
            mark = "数据折算"
        elif scores is None and item.is_leaf and not assigned(item.code):
            mark = "他组评分"
        if scores is None:
            score = ""
        elif item.code in na:
            score = "—"
        else:
            score = figure(shown_scores.get(item.code, Decimal(0)))
        out.append(SheetItem(item.code, item.title, depth, shown(item.max), _criteria(item),
                             item.is_leaf, score, mark))
        for child in item.children:
            visit(child, depth + 1)

    for top in rubric.items:
        visit(top, 0)
    return tuple(out)


def _allowed(rule: EventRule) -> str:
    """The values a claim may take, as a clerk writes them: 1、3、5 分 / 1～5 分."""
    if rule.amounts:
        return "、".join(shown(a) for a in rule.amounts) + " 分"
    low, high = shown(rule.min or Decimal(0)), shown(rule.max or Decimal(0))
    step = "" if rule.step == 1 else f"（步长 {shown(rule.step)}）"
    return f"{low}～{high} 分{step}"


def _claim_rules(rubric: Rubric) -> tuple[tuple[SheetRule, ...], tuple[str, ...]]:
    """Blank sheets: each bonus/deduction rule with the values it allows, and each
    section's cap, so a claim is written down as it will be counted."""
    rules: list[SheetRule] = []
    notes: list[str] = []
    for name, section in (("加分", rubric.bonus), ("减分", rubric.deduction)):
        if not section.rules:
            continue
        rules += [SheetRule(name, r.code, r.title, _allowed(r)) for r in section.rules]
        cap = f"合计不超过 {shown(section.cap)} 分；" if section.cap else ""
        notes.append(f"{name}：{cap}同一事项多次申报按最高一项计一次。")
    if rubric.veto:
        rules += [SheetRule("一票否决", v.code, v.title, "有/无") for v in rubric.veto]
    return tuple(rules), tuple(notes)


def blank_sheet_data(db: Database, assessment_id: int, group: str | None = None) -> list[ScoreSheet]:
    """A blank sheet per subject of each assessor group (or of `group` only): the group's
    items to score, derived items marked (they come from data), and the bonus and
    deduction rules with the values each allows."""
    info = get_assessment(db, assessment_id)
    with db.session() as s:
        rubric = assessment_rubric(s, load_assessment(s, assessment_id))
    rules, rule_notes = _claim_rules(rubric)
    groups = [g for g in info.groups if group is None or g.name == group]
    if group is not None and not groups:
        raise InputError(Problem(f"本次考核没有评分组“{group}”", column="--group", value=group))
    all_codes = tuple(x.code for x in info.subjects)
    plan = [(g.name, g.subject_codes or all_codes, g.item_codes) for g in groups] or [
        ("", all_codes, ())]
    names = {x.code: x.name for x in info.subjects}
    out = []
    for gname, codes, item_codes in plan:
        items = _sheet_items(rubric, assigned=_assigned(item_codes))
        out += [ScoreSheet(info.name, info.period_label, code, names[code], items, group=gname,
                           rules=rules, rule_notes=rule_notes, full_marks=shown(rubric.full_marks))
                for code in codes]
    return out


def _counted_ids(events: Sequence[EventInfo]) -> set[int]:
    """Ids of the claims that count, as the scoring counts them."""
    return counted_claims((e.id, e.section, e.matter, e.amount) for e in events)  # type: ignore[return-value]


def _rule_title(rubric: Rubric, code: str) -> str:
    veto = rubric.veto_rule(code)
    if veto is not None:
        return veto.title
    found = rubric.event_rule(code)
    return found[1].title if found else code


def filled_sheets(db: Database, assessment_id: int,
                  subjects: Iterable[str] | None = None) -> list[ScoreSheet]:
    """Filled sheets from one ranking (not one drill-down per subject: 1,000 subjects
    cost one ranking, not a thousand)."""
    table = results_table(db, assessment_id)
    rows = {r.subject_code: r for r in table.rows}
    codes = list(subjects) if subjects else [r.subject_code for r in table.rows]
    unknown = [c for c in codes if c not in rows]
    if unknown:
        raise InputError(Problem("这些对象不在本次考核中", column="对象", value="、".join(unknown)))
    items_of = {r.subject_code: r.items for r in rank_assessment(db, assessment_id)}
    events_of: dict[str, list[EventInfo]] = {}
    for e in list_events(db, assessment_id):
        events_of.setdefault(e.subject_code, []).append(e)
    info = get_assessment(db, assessment_id)
    with db.session() as s:
        rubric = assessment_rubric(s, load_assessment(s, assessment_id))
    out = []
    for code in codes:
        r = rows[code]
        claims = sorted(events_of.get(code, []), key=lambda e: e.id)
        counted = _counted_ids(claims)
        events = tuple(SheetEvent(SECTION_NAMES.get(e.section, e.section), _rule_title(rubric, e.rule_code),
                                  shown(e.amount), "；".join(x for x in (e.matter, e.note) if x),
                                  e.id in counted) for e in claims)
        items = _sheet_items(rubric, items_of[code], not_applicable=r.not_applicable,
                             overridden=r.overridden)
        out.append(ScoreSheet(
            info.name, info.period_label, code, r.subject_name, items,
            group=r.group, filled=True, events=events, base=figure(r.base), bonus=figure(r.bonus),
            deduction=figure(r.deduction), total=figure(r.total), rank=str(r.rank or "—"),
            grade=r.grade_text + ("（一票否决）" if r.vetoed else ""),
            full_marks=shown(rubric.full_marks), notes=_filled_notes(r)))
    return out


def _filled_notes(r: RankingRow) -> tuple[str, ...]:
    """What a reader must know about the figures: left out, unfinished, converted,
    corrected by an administrator."""
    notes = []
    if r.excluded:
        notes.append(f"不参评{'：' + r.exclude_reason if r.exclude_reason else ''}（不排名、不定档）。")
    elif not r.complete:
        notes.append("待定：评分未完成（" + "；".join(r.missing) + "），不排名、不定档。")
    if r.not_applicable:
        notes.append(f"不适用项目：{'、'.join(r.not_applicable)}；基础分按适用项目折算："
                     f"{r.conversion}。")
    if r.overridden:
        notes.append(f"数据项 {'、'.join(r.overridden)} 为管理员更正值（有记录的理由）。")
    return tuple(notes)


def sheets_job(db: Database, assessment_id: int, out_dir: Path | str, *, filled: bool = False,
               group: str | None = None, subjects: Iterable[str] | None = None) -> DocJob:
    yield Progress(0, 0, "正在读取评分细则")
    if filled:
        sheets = filled_sheets(db, assessment_id, subjects)
    else:
        sheets = blank_sheet_data(db, assessment_id, group)
        if subjects:
            wanted = set(subjects)
            sheets = [x for x in sheets if x.subject_code in wanted]
    total = len(sheets)
    stage = Staging(out_dir)
    try:
        path = stage.path(f"{'评分结果表' if filled else '空白评分表'}_{assessment_id}.pdf")
        for n in iter_sheets(path, sheets):
            yield Progress(n, total, sheets[n - 1].subject_name)
    except BaseException:
        stage.close()
        raise
    return stage.deliver()


