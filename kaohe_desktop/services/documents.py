"""Printed documents: gather ranking, drill-down and attendance data and hand plain
dataclasses to `reports/` (which draws). Batches are generators yielding `Progress`
tuples (done, total, message) and returning the files written, so the window can run
them off the GUI thread and cancel between pages; `run` drives one to the end.

Document numbers (文号) are numbered per year and prefix and stored (`DocumentNumber`):
a batch reads the last number, draws with the next ones, and stores the new last number
only after its PDF is written — a cancelled or failed batch uses up no numbers.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import Item, ItemKind, Rubric
from kaohe_desktop.domain.scoring import counted_claims
from kaohe_desktop.io.safe_write import copy_file
from kaohe_desktop.reports.attendance_report import (
    AttendanceLine,
    AttendanceReport,
    UnitAttendance,
    write_attendance_report,
)
from kaohe_desktop.reports.certificates import Certificate, CertificateTemplate, iter_certificates
from kaohe_desktop.reports.notices import Deduction, LostItem, Notice, iter_notices
from kaohe_desktop.reports.publicity import PublicityList, PublicityRow, write_publicity
from kaohe_desktop.reports.score_sheets import ScoreSheet, SheetEvent, SheetItem, iter_sheets
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import DocumentNumber

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import get_assessment
from .attendance import monthly_summary, period_range
from .drill_down import drill_down
from .ranking import rank_assessment
from .ranking_results import RankingRow, RankingTable
from .results import EventInfo
from .scores import list_events
from .standings import ranking_table


class Progress(NamedTuple):
    done: int
    total: int
    message: str = ""


DocJob = Generator[Progress, None, list[Path]]

SECTION_NAMES = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}
RECTIFY_GRADES = ("一般", "需改进", "基本合格", "基本称职", "较差")
WORST_GRADES = ("较差", "不合格", "不称职")


@dataclass(frozen=True)
class DocumentOptions:
    """What the office fills in once: who issues, how notices are numbered, dates."""

    issuer: str = "芙蓉街道便民服务中心"
    number_prefix: str = "芙街便"  # 文号: 芙街便〔2024〕3号
    contact: str = ""
    issued: date | None = None  # None: today
    report_due_days: int = 30  # 整改报告 due this many days after the notice
    objection_days: int = 7  # 公示期 when the assessment has none recorded
    certificate: CertificateTemplate = field(default_factory=CertificateTemplate)

    def issued_on(self) -> date:
        return self.issued or date.today()


def run(job: Generator[Progress, None, Any]) -> Any:
    """Drive a generator job to its end and return its result (CLI, tests)."""
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value


class _Staging:
    """PDFs are drawn in a local temporary folder, then copied into `out_dir` through
    `io.safe_write` (flushed, read back, renamed): a full, removed or read-only USB drive
    gives a clear message and leaves no half-written file under a final name."""

    def __init__(self, out_dir: Path | str) -> None:
        self.out = Path(out_dir)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(Problem(f"无法创建文件夹：{exc.strerror or exc}", file=str(self.out))) from None
        self.tmp = Path(tempfile.mkdtemp(prefix="kaohe-docs-"))
        self.names: list[str] = []

    def path(self, name: str) -> Path:
        self.names.append(name)
        return self.tmp / name

    def deliver(self) -> list[Path]:
        try:
            return [copy_file(self.tmp / n, self.out / n) for n in self.names]
        finally:
            self.close()

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _safe_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in text).strip() or "文件"


def _table(db: Database, assessment_id: int) -> RankingTable:
    return ranking_table(db, assessment_id)


def _year(db: Database, assessment_id: int) -> int:
    return get_assessment(db, assessment_id).end.year


# ----------------------------------------------------------------------------- numbers


def last_number(db: Database, year: int, prefix: str) -> int:
    with db.session() as s:
        row = s.get(DocumentNumber, (year, prefix))
        return row.last if row else 0


def number_text(prefix: str, year: int, n: int) -> str:
    return f"{prefix}〔{year}〕{n}号"


def _store_last(db: Database, year: int, prefix: str, last: int) -> None:
    with db.session() as s:
        row = s.get(DocumentNumber, (year, prefix))
        if row is None:
            s.add(DocumentNumber(year=year, prefix=prefix, last=last))
        elif last > row.last:
            row.last = last
        s.commit()


# ----------------------------------------------------------------------------- certificates


def excellent_rows(table: RankingTable, grades: Sequence[str] | None = None) -> list[RankingRow]:
    """Rows graded in the best band (or any of `grades`), vetoed ones never."""
    wanted = set(grades) if grades else set(table.grade_names[:1])
    return [r for r in table.rows if r.grade in wanted and not r.vetoed]


def certificate_data(db: Database, assessment_id: int, opts: DocumentOptions = DocumentOptions(),
                     grades: Sequence[str] | None = None) -> list[Certificate]:
    table = _table(db, assessment_id)
    year = _year(db, assessment_id)
    honour = opts.certificate.honour
    if table.subject_kind == "staff" and honour == CertificateTemplate().honour:
        honour = "便民服务工作优秀工作人员"
    return [Certificate(r.subject_name, year, opts.issued_on(), r.grade, honour)
            for r in excellent_rows(table, grades)]


def certificates_job(db: Database, assessment_id: int, out_dir: Path | str,
                     opts: DocumentOptions = DocumentOptions(), *, per_subject: bool = False,
                     grades: Sequence[str] | None = None) -> DocJob:
    """荣誉证书 for every subject of the best grade: one PDF, or one per subject."""
    yield Progress(0, 0, "正在读取考核结果")
    certs = certificate_data(db, assessment_id, opts, grades)
    if not certs:
        raise InputError(Problem("没有可发证书的对象（没有评为该等次的对象）", value=assessment_id))
    stage = _Staging(out_dir)
    try:
        if per_subject:
            for n, cert in enumerate(certs, start=1):
                path = stage.path(f"荣誉证书_{n:03d}_{_safe_name(cert.name)}.pdf")
                for _ in iter_certificates(path, [cert], opts.certificate):
                    pass
                yield Progress(n, len(certs), cert.name)
        else:
            path = stage.path(f"荣誉证书_{assessment_id}.pdf")
            for n in iter_certificates(path, certs, opts.certificate):
                yield Progress(n, len(certs), certs[n - 1].name)
    except BaseException:
        stage.close()
        raise
    return stage.deliver()


# ----------------------------------------------------------------------------- notices


def notice_kinds(table: RankingTable, row: RankingRow) -> tuple[str, ...]:
    """Which notices a subject gets by its grade: the scale's lowest band (较差/不合格) →
    通报批评 and 诫勉谈话; a band named 一般/需改进 (or, with four or more bands, the one
    above the lowest) → 整改通知书."""
    names = table.grade_names
    if not names or not row.grade:
        return ()
    if row.grade == names[-1] or row.grade in WORST_GRADES or row.vetoed:
        return ("rectify", "talk", "criticise")
    if row.grade in RECTIFY_GRADES or (len(names) >= 4 and row.grade == names[-2]):
        return ("rectify",)
    return ()


def _lost_items(db: Database, assessment_id: int, code: str) -> tuple[tuple[LostItem, ...],
                                                                         tuple[Deduction, ...]]:
    d = drill_down(db, assessment_id, code)
    lost = tuple(LostItem(i.title, shown(i.max), shown(i.score), shown(i.lost)) for i in d.most_lost)
    deductions = tuple(Deduction(e.title or e.event.rule_code, shown(e.event.amount),
                                 e.event.matter) for e in d.events
                       if e.counted and e.event.section == "deduction")
    return lost, deductions


def notice_data(db: Database, assessment_id: int, opts: DocumentOptions = DocumentOptions(),
                subjects: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None) -> list[Notice]:
    """The notices (unnumbered: number "") for the weak and failing subjects, or for the
    named subjects with `kinds` (rectify / talk / criticise)."""
    table = _table(db, assessment_id)
    wanted = set(subjects) if subjects else None
    if wanted:
        unknown = wanted - {r.subject_code for r in table.rows}
        if unknown:
            raise InputError(Problem("这些对象不在本次考核中", column="对象",
                                     value="、".join(sorted(unknown))))
    issued = opts.issued_on()
    out = []
    for r in table.rows:
        if wanted is not None and r.subject_code not in wanted:
            continue
        chosen = tuple(kinds) if kinds else notice_kinds(table, r)
        if wanted is not None and not chosen:
            chosen = ("rectify",)
        if not chosen:
            continue
        lost, deductions = _lost_items(db, assessment_id, r.subject_code)
        for kind in chosen:
            out.append(Notice(kind, "", r.subject_name, table.name, shown(r.total), r.rank,
                              len(table.rows), r.grade, issued, opts.issuer,
                              due=issued + timedelta(days=opts.report_due_days),
                              contact=opts.contact, lost_items=lost, deductions=deductions))
    return out


def notices_job(db: Database, assessment_id: int, out_dir: Path | str,
                opts: DocumentOptions = DocumentOptions(), *, subjects: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None) -> DocJob:
    """One PDF of numbered notices; the numbers are stored once the PDF is written."""
    yield Progress(0, 0, "正在读取考核结果")
    notices = notice_data(db, assessment_id, opts, subjects, kinds)
    if not notices:
        raise InputError(Problem("没有需要发通知的对象（没有评为一般、需改进或较差的对象）",
                                 value=assessment_id))
    year = opts.issued_on().year
    first = last_number(db, year, opts.number_prefix) + 1
    numbered = [replace(n, number=number_text(opts.number_prefix, year, first + k))
                for k, n in enumerate(notices)]
    stage = _Staging(out_dir)
    try:
        for n in iter_notices(stage.path(f"通知_{assessment_id}.pdf"), numbered):
            yield Progress(n, len(numbered), numbered[n - 1].unit_name)
    except BaseException:
        stage.close()
        raise
    files = stage.deliver()
    _store_last(db, year, opts.number_prefix, first + len(numbered) - 1)
    return files


# ----------------------------------------------------------------------------- score sheets


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
    table = _table(db, assessment_id)
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
            deduction=shown(r.deduction), total=shown(r.total), rank=str(r.rank),
            grade=r.grade + ("（一票否决）" if r.vetoed else ""), full_marks=shown(rubric.full_marks)))
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
    stage = _Staging(out_dir)
    try:
        path = stage.path(f"{'评分结果表' if filled else '空白评分表'}_{assessment_id}.pdf")
        for n in iter_sheets(path, sheets):
            yield Progress(n, total, sheets[n - 1].subject_name)
    except BaseException:
        stage.close()
        raise
    return stage.deliver()


# ----------------------------------------------------------------------------- publicity


def publicity_data(db: Database, assessment_id: int,
                   opts: DocumentOptions = DocumentOptions()) -> PublicityList:
    table = _table(db, assessment_id)
    published = table.objection_start or opts.issued_on()
    start = table.objection_start or published
    end = table.objection_end or start + timedelta(days=opts.objection_days)
    rows = tuple(PublicityRow(r.rank, r.subject_code, r.subject_name, r.area, shown(r.total),
                              r.grade + ("（一票否决）" if r.vetoed else "")) for r in table.rows)
    return PublicityList(f"{table.name}结果公示", rows, published, start, end, opts.issuer,
                         opts.contact)


def publicity_job(db: Database, assessment_id: int, out_dir: Path | str,
                  opts: DocumentOptions = DocumentOptions()) -> DocJob:
    yield Progress(0, 1, "正在生成公示名单")
    data = publicity_data(db, assessment_id, opts)
    stage = _Staging(out_dir)
    try:
        write_publicity(stage.path(f"公示_{assessment_id}.pdf"), data)
    except BaseException:
        stage.close()
        raise
    yield Progress(1, 1, "公示名单")
    return stage.deliver()


# ----------------------------------------------------------------------------- attendance


def attendance_report_data(db: Database, month: str, unit: str | None = None,
                           opts: DocumentOptions = DocumentOptions()) -> AttendanceReport:
    start, end = period_range(month)
    rows = monthly_summary(db, month, unit)
    units: dict[str, list[AttendanceLine]] = {}
    for r in rows:
        leave = "；".join(f"{k} {shown(v)}" for k, v in r.leave_days.items() if v)
        units.setdefault(r.unit_name, []).append(AttendanceLine(
            r.staff_code, r.name, r.workdays, r.late, r.late_minutes, r.early, r.early_minutes,
            r.missing, shown(r.absent_days), leave))
    return AttendanceReport(f"{start.year}年{start.month}月", start, end,
                            tuple(UnitAttendance(u, tuple(x)) for u, x in units.items()),
                            opts.issued_on(), opts.issuer)


def attendance_job(db: Database, month: str, out_dir: Path | str, unit: str | None = None,
                   opts: DocumentOptions = DocumentOptions()) -> DocJob:
    yield Progress(0, 1, "正在汇总考勤")
    data = attendance_report_data(db, month, unit, opts)
    stage = _Staging(out_dir)
    try:
        write_attendance_report(stage.path(f"考勤月报_{month}.pdf"), data)
    except BaseException:
        stage.close()
        raise
    yield Progress(1, 1, "考勤月报")
    return stage.deliver()
