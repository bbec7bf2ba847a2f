"""Plain results of the ranking dashboard's use-cases: the ranking table, a subject's
drill-down, grade previews, the review history and the year-end roll-up.

Numbers are full-precision Decimals; whoever shows, prints or exports one rounds it
with `domain.numbers` (`shown`, `as_number`) — the one rounding rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from kaohe_desktop.domain.completeness import EXCLUDED, PENDING
from kaohe_desktop.domain.rubric import Rubric

from .results import EventInfo

T = TypeVar("T")
_FIELD_NAMES: dict[type, frozenset[str]] = {}


def built(cls: type[T], values: dict[str, Any]) -> T:
    """An instance of the frozen dataclass `cls` with every one of its fields in
    `values`, made without the generated __init__: that sets each field through
    object.__setattr__, 5 µs for a ranking row of 27 fields — 5 ms of a 1,000-row
    table, a tenth of what the month's SQL takes. The instance is the same as `cls(**values)`
    (equal, hashed and printed alike); there are no defaults to fill and no
    __post_init__ to run, so a missing or unknown field is refused."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
            raise TypeError(f"{cls.__name__}: built() needs a plain frozen dataclass")
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))  # type: ignore[arg-type]
    if len(values) != len(names) or not names.issuperset(values):
        raise TypeError(f"{cls.__name__}: fields {sorted(names ^ set(values))} missing or unknown")
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


@dataclass(frozen=True)
class SubjectTotal:
    """A subject's total without its items (roll-ups and previous periods)."""

    subject_id: int
    code: str
    name: str
    area: str
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    vetoed: tuple[str, ...] = ()
    complete: bool = True  # False: some assessor or part is missing — nothing follows from it

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus - self.deduction


@dataclass(frozen=True)
class Section:
    """A top-level item of the rubric: a column of section subtotals."""

    code: str
    title: str
    max: Decimal

    @property
    def short_title(self) -> str:
        """The title without its parenthesised explanation (for headers and charts)."""
        cuts = [i for i in (self.title.find(m) for m in ("（", "(", "：", ":")) if i > 0]
        return self.title[:min(cuts)].strip() if cuts else self.title


@dataclass(frozen=True)
class RankingRow:
    subject_code: str
    subject_name: str
    area: str
    group: str  # the cross-assessment group that scores this subject ("" none)
    sections: tuple[Decimal, ...]  # subtotals of the top-level items, in rubric order
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal  # 折合 base + bonus − deduction when the table is normalised
    rank: int | None  # among the graded subjects of the assessment; None: not graded
    group_rank: int | None  # among the graded subjects of its group
    grade: str | None  # None: 待定 (incomplete) or 不参评
    grade_index: int  # the band's place in the scale (0 best); -1 without a scale or grade
    vetoed: tuple[str, ...] = ()
    previous_rank: int | None = None
    change: int | None = None  # places gained since the previous period (▲ > 0)
    assessors_done: int = 0
    assessors_expected: int = 0
    raw_base: Decimal | None = None  # the base before 折合 (normalised tables only)
    complete: bool = True
    missing: tuple[str, ...] = ()  # see SubjectResult.missing
    excluded: bool = False
    exclude_reason: str = ""
    not_applicable: tuple[str, ...] = ()
    conversion: str = ""
    overridden: tuple[str, ...] = ()
    # every item's shown score, as the ranking made it (derived values, overrides, 不适用)
    items: dict[str, Decimal] = field(default_factory=dict)

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
class PreviousPeriod:
    assessment_id: int
    name: str
    period_label: str


@dataclass(frozen=True)
class RankingTable:
    assessment_id: int
    name: str
    rubric_code: str
    rubric_version: int
    period_kind: str
    period_label: str
    state: str
    full_marks: Decimal
    sections: tuple[Section, ...]
    grade_names: tuple[str, ...]  # the scale's bands, best first
    rows: tuple[RankingRow, ...]  # the filtered rows, by rank then code
    areas: tuple[str, ...]  # every area (or unit, for staff) of the assessment's subjects
    groups: tuple[str, ...]  # the cross-assessment groups that score named subjects
    previous: PreviousPeriod | None = None
    normalised: bool = False
    subject_kind: str = "unit"
    grade_scale: dict = field(default_factory=dict)  # the rubric's `grades` in JSON form
    objection_start: date | None = None  # the 公示期, once published
    objection_end: date | None = None
    has_bonus: bool = True  # the rubric has bonus rules (a column worth showing)
    has_deduction: bool = True
    # the previous period's ranks are still to come (`standings.with_previous_ranks`):
    # the 排名 page shows the rows first and fills 较上期 a moment later
    previous_pending: bool = False

    @property
    def locked(self) -> bool:
        return self.state in ("reviewed", "published")


@dataclass(frozen=True)
class AssessorScore:
    assessor: str
    role: str
    value: Decimal | None  # None: not scored
    remark: str = ""


@dataclass(frozen=True)
class ItemLine:
    code: str
    title: str
    depth: int  # 0 for a top-level item
    max: Decimal
    score: Decimal  # the combined score (parents: children combined)
    is_leaf: bool
    scores: tuple[AssessorScore, ...] = ()  # leaves: each assessor's score, in assessor order
    remark_needed: tuple[str, ...] = ()  # assessors whose score here needs a remark they lack

    @property
    def lost(self) -> Decimal:
        return self.max - self.score


@dataclass(frozen=True)
class EventLine:
    event: EventInfo
    title: str  # the rule's title
    counted: bool  # False when a higher claim of the same matter counts instead


@dataclass(frozen=True)
class DrillDown:
    assessment_id: int
    subject_code: str
    subject_name: str
    area: str
    group: str
    row: RankingRow
    assessors: tuple[tuple[str, str], ...]  # (name, role) of those who score the subject
    items: tuple[ItemLine, ...]  # rubric order
    events: tuple[EventLine, ...]
    most_lost: tuple[ItemLine, ...]  # leaves that lost most points, worst first
    bonus_claimed: Decimal = Decimal(0)
    deduction_claimed: Decimal = Decimal(0)
    locked: bool = False
    rubric: Rubric | None = None  # which items may be 不适用 or are derived


@dataclass(frozen=True)
class GradePreview:
    """How many subjects each band of a proposed scale would get."""

    counts: dict[str, int]  # band → count, in band order
    grades: dict[str, str] = field(default_factory=dict)  # subject code → band
    problems: tuple[str, ...] = ()  # the scale's problems; counts are empty then

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class StateChangeInfo:
    at: datetime | None
    actor: str
    action: str  # submit / approve / publish / reopen
    from_state: str
    to_state: str
    reason: str = ""
    actor_is_admin: bool = False
    objection_start: date | None = None
    objection_end: date | None = None


@dataclass(frozen=True)
class RollupSource:
    assessment_id: int
    name: str
    part: str  # monthly / quarterly / annual / adhoc
    period_key: str
    state: str


@dataclass(frozen=True)
class RollupRow:
    subject_code: str
    subject_name: str
    area: str
    parts: dict[str, Decimal]  # part → the subject's mean for it, shown (present parts only)
    counts: dict[str, int]  # part → periods counted
    total: Decimal  # Σ contributions, exactly
    rank: int | None  # None while pending: no rank and no grade (待定)
    grade: str
    vetoed: bool = False
    missing: tuple[str, ...] = ()  # parts of the mix it has no result for
    contributions: dict[str, Decimal] = field(default_factory=dict)  # part → weight × mean
    weights: dict[str, Decimal] = field(default_factory=dict)  # part → weight applied
    pending: tuple[str, ...] = ()  # periods whose result is incomplete (keys)


@dataclass(frozen=True)
class Rollup:
    year: int
    rubric_code: str
    rubric_name: str
    mix: dict[str, Decimal]  # normalised weights, summing to 1
    sources: tuple[RollupSource, ...]
    rows: tuple[RollupRow, ...]  # by rank, then code
    grade_names: tuple[str, ...] = ()

    @property
    def unpublished(self) -> tuple[RollupSource, ...]:
        return tuple(x for x in self.sources if x.state != "published")


@dataclass(frozen=True)
class ExcellentList:
    """One period's 优秀工作人员 (or 优秀单位): the subjects graded in the top band."""

    period_key: str
    period_label: str
    grade: str
    subjects: tuple[tuple[str, str, Decimal, int], ...]  # (code, name, total, rank)
    derived: bool = False  # True: a quarter rolled up from its months (no quarterly assessment)


@dataclass(frozen=True)
class TrendPoint:
    period_key: str
    period_label: str
    total: Decimal | None  # None: the subject was not in that period's assessment
    rank: int | None
    assessment_id: int | None = None
