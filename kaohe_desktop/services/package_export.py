"""Writing a data package (issue 18 §2): what an offline village PC hands the township on
a USB drive, as one `.kaohe` file (io/package_format.py).

The records carry identities that mean the same on every PC: units and staff by code,
rubric versions by the SHA-256 of their content, assessments and events by UUID, seats
and subjects by name and code within their assessment, scores by all of these plus the
item, punches by person and moment, service records by their platform numbers. The
office that made the package is named by its own UUID (setting `office_uuid`, made on
the first export) and its issuer name (office settings).

Every package is signed with the office's Ed25519 key (services/package_signing.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kaohe_desktop import __version__
from kaohe_desktop.domain.audit_chain import plain
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.package_format import FORMAT, FORMAT_VERSION, SUFFIX, write_package
from kaohe_desktop.store.base import new_uuid
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Area,
    Assessment,
    AssessmentRole,
    Assessor,
    AssessorGroup,
    EventRow,
    GroupSubject,
    Punch,
    RubricRow,
    Score,
    ServiceComplaint,
    ServiceRating,
    ServiceRequest,
    Setting,
    Staff,
    StateChange,
    Subject,
    Unit,
)
from kaohe_desktop.store.schema_head import SCHEMA_HEAD

from .office_settings import how_to_set, office_settings
from .package_signing import sign_package
from .permissions import as_program
from .scores import evidence_path

OFFICE_UUID = "office_uuid"  # setting: this database's identity as a sender of packages


def rubric_hash(definition: str) -> str:
    """A rubric version's identity: SHA-256 of its canonical JSON (key order and spacing
    do not matter, content does)."""
    text = json.dumps(json.loads(definition), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def office_uuid(db: Database) -> str:
    """This database's office UUID, made (and recorded, as 系统) the first time."""
    with db.session() as s:
        row = s.get(Setting, OFFICE_UUID)
        if row is not None:
            return row.value
    with as_program(db), db.session() as s:
        value = new_uuid()
        s.add(Setting(key=OFFICE_UUID, value=value))
    return value


def package_signer(db: Database) -> Callable[[bytes], Mapping[str, Any] | None]:
    """What signs this office's packages: its Ed25519 key (created at first use)."""
    return lambda data: sign_package(db, data)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    counts: dict[str, int]
    office: str
    signed: bool


def _when(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def data_year(db: Database, today: date | None = None) -> int:
    """The year a package most likely carries: that of the newest assessment's period
    (a township collecting 2024's results in January 2025 wants 2024), else this year."""
    with db.session() as s:
        newest = s.scalar(select(Assessment.period_end).order_by(Assessment.period_end.desc())
                          .limit(1))
    return newest.year if newest is not None else (today or date.today()).year


def _scope(s: Session, assessment_id: int | None, year: int | None
           ) -> tuple[list[Assessment], tuple[date, date] | None, str]:
    q = select(Assessment).order_by(Assessment.id)
    if assessment_id is not None:
        a = s.get(Assessment, assessment_id)
        if a is None:
            raise InputError(Problem("没有这个考核", column="--assessment", value=assessment_id))
        return [a], (a.period_start, a.period_end), f"考核{assessment_id}"
    if year is not None:
        if not 2000 <= year <= 2100:
            raise InputError(Problem("年份应为四位数字", column="--year", value=year))
        span = (date(year, 1, 1), date(year, 12, 31))
        rows = list(s.scalars(q.where(Assessment.period_start >= span[0],
                                      Assessment.period_start <= span[1])))
        return rows, span, f"{year}年"
    return list(s.scalars(q)), None, "全部"


def _give_uuids(db: Database) -> None:
    """Rows written by other tools have no UUID yet: they get one before export (recorded)."""
    with db.session() as s:
        missing = [*s.scalars(select(Assessment).where(Assessment.uuid.is_(None))),
                   *s.scalars(select(EventRow).where(EventRow.uuid.is_(None)))]
        if not missing:
            return
    with as_program(db), db.session() as s:
        for cls in (Assessment, EventRow):
            for row in s.scalars(select(cls).where(cls.uuid.is_(None))):
                row.uuid = new_uuid()


def _roster(s: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    units = [{"code": u.code, "name": u.name, "area": a.name if a else "",
              "area_kind": a.kind if a else "", "kind": u.kind, "phone": u.phone,
              "address": u.address, "active": u.active}
             for u, a in s.execute(select(Unit, Area).outerjoin(Area, Unit.area_id == Area.id)
                                   .order_by(Unit.code))]
    staff = [{"code": p.code, "name": p.name, "unit": code or "", "post": p.post,
              "attendance_no": p.attendance_no, "phone": p.phone, "active": p.active,
              "head": p.head}
             for p, code in s.execute(select(Staff, Unit.code)
                                      .outerjoin(Unit, Staff.unit_id == Unit.id)
                                      .order_by(Staff.code))]
    return units, staff


def _assessments(s: Session, chosen: list[Assessment]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rubrics: dict[int, dict[str, Any]] = {}
    out = []
    for a in chosen:
        if a.rubric_id not in rubrics:
            r = s.get(RubricRow, a.rubric_id)
            rubrics[a.rubric_id] = {"hash": rubric_hash(r.definition), "code": r.code,
                                    "version": r.version, "name": r.name,
                                    "subject_kind": r.subject_kind, "definition": r.definition,
                                    "builtin": r.builtin}
        subjects = {}
        for subj, ucode, scode in s.execute(
                select(Subject, Unit.code, Staff.code).outerjoin(Unit, Subject.unit_id == Unit.id)
                .outerjoin(Staff, Subject.staff_id == Staff.id)
                .where(Subject.assessment_id == a.id)):
            subjects[subj.id] = {"unit": ucode or "", "staff": scode or "",
                                 "excluded": subj.excluded, "exclude_reason": subj.exclude_reason}
        groups = {g.id: {"name": g.name, "role": g.role, "items": g.items, "subjects": []}
                  for g in s.scalars(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id))}
        for gid, sid in s.execute(select(GroupSubject.group_id, GroupSubject.subject_id)
                                  .where(GroupSubject.group_id.in_(list(groups) or [-1]))):
            groups[gid]["subjects"].append(subject_key(subjects[sid]))
        assessors = [{"name": x.name, "role": x.role,
                      "group": groups[x.group_id]["name"] if x.group_id in groups else "",
                      "submitted_at": _when(x.submitted_at)}
                     for x in s.scalars(select(Assessor).where(Assessor.assessment_id == a.id)
                                        .order_by(Assessor.id))]
        states = [{"from": c.from_state, "to": c.to_state, "actor": c.actor, "reason": c.reason,
                   "at": _when(c.at), "admin": c.actor_is_admin,
                   "objection_start": _when(c.objection_start),
                   "objection_end": _when(c.objection_end)}
                  for c in s.scalars(select(StateChange).where(StateChange.assessment_id == a.id)
                                     .order_by(StateChange.id))]
        out.append({"uuid": a.uuid, "name": a.name, "rubric": rubrics[a.rubric_id]["hash"],
                    "period_kind": a.period_kind, "period_start": _when(a.period_start),
                    "period_end": _when(a.period_end), "state": a.state,
                    "trimmed_mean": a.trimmed_mean, "objection_start": _when(a.objection_start),
                    "objection_end": _when(a.objection_end), "origin": a.origin,
                    "roles": [{"role": r.role, "weight": plain(r.weight)} for r in s.scalars(
                        select(AssessmentRole).where(AssessmentRole.assessment_id == a.id))],
                    "groups": sorted(groups.values(), key=lambda g: g["name"]),
                    "subjects": sorted(subjects.values(), key=subject_key),
                    "assessors": assessors, "states": states})
    return out, list(rubrics.values())


def subject_key(subject: Mapping[str, Any]) -> str:
    """A subject's code within its assessment: the unit's or the person's."""
    return subject.get("unit") or subject.get("staff") or ""


def _scores(s: Session, chosen: list[Assessment]) -> list[list[Any]]:
    """[assessment uuid, subject code, group, assessor, item, value, remark, updated at]."""
    uuids = {a.id: a.uuid for a in chosen}
    if not uuids:
        return []
    g = aliased(AssessorGroup)
    q = (select(Score.assessment_id, Unit.code, Staff.code, g.name, Assessor.name,
                Score.item_code, Score.value, Score.remark, Score.updated_at)
         .join(Subject, Score.subject_id == Subject.id)
         .outerjoin(Unit, Subject.unit_id == Unit.id).outerjoin(Staff, Subject.staff_id == Staff.id)
         .join(Assessor, Score.assessor_id == Assessor.id)
         .outerjoin(g, Assessor.group_id == g.id)
         .where(Score.assessment_id.in_(list(uuids))).order_by(Score.id))
    return [[uuids[aid], ucode or scode or "", group or "", who, item, plain(value), remark,
             _when(at)] for aid, ucode, scode, group, who, item, value, remark, at in s.execute(q)]


def _events(db: Database, s: Session, chosen: list[Assessment]
            ) -> tuple[list[dict[str, Any]], dict[str, Path]]:
    uuids = {a.id: a.uuid for a in chosen}
    files: dict[str, Path] = {}
    out = []
    if not uuids:
        return out, files
    for e, ucode, scode in s.execute(
            select(EventRow, Unit.code, Staff.code).join(Subject, EventRow.subject_id == Subject.id)
            .outerjoin(Unit, Subject.unit_id == Unit.id)
            .outerjoin(Staff, Subject.staff_id == Staff.id)
            .where(EventRow.assessment_id.in_(list(uuids))).order_by(EventRow.id)):
        attachment = name = ""
        if e.evidence:
            try:
                path = evidence_path(db, e.evidence)
            except InputError:
                path = None  # the file is gone: the event travels without it
            if path is not None:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                attachment = f"{digest}{path.suffix.lower()}"
                name = path.name
                files[attachment] = path
        out.append({"uuid": e.uuid, "assessment": uuids[e.assessment_id],
                    "subject": ucode or scode or "", "section": e.section,
                    "rule_code": e.rule_code, "amount": plain(e.amount), "matter": e.matter,
                    "note": e.note, "occurred_on": _when(e.occurred_on),
                    "created_at": _when(e.created_at), "attachment": attachment,
                    "file_name": name})
    return out, files


def _punches(s: Session, span: tuple[date, date] | None) -> list[list[str]]:
    q = select(Staff.code, Punch.at).join(Staff, Punch.staff_id == Staff.id)
    if span is not None:
        q = q.where(Punch.at >= datetime.combine(span[0], time()),
                    Punch.at < datetime.combine(span[1] + timedelta(days=1), time()))
    return [[code, at.isoformat()] for code, at in s.execute(q.order_by(Staff.code, Punch.at))]


SERVICE_MODELS = {"service_requests": (ServiceRequest, ServiceRequest.accepted_at),
                  "service_ratings": (ServiceRating, ServiceRating.rated_at),
                  "service_complaints": (ServiceComplaint, ServiceComplaint.at)}
SERVICE_SKIP = frozenset({"id", "unit_id", "staff_id", "import_id"})


def _service(s: Session, span: tuple[date, date] | None) -> dict[str, list[dict[str, Any]]]:
    units = dict(s.execute(select(Unit.id, Unit.code)).all())
    staff = dict(s.execute(select(Staff.id, Staff.code)).all())
    out = {}
    for kind, (model, when) in SERVICE_MODELS.items():
        q = select(model).order_by(model.no)
        if span is not None:
            q = q.where(when >= datetime.combine(span[0], time()),
                        when < datetime.combine(span[1] + timedelta(days=1), time()))
        rows = []
        for r in s.scalars(q):
            row = {c.key: plain(getattr(r, c.key)) for c in model.__table__.columns
                   if c.key not in SERVICE_SKIP}
            row["unit"] = units.get(r.unit_id, "")
            row["staff"] = staff.get(r.staff_id, "")
            rows.append(row)
        out[kind] = rows
    return out


def _file_name(office: str, scope: str, at: datetime) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", office).strip("_") or "数据包"
    return f"{safe}-{scope}-{at:%Y%m%d-%H%M%S}{SUFFIX}"


def export_package(db: Database, out_dir: Path | str, *, assessment_id: int | None = None,
                   year: int | None = None, now: datetime | None = None) -> ExportResult:
    """Write one package of this database (an assessment, a year, or everything) into
    the folder `out_dir`; returns its path and record counts."""
    if assessment_id is not None and year is not None:
        raise InputError(Problem("--assessment 和 --year 只能选一个"))
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(Problem("目标文件夹不存在（U 盘可能未插好）", file=str(out_dir)))
    office = office_settings(db).issuer
    if not office:
        raise InputError(Problem("导出数据包前须先设置发文/发证单位（数据包以它署名）："
                                 + how_to_set("issuer"),
                                 column="issuer"))
    sender = office_uuid(db)
    _give_uuids(db)
    now = now or datetime.now()  # to the microsecond: it orders two packages of one office
    with db.session() as s:
        chosen, span, scope = _scope(s, assessment_id, year)
        units, staff = _roster(s)
        assessments, rubrics = _assessments(s, chosen)
        records: dict[str, Any] = {"units": units, "staff": staff, "rubrics": rubrics,
                                   "assessments": assessments, "scores": _scores(s, chosen)}
        records["events"], files = _events(db, s, chosen)
        records["punches"] = _punches(s, span)
        records.update(_service(s, span))
    counts = {kind: len(rows) for kind, rows in records.items()}
    periods = sorted({f"{a['period_kind']}:{a['period_start']}:{a['period_end']}"
                      for a in assessments})
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "program_version": __version__, "schema_revision": SCHEMA_HEAD,
                "package_uuid": new_uuid(), "created_at": now.isoformat(),
                "office": {"uuid": sender, "name": office}, "scope": scope,
                "span": [span[0].isoformat(), span[1].isoformat()] if span else None,
                "periods": periods, "counts": counts}
    signer = package_signer(db)
    target = out_dir / _file_name(office, scope, now)
    n = 1
    while target.exists():  # never over an earlier package
        n += 1
        target = target.with_name(f"{target.name.removesuffix(SUFFIX).split('（')[0]}（{n}）{SUFFIX}")
    path = write_package(target, manifest, records, files, sign=signer)
    return ExportResult(path, counts, office, signer is not None)
