"""Plain results the services hand to the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from kaohe_desktop.domain.completeness import EXCLUDED, PENDING
from kaohe_desktop.domain.errors import Problem
from kaohe_desktop.domain.rubric import ItemKind, Rubric


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
    head: bool = False  # marked 负责人 of the unit in the roster


@dataclass(frozen=True)
class HeadChange:
    """A 负责人 mark set or cleared; `replaced` is whoever held the unit's mark before
    (the mark moves), or None."""

    staff: StaffInfo
    replaced: StaffInfo | None = None


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
    item_codes: tuple[str, ...] = ()  # rubric items/sections it scores; empty: every item


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
    objection_start: date | None = None  # the 公示期 once published
    objection_end: date | None = None


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
    rank: int | None  # None: not graded (incomplete or 不参评)
    grade: str | None
    items: dict[str, Decimal]
    vetoed: tuple[str, ...] = ()
    assessors_done: int = 0  # assessors who scored every item they are assigned
    assessors_expected: int = 0
    complete: bool = True
    missing: tuple[str, ...] = ()  # "第一组/张三：1.1、2.3", one line per assessor or source
    excluded: bool = False  # 不参评
    exclude_reason: str = ""
    not_applicable: tuple[str, ...] = ()  # item codes marked 不适用 for this subject
    conversion: str = ""  # "得分 ÷ 适用项满分 × 满分 = 换算分" when items do not apply
    overridden: tuple[str, ...] = ()  # derived items an administrator set by hand

    @property
    def graded(self) -> bool:
        return self.grade is not None

    @property
    def grade_text(self) -> str:
        """What a person reads in the grade column: the grade, 待定 or 不参评."""
        if self.excluded:
            return EXCLUDED
        return self.grade if self.grade is not None else PENDING


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


@dataclass(frozen=True)
class DerivedValue:
    """A derived item's value for one subject: from its source, or overridden by hand."""

    value: Decimal
    remark: str = ""  # the source's working (考勤：迟到 2 次 −2 …) or the override's reason
    overridden: bool = False


@dataclass(frozen=True)
class SubjectStanding:
    """Whether a subject is complete over every assessor, and what it lacks."""

    complete: bool
    missing: tuple[str, ...] = ()
    excluded: bool = False


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
    # the leaves this assessor scores: their group's items, never the derived ones
    required: frozenset[str] | None = None
    # subject code → derived leaf → its value from the data or an administrator's override
    derived: dict[str, dict[str, DerivedValue]] = field(default_factory=dict)
    # subject code → what the whole assessment still lacks for it (every assessor)
    standing: dict[str, SubjectStanding] = field(default_factory=dict)
    # subject code → leaf → the stored row's version: a save passes it back, so a value
    # another PC saved meanwhile is reported instead of overwritten (scores.set_score)
    versions: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def leaves(self) -> frozenset[str]:
        if self.required is not None:
            return self.required
        return frozenset(i.code for i in self.rubric.leaves() if i.kind != ItemKind.DERIVED)

    def scored_count(self, subject_code: str) -> int:
        return len(self.leaves & self.values.get(subject_code, {}).keys())

    def is_complete(self, subject_code: str) -> bool:
        """True when this assessor has scored every leaf they are assigned."""
        return self.scored_count(subject_code) == len(self.leaves)


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


# ---------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class PersonPreview:
    """One person of an attendance file and who they are in the roster: `status` "matched",
    "ambiguous" (同名: several staff, pick one) or "unmatched" — those two need a choice."""

    key: str  # how choices name this person: the file's id, or its name when it has none
    person_id: str
    name: str
    status: str
    staff_id: int | None = None
    staff_code: str = ""
    staff_name: str = ""
    matched_by: str = ""  # 考勤号 / 工号 / 姓名
    candidates: tuple[StaffInfo, ...] = ()  # the 同名 staff of an ambiguous name
    days: int = 0  # distinct days with data
    punches: int = 0
    new_punches: int = 0  # punches not stored yet (matched people only)
    first_day: date | None = None
    last_day: date | None = None
    note: str = ""  # e.g. the roster's name differs from the file's

    STATUS_TEXT: ClassVar[dict[str, str]] = {"matched": "已匹配", "ambiguous": "同名待选",
                                              "unmatched": "未匹配"}

    @property
    def status_text(self) -> str:
        return self.STATUS_TEXT[self.status]


@dataclass(frozen=True)
class ImportPreview:
    """What importing an attendance file would do; nothing is written yet. `problems` (the
    readers' unreadable cells, conflicts found here) block the import, `warnings` do not;
    `parsed` (the readers' result) is kept so that the commit does not read the file again."""

    file: str
    format: str
    sha256: str
    people: tuple[PersonPreview, ...]
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    period: tuple[date, date] | None = None
    rows: int = 0
    imported_before: bool = False  # a file with the same content was imported already
    parsed: object = field(default=None, repr=False, compare=False)
    grouped: object = field(default=None, repr=False, compare=False)  # people, for the commit

    @property
    def needs_choice(self) -> tuple[PersonPreview, ...]:
        return tuple(p for p in self.people if p.status != "matched")


@dataclass(frozen=True)
class PersonChoice:
    """What to do with an unmatched or ambiguous person: "map" to a staff member (by code,
    or by id when an int), "create" one in a unit (by code or name), or "skip" them."""

    action: str
    staff: str | int = ""
    unit: str = ""


@dataclass(frozen=True)
class AttendanceScoresRefreshed:
    """Staff assessments whose attendance values were brought up to date, by name."""

    updated: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()  # overlapping but locked: left as they were

    def summary(self) -> str:
        parts = []
        if self.updated:
            parts.append(f"已更新{'、'.join(self.updated)}的考勤得分")
        if self.locked:
            parts.append(f"{'、'.join(self.locked)}已锁定，考勤得分未更新（需要时请重新打开后再计入）")
        return "；".join(parts)


@dataclass(frozen=True)
class AttendanceImportResult:
    file: str
    punches_added: int = 0
    punches_known: int = 0  # already stored: the same file, or the same punch from another
    days_saved: int = 0  # export day statuses added or changed
    leave_saved: int = 0
    staff_created: tuple[str, ...] = ()  # codes
    skipped: tuple[str, ...] = ()  # names (or ids) left out by choice
    scores: AttendanceScoresRefreshed = AttendanceScoresRefreshed()

    def summary(self) -> str:
        parts = [(1, f"新增打卡 {self.punches_added} 条"), (1, f"已有 {self.punches_known} 条"),
                 (self.days_saved, f"日报状态 {self.days_saved} 天"),
                 (self.leave_saved, f"请假 {self.leave_saved} 条"),
                 (self.staff_created, f"新建人员 {len(self.staff_created)} 名"),
                 (self.skipped, f"跳过 {len(self.skipped)} 人")]
        text = "，".join(text for shown_, text in parts if shown_)
        scores = self.scores.summary()
        return f"{text}；{scores}" if scores else text


@dataclass(frozen=True)
class SummaryRow:
    """One person's attendance over a month (or any range of days)."""

    staff_id: int
    staff_code: str
    name: str
    unit_name: str
    start: date
    end: date
    workdays: int
    late: int
    late_minutes: int
    early: int
    early_minutes: int
    missing: int
    absent_days: Decimal
    leave_days: dict[str, Decimal] = field(default_factory=dict)
    counted_leave_days: Decimal = Decimal(0)  # of leave types that count against the score
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayLogRow:
    staff_code: str
    name: str
    unit_name: str
    day: date
    workday: bool
    punches: tuple[str, ...]  # HH:MM(:SS) as punched
    check_in: str
    check_out: str
    status: str  # 正常 / 迟到 40 分钟，下班缺卡 / 旷工 / 请假（病假） / 休息 …
    kinds: tuple[str, ...]  # 正常 迟到 早退 缺卡 旷工 请假 休息
    from_report: bool = False


@dataclass(frozen=True)
class MonthView:
    """A month on the 考勤 page: every judged day, and each person's counts."""

    log: tuple[DayLogRow, ...]
    summary: tuple[SummaryRow, ...]


@dataclass(frozen=True)
class LeaveInfo:
    staff_code: str
    name: str
    day: date
    leave_type: str
    days: Decimal
    source: str  # "manual" or the sha256 of the file it came from


@dataclass(frozen=True)
class AppliedValue:
    staff_code: str
    name: str
    item_code: str
    points: Decimal
    remark: str
    status: str  # added / changed / unchanged


@dataclass(frozen=True)
class ApplyResult:
    """What `apply_to_assessment` wrote: one value per staff subject and attendance item."""

    assessment_id: int
    assessor: str
    values: tuple[AppliedValue, ...]
    no_data: tuple[str, ...] = ()  # staff codes without attendance in the period: not written

    def summary(self) -> str:
        n = {k: sum(v.status == k for v in self.values) for k in ("added", "changed", "unchanged")}
        return (f"新增 {n['added']} 项，更新 {n['changed']} 项，未变 {n['unchanged']} 项"
                + (f"；{len(self.no_data)} 人无考勤数据，未写入" if self.no_data else ""))


@dataclass(frozen=True)
class CalendarDayInfo:
    """A day the user set by hand: a workday (调休上班) or a rest day, with a note."""

    day: date
    workday: bool
    note: str = ""


@dataclass(frozen=True)
class PointsItemInfo:
    """A rubric item that takes its points from attendance, and the rule that turns the
    monthly counts into points."""

    rubric_code: str
    rubric_name: str
    item_code: str
    item_name: str
    max: Decimal
    step: Decimal | None
    rule: object  # domain.attendance_points.AttendancePointsRule
