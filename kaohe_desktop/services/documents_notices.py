"""Notices (通知、通报) for exactly the consequence rows that are not certificates: one PDF
each, named by its 文号, subject and kind, numbered once (see `documents_common`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from kaohe_desktop.domain.consequences import KIND_NAMES
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.reports.notices import KIND_TITLES, Deduction, LostItem, Notice, iter_notices
from kaohe_desktop.reports.verification_mark import VerificationMark
from kaohe_desktop.store.db import Database

from .consequences import ConsequenceRow, Consequences, assessment_consequences
from .documents_common import (
    DEFAULT_OPTIONS,
    NOTICE_KINDS,
    DocJob,
    DocumentOptions,
    Numbered,
    Progress,
    Staging,
    deliver_numbered,
    file_name,
    issued_numbers,
    nothing_to_issue,
    number_rows,
    pick_rows,
    refuse_problems,
    require_approved,
    results_table,
    subject_codes,
    with_office,
)
from .drill_down import drill_down
from .verification import issue_mark


def _lost_items(db: Database, assessment_id: int, code: str) -> tuple[tuple[LostItem, ...],
                                                                         tuple[Deduction, ...]]:
    d = drill_down(db, assessment_id, code)
    lost = tuple(LostItem(i.title, shown(i.max), shown(i.score), shown(i.lost)) for i in d.most_lost)
    deductions = tuple(Deduction(e.title or e.event.rule_code, shown(e.event.amount),
                                 e.event.matter) for e in d.events
                       if e.counted and e.event.section == "deduction")
    return lost, deductions


def check_notice_kinds(kinds: Iterable[str] | None) -> None:
    bad = sorted(set(kinds or ()) - set(NOTICE_KINDS))
    if bad:
        names = "、".join(f"{k}（{KIND_NAMES[k]}）" for k in NOTICE_KINDS)
        raise InputError(Problem(f"通知种类应是 {names} 之一", column="--kinds", value="、".join(bad)))


def notice_rows(db: Database, assessment_id: int, subjects: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None,
                found: Consequences | None = None) -> list[ConsequenceRow]:
    """The consequence rows that are notices, optionally only some subjects or kinds."""
    check_notice_kinds(kinds)
    found = found or assessment_consequences(db, assessment_id)
    codes = subject_codes(db, assessment_id) if subjects else set()
    return pick_rows(found.rows, kinds=kinds or NOTICE_KINDS, subjects=subjects, grades=None,
                 known_codes=codes)


def _notices(db: Database, found: Consequences, numbered: Sequence[Numbered],
             opts: DocumentOptions) -> list[Notice]:
    assessment_id = found.assessment_id
    table = results_table(db, assessment_id)
    by_code = {r.subject_code: r for r in table.rows}
    rubric_name = found.rubric_name
    rules = {(c.grade, c.kind, c.recipient): c.note for c in found.rules}
    ranked = sum(1 for r in table.rows if r.rank)
    issued = opts.issued_on()
    lost_of: dict[str, tuple[tuple[LostItem, ...], tuple[Deduction, ...]]] = {}
    out = []
    for x in numbered:
        r, t = x.row, by_code[x.row.subject_code]
        if r.subject_code not in lost_of:
            lost_of[r.subject_code] = _lost_items(db, assessment_id, r.subject_code)
        lost, deductions = lost_of[r.subject_code]
        relation = {"head": "head", "staff": "member"}.get(r.recipient_kind, "self")
        out.append(Notice(
            r.kind, x.number, r.subject_name, table.name, shown(t.total), t.rank, ranked, r.grade,
            issued, opts.issuer, due=opts.due or issued + timedelta(days=opts.report_due_days),
            talk_at=opts.talk_time, talk_place=opts.talk_place,
            contact=opts.contact, lost_items=lost, deductions=deductions, person=r.person,
            recipient=r.recipient if r.person else "", relation=relation, rubric_name=rubric_name,
            rule_text=rules.get((r.grade, r.kind, r.recipient_kind), ""), address=opts.address,
            draft=opts.draft))
    return out


def notice_mark(db: Database, n: Notice, assessment_id: int) -> VerificationMark:
    """What a notice states, signed: its kind, 文号, to whom, the grade, total and rank."""
    rank = f"，第 {n.rank} 名（共 {n.count} 个）" if n.rank else ""
    return issue_mark(db, KIND_TITLES.get(n.kind, n.kind), number=n.number,
                      subject=n.recipient or n.unit_name,
                      result=f"{n.grade}，总分 {n.total}{rank}",
                      assessment=n.assessment_name, on=n.issued, assessment_id=assessment_id)


def notice_data(db: Database, assessment_id: int, opts: DocumentOptions = DEFAULT_OPTIONS,
                subjects: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None) -> list[Notice]:
    """The notices as they would print now (numbers of reprints; "" for new ones)."""
    opts = with_office(db, opts, ("issuer",), "通知")
    found = assessment_consequences(db, assessment_id)
    rows = notice_rows(db, assessment_id, subjects, kinds, found)
    known = issued_numbers(db, assessment_id)
    numbered = [Numbered(r, "" if opts.draft else known.get(
        (r.subject_id, r.kind, r.recipient_key), "")) for r in rows]
    return _notices(db, found, numbered, opts)


def notices_job(db: Database, assessment_id: int, out_dir: Path | str,
                opts: DocumentOptions = DEFAULT_OPTIONS, *, subjects: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None) -> DocJob:
    """One PDF per notice, named by its 文号, subject and kind; exactly the consequence
    rows that are notices. Numbers are stored for the files delivered."""
    yield Progress(0, 0, "正在读取考核结果")
    if not opts.draft:
        require_approved(db, assessment_id, "通知")
    opts = with_office(db, opts, ("issuer",) if opts.draft else ("issuer", "prefix"), "通知")
    check_notice_kinds(kinds)
    found = assessment_consequences(db, assessment_id)
    rows = notice_rows(db, assessment_id, subjects, kinds, found)
    if not rows:
        raise nothing_to_issue(found, "通知")
    refuse_problems(rows)
    year = opts.issued_on().year
    numbered = number_rows(db, assessment_id, rows, opts.number_prefix, year, opts.draft)
    notices = _notices(db, found, numbered, opts)
    if not opts.draft:
        notices = [replace(n, verification=notice_mark(db, n, assessment_id)) for n in notices]
    stage = Staging(out_dir)
    try:
        for n, (x, notice) in enumerate(zip(numbered, notices, strict=True), start=1):
            for _ in iter_notices(stage.path(file_name(x, opts.draft)), [notice]):
                pass
            yield Progress(n, len(notices), f"{x.row.subject_name} {x.row.kind_name}")
    except BaseException:
        stage.close()
        raise
    return deliver_numbered(db, assessment_id, stage, [[x] for x in numbered], year,
                            opts.number_prefix, opts.issued_on())


