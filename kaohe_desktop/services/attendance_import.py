"""Importing an attendance file: a preview that writes nothing, then one commit.

`preview_import` reads the whole file through the readers (`io.attendance`), matches each
person to the roster — by 考勤号, then 编号 (the staff code), for each id the file has (a DingTalk UserId
beside the 工号 counts too; "0101" and "101" are the same number), then by name — and
counts what is new. Unmatched and ambiguous (同名) people need a `PersonChoice` before
`commit_import` writes, in one transaction, the punches, the export's day statuses (days
without punch times), its leave, and the attendance points of the assessments whose
period they touch. A punch already stored (same staff, same moment) is
skipped, so importing the same file twice adds nothing; punches a minute apart are kept
as punched and collapse in the day rules (`domain.attendance.pair_punches`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.attendance import after_midnight, attendance_day
from kaohe_desktop.domain.attendance_status import read_status
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.names import name_key
from kaohe_desktop.domain.text_rules import STAFF_LIMITS, clean_fields
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import AttendanceDay, ImportLog, Leave, Staff, Unit
from kaohe_desktop.store.queries import insert_punches, stored_punches

from .attendance_data import calendar_notes, load_calendar
from .gc_pause import gc_paused
from .results import (
    AttendanceImportResult,
    AttendanceScoresRefreshed,
    ImportPreview,
    PersonChoice,
    PersonPreview,
    StaffInfo,
)
from .roster import _next_code, find_unit


def _numeric(text: str) -> str:
    return str(int(text)) if text.isdigit() else ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Person:
    """Everything the file holds for one person (one id, or one name when there is none)."""

    key: str
    person_id: str
    name: str = ""
    ids: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # name key → name as written
    stamps: set[datetime] = field(default_factory=set)
    records: list[Any] = field(default_factory=list)  # io DayRecord
    days: set[date] = field(default_factory=set)
    punch_count: int = 0


def group_people(parsed: Any) -> tuple[dict[str, _Person], list[Problem]]:
    """The file's people in file order, and one problem per id carrying two names."""
    people: dict[str, _Person] = {}
    first_source: dict[tuple[str, str], str] = {}

    def person(pid: str, name: str, other: tuple[str, ...], source: str) -> _Person:
        pid, name = pid.strip(), name.strip()
        key = pid or name
        p = people.get(key)
        if p is None:
            p = people[key] = _Person(key, pid, name)
        for i in (pid, *other):
            if i and i.strip() and i.strip() not in p.ids:
                p.ids.append(i.strip())
        if name:
            p.names.setdefault(name_key(name), name)
            first_source.setdefault((key, name_key(name)), source)
            p.name = p.name or name
        return p

    # person() is idempotent for the same (id, name, other ids): gather each one's moments
    # first (in C: itemgetter builds the key), since a day-by-day log repeats the same few
    # hundred people 150,000 times; then look each up once, in file order
    who_of = itemgetter(0, 1, 5)  # Punch: person_id, name, other_ids
    moments: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[datetime]]] = {}
    for punch in parsed.punches:
        found = moments.get(who_of(punch))
        if found is None:
            found = moments[who_of(punch)] = (punch.source, [])
        found[1].append(punch.at)
    for (pid, name, other), (source, stamps) in moments.items():
        p = person(pid, name, other, source)
        p.stamps.update(stamps)
        p.punch_count += len(stamps)
    for p in people.values():
        p.days.update({attendance_day(at) for at in p.stamps})
    for rec in parsed.days:
        p = person(rec.person_id, rec.name, rec.other_ids, rec.source)
        p.records.append(rec)
        p.days.add(rec.day)
        # a report row's time before DAY_STARTS is that day's late check-out (次日 01:30)
        stamps = rec.punch_at or tuple(
            datetime.combine(rec.day + timedelta(days=after_midnight(t)), t) for t in rec.punches)
        p.stamps.update(stamps)
        p.punch_count += len(stamps)
    _merge_same_numbers(people)
    problems = []
    for p in people.values():
        if len(p.names) > 1:
            where = "；".join(f"{n}（{first_source[(p.key, k)]}）" for k, n in p.names.items())
            problems.append(Problem(f"同一考勤号下有不同的人：{where}", file=parsed.file,
                                    column="考勤号", value=p.person_id))
    return people, problems


def _merge_same_numbers(people: dict[str, _Person]) -> None:
    """One person under "0204" (a text cell) and 204 (a number cell) with the same name:
    clock exports mix the two, and the roster matching already reads them as one number,
    so they must not become two people (or two new staff)."""
    first: dict[tuple[str, str], _Person] = {}
    for key in list(people):
        p = people[key]
        number = _numeric(p.person_id)
        if not number or not p.name:
            continue
        same = first.setdefault((number, name_key(p.name)), p)
        if same is p:
            continue
        same.ids.extend(i for i in p.ids if i not in same.ids)
        for k, n in p.names.items():
            same.names.setdefault(k, n)
        same.stamps |= p.stamps
        same.records.extend(p.records)
        same.days |= p.days
        same.punch_count += p.punch_count
        del people[key]


@dataclass
class _Roster:
    info: dict[int, StaffInfo]
    by_id: dict[str, dict[str, set[int]]]  # "考勤号"/"编号" → id text (and its number) → staff
    by_name: dict[str, set[int]]

    @classmethod
    def load(cls, s: Session) -> _Roster:
        rows = s.execute(select(Staff.id, Staff.code, Staff.name, Unit.code, Unit.name, Staff.post,
                                Staff.attendance_no, Staff.phone, Staff.active)
                         .outerjoin(Unit, Staff.unit_id == Unit.id)).all()
        info: dict[int, StaffInfo] = {}
        by_id: dict[str, dict[str, set[int]]] = {"考勤号": defaultdict(set), "编号": defaultdict(set)}
        by_name: dict[str, set[int]] = defaultdict(set)
        for sid, code, name, ucode, uname, post, att, phone, active in rows:
            info[sid] = StaffInfo(sid, code, name, ucode or "", uname or "", post, att, phone,
                                  bool(active))
            for label, value in (("考勤号", att.strip()), ("编号", code.strip())):
                if value:
                    by_id[label][value].add(sid)
                    if _numeric(value):
                        by_id[label]["#" + _numeric(value)].add(sid)
            by_name[name_key(name)].add(sid)
        return cls(info, by_id, by_name)

    def _pick(self, ids: set[int]) -> list[StaffInfo]:
        active = [self.info[i] for i in ids if self.info[i].active]
        return sorted(active or [self.info[i] for i in ids], key=lambda x: x.code)

    def match(self, p: _Person) -> tuple[str, list[StaffInfo], str]:
        """(status, staff found, matched by)."""
        for lookup in (lambda i: i, lambda i: "#" + _numeric(i) if _numeric(i) else ""):
            for label in ("考勤号", "编号"):
                for i in p.ids:
                    hits = self.by_id[label].get(lookup(i))
                    if hits:
                        found = self._pick(hits)
                        return ("matched" if len(found) == 1 else "ambiguous"), found, label
        hits = set().union(*(self.by_name.get(k, set()) for k in p.names)) if p.names else set()
        if not hits:
            return "unmatched", [], ""
        found = self._pick(hits)
        return ("matched" if len(found) == 1 else "ambiguous"), found, "姓名"


def preview_import(db: Database, path: Path | str, format: str = "auto",
                   mapping: Any = None,
                   progress: Callable[[int, int], object] | None = None) -> ImportPreview:
    """Read an attendance file in full and say what importing it would do; writes nothing.

    `mapping` (an `io.attendance.ColumnMapping` or its dict form) reads a layout the
    readers do not know; `progress(done, total)` may raise to cancel."""
    from kaohe_desktop.io.attendance import FORMATS, ColumnMapping, read_attendance  # loads calamine

    path = Path(path)
    if format not in ("auto", *FORMATS):
        raise InputError(Problem(f"格式只能是 auto、{'、'.join(FORMATS)} 之一", file=path.name,
                                 column="--format", value=format))
    if mapping is not None and not isinstance(mapping, ColumnMapping):
        mapping = ColumnMapping(**dict(mapping))
    with gc_paused():
        parsed = read_attendance(path, format=format, mapping=mapping, progress=progress)
        sha = file_sha256(path)
        return preview_parsed(db, parsed, sha)


def _period(parsed: Any, people: Mapping[str, _Person]) -> tuple[date, date] | None:
    if parsed.period:
        return parsed.period
    days = [d for p in people.values() for d in p.days]
    return (min(days), max(days)) if days else None


def preview_parsed(db: Database, parsed: Any, sha256: str) -> ImportPreview:
    """The preview of a file already read (`io.attendance.ParsedAttendance`) whose content
    hashes to `sha256` — for a window that read it in a worker, and for tests."""
    with db.session() as s:
        return _preview(s, parsed, sha256)


def _preview(s: Session, parsed: Any, sha: str) -> ImportPreview:
    people, problems = group_people(parsed)
    roster = _Roster.load(s)
    period = _period(parsed, people)
    warnings = list(getattr(parsed, "notes", []))
    matched: dict[str, StaffInfo] = {}
    out_status: dict[str, tuple[str, list[StaffInfo], str]] = {}
    for p in people.values():
        out_status[p.key] = roster.match(p)
        status, found, _ = out_status[p.key]
        if status == "matched":
            matched[p.key] = found[0]
    known = _stored_punches(s, {x.id for x in matched.values()}, people.values())
    previews = []
    for p in people.values():
        status, found, by = out_status[p.key]
        staff = found[0] if status == "matched" else None
        note = ""
        if staff and p.names and name_key(staff.name) not in p.names:
            note = f"名册中 {staff.code} 的姓名为“{staff.name}”，文件中为“{p.name}”"
            warnings.append(f"{p.person_id or p.name}：{note}")
        new = len(p.stamps - known.get(staff.id, set())) if staff else 0
        previews.append(PersonPreview(
            key=p.key, person_id=p.person_id, name=p.name, status=status,
            staff_id=staff.id if staff else None, staff_code=staff.code if staff else "",
            staff_name=staff.name if staff else "", matched_by=by if staff else "",
            candidates=tuple(found) if status == "ambiguous" else (), days=len(p.days),
            punches=p.punch_count, new_punches=new, first_day=min(p.days, default=None),
            last_day=max(p.days, default=None), note=note))
        for rec in p.records:
            if not rec.punches and rec.status and (bad := read_status(rec.status).unknown):
                warnings.append(f"{rec.source}：状态“{bad}”无法识别，该天按无打卡处理")
    if period:
        warnings.extend(calendar_notes(load_calendar(s, *period)))
    before = s.scalar(select(ImportLog.id).where(ImportLog.sha256 == sha).limit(1)) is not None
    return ImportPreview(file=parsed.file, format=parsed.format, sha256=sha,
                         people=tuple(previews), problems=(*parsed.problems, *problems),
                         warnings=tuple(dict.fromkeys(warnings)), period=period,
                         rows=getattr(parsed, "rows_read", 0), imported_before=before,
                         parsed=parsed, grouped=people)


def _stored_punches(s: Session, staff_ids: set[int], people: Any) -> dict[int, set[datetime]]:
    spans = [(min(p.stamps), max(p.stamps)) for p in people if p.stamps]
    if not staff_ids or not spans:
        return {}
    return stored_punches(s, staff_ids, min(a for a, _ in spans), max(b for _, b in spans))


def _choice_for(p: PersonPreview, choices: Mapping[str, PersonChoice]) -> tuple[str, PersonChoice] | None:
    for key in (p.key, p.person_id, p.name):
        if key and key in choices:
            return key, choices[key]
    return None


def _resolve(s: Session, preview: ImportPreview, choices: Mapping[str, PersonChoice],
             result: dict[str, list[str]]) -> dict[str, int]:
    """Person key → staff id for everyone imported; creates staff as chosen."""
    problems: list[Problem] = []
    targets: dict[str, int] = {}
    used: set[str] = set()
    for p in preview.people:
        chosen = _choice_for(p, choices)
        who = f"{p.name or '（无姓名）'}" + (f"（{p.person_id}）" if p.person_id else "")
        if chosen is None:
            if p.status == "matched" and p.staff_id is not None:
                targets[p.key] = p.staff_id
            elif p.status == "ambiguous":
                names = "、".join(f"{c.code} {c.name}（{c.unit_name}）" for c in p.candidates)
                problems.append(Problem(f"名册中有多人匹配，请指定是哪一位：{names}",
                                        file=preview.file, column="人员", value=who))
            else:
                problems.append(Problem("名册中没有这个人：请指定对应人员、新建或跳过",
                                        file=preview.file, column="人员", value=who))
            continue
        used.add(chosen[0])
        choice = chosen[1]
        if choice.action == "skip":
            result["skipped"].append(p.name or p.person_id)
        elif choice.action == "map":
            staff = (s.get(Staff, choice.staff) if isinstance(choice.staff, int)
                     else s.scalar(select(Staff).where(Staff.code == choice.staff.strip())))
            if staff is None:
                problems.append(Problem("没有这个编号的人员", file=preview.file, column=who,
                                        value=choice.staff))
                continue
            if not staff.attendance_no and p.person_id:
                staff.attendance_no = p.person_id  # the next file of this clock matches by itself
            targets[p.key] = staff.id
        elif choice.action == "create":
            unit = find_unit(s, choice.unit.strip())
            if unit is None or not p.name:
                reason = ("没有这个单位（按编号或名称查找）" if unit is None
                          else "文件中没有姓名，无法新建人员")
                problems.append(Problem(reason, file=preview.file, column=who, value=choice.unit))
                continue
            # a new roster entry from a clock's file obeys the roster's text rule: a
            # zero-width or direction-control character would make a look-alike person
            refused = clean_fields({"name": p.name, "attendance_no": p.person_id},
                                   {"name": "姓名", "attendance_no": "考勤号"}, STAFF_LIMITS)[1]
            if refused:
                problems.extend(Problem(reason, file=preview.file, column=label, value=shown)
                                for label, reason, shown in refused)
                continue
            staff = Staff(code=_next_code(s, Staff, "P"), name=p.name, unit=unit,
                          attendance_no=p.person_id)
            s.add(staff)
            s.flush()
            targets[p.key] = staff.id
            result["created"].append(staff.code)
        else:
            problems.append(Problem("处理方式只能是 map、create 或 skip", column=who,
                                    value=choice.action))
    unknown = [k for k in choices if k not in used]
    problems.extend(Problem("文件中没有这个人", file=preview.file, column="人员", value=k)
                    for k in unknown)
    if problems:
        raise InputError(problems)
    return targets


def commit_import(db: Database, preview: ImportPreview,
                  choices: Mapping[str, PersonChoice] | None = None, *,
                  dry_run: bool = False,
                  progress: Callable[[int, int], object] | None = None) -> AttendanceImportResult:
    """Write what the preview showed, in one transaction; InputError (nothing written)
    when the file had problems or a person still needs a choice. A dry run does all of
    it and rolls back. `progress(step, 3)` is called between the steps and once more
    just before the commit; if it raises (a window's 取消), everything is rolled back."""
    if preview.problems:
        raise InputError(list(preview.problems))
    if preview.parsed is None:
        raise InputError(Problem("预览中没有读取的数据，请重新读取文件", file=preview.file))
    people = preview.grouped or group_people(preview.parsed)[0]
    lists: dict[str, list[str]] = {"skipped": [], "created": []}
    step = progress or (lambda done, total: None)
    with gc_paused(), db.session() as s:
        s.info["dry_run"] = dry_run
        step(0, 3)
        targets = _resolve(s, preview, choices or {}, lists)
        wanted: dict[int, set[datetime]] = {}
        for key, sid in targets.items():
            stamps = people[key].stamps
            # two people of the file may be one staff member: a union, not the file's own set
            wanted[sid] = wanted[sid] | stamps if sid in wanted else stamps
        before = s.scalar(select(ImportLog.id).where(ImportLog.sha256 == preview.sha256).limit(1))
        start, end = preview.period or (None, None)
        log = ImportLog(file_name=preview.file[-300:], sha256=preview.sha256,
                        format=preview.format, rows=preview.rows, period_start=start,
                        period_end=end)
        s.add(log)
        s.flush()  # its id goes on each new punch
        added = insert_punches(s, wanted, log.id)
        step(1, 3)
        days_saved, leave_saved = _save_records(s, people, targets, preview.sha256)
        step(2, 3)
        log.added = added
        if before is not None and not (added or days_saved or leave_saved or lists["created"]):
            s.delete(log)  # the same file again, adding nothing: its first import stands
        s.flush()
        scores = AttendanceScoresRefreshed()
        if preview.period and not dry_run:
            # in the same transaction: a kill leaves the punches and their points, or
            # neither. Also when the file adds nothing: importing it again repairs points
            # an older version left behind (only changed values are written)
            from .attendance_points import refresh_in

            scores = refresh_in(s, *preview.period)
        step(3, 3)
    total = sum(len(stamps) for stamps in wanted.values())
    return AttendanceImportResult(preview.file, added, total - added, days_saved,
                                  leave_saved, tuple(lists["created"]), tuple(lists["skipped"]),
                                  scores)


def _save_records(s: Session, people: Mapping[str, _Person], targets: Mapping[str, int],
                  sha: str) -> tuple[int, int]:
    """Store day statuses of days without punch times, and leave; (days, leave) saved."""
    records = [(targets[k], rec) for k in targets for rec in people[k].records]
    if not records:
        return 0, 0
    sids = {sid for sid, _ in records}
    first = min(rec.day for _, rec in records) - timedelta(1)
    last = max(rec.day for _, rec in records) + timedelta(1)
    days = {(d.staff_id, d.day): d for d in s.scalars(select(AttendanceDay).where(
        AttendanceDay.staff_id.in_(sids), AttendanceDay.day.between(first, last)))}
    leave = {(x.staff_id, x.day, x.leave_type): x for x in s.scalars(select(Leave).where(
        Leave.staff_id.in_(sids), Leave.day.between(first, last)))}
    days_saved = leave_saved = 0
    for sid, rec in records:
        status = (rec.status or "").strip()[:200]
        if status and not rec.punches and not rec.punch_at:
            row = days.get((sid, rec.day))
            if row is None:
                row = days[(sid, rec.day)] = AttendanceDay(staff_id=sid, day=rec.day, status=status,
                                                           source_sha=sha)
                s.add(row)
                days_saved += 1
            elif row.status != status:
                row.status, row.source_sha = status, sha
                days_saved += 1
        kind = (rec.leave_type or "").strip()[:20]
        if kind:
            amount = min(Decimal(rec.leave_days), Decimal(1)) if rec.leave_days > 0 else Decimal(1)
            old = leave.get((sid, rec.day, kind))
            if old is None:
                leave[(sid, rec.day, kind)] = Leave(staff_id=sid, day=rec.day, leave_type=kind,
                                                    days=amount, source=sha)
                s.add(leave[(sid, rec.day, kind)])
                leave_saved += 1
            elif old.source != "manual" and old.days != amount:  # hand-entered leave wins
                old.days, old.source = amount, sha
                leave_saved += 1
    return days_saved, leave_saved
