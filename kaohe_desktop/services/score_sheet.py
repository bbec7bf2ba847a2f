"""Reading one assessor's score sheet for the entry form, and previewing a subject's score.

`sheet_for` answers everything the form needs for every subject in a handful of queries,
so switching subjects costs no database work. `subject_preview` is the domain's scoring
(`score_subject`, `section_total`) over one sheet's values; the window never adds up
scores itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.completeness import leaves_under
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.domain.scoring import Event, score_subject, section_total
from kaohe_desktop.domain.states import State, editable
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessor, AssessorGroup, EventRow, GroupSubject, Score

from .accounts import own_seats
from .assessment_lookup import assessment_rubric, group_item_codes, load_assessment
from .assessments import assessment_info
from .derived_items import derived_values
from .ranking import standings_of
from .results import AssessorInfo, EventInfo, SheetData, SubjectPreview
from .scores import event_info


def _assessors(s: Session, assessment_id: int) -> list[AssessorInfo]:
    groups = dict(s.execute(select(AssessorGroup.id, AssessorGroup.name)
                            .where(AssessorGroup.assessment_id == assessment_id)).all())
    return [AssessorInfo(a.id, a.name, a.role, groups.get(a.group_id, ""), a.submitted_at)
            for a in s.scalars(select(Assessor).where(Assessor.assessment_id == assessment_id)
                               .order_by(Assessor.id))]


def list_assessors(db: Database, assessment_id: int) -> list[AssessorInfo]:
    """The assessment's assessors in the order they were added; for a logged-in 评分人
    only their own seats ("my sheets")."""
    mine = own_seats(db, assessment_id)
    with db.session() as s:
        load_assessment(s, assessment_id)
        return [x for x in _assessors(s, assessment_id) if mine is None or x.id in mine]


def sheet_for(db: Database, assessment_id: int, assessor: str | None,
              group: str | None = None) -> SheetData:
    """The assessor's sheet: their subjects, values, remarks and every subject's events.

    With `assessor` None (nobody chosen yet) the sheet lists every subject, holds no
    values and is not editable. An unknown assessor name is an InputError.
    """
    mine = own_seats(db, assessment_id)
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        info = assessment_info(s, a)
        rubric = assessment_rubric(s, a)
        locked = not editable(State(a.state))
        who: AssessorInfo | None = None
        subjects = info.subjects
        values: dict[str, dict[str, Decimal]] = defaultdict(dict)
        remarks: dict[str, dict[str, str]] = defaultdict(dict)
        versions: dict[str, dict[str, int]] = defaultdict(dict)
        code_of = {x.id: x.code for x in info.subjects}
        if assessor is not None:
            # one person may sit in several groups: `group` picks the seat (else the first)
            who = next((x for x in _assessors(s, a.id) if x.name == assessor.strip()
                        and (group is None or x.group == group)), None)
            if who is None or (mine is not None and who.id not in mine):
                raise InputError(Problem("本次考核没有这位评分人", column="评分人", value=assessor))
            group_id = s.scalar(select(Assessor.group_id).where(Assessor.id == who.id))
            group = s.get(AssessorGroup, group_id) if group_id is not None else None
            required = leaves_under(rubric, group_item_codes(group) if group else ())
            if group_id is not None:
                allowed = set(s.scalars(select(GroupSubject.subject_id)
                                        .where(GroupSubject.group_id == group_id)))
                if allowed:
                    subjects = tuple(x for x in subjects if x.id in allowed)
            for sid, code, value, remark, version in s.execute(
                    select(Score.subject_id, Score.item_code, Score.value, Score.remark, Score.version)
                    .where(Score.assessment_id == a.id, Score.assessor_id == who.id)):
                values[code_of[sid]][code] = value
                versions[code_of[sid]][code] = version
                if remark:
                    remarks[code_of[sid]][code] = remark
        events: dict[str, list[EventInfo]] = defaultdict(list)
        for row in s.scalars(select(EventRow).where(EventRow.assessment_id == a.id)
                             .order_by(EventRow.id)):
            events[code_of[row.subject_id]].append(event_info(row, code_of[row.subject_id]))
        sheet = SheetData(
            assessment=info, rubric=rubric, assessor=who, subjects=subjects,
            values=dict(values), remarks=dict(remarks), events=dict(events), locked=locked,
            editable=who is not None and not who.submitted and not locked,
            required=required if who is not None else None, versions=dict(versions))
    # what counts for the derived items, and each subject's standing over every assessor
    sheet.derived = derived_values(db, assessment_id)
    sheet.standing = standings_of(db, assessment_id)
    return sheet


def subject_preview(rubric: Rubric, leaves: Mapping[str, Decimal],
                    events: Iterable[EventInfo] = ()) -> SubjectPreview:
    """Subtotals, bonus, deduction and total of one subject from one sheet's leaf values."""
    claims = [Event(e.rule_code, e.amount, e.matter, e.id) for e in events]
    score = score_subject(rubric, leaves, claims)
    bonus_claimed, _ = section_total(rubric.bonus, claims)
    deduction_claimed, _ = section_total(rubric.deduction, claims)
    return SubjectPreview(score.items, score.base, bonus_claimed, score.bonus, deduction_claimed,
                          score.deduction, score.total, score.vetoed)
