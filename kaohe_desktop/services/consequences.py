"""Who gets which document after an assessment, and why: the rubric's own consequences
(`Rubric.consequences`) applied to the graded subjects of the ranking.

Nothing is concluded from missing data: a subject without a grade (incomplete, 不参评)
gets no row. A grade the rubric attaches nothing to gets nothing. The rows are what
`kaohe consequences`, the documents page and the certificate and notice batches use, so
all three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kaohe_desktop.domain.consequences import KIND_NAMES, RECIPIENT_NAMES, Consequence
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Staff, Subject

from .assessment_lookup import assessment_rubric, load_assessment, subject_area, subject_code
from .ranking_results import RankingRow
from .standings import ranking_table

HEAD_POSTS = ("站长", "主任")  # a post that makes its holder the unit's 负责人


@dataclass(frozen=True)
class ConsequenceRow:
    """One document to issue."""

    subject_code: str
    subject_name: str
    grade: str
    kind: str  # domain.consequences.KIND_NAMES
    recipient: str  # the person's name (head/staff) or the subject's name
    reason: str
    recipient_kind: str = "subject"  # subject / head / staff
    person: bool = False  # a person (你/该同志), not a unit (你单位)
    staff_code: str = ""  # the person's code when the document goes to a staff member
    unit_name: str = ""  # the person's unit (head/staff of a unit, or a staff subject's)
    subject_id: int = 0
    problem: str = ""  # why it cannot be issued yet (no 负责人 in the roster)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def recipient_key(self) -> str:
        """What identifies the recipient in the document register (DocumentIssue)."""
        return self.staff_code if self.recipient_kind != "subject" else ""


@dataclass(frozen=True)
class Consequences:
    assessment_id: int
    assessment_name: str
    rubric_code: str
    rubric_version: int
    rubric_name: str
    state: str
    rows: tuple[ConsequenceRow, ...]
    ungraded: tuple[str, ...]  # subjects without a grade: no document (待定, 不参评)
    rules: tuple[Consequence, ...]  # the rubric's consequences


def is_head_post(post: str) -> bool:
    post = post.strip()
    return not post.startswith("副") and post.endswith(HEAD_POSTS)


def unit_head(staff: list[Staff]) -> Staff | None:
    """The unit's 负责人: the active staff member marked so in the roster, otherwise the
    one whose post is 站长/主任 (not 副站长); the lowest code when several."""
    active = sorted((p for p in staff if p.active), key=lambda p: p.code)
    marked = [p for p in active if p.head]
    if marked:
        return marked[0]
    posts = [p for p in active if is_head_post(p.post)]
    return posts[0] if posts else None


def _reason(rubric: Rubric, rule: Consequence) -> str:
    said = rule.note.strip() or (f"对评为“{rule.grade}”的对象，向{RECIPIENT_NAMES[rule.recipient]}"
                                  f"发{KIND_NAMES[rule.kind]}")
    return f"等次 {rule.grade}：《{rubric.name}》规定：{said}"


def _staff_of_units(s: Session, unit_ids: set[int]) -> dict[int, list[Staff]]:
    out: dict[int, list[Staff]] = {}
    if unit_ids:
        for p in s.scalars(select(Staff).where(Staff.unit_id.in_(unit_ids))):
            out.setdefault(p.unit_id, []).append(p)  # type: ignore[arg-type]
    return out


def _rows_for(rule: Consequence, row: RankingRow, subject: Subject, staff: list[Staff],
              reason: str) -> list[ConsequenceRow]:
    base = dict(subject_code=row.subject_code, subject_name=row.subject_name, grade=row.grade,
                kind=rule.kind, reason=reason, subject_id=subject.id)
    person_subject = subject.staff is not None
    unit_name = row.subject_name if subject.unit is not None else subject_area(subject)
    if rule.recipient == "subject":
        return [ConsequenceRow(**base, recipient=row.subject_name, person=person_subject,
                               staff_code=row.subject_code if subject.staff else "",
                               unit_name=unit_name)]
    if rule.recipient == "head":
        head = unit_head(staff)
        if head is None:
            problem = (f"{unit_name or row.subject_name}没有负责人：请在名册中把负责人标记为"
                       "“负责人”，或把其岗位写作站长/主任")
            return [ConsequenceRow(**base, recipient="", recipient_kind="head", person=True,
                                   unit_name=unit_name, problem=problem)]
        return [ConsequenceRow(**base, recipient=head.name, recipient_kind="head", person=True,
                               staff_code=head.code, unit_name=unit_name)]
    people = [p for p in sorted(staff, key=lambda p: p.code) if p.active]
    if person_subject:  # a staff subject's "staff" is the person assessed
        people = [subject.staff] if subject.staff is not None else []
    return [ConsequenceRow(**base, recipient=p.name, recipient_kind="staff", person=True,
                           staff_code=p.code, unit_name=unit_name) for p in people]


def assessment_consequences(db: Database, assessment_id: int) -> Consequences:
    """Every document the rubric's consequences call for, in ranking order."""
    table = ranking_table(db, assessment_id)
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        subjects = {subject_code(x): x for x in s.scalars(
            select(Subject).where(Subject.assessment_id == assessment_id)
            .options(selectinload(Subject.unit), selectinload(Subject.staff).selectinload(Staff.unit)))}
        unit_ids = {x.unit_id if x.unit_id is not None else x.staff.unit_id
                    for x in subjects.values() if x.unit_id is not None or x.staff is not None}
        staff_of = _staff_of_units(s, {u for u in unit_ids if u is not None})
        rules_of: dict[str, list[Consequence]] = {}
        for rule in rubric.consequences:
            rules_of.setdefault(rule.grade, []).append(rule)
        rows: list[ConsequenceRow] = []
        ungraded: list[str] = []
        for r in table.rows:
            if not r.grade:
                ungraded.append(r.subject_code)
                continue
            subject = subjects[r.subject_code]
            unit_id = subject.unit_id if subject.unit_id is not None else (
                subject.staff.unit_id if subject.staff is not None else None)
            seen: set[tuple[str, str]] = set()
            for rule in rules_of.get(r.grade, ()):
                for row in _rows_for(rule, r, subject, staff_of.get(unit_id, []),  # type: ignore[arg-type]
                                     _reason(rubric, rule)):
                    key = (row.kind, row.staff_code or row.recipient_kind)
                    if key not in seen:  # the head is also one of the staff: one document
                        seen.add(key)
                        rows.append(row)
        return Consequences(a.id, a.name, rubric.code, rubric.version, rubric.name, a.state,
                            tuple(rows), tuple(ungraded), rubric.consequences)


def consequences(db: Database, assessment_id: int) -> list[ConsequenceRow]:
    return list(assessment_consequences(db, assessment_id).rows)
