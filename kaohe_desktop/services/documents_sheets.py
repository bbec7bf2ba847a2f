"""Score sheets: blank ones per assessor group and subject, filled ones from the ranking."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import Item, ItemKind, Rubric
from kaohe_desktop.domain.scoring import counted_claims
from kaohe_desktop.reports.score_sheets import ScoreSheet, SheetEvent, SheetItem, iter_sheets
from kaohe_desktop.store.db import Database

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import get_assessment
from .documents_common import SECTION_NAMES, DocJob, Progress, Staging, results_table
from .ranking import rank_assessment
from .results import EventInfo
from .scores import list_events


def _criteria(item: Item) -> str:
    if item.kind == ItemKind.YESNO:
        text = f"是 {shown(item.max)} 分，否 0 分"
    elif item.kind == ItemKind.LEVEL:
        text = "；".join(f"{lv.name} {shown(lv.points)}" for lv in item.levels)
    elif item.kind == ItemKind.DERIVED:
        text = "按数据计算"
    else:
        text = ""
    described = "" if item.description.strip() == item.title.strip() else item.description
    return "；".join(t for t in (described, text) if t)


def _sheet_items(rubric: Rubric, scores: dict[str, Any] | None = None) -> tuple[SheetItem, ...]:
    out: list[SheetItem] = []

    def visit(item: Item, depth: int) -> None:
        score = "" if scores is None else shown(scores[item.code]) if item.code in scores else "—"
        out.append(SheetItem(item.code, item.title, depth, shown(item.max), _criteria(item),
                             item.is_leaf, score))
        for child in item.children:
            visit(child, depth + 1)

    for top in rubric.items:
        visit(top, 0)
    return tuple(out)


def blank_sheet_data(db: Database, assessment_id: int, group: str | None = None) -> list[ScoreSheet]:
    """A blank sheet per subject of each assessor group (or of `group` only)."""
    info = get_assessment(db, assessment_id)
    with db.session() as s:
        rubric = assessment_rubric(s, load_assessment(s, assessment_id))
    items = _sheet_items(rubric)
    rules = tuple(("加分", f"{r.code} {r.title}") for r in rubric.bonus.rules) + tuple(
        ("减分", f"{r.code} {r.title}") for r in rubric.deduction.rules)
    groups = [g for g in info.groups if group is None or g.name == group]
    if group is not None and not groups:
        raise InputError(Problem(f"本次考核没有评分组“{group}”", column="--group", value=group))
    all_codes = tuple(x.code for x in info.subjects)
    plan = [(g.name, g.subject_codes or all_codes) for g in groups] or [("", all_codes)]
    names = {x.code: x.name for x in info.subjects}
    return [ScoreSheet(info.name, info.period_label, code, names[code], items, group=gname,
                       rules=rules, full_marks=shown(rubric.full_marks))
            for gname, codes in plan for code in codes]


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
        out.append(ScoreSheet(
            info.name, info.period_label, code, r.subject_name, _sheet_items(rubric, items_of[code]),
            group=r.group, filled=True, events=events, base=shown(r.base), bonus=shown(r.bonus),
            deduction=shown(r.deduction), total=shown(r.total), rank=str(r.rank or "—"),
            grade=(r.grade or "待定") + ("（一票否决）" if r.vetoed else ""),
            full_marks=shown(rubric.full_marks)))
    return out


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


