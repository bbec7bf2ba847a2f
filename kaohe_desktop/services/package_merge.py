"""Merging one checked data package into this database, kind by kind, in the caller's
session (one transaction: services/package_import.py).

Each record is found by its identity (see services/package_export.py) and counted as
`new` (added), `unchanged` (equal, or an older copy of what the same office sent later),
`updated` (different, and the local record came from the same office with an earlier
time — a newer package from that village), or `conflicts` (different from a record that
was entered here or came from another office, or that belongs to a locked assessment):
then both values are kept in `package_conflict` for a person's choice and the local
value stays. A disagreement already on record (open or settled) is not raised again, so
merging the same package twice adds nothing.

Every write goes through the session, so the permission guard checks it and the audit
records it (punches and service records excepted, which are recorded through their
import log rows, as their own imports do).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, aliased

from kaohe_desktop.domain.audit_chain import plain
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.models import (
    Area,
    Assessment,
    AssessmentRole,
    Assessor,
    AssessorGroup,
    EventRow,
    GroupSubject,
    ImportLog,
    PackageConflict,
    PackageOrigin,
    PackageReceipt,
    Punch,
    RubricRow,
    Score,
    ServiceImport,
    Staff,
    StateChange,
    Subject,
    Unit,
)
from kaohe_desktop.store.service_queries import insert_records

from .package_export import SERVICE_MODELS, rubric_hash, subject_key
from .package_records import (
    STAFF_FIELDS,
    apply_assessment,
    apply_event,
    apply_service,
    apply_staff,
    apply_unit,
    assessment_fields,
    assessment_values,
    columns,
    date_of,
    event_fields,
    event_values,
    local_subjects,
    locked,
    moment,
    num,
    service_row,
    service_values,
    staff_fields,
    staff_values,
    subjects_of,
    unit_fields,
    unit_values,
    values_hash,
)

KIND_NAMES = {"units": "单位", "staff": "人员", "rubrics": "细则", "assessments": "考核",
              "parts": "考核对象与评分人", "scores": "评分", "events": "加减分事项",
              "states": "审议记录", "punches": "考勤打卡", "service_requests": "办件",
              "service_ratings": "好差评", "service_complaints": "投诉"}
CHUNK = 500


@dataclass
class Tally:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Side:
    """One value of a disputed record: what, by whom, from which office, when."""

    values: dict[str, Any]
    author: str
    office: str
    at: str


def score_key(uuid: str, subject: str, group: str, assessor: str, item: str) -> str:
    return f"{uuid}|{subject}|{group}|{assessor}|{item}"


@dataclass
class Merger:
    s: Session
    office_uuid: str
    office_name: str
    created_at: datetime
    local_office: str  # this database's issuer, the office of values entered here
    attachments: Path | None  # where event files go (None: a dry run writes no file)
    file_name: str
    counts: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KIND_NAMES})
    conflicts: list[tuple[str, str, str, Side, Side]] = field(default_factory=list)
    # (kind, key) → (the record's time, values_hash of the values this office sent)
    origins: dict[tuple[str, str], tuple[datetime, str]] = field(default_factory=dict)
    offices: dict[str, str] = field(default_factory=dict)  # office uuid → name

    # ----------------------------------------------------------------- the rule
    def office_of(self, uuid: str | None) -> str:
        if uuid is None:
            return self.local_office
        if not self.offices:
            self.offices = dict(self.s.execute(select(PackageReceipt.office_uuid,
                                                      PackageReceipt.office_name)).all())
        return self.offices.get(uuid, self.office_name if uuid == self.office_uuid else uuid)

    def settle(self, kind: str, key: str, label: str, ours: Side, theirs: Side,
               source_at: datetime, locked: bool = False) -> str:
        """Count one record found here with `ours` against the package's `theirs`;
        returns the outcome (the caller applies an "updated")."""
        tally = self.counts[kind]
        if ours.values == theirs.values:
            tally.unchanged += 1
            return "unchanged"
        origin = self.s.get(PackageOrigin, (kind, key))
        if origin is not None and origin.office_uuid == self.office_uuid:
            if values_hash(theirs.values) == origin.values_hash:
                tally.unchanged += 1  # the office sends what it sent before: changed here since
                return "unchanged"
            if (source_at, self.created_at) <= (origin.source_at, origin.package_at):
                tally.unchanged += 1  # an older copy of what this office sent later
                return "unchanged"
            if values_hash(ours.values) == origin.values_hash and not locked:
                tally.updated += 1  # still as that office sent it: its newer value wins
                self.origins[(kind, key)] = (source_at, values_hash(theirs.values))
                return "updated"
            # changed here and there since: fall through to a conflict
        for text in self.s.scalars(select(PackageConflict.theirs).where(
                PackageConflict.kind == kind, PackageConflict.key == key)):
            if json.loads(text)["values"] == theirs.values:
                tally.unchanged += 1  # this disagreement is on record already
                return "unchanged"
        if origin is not None and values_hash(ours.values) == origin.values_hash:
            # the value here is as that office sent it: name it as the value's office
            ours = Side(ours.values, ours.author, self.office_of(origin.office_uuid), ours.at)
        tally.conflicts += 1
        self.conflicts.append((kind, key, label, ours, theirs))
        return "conflicts"

    def added(self, kind: str, key: str, values: Mapping[str, Any],
              source_at: datetime | None = None) -> None:
        self.counts[kind].new += 1
        self.origins[(kind, key)] = (source_at or self.created_at, values_hash(values))

    def theirs(self, values: dict[str, Any], author: str, at: str | None = None) -> Side:
        return Side(values, author, self.office_name, at or self.created_at.isoformat())

    def ours(self, values: dict[str, Any], author: str, at: object = None) -> Side:
        return Side(values, author, self.local_office, plain(at) if at is not None else "")

    # ----------------------------------------------------------------- roster
    def units(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        s = self.s
        areas = dict(s.execute(select(Area.name, Area.id)).all())
        local = {u.code: (u, a) for u, a in s.execute(
            select(Unit, Area.name).outerjoin(Area, Unit.area_id == Area.id))}
        for r in rows:
            if r["area"] and r["area"] not in areas:
                area = Area(name=r["area"], kind=r.get("area_kind") or "街道")
                s.add(area)
                s.flush()
                areas[area.name] = area.id
            theirs = unit_values(r)
            if r["code"] not in local:
                s.add(Unit(code=r["code"], area_id=areas.get(r["area"]), **unit_fields(r)))
                self.added("units", r["code"], theirs)
                continue
            unit, area_name = local[r["code"]]
            ours = unit_values({**columns(unit), "area": area_name or ""})
            if self.settle("units", r["code"], f"单位 {r['code']}", self.ours(ours, ""),
                           self.theirs(theirs, ""), self.created_at) == "updated":
                apply_unit(s, r["code"], theirs)
        s.flush()
        return dict(s.execute(select(Unit.code, Unit.id)).all())

    def staff(self, rows: list[dict[str, Any]], unit_ids: Mapping[str, int]) -> dict[str, int]:
        s = self.s
        codes = [r["code"] for r in rows]
        cols = [getattr(Staff, k) for k in STAFF_FIELDS]
        local = {}  # only the package's people, as plain rows: a township has a thousand
        for i in range(0, len(codes), CHUNK):
            for row in s.connection().execute(
                    select(Staff.code, Unit.code, *cols).outerjoin(Unit, Staff.unit_id == Unit.id)
                    .where(Staff.code.in_(codes[i:i + CHUNK]))):
                local[row[0]] = {"unit": row[1] or "", **dict(zip(STAFF_FIELDS, row[2:], strict=True))}
        for r in rows:
            theirs = staff_values(r)
            if r["code"] not in local:
                s.add(Staff(code=r["code"], unit_id=unit_ids.get(r["unit"]), **staff_fields(r)))
                self.added("staff", r["code"], theirs)
                continue
            ours = staff_values(local[r["code"]])
            if self.settle("staff", r["code"], f"人员 {r['code']} {r['name']}",
                           self.ours(ours, ""), self.theirs(theirs, ""),
                           self.created_at) == "updated":
                apply_staff(s, r["code"], theirs)
        s.flush()
        return dict(s.execute(select(Staff.code, Staff.id)).all())

    # ----------------------------------------------------------------- rubrics, assessments
    def rubrics(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        s = self.s
        local: dict[str, int] = {}
        versions: dict[str, int] = {}
        for rid, code, version, definition in s.execute(
                select(RubricRow.id, RubricRow.code, RubricRow.version, RubricRow.definition)):
            local.setdefault(rubric_hash(definition), rid)
            versions[code] = max(versions.get(code, 0), version)
        for r in rows:
            if rubric_hash(r["definition"]) != r["hash"]:
                raise InputError(Problem(f"细则 {r['code']} 的内容与其校验值不符（数据包被改动）",
                                         file=self.file_name))
            if r["hash"] in local:
                self.counts["rubrics"].unchanged += 1
                continue
            version = versions.get(r["code"], 0) + 1
            versions[r["code"]] = version
            row = RubricRow(code=r["code"], version=version, name=r["name"],
                            subject_kind=r["subject_kind"], definition=r["definition"],
                            builtin=False)
            s.add(row)
            s.flush()
            local[r["hash"]] = row.id
            self.counts["rubrics"].new += 1
        return local

    def assessments(self, rows: list[dict[str, Any]], rubric_ids: Mapping[str, int]
                    ) -> dict[str, Assessment]:
        s = self.s
        uuids = [r["uuid"] for r in rows]
        local = {a.uuid: a for i in range(0, len(uuids), CHUNK)
                 for a in s.scalars(select(Assessment).where(
                     Assessment.uuid.in_(uuids[i:i + CHUNK])))}
        for r in rows:
            theirs = assessment_values(r)
            a = local.get(r["uuid"])
            if a is None:
                a = Assessment(uuid=r["uuid"], rubric_id=rubric_ids[r["rubric"]],
                               period_kind=r["period_kind"],
                               period_start=date_of(r["period_start"]),
                               period_end=date_of(r["period_end"]), **assessment_fields(theirs))
                s.add(a)
                local[r["uuid"]] = a
                self.added("assessments", r["uuid"], theirs)
                continue
            if self.settle("assessments", r["uuid"], f"考核 {a.id}“{a.name}”",
                           self.ours(assessment_values(columns(a)), ""),
                           self.theirs(theirs, ""), self.created_at) == "updated":
                apply_assessment(s, r["uuid"], theirs)
        s.flush()
        return local

    def parts(self, rows: list[dict[str, Any]], by_uuid: Mapping[str, Assessment],
              unit_ids: Mapping[str, int], staff_ids: Mapping[str, int]) -> None:
        """Roles, groups, subjects and assessor seats: added when missing (a seat's
        hand-in time is filled in when it arrives). What exists is read once for all the
        package's assessments, not per assessment."""
        s = self.s
        tally = self.counts["parts"]
        ids = [by_uuid[r["uuid"]].id for r in rows]
        if not ids:
            return
        roles = set(s.execute(select(AssessmentRole.assessment_id, AssessmentRole.role)
                              .where(AssessmentRole.assessment_id.in_(ids))).tuples())
        groups = self._groups(ids)
        subjects = subjects_of(s, ids)
        for r in rows:
            aid = by_uuid[r["uuid"]].id
            for role in r["roles"]:
                if (aid, role["role"]) in roles:
                    tally.unchanged += 1
                    continue
                s.add(AssessmentRole(assessment_id=aid, role=role["role"],
                                     weight=Decimal(role["weight"])))
                tally.new += 1
            for g in r["groups"]:
                if (aid, g["name"]) in groups:
                    tally.unchanged += 1
                    continue
                s.add(AssessorGroup(assessment_id=aid, name=g["name"], role=g["role"],
                                    items=g["items"]))
                tally.new += 1
            for subj in r["subjects"]:
                code = subject_key(subj)
                if code in subjects[aid]:
                    tally.unchanged += 1
                    continue
                unit_id, staff_id = unit_ids.get(subj["unit"]), staff_ids.get(subj["staff"])
                if unit_id is None and staff_id is None:
                    raise InputError(Problem(f"考核对象 {code} 不在数据包的名册中（数据包不完整）",
                                             file=self.file_name))
                s.add(Subject(assessment_id=aid, unit_id=unit_id if subj["unit"] else None,
                              staff_id=staff_id if subj["staff"] else None,
                              excluded=subj["excluded"], exclude_reason=subj["exclude_reason"]))
                tally.new += 1
        if s.new:  # read back the ids of what was added
            s.flush()
            groups = self._groups(ids)
            subjects = subjects_of(s, ids)
        members = set(s.execute(select(GroupSubject.group_id, GroupSubject.subject_id)
                                .join(AssessorGroup, GroupSubject.group_id == AssessorGroup.id)
                                .where(AssessorGroup.assessment_id.in_(ids))).tuples())
        seats = {(x.assessment_id, x.name, x.group_id): x for x in s.scalars(
            select(Assessor).where(Assessor.assessment_id.in_(ids)))}
        for r in rows:
            aid = by_uuid[r["uuid"]].id
            for g in r["groups"]:
                for code in g["subjects"]:
                    pair = (groups[(aid, g["name"])], subjects[aid][code])
                    if pair in members:
                        tally.unchanged += 1
                        continue
                    s.add(GroupSubject(group_id=pair[0], subject_id=pair[1]))
                    members.add(pair)
                    tally.new += 1
            for x in r["assessors"]:
                gid = groups.get((aid, x["group"])) if x["group"] else None
                seat = seats.get((aid, x["name"], gid))
                if seat is None:
                    s.add(Assessor(assessment_id=aid, name=x["name"], role=x["role"], group_id=gid,
                                   submitted_at=moment(x["submitted_at"])))
                    tally.new += 1
                elif seat.submitted_at is None and x["submitted_at"]:
                    seat.submitted_at = moment(x["submitted_at"])
                    tally.updated += 1
                else:
                    tally.unchanged += 1
        s.flush()

    def _groups(self, ids: list[int]) -> dict[tuple[int, str], int]:
        return {(aid, name): gid for aid, name, gid in self.s.execute(
            select(AssessorGroup.assessment_id, AssessorGroup.name, AssessorGroup.id)
            .where(AssessorGroup.assessment_id.in_(ids)))}

    # ----------------------------------------------------------------- scores, events, states
    def scores(self, rows: list[list[Any]], by_uuid: Mapping[str, Assessment]) -> None:
        s = self.s
        ids = {a.id: u for u, a in by_uuid.items()}
        if not ids:
            return
        seats: dict[int, dict[tuple[str, str], int]] = {aid: {} for aid in ids}
        g = aliased(AssessorGroup)
        for aid, name, group, seat_id in s.execute(
                select(Assessor.assessment_id, Assessor.name, g.name, Assessor.id)
                .outerjoin(g, Assessor.group_id == g.id)
                .where(Assessor.assessment_id.in_(list(ids)))):
            seats[aid][(name, group or "")] = seat_id
        subjects = subjects_of(s, list(ids))
        local: dict[tuple[int, int, str], tuple[int, Decimal, str, datetime]] = {}
        for sid, _aid, subject_id, seat_id, item, value, remark, at in s.execute(
                select(Score.id, Score.assessment_id, Score.subject_id, Score.assessor_id,
                       Score.item_code, Score.value, Score.remark, Score.updated_at)
                .where(Score.assessment_id.in_(list(ids)))):
            local[(subject_id, seat_id, item)] = (sid, value, remark, at)
        new_rows, updates = [], []
        for uuid, subject, group, who, item, value, remark, at in rows:
            a = by_uuid[uuid]
            subject_id = subjects[a.id][subject]
            seat_id = seats[a.id][(who, group)]
            key = score_key(uuid, subject, group, who, item)
            found = local.get((subject_id, seat_id, item))
            when = moment(at) or self.created_at
            if found is None:
                new_rows.append({"assessment_id": a.id, "subject_id": subject_id,
                                 "assessor_id": seat_id, "item_code": item,
                                 "value": Decimal(value), "remark": remark, "updated_at": when})
                self.added("scores", key, {"value": num(value), "remark": remark}, when)
                continue
            sid, ours_value, ours_remark, ours_at = found
            if num(ours_value) == num(value) and ours_remark == remark:
                self.counts["scores"].unchanged += 1
                continue
            author = f"{who}（{group}）" if group else who
            label = f"考核 {a.id}“{a.name}” 对象 {subject} 项目 {item} 评分人 {author}"
            outcome = self.settle(
                "scores", key, label,
                self.ours({"value": num(ours_value), "remark": ours_remark}, author, ours_at),
                self.theirs({"value": num(value), "remark": remark}, author, at),
                when, locked=locked(a.state))
            if outcome == "updated":
                updates.append({"id": sid, "value": Decimal(value), "remark": remark,
                                "updated_at": when})
        for i in range(0, len(new_rows), 5000):
            s.execute(insert(Score), new_rows[i:i + 5000])
        if updates:
            s.execute(update(Score), updates)

    def events(self, rows: list[dict[str, Any]], by_uuid: Mapping[str, Assessment],
               attachment: Callable[[str], bytes]) -> None:
        s = self.s
        uuids = [r["uuid"] for r in rows]
        local = {e.uuid: e for i in range(0, len(uuids), CHUNK)
                 for e in s.scalars(select(EventRow).where(EventRow.uuid.in_(uuids[i:i + CHUNK])))}
        new_rows = []
        known: dict[int, dict[str, int]] = {}  # assessment → its subjects by code
        for r in rows:
            a = by_uuid[r["assessment"]]
            theirs = event_values(r)
            found = local.get(r["uuid"])
            if found is None:
                if a.id not in known:
                    known[a.id] = local_subjects(s, a.id)
                subject_id = known[a.id][r["subject"]]
                new_rows.append({"uuid": r["uuid"], "assessment_id": a.id, "subject_id": subject_id,
                                 **event_fields(theirs),
                                 "evidence": self._attach(a.id, r, attachment)})
                self.added("events", r["uuid"], {k: v for k, v in theirs.items() if k != "subject"})
                continue
            ours = event_values({**columns(found), "subject": r["subject"]})
            ours.pop("subject")
            theirs.pop("subject")
            label = f"考核 {a.id} 对象 {r['subject']} 加减分事项 {r['rule_code']} {r['matter']}"
            if self.settle("events", r["uuid"], label, self.ours(ours, ""),
                           self.theirs(theirs, ""), self.created_at,
                           locked=locked(a.state)) == "updated":
                apply_event(s, r["uuid"], theirs)
        # one by one through the unit of work: the record keys an event by its id
        s.add_all(EventRow(**row) for row in new_rows)

    def _attach(self, assessment_id: int, r: Mapping[str, Any],
                attachment: Callable[[str], bytes]) -> str:
        """The event's evidence file, copied into attachments/<assessment>/package-<digest>/."""
        if not r.get("attachment"):
            return ""
        name = Path(r.get("file_name") or r["attachment"]).name
        folder_name = f"package-{r['attachment'][:16]}"
        relative = f"attachments/{assessment_id}/{folder_name}/{name}"
        if self.attachments is not None:
            folder = self.attachments / str(assessment_id) / folder_name
            if not (folder / name).exists():
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(attachment(r["attachment"]))
        return relative

    def states(self, rows: list[dict[str, Any]], by_uuid: Mapping[str, Assessment]) -> None:
        s = self.s
        new_rows = []
        for r in rows:
            a = by_uuid[r["uuid"]]
            seen = {(plain(at), to) for at, to in s.execute(
                select(StateChange.at, StateChange.to_state)
                .where(StateChange.assessment_id == a.id))}
            for c in r["states"]:
                if (c["at"], c["to"]) in seen:
                    self.counts["states"].unchanged += 1
                    continue
                new_rows.append({"assessment_id": a.id, "from_state": c["from"],
                                 "to_state": c["to"], "actor": c["actor"], "reason": c["reason"],
                                 "at": moment(c["at"]), "actor_is_admin": c["admin"],
                                 "objection_start": date_of(c["objection_start"]),
                                 "objection_end": date_of(c["objection_end"])})
                self.counts["states"].new += 1
        s.add_all(StateChange(**row) for row in new_rows)  # keyed by id in the record

    # ----------------------------------------------------------------- attendance, service
    def punches(self, rows: list[list[str]], staff_ids: Mapping[str, int]) -> None:
        s = self.s
        if not rows:
            return
        moments = [(staff_ids[code], datetime.fromisoformat(at)) for code, at in rows]
        first, last = min(m for _, m in moments), max(m for _, m in moments)
        people = sorted({p for p, _ in moments})
        have: set[tuple[int, datetime]] = set()
        conn = s.connection()  # plain rows: a year's punches, hashed as tuples not Row objects
        for i in range(0, len(people), CHUNK):
            have.update((p, at) for p, at in conn.execute(select(Punch.staff_id, Punch.at).where(
                Punch.staff_id.in_(people[i:i + CHUNK]), Punch.at >= first, Punch.at <= last)))
        fresh = sorted(set(moments) - have)
        tally = self.counts["punches"]
        tally.unchanged += len(moments) - len(fresh)
        tally.new += len(fresh)
        if not fresh:
            return
        log = ImportLog(file_name=self.file_name, sha256="", format="package", rows=len(moments),
                        added=len(fresh), period_start=first.date(), period_end=last.date())
        s.add(log)
        s.flush()
        insert_records(s, Punch, [{"staff_id": p, "at": at, "import_id": log.id}
                                  for p, at in fresh])

    def service(self, kind: str, rows: list[dict[str, Any]], unit_ids: Mapping[str, int],
                staff_ids: Mapping[str, int]) -> None:
        s = self.s
        if not rows:
            return
        model = SERVICE_MODELS[kind][0]
        numbers = [r["no"] for r in rows]
        local = {r.no: r for i in range(0, len(numbers), CHUNK)
                 for r in s.scalars(select(model).where(model.no.in_(numbers[i:i + CHUNK])))}
        units = {v: k for k, v in unit_ids.items()}
        people = {v: k for k, v in staff_ids.items()}
        fresh = []
        for r in rows:
            theirs = service_values(r)
            found = local.get(r["no"])
            if found is None:
                fresh.append(service_row(model, r, unit_ids, staff_ids))
                self.added(kind, r["no"], theirs)
                continue
            ours = service_values({**columns(found), "unit": units.get(found.unit_id, ""),
                                   "staff": people.get(found.staff_id, "")})
            if self.settle(kind, r["no"], f"{KIND_NAMES[kind]} {r['no']}", self.ours(ours, ""),
                           self.theirs(theirs, ""), self.created_at) == "updated":
                apply_service(s, kind, r["no"], theirs)
        if fresh:
            log = ServiceImport(file_name=self.file_name, sha256="", kind=f"package:{kind}",
                                rows=len(rows), added=len(fresh))
            s.add(log)
            s.flush()
            insert_records(s, model, [{**f, "import_id": log.id} for f in fresh])

    # ----------------------------------------------------------------- bookkeeping
    def write_origins(self) -> None:
        """Where each record added or updated came from (bookkeeping: Core, not audited)."""
        if not self.origins:
            return
        conn = self.s.connection()
        table = PackageOrigin.__table__
        by_kind: dict[str, list[str]] = {}
        for kind, key in self.origins:
            by_kind.setdefault(kind, []).append(key)
        for kind, keys in by_kind.items():
            for i in range(0, len(keys), CHUNK):
                conn.execute(delete(table).where(table.c.table_name == kind,
                                                 table.c.key.in_(keys[i:i + CHUNK])))
        rows = [{"table_name": k, "key": key, "office_uuid": self.office_uuid, "source_at": at,
                 "package_at": self.created_at, "values_hash": digest}
                for (k, key), (at, digest) in self.origins.items()]
        for i in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[i:i + 5000])

    def write_conflicts(self, receipt_id: int | None) -> list[PackageConflict]:
        out = []
        for kind, key, label, ours, theirs in self.conflicts:
            row = PackageConflict(kind=kind, key=key, label=label,
                                  ours=json.dumps(asdict(ours), ensure_ascii=False),
                                  theirs=json.dumps(asdict(theirs), ensure_ascii=False),
                                  receipt_id=receipt_id,
                                  created_at=datetime.now().replace(microsecond=0))
            self.s.add(row)
            out.append(row)
        self.s.flush()
        return out
