"""Printed documents: gather ranking, drill-down and attendance data and hand plain
dataclasses to `reports/` (which draws). Batches are generators yielding `Progress`
tuples (done, total, message) and returning the files written, so the window can run
them off the GUI thread and cancel between pages; `run` drives one to the end.

Certificates and notices are exactly the rows of `services.consequences` (the rubric's
own consequences for the grades earned), and — like the 公示 list — only from an
assessment that passed 审议 (已审议 or 已公示). Before that, a preview is allowed with
`draft=True`: 草稿 across every page, no numbers, nothing stored.

Numbers: a document keeps the number it was first issued with (`DocumentIssue`, one per
assessment, subject, kind and recipient), so a reprint carries the same 文号 or
certificate number. New numbers run per year and prefix (`DocumentNumber`): a batch
reads the last number, draws with the next ones, and stores them only for the files it
delivered — a cancelled or failed batch uses up no numbers it did not print.

Files are never silently overwritten: a name that exists gets “（2）” and the result says
so; a batch that fails half-way names the files it did write.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from kaohe_desktop.domain.consequences import KIND_NAMES
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.periods import PeriodKind
from kaohe_desktop.domain.rubric import Item, ItemKind, Rubric
from kaohe_desktop.domain.scoring import counted_claims
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.io.safe_write import copy_file
from kaohe_desktop.reports.attendance_report import (
    AttendanceLine,
    AttendanceReport,
    UnitAttendance,
    write_attendance_report,
)
from kaohe_desktop.reports.certificates import Certificate, CertificateTemplate, iter_certificates
from kaohe_desktop.reports.chinese_dates import plain_date
from kaohe_desktop.reports.notices import Deduction, LostItem, Notice, iter_notices
from kaohe_desktop.reports.publicity import PublicityList, PublicityRow, write_publicity
from kaohe_desktop.reports.score_sheets import ScoreSheet, SheetEvent, SheetItem, iter_sheets
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import DocumentIssue, DocumentNumber

from .assessment_lookup import assessment_rubric, load_assessment
from .assessments import get_assessment
from .attendance import monthly_summary, period_range
from .consequences import ConsequenceRow, Consequences, assessment_consequences
from .drill_down import drill_down
from .office_settings import OfficeSettings, office_settings, require
from .ranking import rank_assessment
from .ranking_results import RankingRow, RankingTable
from .results import EventInfo
from .scores import list_events
from .standings import ranking_table

__all__ = ["CertificateTemplate", "DocumentOptions", "Progress", "Written", "run"]


class Progress(NamedTuple):
    done: int
    total: int
    message: str = ""


DocJob = Generator[Progress, None, list[Path]]

SECTION_NAMES = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}
NOTICE_KINDS = tuple(k for k in KIND_NAMES if k != "certificate")
APPROVED = (State.REVIEWED, State.PUBLISHED)


@dataclass(frozen=True)
class DocumentOptions:
    """What a batch may set for itself; an empty issuer, prefix, contact or address is
    the office's setting (`services.office_settings`) — there is no built-in office."""

    issuer: str = ""
    number_prefix: str = ""  # 文号: 前缀〔2024〕3号
    contact: str = ""
    issued: date | None = None  # None: today
    report_due_days: int = 30  # 整改报告 due this many days after the notice
    objection_days: int = 7  # 公示期 when the assessment has none recorded
    certificate: CertificateTemplate = field(default_factory=CertificateTemplate)
    address: str = ""
    draft: bool = False  # a 草稿 preview from an assessment not yet approved

    def issued_on(self) -> date:
        return self.issued or date.today()


def run(job: Generator[Progress, None, Any]) -> Any:
    """Drive a generator job to its end and return its result (CLI, tests)."""
    while True:
        try:
            next(job)
        except StopIteration as stop:
            return stop.value


class Written(list[Path]):
    """The files a batch wrote; `renamed` maps a file written under another name (because
    one with its own name was already there) to the name it would have had."""

    def __init__(self, paths: Iterable[Path] = (), renamed: dict[Path, str] | None = None) -> None:
        super().__init__(paths)
        self.renamed: dict[Path, str] = dict(renamed or {})


class PartlyWritten(InputError):
    """A batch that stopped half-way: `written` are the files that did get written."""

    def __init__(self, problem: Problem, written: Written) -> None:
        super().__init__(problem)
        self.written = written


def free_name(folder: Path, name: str, taken: Iterable[str] = ()) -> str:
    """`name`, or “stem（2）.pdf”, “stem（3）.pdf” … when a file of that name exists: an
    earlier print is never overwritten."""
    taken = set(taken)
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, k = name, 1
    while (folder / candidate).exists() or candidate in taken:
        k += 1
        candidate = f"{stem}（{k}）{suffix}"
    return candidate


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
        return self.tmp / f"{len(self.names):05d}.pdf"  # local names: any length, no clash

    def deliver(self, on_written: Callable[[int], None] | None = None) -> Written:
        """Copy every staged file out; `on_written(k)` after the k-th (0-based) landed.
        A failure part-way raises PartlyWritten naming the files already written."""
        done = Written()
        try:
            for k, name in enumerate(self.names):
                final = free_name(self.out, name, (p.name for p in done))
                try:
                    path = copy_file(self.tmp / f"{k + 1:05d}.pdf", self.out / final)
                except InputError as exc:
                    if not done:
                        raise
                    listed = "、".join(p.name for p in done)
                    left = len(self.names) - len(done)
                    raise PartlyWritten(Problem(
                        f"{exc.problems[0].line()}；已写入 {len(done)} 个文件：{listed}；"
                        f"其余 {left} 个未写入", file=str(self.out)), done) from None
                done.append(path)
                if final != name:
                    done.renamed[path] = name
                if on_written is not None:
                    on_written(k)
            return done
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


# ----------------------------------------------------------------------------- rules


def with_office(db: Database, opts: DocumentOptions, need: Sequence[str], what: str) -> DocumentOptions:
    """The options with the office's settings filled in; refused (saying how to set it)
    while a needed one is missing."""
    office = office_settings(db)
    filled = replace(opts, issuer=opts.issuer or office.issuer,
                     number_prefix=opts.number_prefix or office.prefix,
                     contact=opts.contact or office.contact, address=opts.address or office.address)
    require(OfficeSettings(filled.issuer, filled.number_prefix, filled.contact, filled.address),
            need, what)
    return filled


def require_approved(db: Database, assessment_id: int, what: str) -> None:
    """Certificates, notices and the 公示 list only after 审议 (已审议 or 已公示)."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        state, name = State(a.state), a.name
    if state not in APPROVED:
        raise InputError(Problem(
            f"考核 {assessment_id}“{name}”当前为“{STATE_NAMES[state]}”，尚未审议通过：{what}"
            "只能在审议通过（已审议或已公示）后生成；可先生成带“草稿”水印的预览"
            "（命令行加 --draft，窗口点“草稿预览”）", column="考核", value=assessment_id))


_QUARTERS = "一二三四"


def period_words(kind: str, start: date, end: date) -> str:
    """The period as a certificate names it: 2024年度, 2024年第三季度, 2024年10月."""
    if kind == PeriodKind.YEAR:
        return f"{start.year}年度"
    if kind == PeriodKind.QUARTER:
        return f"{start.year}年第{_QUARTERS[(start.month - 1) // 3]}季度"
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    return f"{plain_date(start)}至{plain_date(end)}"


# ----------------------------------------------------------------------------- numbers


def last_number(db: Database, year: int, prefix: str) -> int:
    with db.session() as s:
        row = s.get(DocumentNumber, (year, prefix))
        return row.last if row else 0


def number_text(prefix: str, year: int, n: int) -> str:
    return f"{prefix}〔{year}〕{n}号"


def certificate_prefix(prefix: str) -> str:
    """Certificates are numbered apart from notices: 某街便证〔2024〕1号."""
    return f"{prefix}证"


def issued_numbers(db: Database, assessment_id: int) -> dict[tuple[int, str, str], str]:
    """(subject id, kind, recipient) → the number that document was issued with."""
    with db.session() as s:
        rows = s.execute(select(DocumentIssue.subject_id, DocumentIssue.kind, DocumentIssue.recipient,
                                DocumentIssue.number)
                         .where(DocumentIssue.assessment_id == assessment_id)).all()
    return {(sid or 0, kind, who): number for sid, kind, who, number in rows}


@dataclass(frozen=True)
class _Numbered:
    row: ConsequenceRow
    number: str  # "" on a draft
    new: int = 0  # the counter value when newly given (0: reprint or draft)


def _number_rows(db: Database, assessment_id: int, rows: Sequence[ConsequenceRow], prefix: str,
                 year: int, draft: bool) -> list[_Numbered]:
    if draft:
        return [_Numbered(r, "") for r in rows]
    known = issued_numbers(db, assessment_id)
    n = last_number(db, year, prefix)
    out = []
    for r in rows:
        number = known.get((r.subject_id, r.kind, r.recipient_key))
        if number:
            out.append(_Numbered(r, number))
        else:
            n += 1
            out.append(_Numbered(r, number_text(prefix, year, n), n))
    return out


def _record(db: Database, assessment_id: int, done: Sequence[_Numbered], year: int,
            prefix: str) -> None:
    """Store the numbers of the documents delivered (and the counter) in one transaction."""
    new = [x for x in done if x.new]
    if not new:
        return
    with db.session() as s:
        for x in new:
            s.add(DocumentIssue(assessment_id=assessment_id, subject_id=x.row.subject_id or None,
                                kind=x.row.kind, recipient=x.row.recipient_key, number=x.number))
        top = max(x.new for x in new)
        counter = s.get(DocumentNumber, (year, prefix))
        if counter is None:
            s.add(DocumentNumber(year=year, prefix=prefix, last=top))
        elif top > counter.last:
            counter.last = top


def _deliver_numbered(db: Database, assessment_id: int, stage: _Staging,
                      per_file: Sequence[Sequence[_Numbered]], year: int, prefix: str) -> Written:
    """Copy the staged files out and record the numbers of those that landed — also when
    the batch stops half-way, since those documents now exist."""
    landed: list[_Numbered] = []
    try:
        return stage.deliver(lambda k: landed.extend(per_file[k]))
    finally:
        _record(db, assessment_id, landed, year, prefix)


def _pick(rows: Sequence[ConsequenceRow], *, kinds: Iterable[str], subjects: Iterable[str] | None,
          grades: Iterable[str] | None, known_codes: set[str]) -> list[ConsequenceRow]:
    wanted = set(subjects) if subjects else None
    if wanted:
        unknown = wanted - known_codes
        if unknown:
            raise InputError(Problem("这些对象不在本次考核中", column="对象",
                                     value="、".join(sorted(unknown))))
    kinds, grade_set = set(kinds), set(grades) if grades else None
    return [r for r in rows if r.kind in kinds and (wanted is None or r.subject_code in wanted)
            and (grade_set is None or r.grade in grade_set)]


def _refuse_problems(rows: Sequence[ConsequenceRow]) -> None:
    problems = sorted({r.problem for r in rows if r.problem})
    if problems:
        raise InputError([Problem(p, column="负责人") for p in problems])


def _file_name(x: _Numbered, draft: bool) -> str:
    r = x.row
    who = r.subject_name if r.recipient_kind == "subject" else f"{r.subject_name}_{r.recipient}"
    lead = "草稿" if draft else x.number
    return _safe_name(f"{lead}_{who}_{r.kind_name}") + ".pdf"


# ----------------------------------------------------------------------------- certificates


def _subject_codes(db: Database, assessment_id: int) -> set[str]:
    return {x.code for x in get_assessment(db, assessment_id).subjects}


def _nothing(found: Consequences, what: str) -> InputError:
    return InputError(Problem(
        f"没有要发的{what}：细则《{found.rubric_name}》第 {found.rubric_version} 版规定的结果运用中，"
        f"没有哪个已定等次的对象应得{what}（可用 kaohe consequences {found.assessment_id} 查看）",
        value=found.assessment_id))


def certificate_rows(db: Database, assessment_id: int, subjects: Iterable[str] | None = None,
                     grades: Sequence[str] | None = None,
                     found: Consequences | None = None) -> list[ConsequenceRow]:
    """The consequence rows that are certificates (optionally only some subjects/grades)."""
    found = found or assessment_consequences(db, assessment_id)
    codes = _subject_codes(db, assessment_id) if subjects else set()
    return _pick(found.rows, kinds=("certificate",), subjects=subjects, grades=grades,
                 known_codes=codes)


def _certificate(r: ConsequenceRow, number: str, period: str, year: int, opts: DocumentOptions
                 ) -> Certificate:
    return Certificate(r.recipient, year, opts.issued_on(), r.grade, opts.certificate.honour,
                       period=period, number=number, person=r.person, draft=opts.draft,
                       issuer=opts.certificate.issuer or opts.issuer)


def certificate_data(db: Database, assessment_id: int, opts: DocumentOptions = DocumentOptions(),
                     grades: Sequence[str] | None = None,
                     subjects: Iterable[str] | None = None) -> list[Certificate]:
    """The certificates as they would print now (reprints with their numbers; new ones
    with the next numbers, not yet stored)."""
    opts = with_office(db, opts, ("issuer",) if opts.draft else ("issuer", "prefix"), "荣誉证书")
    info = get_assessment(db, assessment_id)
    period = period_words(info.period_kind, info.start, info.end)
    rows = certificate_rows(db, assessment_id, subjects, grades)
    numbered = _number_rows(db, assessment_id, rows, certificate_prefix(opts.number_prefix),
                            opts.issued_on().year, opts.draft)
    return [_certificate(x.row, x.number, period, info.end.year, opts) for x in numbered]


def certificates_job(db: Database, assessment_id: int, out_dir: Path | str,
                     opts: DocumentOptions = DocumentOptions(), *, per_subject: bool = False,
                     grades: Sequence[str] | None = None,
                     subjects: Iterable[str] | None = None) -> DocJob:
    """荣誉证书 for exactly the consequence rows that are certificates: one PDF, or one per
    certificate (named by its number and recipient)."""
    yield Progress(0, 0, "正在读取考核结果")
    if not opts.draft:
        require_approved(db, assessment_id, "荣誉证书")
    opts = with_office(db, opts, ("issuer",) if opts.draft else ("issuer", "prefix"), "荣誉证书")
    info = get_assessment(db, assessment_id)
    period = period_words(info.period_kind, info.start, info.end)
    found = assessment_consequences(db, assessment_id)
    rows = certificate_rows(db, assessment_id, subjects, grades, found)
    if not rows:
        raise _nothing(found, "荣誉证书")
    year, prefix = opts.issued_on().year, certificate_prefix(opts.number_prefix)
    numbered = _number_rows(db, assessment_id, rows, prefix, year, opts.draft)
    certs = [_certificate(x.row, x.number, period, info.end.year, opts) for x in numbered]
    stage = _Staging(out_dir)
    try:
        if per_subject:
            per_file = [[x] for x in numbered]
            for n, (x, cert) in enumerate(zip(numbered, certs, strict=True), start=1):
                path = stage.path(_file_name(x, opts.draft))
                for _ in iter_certificates(path, [cert], opts.certificate):
                    pass
                yield Progress(n, len(certs), cert.name)
        else:
            per_file = [numbered]
            lead = "草稿_" if opts.draft else ""
            path = stage.path(_safe_name(f"{lead}荣誉证书_{info.name}_{len(certs)}份") + ".pdf")
            for n in iter_certificates(path, certs, opts.certificate):
                yield Progress(n, len(certs), certs[n - 1].name)
    except BaseException:
        stage.close()
        raise
    return _deliver_numbered(db, assessment_id, stage, per_file, year, prefix)


# ----------------------------------------------------------------------------- notices


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
    codes = _subject_codes(db, assessment_id) if subjects else set()
    return _pick(found.rows, kinds=kinds or NOTICE_KINDS, subjects=subjects, grades=None,
                 known_codes=codes)


def _notices(db: Database, found: Consequences, numbered: Sequence[_Numbered],
             opts: DocumentOptions) -> list[Notice]:
    assessment_id = found.assessment_id
    table = _table(db, assessment_id)
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
            issued, opts.issuer, due=issued + timedelta(days=opts.report_due_days),
            contact=opts.contact, lost_items=lost, deductions=deductions, person=r.person,
            recipient=r.recipient if r.person else "", relation=relation, rubric_name=rubric_name,
            rule_text=rules.get((r.grade, r.kind, r.recipient_kind), ""), address=opts.address,
            draft=opts.draft))
    return out


def notice_data(db: Database, assessment_id: int, opts: DocumentOptions = DocumentOptions(),
                subjects: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None) -> list[Notice]:
    """The notices as they would print now (numbers of reprints; "" for new ones)."""
    opts = with_office(db, opts, ("issuer",), "通知")
    found = assessment_consequences(db, assessment_id)
    rows = notice_rows(db, assessment_id, subjects, kinds, found)
    known = issued_numbers(db, assessment_id)
    numbered = [_Numbered(r, "" if opts.draft else known.get(
        (r.subject_id, r.kind, r.recipient_key), "")) for r in rows]
    return _notices(db, found, numbered, opts)


def notices_job(db: Database, assessment_id: int, out_dir: Path | str,
                opts: DocumentOptions = DocumentOptions(), *, subjects: Iterable[str] | None = None,
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
        raise _nothing(found, "通知")
    _refuse_problems(rows)
    year = opts.issued_on().year
    numbered = _number_rows(db, assessment_id, rows, opts.number_prefix, year, opts.draft)
    notices = _notices(db, found, numbered, opts)
    stage = _Staging(out_dir)
    try:
        for n, (x, notice) in enumerate(zip(numbered, notices, strict=True), start=1):
            for _ in iter_notices(stage.path(_file_name(x, opts.draft)), [notice]):
                pass
            yield Progress(n, len(notices), f"{x.row.subject_name} {x.row.kind_name}")
    except BaseException:
        stage.close()
        raise
    return _deliver_numbered(db, assessment_id, stage, [[x] for x in numbered], year,
                             opts.number_prefix)


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


def _publicity_grade(r: RankingRow) -> str:
    if not r.grade:  # no grade: 不参评 (excluded) or still incomplete
        return "不参评" if getattr(r, "excluded", False) else "待定"
    return r.grade + ("（一票否决）" if r.vetoed else "")


def publicity_data(db: Database, assessment_id: int,
                   opts: DocumentOptions = DocumentOptions()) -> PublicityList:
    """The 公示 list; the issuer and the contact for objections are required."""
    opts = with_office(db, opts, ("issuer", "contact"), "公示名单")
    table = _table(db, assessment_id)
    published = table.objection_start or opts.issued_on()
    start = table.objection_start or published
    end = table.objection_end or start + timedelta(days=opts.objection_days)
    rows = tuple(PublicityRow(r.rank or None, r.subject_code, r.subject_name, r.area,
                              shown(r.total), _publicity_grade(r)) for r in table.rows)
    return PublicityList(f"{table.name}结果公示", rows, published, start, end, opts.issuer,
                         opts.contact, address=opts.address, draft=opts.draft)


def publicity_job(db: Database, assessment_id: int, out_dir: Path | str,
                  opts: DocumentOptions = DocumentOptions()) -> DocJob:
    yield Progress(0, 1, "正在生成公示名单")
    if not opts.draft:
        require_approved(db, assessment_id, "公示名单")
    data = publicity_data(db, assessment_id, opts)
    stage = _Staging(out_dir)
    try:
        name = f"{'草稿_' if opts.draft else ''}公示_{_safe_name(data.title)}.pdf"
        write_publicity(stage.path(name), data)
    except BaseException:
        stage.close()
        raise
    yield Progress(1, 1, "公示名单")
    return stage.deliver()


# ----------------------------------------------------------------------------- attendance


def attendance_report_data(db: Database, month: str, unit: str | None = None,
                           opts: DocumentOptions = DocumentOptions()) -> AttendanceReport:
    opts = with_office(db, opts, ("issuer",), "考勤月报")
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
