"""Typed SQLAlchemy 2.0 models.

Rubrics are stored whole as their JSON form (one row per code and version): the editor
saves a new version instead of changing items in place, so past assessments keep the
rubric they were scored against. Score values are exact decimals stored as text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NAMING, Base, DecimalText, new_uuid

# issue 18's tables (data packages): registered on the same metadata wherever models load
from .package_models import PackageConflict, PackageOrigin, PackageReceipt

# issue 17's tables (service records), likewise
from .service_models import (
    SERVICE_COUNTS,
    ServiceComplaint,
    ServiceCost,
    ServiceImport,
    ServiceMapping,
    ServiceRating,
    ServiceRequest,
    service_month,
    service_month_state,
)

__all__ = ["NAMING", "SERVICE_COUNTS", "Base", "DecimalText", "PackageConflict",  # re-exported
           "PackageOrigin", "PackageReceipt", "ServiceComplaint", "ServiceCost", "ServiceImport",
           "ServiceMapping", "ServiceRating", "ServiceRequest", "service_month",
           "service_month_state"]


class Area(Base):
    """A 街道 or 乡镇 (or a smaller area under one)."""

    __tablename__ = "area"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="街道")


class Unit(Base):
    """A station: 社区便民服务站, 村便民服务室, 便民服务中心 …"""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    kind: Mapped[str] = mapped_column(String(50), default="社区便民服务站")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    area: Mapped[Area | None] = relationship()


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    post: Mapped[str] = mapped_column(String(100), default="")
    attendance_no: Mapped[str] = mapped_column(String(50), default="", index=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 负责人 of the unit (for documents to the person in charge); a post of 站长/主任 also
    # makes one when nobody is marked
    head: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    unit: Mapped[Unit | None] = relationship()


class RubricRow(Base):
    __tablename__ = "rubric"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(10))
    definition: Mapped[str] = mapped_column(Text)  # the rubric's JSON form
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Assessment(Base):
    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"))
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    trimmed_mean: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # the objection period (公示期) of the current publication; cleared when reopened
    objection_start: Mapped[date | None] = mapped_column(Date)
    objection_end: Mapped[date | None] = mapped_column(Date)
    # what an assessment was made from when it is not scored directly: the JSON of an
    # annual roll-up (年度综合) — its year, rubric, parts and weights; "" for the usual kind
    origin: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the same assessment on every PC its data packages reach (schema 0013)
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True, default=new_uuid)
    rubric: Mapped[RubricRow] = relationship()


class AssessmentRole(Base):
    """A 360-degree role of one assessment and its weight (上级 0.5, 同事 0.3 …)."""

    __tablename__ = "assessment_role"
    __table_args__ = (UniqueConstraint("assessment_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(50))
    weight: Mapped[Decimal] = mapped_column(DecimalText)


class Subject(Base):
    """A unit or staff member being assessed in one assessment."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("assessment_id", "unit_id", "staff_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # 不参评: left out of grading, ranking and documents by an administrator, with a reason
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    exclude_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # what the results showed when published (code, name, area — or unit for staff): a
    # later roster edit must not change a published list; NULL while not published
    shown_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    shown_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    shown_area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    unit: Mapped[Unit | None] = relationship()
    staff: Mapped[Staff | None] = relationship()


class AssessorGroup(Base):
    """An assessor group (交叉考核 第一组 …) with its role; it scores its subjects, or all."""

    __tablename__ = "assessor_group"
    __table_args__ = (UniqueConstraint("assessment_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(50))
    # the rubric items this group scores, as a JSON list of item codes (a code stands for
    # its whole section); "" means every item
    items: Mapped[str] = mapped_column(Text, default="", server_default="")


class GroupSubject(Base):
    __tablename__ = "group_subject"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("assessor_group.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subject.id", ondelete="CASCADE"), primary_key=True)


class Assessor(Base):
    __tablename__ = "assessor"
    # one person may sit in several groups (360: a colleague who also assesses themselves)
    __table_args__ = (UniqueConstraint("assessment_id", "name", "group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(50))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("assessor_group.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the account that scores as this assessor; None for the free-text assessors of old
    # (accounts are disabled, never deleted, so the link needs no ON DELETE rule)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id"), index=True)


class Score(Base):
    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("subject_id", "assessor_id", "item_code"),
        # ranking reads an assessment's scores grouped by subject and item, in this order
        Index("ix_score_assessment_subject_item", "assessment_id", "subject_id", "item_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("assessor.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(50))
    value: Mapped[Decimal] = mapped_column(DecimalText)
    remark: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now())
    # +1 on every change of the value (services/scores.set_score): a save made from an
    # older version is a conflict with another writer, reported, never an overwrite
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class SubjectItemNA(Base):
    """An item marked 不适用 for one subject (the rubric allows it): the subject's score is
    converted to the full scale over the items that apply."""

    __tablename__ = "subject_item_na"
    __table_args__ = (UniqueConstraint("subject_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100), default="", server_default="")
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ScoreOverride(Base):
    """An administrator's value for a derived item (attendance …) of one subject: it
    replaces the value derived from the data, never averaged with it."""

    __tablename__ = "score_override"
    __table_args__ = (UniqueConstraint("subject_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(50))
    value: Mapped[Decimal] = mapped_column(DecimalText)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100), default="", server_default="")
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class EventRow(Base):
    """A bonus, deduction or veto claim, with its matter key and evidence."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20))  # bonus / deduction / veto
    rule_code: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    matter: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True, default=new_uuid)  # see Assessment


class StateChange(Base):
    """Who moved an assessment to which state, when and why (reopening needs a reason)."""

    __tablename__ = "state_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    actor_is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    objection_start: Mapped[date | None] = mapped_column(Date)  # publish: the 公示期
    objection_end: Mapped[date | None] = mapped_column(Date)


# ---------------------------------------------------------------------------- attendance


class Punch(Base):
    """One clock punch. Re-importing a file adds nothing: (staff, moment) is the key.

    A township-year log is 150,000 rows, so the table is SQLite's WITHOUT ROWID kind: the
    rows live in the (staff_id, at) key's own B-tree — one tree to write, not a table plus
    an index — and each names its import by number rather than repeating the file's
    64-character hash (a third of the size; schema 0006). Every read names its staff.
    """

    __tablename__ = "attendance_punch"
    __table_args__ = ({"sqlite_with_rowid": False},)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"),
                                          primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    # the import that brought it (attendance_import.id), None for rows older than 0006
    # whose file is not in the import log
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendance_import.id", ondelete="SET NULL"))


class AttendanceDay(Base):
    """An export's own word on a day without punch times (monthly reports' day cells)."""

    __tablename__ = "attendance_day"
    __table_args__ = (UniqueConstraint("staff_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(200))
    source_sha: Mapped[str] = mapped_column(String(64), default="")


class Leave(Base):
    """Leave on one day (days ≤ 1), entered by hand (source "manual") or from a file."""

    __tablename__ = "attendance_leave"
    __table_args__ = (UniqueConstraint("staff_id", "day", "leave_type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    leave_type: Mapped[str] = mapped_column(String(20))
    days: Mapped[Decimal] = mapped_column(DecimalText)
    source: Mapped[str] = mapped_column(String(64), default="manual")
    note: Mapped[str] = mapped_column(String(200), default="")


class LeaveType(Base):
    """Whether a leave type counts against the score (事假 does; 年假, 公出 do not)."""

    __tablename__ = "attendance_leave_type"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    counts: Mapped[bool] = mapped_column(Boolean, default=False)


class ShiftRow(Base):
    """The shift: one default (unit_id NULL) and optionally one per unit."""

    __tablename__ = "attendance_shift"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"),
                                                unique=True)
    start: Mapped[str] = mapped_column(String(8))  # HH:MM
    end: Mapped[str] = mapped_column(String(8))
    late_grace_min: Mapped[int] = mapped_column(Integer, default=5)
    early_grace_min: Mapped[int] = mapped_column(Integer, default=0)
    half_day_late_min: Mapped[int | None] = mapped_column(Integer)
    absent_late_min: Mapped[int | None] = mapped_column(Integer)


class CalendarDay(Base):
    """The user's calendar: a day made a workday or a rest day, over the package's word."""

    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")


class PointsRuleRow(Base):
    """The attendance points rule of one rubric item (all versions of the rubric)."""

    __tablename__ = "attendance_points_rule"
    __table_args__ = (UniqueConstraint("rubric_code", "item_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_code: Mapped[str] = mapped_column(String(50))
    item_code: Mapped[str] = mapped_column(String(50))
    rule: Mapped[str] = mapped_column(Text)  # JSON, the rubric item's `rule` form


class ColumnMapping(Base):
    """A column mapping the user chose for a layout the readers did not know."""

    __tablename__ = "attendance_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(500), unique=True)
    mapping: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now())


class ImportLog(Base):
    """Each attendance file imported: which, when, how many rows, what it added."""

    __tablename__ = "attendance_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(40), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)


class DocumentNumber(Base):
    """The last 文号 given per year and prefix (芙街便〔2024〕3号): notices are numbered
    per year, and a number once printed is never given again."""

    __tablename__ = "document_number"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    """The office's own words on its documents: issuer, 文号 prefix, contact, address."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DocumentIssue(Base):
    """The number a document was given for one subject and recipient: a reprint of the same
    document carries the same 文号 or certificate number."""

    __tablename__ = "document_issue"
    __table_args__ = (UniqueConstraint("assessment_id", "subject_id", "kind", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200), default="", server_default="")
    number: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # what the register (发证登记) lists: the honour as printed and the date on the document
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    issued: Mapped[date | None] = mapped_column(Date)


class IssuedDocument(Base):
    """A document issued with a verification code: what it states (the signed lines,
    domain/verification_code) and the office's whole signature of them. The register
    number (KH000017) is the id; the short code printed on the paper is checked here.

    No foreign key to the assessment: what was issued stays on record even when the
    assessment is deleted later."""

    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    assessment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    statement: Mapped[str] = mapped_column(Text)  # canonical JSON of the statement
    # sha256 of what it states apart from its number: a reprint finds its first issue
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[str] = mapped_column(String(100))  # base64url, 64 bytes
    issued_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


# ---------------------------------------------------------------- accounts and the record


class Account(Base):
    """A person who logs in: roles (comma-separated 管理员, 评分人, 审议, 查看) and a
    memory-hard password hash. With no rows the database is one local user who may do
    everything (the state every database had before accounts)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(300))
    roles: Mapped[str] = mapped_column(String(100))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # failed logins in a row and until when further tries are refused (slows guessing)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class AuditRow(Base):
    """One change, hash-chained: `hash` = SHA-256 of `prev_hash` and the row's canonical
    content (services/audit.py), so a row edited or removed afterwards breaks the chain.

    Every hashed value is stored as text exactly as hashed (`at` too), so verifying reads
    and hashes without re-encoding anything."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(200))
    # for the history of one assessment or subject; "" when the change has none
    assessment_id: Mapped[str] = mapped_column(String(20), default="", index=True)
    subject_id: Mapped[str] = mapped_column(String(20), default="", index=True)
    before: Mapped[str] = mapped_column(Text)  # canonical JSON ("" for an insert)
    after: Mapped[str] = mapped_column(Text)  # canonical JSON ("" for a delete)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
