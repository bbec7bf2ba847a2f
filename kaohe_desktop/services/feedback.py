"""Feedback letters (考核结果反馈书, issue 17 §5): after 审议, one page per person or unit
with the result and rank, each section against its maximum, the assessors' remarks, the
service measures against their targets and an improvement plan.

`letter_data` gathers what the letters say (the window shows it too); `feedback_job`
writes one PDF per subject into a folder, through the documents' staging (a full or
removed USB drive leaves no half-written file; an existing file is never overwritten).
Before 审议 only a 草稿 preview is drawn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from kaohe_desktop.domain.completeness import DATA_SOURCES
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.improvement import (
    Step,
    manual_step,
    measure_line,
    metric_step,
    next_grade,
    plan,
)
from kaohe_desktop.domain.numbers import ZERO, shown
from kaohe_desktop.domain.rubric import GradeBand, GradeMode, GradeScale, ItemKind, Rubric
from kaohe_desktop.reports.feedback_letters import (
    FeedbackLetter,
    MeasureRow,
    RemarkLine,
    SectionScore,
    iter_letters,
)
from kaohe_desktop.store.db import Database

from .assessments import get_assessment
from .documents_common import (
    DEFAULT_OPTIONS,
    DocJob,
    DocumentOptions,
    Progress,
    Staging,
    period_words,
    require_approved,
    results_table,
    safe_name,
    with_office,
)
from .drill_down import drill_down
from .metric_items import subject_metrics


def _scale(raw: dict) -> GradeScale:
    bands = tuple(GradeBand(b["name"], Decimal(str(b.get("min", 0))),
                            Decimal(str(b["quota_share"])) if b.get("quota_share") is not None
                            else None, b.get("quota_count")) for b in raw.get("scale", []))
    return GradeScale(GradeMode(raw.get("mode", "threshold")), bands)


def _rate(score: Decimal, maximum: Decimal) -> str:
    return f"{(score / maximum * 100).quantize(Decimal('1'))}%" if maximum else ""


def _section(rubric: Rubric, code: str, title: str, score: Decimal, na: set[str]) -> SectionScore:
    """A section against the maximum of its items that apply to the subject: one whose
    every item is 不适用 says so instead of showing 0 of its maximum."""
    top = rubric.item(code)
    if top is None:
        return SectionScore(code, title, shown(score), "", "")
    applicable = sum((i.max for i in top.walk() if i.is_leaf and i.code not in na), ZERO)
    if not applicable:
        return SectionScore(code, title, "不适用", "—", "")
    return SectionScore(code, title, shown(score), shown(applicable), _rate(score, applicable))


def letter_data(db: Database, assessment_id: int, subjects: Iterable[str] | None = None,
                opts: DocumentOptions = DEFAULT_OPTIONS) -> list[FeedbackLetter]:
    """The letters of the graded subjects (or of `subjects`), in rank order."""
    opts = with_office(db, opts, ("issuer",), "反馈书")
    table = results_table(db, assessment_id)
    info = get_assessment(db, assessment_id)
    rows = [r for r in table.rows if r.graded]
    if subjects is not None:
        wanted = list(dict.fromkeys(subjects))
        known = {r.subject_code: r for r in table.rows}
        problems = [Problem("该对象不在本次考核中", column="--subjects", value=c)
                    for c in wanted if c not in known]
        problems += [Problem(f"该对象{known[c].grade_text}，没有考核结果，不出反馈书",
                             column="--subjects", value=c)
                     for c in wanted if c in known and not known[c].graded]
        if problems:
            raise InputError(problems)
        rows = [r for r in rows if r.subject_code in wanted]
    if not rows:
        raise InputError(Problem("没有已定档的考核对象，不出反馈书", column="考核", value=assessment_id))
    scale = _scale(table.grade_scale)
    holders: dict[str, list[Decimal]] = defaultdict(list)
    for r in table.rows:
        if r.grade:
            holders[r.grade].append(r.total)
    measures, metrics = subject_metrics(db, assessment_id)
    ranked = sum(1 for r in table.rows if r.rank)
    period = "" if info.period_label in table.name else period_words(info.period_kind, info.start,
                                                                      info.end)
    you = "你" if table.subject_kind == "staff" else "你单位"
    out = []
    for r in rows:
        d = drill_down(db, assessment_id, r.subject_code)
        rubric = d.rubric
        assert rubric is not None
        na = set(r.not_applicable)
        sections = tuple(_section(rubric, s.code, s.title, v, na)
                         for s, v in zip(table.sections, r.sections, strict=True))
        remarks = tuple(RemarkLine(f"{i.code} {i.title}", x.assessor, x.remark.strip())
                        for i in d.items for x in i.scores
                        if x.remark.strip() and x.assessor not in DATA_SOURCES)
        m = measures.get(r.subject_code)
        mine = {v.item_code: v for v in metrics.get(r.subject_code, [])}
        lines, steps = [], []
        for i in d.items:
            if not i.is_leaf:
                continue
            item = rubric.item(i.code)
            if i.code in na:  # 不适用 to this subject: nothing to gain there, no target
                continue
            mv = mine.get(i.code)
            if mv is not None and m is not None and item is not None:
                lines.append(measure_line(i.code, mv.rule, m, i.score, i.max))
                step = metric_step(i.code, i.title, mv.rule, m, i.score, i.max, item.step)
                if step is not None:
                    steps.append(step)
            elif i.lost > 0 and item is not None and item.kind != ItemKind.DERIVED:
                steps.append(manual_step(i.code, i.title, i.score, i.max))
        nxt = next_grade(scale, r.grade, r.total, holders)
        chosen: list[Step] = plan(steps, nxt.needed)
        adjustments = "，".join(p for p in (f"加分 {shown(r.bonus)}" if r.bonus else "",
                                            f"减分 {shown(r.deduction)}" if r.deduction else "") if p)
        out.append(FeedbackLetter(
            r.subject_code, r.subject_name, you, table.name, period, rubric.name,
            shown(r.total), shown(table.full_marks), r.rank, ranked, r.grade or "", sections,
            remarks, tuple(MeasureRow(x.label, x.value, x.target, x.points) for x in lines),
            nxt.name, shown(nxt.needed) if nxt.name and nxt.needed is not None and nxt.needed > ZERO
            else ("" if nxt.needed is None else "0"),
            tuple(s.text for s in chosen), opts.issuer, opts.issued_on(), adjustments, opts.draft,
            conversion=r.conversion,
            applicable=shown(sum((i.max for i in rubric.leaves() if i.code not in na), ZERO)),
            raw=shown(sum(r.sections, ZERO)), base=shown(r.base),
            bonus=shown(r.bonus) if r.bonus else "",
            deduction=shown(r.deduction) if r.deduction else ""))
    return out


def file_name(letter: FeedbackLetter, draft: bool) -> str:
    prefix = "草稿-" if draft else ""
    return safe_name(f"{prefix}考核结果反馈书-{letter.subject_code}-{letter.subject_name}") + ".pdf"


def feedback_job(db: Database, assessment_id: int, out_dir: Path | str,
                 opts: DocumentOptions = DEFAULT_OPTIONS, *,
                 subjects: Iterable[str] | None = None) -> DocJob:
    """One PDF per subject (a page each) into `out_dir`; only after 审议 unless a draft."""
    yield Progress(0, 0, "正在读取考核结果")
    if not opts.draft:
        require_approved(db, assessment_id, "反馈书")
    letters = letter_data(db, assessment_id, subjects, opts)
    stage = Staging(out_dir)
    try:
        for n, letter in enumerate(letters, start=1):
            for _ in iter_letters(stage.path(file_name(letter, opts.draft)), [letter]):
                pass
            yield Progress(n, len(letters), letter.subject_name)
    except BaseException:
        stage.close()
        raise
    return stage.deliver()
