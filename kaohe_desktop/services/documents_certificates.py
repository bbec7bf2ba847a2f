"""荣誉证书 for exactly the consequence rows that are certificates, numbered once, and the
register of the certificates issued (发证登记): number, recipient, title and date of each,
in the window, as JSON and as a workbook.

No seal is printed unless the office hands in a scan of its own (`CertificateTemplate.
seal_image`, the command line's --seal, the window's 加印章图片); a file that is missing or
not an image is refused before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.safe_write import safe_write
from kaohe_desktop.io.table_workbook import write_table
from kaohe_desktop.reports.certificates import Certificate, honour_line, iter_certificates, seal_problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import DocumentIssue, Staff, Subject, Unit

from .assessments import get_assessment
from .consequences import ConsequenceRow, Consequences, assessment_consequences
from .documents_common import (
    DEFAULT_OPTIONS,
    DocJob,
    DocumentOptions,
    Numbered,
    Progress,
    Staging,
    certificate_prefix,
    deliver_numbered,
    file_name,
    nothing_to_issue,
    number_rows,
    period_words,
    pick_rows,
    require_approved,
    safe_name,
    subject_codes,
    with_office,
)
from .verification import issue_mark


def certificate_rows(db: Database, assessment_id: int, subjects: Iterable[str] | None = None,
                     grades: Sequence[str] | None = None,
                     found: Consequences | None = None) -> list[ConsequenceRow]:
    """The consequence rows that are certificates (optionally only some subjects/grades)."""
    found = found or assessment_consequences(db, assessment_id)
    codes = subject_codes(db, assessment_id) if subjects else set()
    return pick_rows(found.rows, kinds=("certificate",), subjects=subjects, grades=grades,
                     known_codes=codes)


def _certificate(r: ConsequenceRow, number: str, period: str, year: int, opts: DocumentOptions
                 ) -> Certificate:
    return Certificate(r.recipient, year, opts.issued_on(), r.grade, opts.certificate.honour,
                       period=period, number=number, person=r.person, draft=opts.draft,
                       issuer=opts.certificate.issuer or opts.issuer)


def certificate_data(db: Database, assessment_id: int, opts: DocumentOptions = DEFAULT_OPTIONS,
                     grades: Sequence[str] | None = None,
                     subjects: Iterable[str] | None = None) -> list[Certificate]:
    """The certificates as they would print now (reprints with their numbers; new ones
    with the next numbers, not yet stored)."""
    opts = with_office(db, opts, ("issuer",) if opts.draft else ("issuer", "prefix"), "荣誉证书")
    info = get_assessment(db, assessment_id)
    period = period_words(info.period_kind, info.start, info.end)
    rows = certificate_rows(db, assessment_id, subjects, grades)
    numbered = number_rows(db, assessment_id, rows, certificate_prefix(opts.number_prefix),
                           opts.issued_on().year, opts.draft)
    return [_certificate(x.row, x.number, period, info.end.year, opts) for x in numbered]


def certificates_job(db: Database, assessment_id: int, out_dir: Path | str,
                     opts: DocumentOptions = DEFAULT_OPTIONS, *, per_subject: bool = False,
                     grades: Sequence[str] | None = None,
                     subjects: Iterable[str] | None = None) -> DocJob:
    """荣誉证书 for exactly the consequence rows that are certificates: one PDF, or one per
    certificate (named by its number and recipient)."""
    yield Progress(0, 0, "正在读取考核结果")
    check_seal(opts)
    if not opts.draft:
        require_approved(db, assessment_id, "荣誉证书")
    opts = with_office(db, opts, ("issuer",) if opts.draft else ("issuer", "prefix"), "荣誉证书")
    info = get_assessment(db, assessment_id)
    period = period_words(info.period_kind, info.start, info.end)
    found = assessment_consequences(db, assessment_id)
    rows = certificate_rows(db, assessment_id, subjects, grades, found)
    if not rows:
        raise nothing_to_issue(found, "荣誉证书")
    year, prefix = opts.issued_on().year, certificate_prefix(opts.number_prefix)
    numbered = number_rows(db, assessment_id, rows, prefix, year, opts.draft)
    certs = [_certificate(x.row, x.number, period, info.end.year, opts) for x in numbered]
    # the register lists each certificate's honour as printed on it
    numbered = [replace(x, title=honour_line(cert, opts.certificate))
                for x, cert in zip(numbered, certs, strict=True)]
    if not opts.draft:  # each certificate states its holder and honour, signed
        certs = [replace(cert, verification=issue_mark(
            db, "荣誉证书", number=x.number, subject=x.row.recipient, result=x.title,
            assessment=info.name, on=cert.issued, assessment_id=assessment_id))
            for x, cert in zip(numbered, certs, strict=True)]
    stage = Staging(out_dir)
    try:
        if per_subject:
            per_file: list[list[Numbered]] = [[x] for x in numbered]
            for n, (x, cert) in enumerate(zip(numbered, certs, strict=True), start=1):
                path = stage.path(file_name(x, opts.draft))
                for _ in iter_certificates(path, [cert], opts.certificate):
                    pass
                yield Progress(n, len(certs), cert.name)
        else:
            per_file = [numbered]
            lead = "草稿_" if opts.draft else ""
            path = stage.path(safe_name(f"{lead}荣誉证书_{info.name}_{len(certs)}份") + ".pdf")
            for n in iter_certificates(path, certs, opts.certificate):
                yield Progress(n, len(certs), certs[n - 1].name)
    except BaseException:
        stage.close()
        raise
    return deliver_numbered(db, assessment_id, stage, per_file, year, prefix, opts.issued_on())




def check_seal(opts: DocumentOptions) -> None:
    """Refuse a seal image that cannot be printed, naming the file and why."""
    path = opts.certificate.seal_image
    if path:
        problem = seal_problem(path)
        if problem:
            raise InputError(Problem(problem, file=path, column="--seal"))


# ----------------------------------------------------------------------------- register


@dataclass(frozen=True)
class RegisterEntry:
    """One certificate issued: what the 发证登记 lists."""

    number: str
    subject_code: str
    subject_name: str  # the assessed unit or person
    recipient: str  # who holds the certificate: the subject, or a person of the unit
    title: str  # the honour as printed: 2024年度“工作优秀单位”称号
    issued: date | None  # the date printed on it (the day it was numbered, for old rows)


REGISTER_COLUMNS = ("证书编号", "对象编号", "考核对象", "获证者", "称号", "发证日期")


def _number_order(number: str) -> tuple[str, int]:
    """某街便证〔2024〕10号 after 9号: the prefix and year, then the number as a number."""
    head, _, tail = number.rpartition("〕")
    digits = "".join(ch for ch in tail if ch.isdigit())
    return head, int(digits) if digits else 0


def certificate_register(db: Database, assessment_id: int) -> list[RegisterEntry]:
    """Every certificate numbered for the assessment, by number."""
    get_assessment(db, assessment_id)  # an unknown assessment is refused by name
    with db.session() as s:
        rows = s.execute(
            select(DocumentIssue, Unit.code, Unit.name, Staff.code, Staff.name)
            .outerjoin(Subject, DocumentIssue.subject_id == Subject.id)
            .outerjoin(Unit, Subject.unit_id == Unit.id)
            .outerjoin(Staff, Subject.staff_id == Staff.id)
            .where(DocumentIssue.assessment_id == assessment_id,
                   DocumentIssue.kind == "certificate")).all()
        people = dict(s.execute(select(Staff.code, Staff.name).where(
            Staff.code.in_({d.recipient for d, *_ in rows if d.recipient}))).all())
        out = []
        for d, unit_code, unit_name, staff_code, staff_name in rows:
            code, name = unit_code or staff_code or "", unit_name or staff_name or ""
            holder = people.get(d.recipient, d.recipient) if d.recipient else name
            issued = d.issued or (d.at.date() if d.at else None)
            out.append(RegisterEntry(d.number, code, name, holder, d.title, issued))
    return sorted(out, key=lambda e: _number_order(e.number))


def register_job(db: Database, assessment_id: int, out: Path | str) -> DocJob:
    """The register as a workbook (.xlsx), written safely; refused when nothing was issued."""
    target = Path(out)
    if target.suffix.lower() != ".xlsx":
        raise InputError(Problem("发证登记表应保存为 .xlsx 文件", file=str(target)))
    yield Progress(0, 1, "正在读取发证登记")
    info = get_assessment(db, assessment_id)
    entries = certificate_register(db, assessment_id)
    if not entries:
        raise InputError(Problem(f"考核 {assessment_id}“{info.name}”还没有发过荣誉证书"
                                 "（草稿预览不登记）", value=assessment_id))
    rows = [(e.number, e.subject_code, e.subject_name, e.recipient, e.title, e.issued)
            for e in entries]
    path = safe_write(target, lambda tmp: write_table(
        tmp, "发证登记", f"{info.name} 荣誉证书发证登记", REGISTER_COLUMNS, rows,
        widths=(24, 10, 30, 16, 36, 12), notes=(f"共 {len(entries)} 份。",)))
    yield Progress(1, 1, "发证登记")
    return path
