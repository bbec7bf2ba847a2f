"""What every printed document shares: options, the job protocol, staging and delivery
of files, the office's settings, the 审议 gate, and document numbers.

Batches are generators yielding `Progress` tuples (done, total, message) and returning the
files written, so the window can run them off the GUI thread and cancel between pages;
`run` drives one to the end.

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
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from kaohe_desktop.domain.consequences import KIND_NAMES
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.periods import PeriodKind
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.io.safe_write import copy_file
from kaohe_desktop.reports.certificates import CertificateTemplate
from kaohe_desktop.reports.chinese_dates import plain_date
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import DocumentIssue, DocumentNumber

from .assessment_lookup import load_assessment
from .assessments import get_assessment
from .consequences import ConsequenceRow, Consequences
from .office_settings import OfficeSettings, office_settings, require
from .ranking_results import RankingTable
from .standings import ranking_table


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
    due: date | None = None  # 整改/书面报告 deadline; None: report_due_days after the notice
    talk_time: str = ""  # 诫勉谈话: when, e.g. 2025年1月6日上午9时 ("" → 另行通知)
    talk_place: str = ""  # 诫勉谈话: where
    objection_days: int = 5  # 公示期 in working days when the assessment has none recorded
    certificate: CertificateTemplate = field(default_factory=CertificateTemplate)
    address: str = ""
    draft: bool = False  # a 草稿 preview from an assessment not yet approved
    top_only: bool | None = None  # 公示: only the top grade (None: as the rubric implies)

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


class Staging:
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


def safe_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in text).strip() or "文件"


def results_table(db: Database, assessment_id: int) -> RankingTable:
    return ranking_table(db, assessment_id)


def assessment_year(db: Database, assessment_id: int) -> int:
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
class Numbered:
    row: ConsequenceRow
    number: str  # "" on a draft
    new: int = 0  # the counter value when newly given (0: reprint or draft)
    title: str = ""  # what the register lists (a certificate's honour); "" → the kind's name


def number_rows(db: Database, assessment_id: int, rows: Sequence[ConsequenceRow], prefix: str,
                year: int, draft: bool) -> list[Numbered]:
    if draft:
        return [Numbered(r, "") for r in rows]
    known = issued_numbers(db, assessment_id)
    n = last_number(db, year, prefix)
    out = []
    for r in rows:
        number = known.get((r.subject_id, r.kind, r.recipient_key))
        if number:
            out.append(Numbered(r, number))
        else:
            n += 1
            out.append(Numbered(r, number_text(prefix, year, n), n))
    return out


def record_numbers(db: Database, assessment_id: int, done: Sequence[Numbered], year: int,
                   prefix: str, issued: date | None = None) -> None:
    """Store the numbers of the documents delivered (and the counter) in one transaction,
    with the title and date printed on them (the register). A reprint keeps its first
    record: the register lists what was issued, when it was first issued."""
    new = [x for x in done if x.new]
    if not new:
        return
    with db.session() as s:
        for x in new:
            s.add(DocumentIssue(assessment_id=assessment_id, subject_id=x.row.subject_id or None,
                                kind=x.row.kind, recipient=x.row.recipient_key, number=x.number,
                                title=x.title or x.row.kind_name, issued=issued))
        top = max(x.new for x in new)
        counter = s.get(DocumentNumber, (year, prefix))
        if counter is None:
            s.add(DocumentNumber(year=year, prefix=prefix, last=top))
        elif top > counter.last:
            counter.last = top


def deliver_numbered(db: Database, assessment_id: int, stage: Staging,
                     per_file: Sequence[Sequence[Numbered]], year: int, prefix: str,
                     issued: date | None = None) -> Written:
    """Copy the staged files out and record the numbers of those that landed — also when
    the batch stops half-way, since those documents now exist."""
    landed: list[Numbered] = []
    try:
        return stage.deliver(lambda k: landed.extend(per_file[k]))
    finally:
        record_numbers(db, assessment_id, landed, year, prefix, issued)


def pick_rows(rows: Sequence[ConsequenceRow], *, kinds: Iterable[str], subjects: Iterable[str] | None,
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


def refuse_problems(rows: Sequence[ConsequenceRow]) -> None:
    problems = sorted({r.problem for r in rows if r.problem})
    if problems:
        raise InputError([Problem(p, column="负责人") for p in problems])


def file_name(x: Numbered, draft: bool) -> str:
    r = x.row
    who = r.subject_name if r.recipient_kind == "subject" else f"{r.subject_name}_{r.recipient}"
    lead = "草稿" if draft else x.number
    return safe_name(f"{lead}_{who}_{r.kind_name}") + ".pdf"



def subject_codes(db: Database, assessment_id: int) -> set[str]:
    return {x.code for x in get_assessment(db, assessment_id).subjects}


def nothing_to_issue(found: Consequences, what: str) -> InputError:
    return InputError(Problem(
        f"没有要发的{what}：细则《{found.rubric_name}》第 {found.rubric_version} 版规定的结果运用中，"
        f"没有哪个已定等次的对象应得{what}（可用 kaohe consequences {found.assessment_id} 查看）",
        value=found.assessment_id))



DEFAULT_OPTIONS = DocumentOptions()  # frozen: safe as a shared default argument
