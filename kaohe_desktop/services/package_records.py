"""The record kinds of a data package as compared and written: the values compared (as
text) for each kind, and how a record is updated — shared by the merge
(services/package_merge.py) and by settling a conflict with "theirs"
(services/package_conflicts.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kaohe_desktop.domain.audit_chain import plain
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.states import State
from kaohe_desktop.store.models import (
    Area,
    Assessment,
    Assessor,
    AssessorGroup,
    EventRow,
    Score,
    Staff,
    Subject,
    Unit,
)

from .package_export import SERVICE_MODELS, SERVICE_SKIP


def date_of(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def num(value: Any) -> str:
    """A decimal as comparable text: 18.5 and 18.50 are one value."""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(value)


def values_hash(values: Mapping[str, Any]) -> str:
    """What an office sent, as a short digest: kept with the record's origin, it tells a
    record still as merged from one changed here since."""
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def locked(state: str) -> bool:
    """Reviewed or published: a package may add to it but changes nothing in it."""
    return state in (State.REVIEWED, State.PUBLISHED)



UNIT_FIELDS = ("name", "kind", "phone", "address", "active")
STAFF_FIELDS = ("name", "post", "attendance_no", "phone", "active", "head")
ASSESSMENT_FIELDS = ("name", "state", "trimmed_mean", "objection_start", "objection_end",
                     "origin")
EVENT_FIELDS = ("section", "rule_code", "amount", "matter", "note", "occurred_on")


def columns(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def unit_values(r: Mapping[str, Any]) -> dict[str, Any]:
    return {**{k: plain(r[k]) for k in UNIT_FIELDS}, "area": r.get("area") or ""}


def unit_fields(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in UNIT_FIELDS}


def staff_values(r: Mapping[str, Any]) -> dict[str, Any]:
    return {**{k: plain(r[k]) for k in STAFF_FIELDS}, "unit": r.get("unit") or ""}


def staff_fields(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in STAFF_FIELDS}


def assessment_values(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: plain(r[k]) for k in ASSESSMENT_FIELDS}


def assessment_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["objection_start"] = date_of(out["objection_start"])
    out["objection_end"] = date_of(out["objection_end"])
    return out


def event_values(r: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: plain(r[k]) for k in EVENT_FIELDS}
    out["amount"] = num(out["amount"])
    out["subject"] = r.get("subject", "")
    return out


def event_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: values[k] for k in EVENT_FIELDS}
    out["amount"] = Decimal(out["amount"])
    out["occurred_on"] = date_of(out["occurred_on"])
    return out


def service_values(r: Mapping[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in r.items() if k not in SERVICE_SKIP}


def service_row(model: Any, r: Mapping[str, Any], unit_ids: Mapping[str, int],
                staff_ids: Mapping[str, int]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for c in model.__table__.columns:
        if c.key in SERVICE_SKIP or c.key not in r:
            continue
        value = r[c.key]
        if value is not None and c.type.python_type is datetime:
            value = datetime.fromisoformat(value)
        row[c.key] = value
    row["unit_id"] = unit_ids.get(r.get("unit") or "")
    row["staff_id"] = staff_ids.get(r.get("staff") or "")
    return row


def local_subjects(s: Session, assessment_id: int) -> dict[str, int]:
    """Subject code → subject id within one assessment."""
    return {ucode or scode: sid for sid, ucode, scode in s.execute(
        select(Subject.id, Unit.code, Staff.code).outerjoin(Unit, Subject.unit_id == Unit.id)
        .outerjoin(Staff, Subject.staff_id == Staff.id)
        .where(Subject.assessment_id == assessment_id))}


def subjects_of(s: Session, assessment_ids: list[int]) -> dict[int, dict[str, int]]:
    """`local_subjects` of several assessments in one query."""
    out: dict[int, dict[str, int]] = {aid: {} for aid in assessment_ids}
    for aid, sid, ucode, scode in s.execute(
            select(Subject.assessment_id, Subject.id, Unit.code, Staff.code)
            .outerjoin(Unit, Subject.unit_id == Unit.id)
            .outerjoin(Staff, Subject.staff_id == Staff.id)
            .where(Subject.assessment_id.in_(assessment_ids))):
        out[aid][ucode or scode] = sid
    return out


def apply_unit(s: Session, code: str, values: Mapping[str, Any]) -> None:
    unit = s.scalars(select(Unit).where(Unit.code == code)).one()
    for k in UNIT_FIELDS:
        setattr(unit, k, values[k])
    if values["area"]:
        area = s.scalars(select(Area).where(Area.name == values["area"])).first()
        if area is None:
            area = Area(name=values["area"])
            s.add(area)
            s.flush()
        unit.area_id = area.id


def apply_staff(s: Session, code: str, values: Mapping[str, Any]) -> None:
    person = s.scalars(select(Staff).where(Staff.code == code)).one()
    for k in STAFF_FIELDS:
        setattr(person, k, values[k])
    person.unit_id = s.scalar(select(Unit.id).where(Unit.code == values["unit"]))


def apply_assessment(s: Session, uuid: str, values: Mapping[str, Any]) -> None:
    a = s.scalars(select(Assessment).where(Assessment.uuid == uuid)).one()
    for k, v in assessment_fields(values).items():
        setattr(a, k, v)


def apply_event(s: Session, uuid: str, values: Mapping[str, Any]) -> None:
    e = s.scalars(select(EventRow).where(EventRow.uuid == uuid)).one()
    for k, v in event_fields(values).items():
        setattr(e, k, v)


def apply_score(s: Session, key: str, values: Mapping[str, Any]) -> None:
    uuid, subject, group, who, item = key.split("|")
    a = s.scalars(select(Assessment).where(Assessment.uuid == uuid)).one()
    if locked(a.state):
        raise InputError(Problem(f"考核 {a.id} 已锁定（{a.state}），须先重新打开才能采用数据包中的评分"))
    g = aliased(AssessorGroup)
    seat = s.scalar(select(Assessor.id).outerjoin(g, Assessor.group_id == g.id).where(
        Assessor.assessment_id == a.id, Assessor.name == who,
        (g.name == group) if group else Assessor.group_id.is_(None)))
    subject_id = local_subjects(s, a.id)[subject]
    row = s.scalars(select(Score).where(Score.subject_id == subject_id,
                                        Score.assessor_id == seat, Score.item_code == item)).one()
    row.value = Decimal(values["value"])
    row.remark = values["remark"]


def apply_service(s: Session, kind: str, no: str, values: Mapping[str, Any]) -> None:
    model = SERVICE_MODELS[kind][0]
    row = s.scalars(select(model).where(model.no == no)).one()
    fresh = service_row(model, values, dict(s.execute(select(Unit.code, Unit.id)).all()),
                        dict(s.execute(select(Staff.code, Staff.id)).all()))
    for k, v in fresh.items():
        setattr(row, k, v)


APPLY: dict[str, Callable[[Session, str, Mapping[str, Any]], None]] = {
    "units": apply_unit, "staff": apply_staff, "assessments": apply_assessment,
    "events": apply_event, "scores": apply_score,
    **{k: (lambda s, key, v, k=k: apply_service(s, k, key, v)) for k in SERVICE_MODELS},
}

