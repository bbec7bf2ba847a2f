"""Plain results the services hand to the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    area: str
    kind: str
    phone: str
    active: bool


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
