"""Plain results the services hand to the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.domain.rubric import Rubric


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    area: str
    kind: str
    phone: str
    active: bool
    address: str = ""


@dataclass(frozen=True)
class AreaInfo:
    """A 街道 or 乡镇 and how many units it has (all of them, active or not)."""

    id: int
    name: str
    kind: str
    units: int = 0


@dataclass(frozen=True)
class StaffInfo:
    id: int
    code: str
    name: str
    unit_code: str
    unit_name: str
    post: str
    attendance_no: str
    phone: str
    active: bool


@dataclass(frozen=True)
class RubricInfo:
    id: int
    code: str
    version: int
    name: str
    subject_kind: str
    leaves: int
    builtin: bool


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    role: str
    subject_codes: tuple[str, ...]  # empty: the group scores every subject


@dataclass(frozen=True)
class SubjectInfo:
    id: int
    code: str
    name: str
    area: str


@dataclass(frozen=True)
class AssessmentInfo:
    id: int
    name: str
    rubric_code: str
    rubric_version: int
    subject_kind: str
    period_kind: str
    period_key: str
    period_label: str
    start: date
    end: date
    state: str
    trimmed_mean: bool
    roles: dict[str, Decimal] = field(default_factory=dict)
    groups: tuple[GroupInfo, ...] = ()
    subjects: tuple[SubjectInfo, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"新增 {self.added} 条，修改 {self.changed} 条，未变 {self.unchanged} 条"


@dataclass(frozen=True)
class RosterData:
    """The whole roster in one read, for the 站点与人员 page (inactive rows included)."""

    areas: tuple[AreaInfo, ...]
    units: tuple[UnitInfo, ...]
    staff: tuple[StaffInfo, ...]


@dataclass(frozen=True)
class FieldChange:
    """One field an import would change: its Chinese label, the old and the new value."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RowPreview:
    """What importing one row of a roster workbook would do; nothing is written yet.

    `status` is "added", "changed", "unchanged" or "error"; an error row carries its
    problems and blocks the whole import.
    """

    row: int  # Excel row number
    code: str
    name: str
    status: str
    changes: tuple[FieldChange, ...] = ()
    problems: tuple[Problem, ...] = ()

    STATUS_TEXT: ClassVar[dict[str, str]] = {
        "added": "新增", "changed": "修改", "unchanged": "未变", "error": "有错误"}

    @property
    def status_text(self) -> str:
        return self.STATUS_TEXT[self.status]

    def changes_text(self) -> str:
        return "；".join(f"{c.label}：{c.old or '（空）'} → {c.new}" for c in self.changes)

    def problems_text(self) -> str:
        return "；".join(p.reason + (f"：{p.value}" if p.value not in (None, "") else "")
                        for p in self.problems)


@dataclass(frozen=True)
class EventInfo:
    id: int
    subject_code: str
    section: str
    rule_code: str
    amount: Decimal
    matter: str
    note: str
    occurred_on: date | None
    evidence: str


@dataclass(frozen=True)
class SubjectResult:
    """One line of a ranking: what `kaohe rank` prints and the window shows."""

    subject_code: str
    subject_name: str
    area: str
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    rank: int
    grade: str
    items: dict[str, Decimal]
    vetoed: tuple[str, ...] = ()
    assessors_done: int = 0  # assessors who scored every leaf of this subject
    assessors_expected: int = 0


@dataclass(frozen=True)
class AssessorInfo:
    id: int
    name: str
    role: str
    group: str  # the group's name; "" when the assessor belongs to no group
    submitted_at: datetime | None = None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


@dataclass
class SheetData:
    """One assessor's score sheet for one assessment: everything the entry form shows.

    Loaded in a few queries for every subject at once, so switching subjects needs no
    database work. Not frozen on purpose: the window keeps it as its cache and updates
    `values`, `remarks` and `events` after each successful write.
    """

    assessment: AssessmentInfo
    rubric: Rubric
    assessor: AssessorInfo | None
    subjects: tuple[SubjectInfo, ...]  # the subjects this assessor scores (all without one)
    values: dict[str, dict[str, Decimal]]  # subject code → leaf code → points
    remarks: dict[str, dict[str, str]]  # subject code → leaf code → remark
    events: dict[str, list[EventInfo]]  # subject code → its bonus/deduction/veto events
    locked: bool  # the assessment is approved or published
    editable: bool  # an assessor is chosen, the sheet is not submitted, nothing is locked

    def scored_count(self, subject_code: str) -> int:
        leaves = {i.code for i in self.rubric.leaves()}
        return len(leaves & self.values.get(subject_code, {}).keys())

    def is_complete(self, subject_code: str) -> bool:
        """True when this assessor has scored every leaf of the subject."""
        return self.scored_count(subject_code) == len(self.rubric.leaves())


@dataclass(frozen=True)
class SubjectPreview:
    """One subject's score as it stands on a sheet (domain scoring, full precision)."""

    items: dict[str, Decimal]  # every item code → its score (parents combined)
    base: Decimal
    bonus_claimed: Decimal  # each matter once at its highest, before the cap
    bonus: Decimal  # counted (capped)
    deduction_claimed: Decimal
    deduction: Decimal
    total: Decimal
    vetoed: tuple[str, ...] = ()
