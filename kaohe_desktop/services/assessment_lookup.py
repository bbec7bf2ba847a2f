"""Looking up an assessment and its subjects inside an open session.

Kept apart from `assessments` (which creates and moves assessments) because scores,
attendance points, ranking and documents all need these lookups, and `assessments` itself
calls into attendance points when a month's staff assessment is created: with the lookups
here, every service imports them from one place and no two services import each other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.domain.states import STATE_NAMES, State, editable
from kaohe_desktop.store.models import Assessment, AssessorGroup, Staff, Subject, Unit

from .rubrics import rubric_from_row


def _roster_code(subject: Subject) -> str:
    return subject.unit.code if subject.unit else subject.staff.code if subject.staff else ""


def _roster_name(subject: Subject) -> str:
    return subject.unit.name if subject.unit else subject.staff.name if subject.staff else ""


def _roster_area(subject: Subject) -> str:
    if subject.unit is not None:
        return subject.unit.area.name if subject.unit.area else ""
    if subject.staff is not None and subject.staff.unit is not None:
        return subject.staff.unit.name
    return ""


# a published assessment shows the labels it was published with (`snapshot_labels`)
def subject_code(subject: Subject) -> str:
    return subject.shown_code if subject.shown_code is not None else _roster_code(subject)


def subject_name(subject: Subject) -> str:
    return subject.shown_name if subject.shown_name is not None else _roster_name(subject)


def subject_area(subject: Subject) -> str:
    """The area of a unit, or the unit of a staff member."""
    return subject.shown_area if subject.shown_area is not None else _roster_area(subject)


def snapshot_labels(s: Session, assessment_id: int, keep: bool) -> None:
    """On publishing (`keep`), fix each subject's code, name and area as the results show
    them, so a later roster edit does not reach a published list; on reopening, drop them
    so the draft follows the roster again."""
    for subject in s.scalars(select(Subject).where(Subject.assessment_id == assessment_id)):
        if keep:
            subject.shown_code, subject.shown_name, subject.shown_area = (
                _roster_code(subject), _roster_name(subject), _roster_area(subject))
        else:
            subject.shown_code = subject.shown_name = subject.shown_area = None


def load_assessment(s: Session, assessment_id: int) -> Assessment:
    a = s.get(Assessment, assessment_id)
    if a is None:
        raise InputError(Problem(f"没有编号为 {assessment_id} 的考核", column="考核",
                                 value=assessment_id))
    return a


def require_editable(a: Assessment) -> None:
    """Refuse any edit once the assessment is approved or published (locked).

    On a server database the assessment row is share-locked for the rest of the
    transaction and its state read again: an edit and a publication of the same assessment
    cannot interleave (`lock_for_review` takes the exclusive lock), and an edit that waited
    for a publication sees it. On SQLite the edit takes the database's write lock here
    (BEGIN IMMEDIATE, unless its transaction already writes): the Python driver would
    otherwise read outside any transaction, and two processes could both read a score's
    version 1 and both write — the second overwriting the first unseen."""
    state = State(a.state)
    s = object_session(a)
    if s is not None and s.get_bind().dialect.name != "sqlite":
        state = State(s.execute(select(Assessment.state).where(Assessment.id == a.id)
                                .with_for_update(read=True)).scalar_one())
    elif s is not None and _sqlite_write_lock(s):
        state = State(s.execute(select(Assessment.state).where(Assessment.id == a.id)).scalar_one())
    if not editable(state):
        raise InputError(Problem(
            f"考核 {a.id}“{a.name}”{STATE_NAMES[state]}，已锁定，不能修改；"
            "如需更正，请管理员填写理由后重新打开", column="考核", value=a.id))


def _sqlite_write_lock(s: Session) -> bool:
    """Begin the session's SQLite transaction as a writer now (waiting up to the busy
    timeout for another writer); False when it already is in a transaction."""
    conn = s.connection()
    if conn.connection.driver_connection.in_transaction:
        return False
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    return True


def assessment_rubric(s: Session, a: Assessment) -> Rubric:
    return rubric_from_row(a.rubric)


def load_subjects(s: Session, assessment_id: int) -> list[Subject]:
    """The subjects with their unit/staff (and area) loaded in a few queries, not one each."""
    return list(s.scalars(
        select(Subject).where(Subject.assessment_id == assessment_id).order_by(Subject.id)
        .options(selectinload(Subject.unit).selectinload(Unit.area),
                 selectinload(Subject.staff).selectinload(Staff.unit))))


def subjects_by_code(s: Session, assessment_id: int) -> dict[str, Subject]:
    return {subject_code(x): x for x in load_subjects(s, assessment_id)}


def group_item_codes(group: AssessorGroup) -> tuple[str, ...]:
    """The rubric item codes a group scores (a section's code stands for its leaves);
    () means every item. Stored as a JSON list in `assessor_group.items`."""
    if not group.items:
        return ()
    return tuple(str(c) for c in json.loads(group.items))


def store_group_item_codes(group: AssessorGroup, codes: Sequence[str]) -> None:
    group.items = json.dumps(list(codes), ensure_ascii=False) if codes else ""


def lock_for_review(s: Session, assessment_id: int) -> None:
    """Take the assessment row's exclusive lock (server database) before its state is read
    and changed: saves into it wait until the change commits, and see it."""
    if s.get_bind().dialect.name != "sqlite":
        s.execute(select(Assessment.id).where(Assessment.id == assessment_id).with_for_update())
