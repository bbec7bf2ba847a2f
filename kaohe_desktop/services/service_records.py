"""Service records (issue 17 §1): importing 办件, 好差评 and 投诉 exports.

`preview_import` reads the whole file (io.service), converts every cell (`service_rows`), matches people
(工号, "0101" = 101, else name ignoring spaces and middle-dot variants) and units (code or
name, else the person's unit) and counts what is new; it writes nothing. Every problem
is named (file, sheet, row, column, value, reason). `commit_import` writes in one
transaction — all or nothing — after the unmatched have a choice (a staff code, or
"" to keep the record for its unit only). Records are keyed by their number, so the
same file twice adds nothing. The measures are in `service_measures` (this module's
sibling), the 整改 tracker and cost in `service_tracker`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.names import name_key
from kaohe_desktop.domain.service_measures import Workdays
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    ServiceComplaint,
    ServiceImport,
    ServiceMapping,
    ServiceRating,
    ServiceRequest,
    Staff,
    Unit,
)
from kaohe_desktop.store.service_queries import insert_rows, known_numbers

from . import metric_items, permissions, service_summary, service_updates
from .attendance_import import file_sha256
from .gc_pause import gc_paused
from .service_rows import BAD_TIME, CONVERTERS, RECORD_COLUMNS, cell_text, stamp_day, stamp_of

MODELS = {"requests": ServiceRequest, "ratings": ServiceRating, "complaints": ServiceComplaint}
KIND_NAMES = {"requests": "办件", "ratings": "好差评", "complaints": "投诉"}
# what a later export fills in records imported while open (service_updates)
COMPLETES = {"requests": "办结时间、办理状态", "ratings": "整改、回访", "complaints": "核实结果、办结时间"}
MAX_PROBLEMS = 200
LOST_DIGITS = ("编号超过 15 位却存成了数字：Excel 只保留 15 位有效数字，末几位已丢失，记录无法区分；"
               "请在导出时把编号列设为文本（或导出 .xlsx 而非 .csv）后重新导出")


def _numeric(text: str) -> str:
    return str(int(text)) if text.isdigit() else ""


# ----------------------------------------------------------------------------- roster

# one cell holding a name and more: 林志强（0101）, 林志强/0101, 0101 林志强, 林志强（综合窗口）
_CODE = r"[0-9A-Za-z][0-9A-Za-z_-]*"
_NAME_CODE_RX = (re.compile(rf"^(?P<name>.+?)\s*[（(【\[]\s*(?P<code>{_CODE})\s*[）)】\]]$"),
                 re.compile(rf"^(?P<name>[^/／]+?)\s*[/／]\s*(?P<code>{_CODE})$"),
                 re.compile(rf"^(?P<code>{_CODE})\s*[/／\s]\s*(?P<name>.+)$"),
                 re.compile(r"^(?P<name>.+?)\s*[（(【\[][^）)】\]]*[）)】\]]$"))


def _name_and_code(text: str) -> tuple[str, str] | None:
    """(name, 工号 or "") when a name cell carries a 工号 or a note beside the name."""
    for rx in _NAME_CODE_RX:
        m = rx.match(text)
        if m is not None:
            return m["name"], m.groupdict().get("code") or ""
    return None



@dataclass
class _Roster:
    staff_unit: dict[int, int | None]
    staff_label: dict[int, tuple[str, str]]
    by_code: dict[str, set[int]]
    by_name: dict[str, set[int]]
    units: dict[str, int]          # code and unique name → id

    @classmethod
    def load(cls, s: Session) -> _Roster:
        staff_unit, label = {}, {}
        by_code: dict[str, set[int]] = defaultdict(set)
        by_name: dict[str, set[int]] = defaultdict(set)
        for sid, code, name, unit_id in s.execute(select(Staff.id, Staff.code, Staff.name,
                                                         Staff.unit_id)):
            staff_unit[sid] = unit_id
            label[sid] = (code, name)
            by_code[code.strip()].add(sid)
            if _numeric(code.strip()):
                by_code["#" + _numeric(code.strip())].add(sid)
            by_name[name_key(name)].add(sid)
        units: dict[str, int] = {}
        names: dict[str, list[int]] = defaultdict(list)
        for uid, code, name in s.execute(select(Unit.id, Unit.code, Unit.name)):
            units[code.strip()] = uid
            names[name_key(name)].append(uid)
        units.update({k: v[0] for k, v in names.items() if len(v) == 1})
        return cls(staff_unit, label, by_code, by_name, units)

    def person(self, code: str, name: str) -> tuple[int | None, str]:
        """(staff id, "" | "unmatched" | "ambiguous")."""
        if code:
            hits = self.by_code.get(code) or (self.by_code.get("#" + _numeric(code))
                                              if _numeric(code) else None)
            if hits and len(hits) == 1:
                return next(iter(hits)), ""
        if name:
            hits = self.by_name.get(name_key(name))
            if hits:
                return (next(iter(hits)), "") if len(hits) == 1 else (None, "ambiguous")
            split = _name_and_code(name)
            if split is not None:
                found = self.person(split[1] or code, split[0])
                if found[0] is not None:
                    return found
        return None, ("unmatched" if (code or name) else "")

    def unit(self, text: str) -> int | None:
        return self.units.get(text.strip()) or self.units.get(name_key(text)) if text else None


# ----------------------------------------------------------------------------- preview


@dataclass
class Unmatched:
    key: str               # what a choice is given for: "工号 姓名" as written
    code: str
    name: str
    status: str            # "unmatched" or "ambiguous"
    rows: int = 0


@dataclass
class ServicePreview:
    file: str
    kind: str
    sheet: str
    layout: str
    columns: dict[str, str]
    sha256: str
    rows: int                                  # data rows read
    # the new records, converted: one tuple per record, values in RECORD_COLUMNS[kind] order
    records: list[tuple[Any, ...]] = field(default_factory=list)
    duplicates: int = 0                        # the same number twice in the file
    existing: int = 0                          # already in the database
    problems: list[Problem] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    unmatched_units: list[str] = field(default_factory=list)
    skipped: int = 0                           # e.g. 12345 rows that are not 投诉
    imported_before: bool = False
    period: tuple[date, date] | None = None
    signature: str = ""
    headers: list[str] = field(default_factory=list)
    # records whose person or unit awaits a choice: (index in records, person key, unit text)
    pending: list[tuple[int, str | None, str | None]] = field(default_factory=list)
    # known records this file completes: (as stored, completed), see service_updates
    updates: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # every sheet read (`sheet` is the first)
    other_kinds: list[tuple[str, str]] = field(default_factory=list)  # (sheet, kind) not read

    @property
    def sheet_names(self) -> str:
        """“办件明细” or, over several sheets, “7月”、“8月”、“9月”."""
        return "、".join(f"“{n}”" for n in (self.sheets or [self.sheet]))

    @property
    def new(self) -> int:
        return len(self.records)

    def summary(self) -> str:
        period = f"，{self.period[0]}～{self.period[1]}" if self.period else ""
        return (f"{self.file}：{KIND_NAMES[self.kind]}记录，工作表{self.sheet_names}{self.layout}{period}；"
                f"共 {self.rows} 行，新增 {self.new} 条，"
                + (f"补全已有记录 {len(self.updates)} 条（{COMPLETES[self.kind]}），"
                   if self.updates else "")
                + f"已有 {self.existing} 条，"
                f"文件内重复 {self.duplicates} 条"
                + (f"，跳过 {self.skipped} 条非投诉诉求" if self.skipped else "")
                + ("（该文件以前导入过）" if self.imported_before else "")
                + "".join(f"；工作表“{sheet}”是{KIND_NAMES[k]}记录，未读取，请另行导入"
                          f"（命令行加 --kind {k}）" for sheet, k in self.other_kinds))


def remembered_mapping(db: Database, signature: str) -> dict[str, str] | None:
    with db.session() as s:
        row = s.scalar(select(ServiceMapping).where(ServiceMapping.signature == signature))
        if row is None:
            return None
        return {**json.loads(row.mapping), "__kind__": row.kind}


def _remembered_for_file(db: Database, path: Path) -> dict[str, str] | None:
    from kaohe_desktop.io.service.reader import SCAN_ROWS, open_table, signature

    try:
        src = open_table(path)
        for sheet in src.sheet_names:
            found = remembered_mapping(db, signature(src.head(sheet, SCAN_ROWS + 1)))
            if found:
                return found
    except InputError:
        return None
    return None


def preview_import(db: Database, path: Path | str, kind: str | None = None,
                   mapping: Mapping[str, str] | None = None,
                   progress: Callable[[int, int], object] | None = None) -> ServicePreview:
    """Read a service file in full and say what importing it would do; writes nothing.
    A mapping remembered for this header shape is used when the layout is unknown."""
    # calamine is loaded only when needed
    from kaohe_desktop.io.service import read_service
    from kaohe_desktop.io.sheet_halves import SplitFailed

    path = Path(path)
    with gc_paused():
        for split in (True, False):
            try:
                parsed = read_service(path, kind, mapping, progress, split)
            except InputError:
                remembered = None if mapping else _remembered_for_file(db, path)
                if remembered is None:
                    raise
                parsed = read_service(path, kind or remembered.get("__kind__"), remembered,
                                      progress, split)
            sha = file_sha256(path)  # after the read: it refuses a pipe or device unread
            try:
                with db.session() as s:
                    return _preview(s, parsed, sha)
            except SplitFailed:
                continue  # a large sheet's parts did not join: read it whole
        raise AssertionError("a sheet read whole is never split")


_TIME_FIELDS = {"requests": ("accepted", "finished"), "ratings": ("at", "rect_done", "visit_at"),
                "complaints": ("at", "closed")}
_REQUIRED_TIME = {"requests": "accepted", "ratings": "at", "complaints": "at"}


def _working_days(s: Session) -> Callable[[date, date], int]:
    """Working days after `accepted` up to `deadline` by the program's calendar (holidays,
    调休 and the calendar table), for exports that give the deadline instead of the days.
    The calendar is loaded for the years asked about, once each."""
    loaded: dict[int, Workdays] = {}

    def between(accepted: date, deadline: date) -> int:
        total = 0
        for year in range(accepted.year, deadline.year + 1):
            wd = loaded.get(year)
            if wd is None:
                wd = loaded[year] = service_summary.workdays(s, date(year, 1, 1),
                                                             date(year, 12, 31))
            lo = max(accepted, date(year - 1, 12, 31))
            hi = min(deadline, date(year, 12, 31))
            total += wd.between(lo, hi)
        return total

    return between


def _preview(s: Session, parsed: Any, sha: str) -> ServicePreview:
    """Convert every row once, in one pass over the file's rows (`parsed.take`): the cells
    of a row are released as soon as its record is made. What repeats (people, units,
    承诺时限, levels, statuses) is converted once per distinct value."""
    kind = parsed.kind
    model = MODELS[kind]
    roster = _Roster.load(s)
    out = ServicePreview(parsed.file, kind, parsed.sheet, parsed.layout, parsed.columns, sha,
                         0, signature=parsed.signature, headers=parsed.headers)
    # of this kind: a workbook with 办件 and 好差评 sheets is imported once per kind
    out.imported_before = s.scalar(select(ServiceImport.id).where(
        ServiceImport.sha256 == sha, ServiceImport.kind == kind).limit(1)) is not None
    known = known_numbers(s, model)
    # the records a later export may complete (办理中 → 已办结, a 差评's 整改, a 核实结果)
    still_open = service_updates.open_records(s, model, kind) if known else {}
    i_rec_staff, i_rec_unit = (RECORD_COLUMNS[kind].index("staff_id"),
                               RECORD_COLUMNS[kind].index("unit_id"))
    seen: set[str] = set()
    unmatched: dict[str, Unmatched] = {}
    bad_units: dict[str, None] = {}
    problems = out.problems
    file = parsed.file
    out.sheets = list(parsed.sheets)
    out.other_kinds = list(parsed.other_kinds)
    from kaohe_desktop.io.service.reader import cell_label  # loaded with the file already

    def problem(reason: str, row: int, f: str, value: object) -> None:
        # the sheet being read (a workbook may hold one per month); a field the file has no
        # column for is named in words (姓名), not by its key
        problems.append(Problem(reason, file=file, sheet=parsed.sheet, row=row,
                                column=cell_label(parsed, f), value=value))

    pos = {f: i for i, f in enumerate(parsed.fields)}
    i_no, i_code, i_name, i_unit = pos["no"], pos["person_code"], pos["person_name"], pos["unit"]
    i_type = pos.get("type")
    times_at = [(f, pos[f]) for f in _TIME_FIELDS[kind]]  # the required one first
    need = _REQUIRED_TIME[kind]
    convert = (CONVERTERS[kind](pos, problem, _working_days(s)) if kind == "requests"
               else CONVERTERS[kind](pos, problem))
    people: dict[tuple[str, str], tuple[int | None, str]] = {}  # (工号, 姓名) → match
    units: dict[str, int | None] = {}
    staff_unit = roster.staff_unit
    records, pending = out.records, out.pending
    first: str | None = None
    last: str | None = None
    rows = 0
    for row, v in parsed.take():
        rows += 1
        no = v[i_no]
        if type(no) is str:
            no = no.strip()
        elif type(no) is float and no >= 1e15:  # 20-digit numbers Excel cut to 15 digits
            problem(LOST_DIGITS, row, "no", f"{no:.14E}")  # as Excel shows it
            continue
        else:
            no = cell_text(no)
        if not no:
            problem("缺少编号：无法判断是否已导入，请补上编号", row, "no", None)
            continue
        if i_type is not None and v[i_type] not in (None, "") and "投诉" not in cell_text(v[i_type]):
            out.skipped += 1  # a 12345 work order that is 咨询/求助/建议, not a complaint
            continue
        if no in seen:
            if "E+" in no or "e+" in no:  # the same cut number, written 4.4030020240715E+19
                problem(LOST_DIGITS, row, "no", no)
                continue
            out.duplicates += 1
            continue
        seen.add(no)
        old = None
        if no in known:
            old = still_open.get(no)
            if old is None:
                out.existing += 1
                continue
        ok = True
        times: list[str | None] = []  # stored moments (`stamp`): text in the order of time
        for f, j in times_at:
            x = v[j]
            if x is not None:
                try:
                    x = stamp_of(x)
                except ValueError:
                    problem(BAD_TIME, row, f, x)
                    x = None
                    ok = False
            times.append(x)
        moment = times[0]
        if ok and moment is None:
            problem("缺少时间", row, need, None)
            ok = False
        if old is not None:  # a record imported while open: who it counts for is kept
            rec = convert(no, v, times, old[i_rec_staff], old[i_rec_unit], row)
            if ok and rec is not None:
                merged = service_updates.completed(kind, old, rec)
                if merged is None:
                    out.existing += 1
                else:
                    out.updates.append((old, merged))
            continue
        code, name, unit_text = v[i_code], v[i_name], v[i_unit]
        code = code.strip() if type(code) is str else cell_text(code)
        name = name.strip() if type(name) is str else cell_text(name)
        match = people.get((code, name))
        if match is None:
            match = people[(code, name)] = roster.person(code, name)
        staff_id, status = match
        person_key = None
        if status:
            person_key = " ".join(x for x in (code, name) if x)
            u = unmatched.get(person_key)
            if u is None:
                u = unmatched[person_key] = Unmatched(person_key, code, name, status)
            u.rows += 1
        unit_text = unit_text.strip() if type(unit_text) is str else cell_text(unit_text)
        if unit_text:
            unit_id = units.get(unit_text, -1)
            if unit_id == -1:
                unit_id = units[unit_text] = roster.unit(unit_text)
        else:
            unit_id = None
        unit_key = None
        if unit_id is None and unit_text:
            bad_units[unit_text] = None
            unit_key = unit_text
        if unit_id is None and staff_id is not None:
            unit_id = staff_unit.get(staff_id)
        rec = convert(no, v, times, staff_id, unit_id, row)
        if rec is None:
            ok = False
        if staff_id is None and unit_id is None and person_key is None and unit_key is None:
            problem("记录没有写明人员或窗口/单位，无法计入任何人", row, "person_name", None)
            ok = False
        if ok and moment is not None:
            if first is None or moment < first:
                first = moment
            if last is None or moment > last:
                last = moment
            if person_key is not None or unit_key is not None:
                pending.append((len(records), person_key, unit_key))
            records.append(rec)
    out.rows = rows
    out.unmatched = list(unmatched.values())
    out.unmatched_units = list(bad_units)
    out.period = ((stamp_day(first), stamp_day(last)) if first is not None and last is not None
                  else None)
    return out


# ----------------------------------------------------------------------------- commit


@dataclass
class ServiceImportResult:
    file: str
    kind: str
    added: int
    existing: int
    duplicates: int
    refreshed: str = ""  # assessments whose metric items followed the import, in words
    updated: int = 0      # known records completed (办结, 整改, 核实) from this file


def commit_import(db: Database, preview: ServicePreview,
                  choices: Mapping[str, str] | None = None,
                  unit_choices: Mapping[str, str] | None = None,
                  remember: Mapping[str, str] | None = None) -> ServiceImportResult:
    """Write the preview's new records in one transaction.

    `choices`: unmatched person key (or name) → staff code, or "" to keep the record
    for its unit only. `unit_choices`: unit text → unit code, or "" for the person's unit.
    `remember`: a column mapping to keep for this header shape. Refused (InputError,
    nothing written) while the preview has problems or anyone unmatched has no choice."""
    choices = dict(choices or {})
    unit_choices = dict(unit_choices or {})
    if preview.problems:
        raise InputError(preview.problems[:MAX_PROBLEMS])
    # the counting makes a tuple per record: the cyclic collector would walk them for nothing
    with gc_paused(), db.session() as s:
        actor = permissions.current_actor(db, s)
        permissions.check(s, actor, "insert", MODELS[preview.kind].__tablename__, {})
        roster = _Roster.load(s)
        staff_of: dict[str, int | None] = {}
        problems = []
        for u in preview.unmatched:
            choice = choices.get(u.key, choices.get(u.name, choices.get(u.code)))
            if choice is None:
                what = "名册中有同名的几个人" if u.status == "ambiguous" else "名册中没有这个人"
                problems.append(Problem(f"{what}：请指定对应的人员编号，或选择只计入窗口/单位",
                                        file=preview.file, column="人员", value=u.key))
            elif choice == "":
                staff_of[u.key] = None
            else:
                sid, _status = roster.person(choice, "")
                if sid is None:
                    problems.append(Problem("没有这个人员编号", file=preview.file, column="人员",
                                            value=f"{u.key}={choice}"))
                staff_of[u.key] = sid
        unit_of: dict[str, int | None] = {}
        for text in preview.unmatched_units:
            choice = unit_choices.get(text)
            if choice is None:
                problems.append(Problem("名册中没有这个窗口/单位：请指定单位编号，或选择按人员所属单位",
                                        file=preview.file, column="窗口/单位", value=text))
            elif choice == "":
                unit_of[text] = None
            else:
                uid = roster.unit(choice)
                if uid is None:
                    problems.append(Problem("没有这个单位", file=preview.file, column="窗口/单位",
                                            value=f"{text}={choice}"))
                unit_of[text] = uid
        if problems:
            raise InputError(problems)
        kind = preview.kind
        model = MODELS[kind]
        columns = RECORD_COLUMNS[kind]
        rows = _chosen(preview, columns, staff_of, unit_of, roster.staff_unit)
        known = known_numbers(s, model)
        if known:  # imported meanwhile (another window): adds nothing
            rows = [r for r in rows if r[0] not in known]
        log = ServiceImport(file_name=preview.file, sha256=preview.sha256, kind=kind,
                            rows=preview.rows, added=len(rows))
        s.add(log)
        s.flush()
        service_summary.ensure(s)  # counts judged with today's calendar, before these are added
        # the monthly counts, same transaction: counted while SQLite writes the records
        counted = insert_rows(s, model, columns, rows, {"import_id": log.id},
                              alongside=service_summary.counting(s, kind, columns, rows))
        if counted is not None:
            service_summary.store_counts(s, counted)
        updated = 0
        if preview.updates:
            permissions.check(s, actor, "update", model.__tablename__, {})
            updated = service_updates.apply(s, model, kind, preview.updates,
                                            actor.login if actor else "")
        if remember:
            _remember(s, preview, remember)
        # the open assessments' metric items follow the records, in the same transaction
        refreshed = metric_items.refresh_in(s).summary() if rows or updated else ""
    return ServiceImportResult(preview.file, preview.kind, len(rows), preview.existing,
                               preview.duplicates, refreshed, updated)


def _chosen(preview: ServicePreview, columns: tuple[str, ...],
            staff_of: Mapping[str, int | None], unit_of: Mapping[str, int | None],
            staff_unit: Mapping[int, int | None]) -> list[tuple[Any, ...]]:
    """The preview's records with the choices made for the unmatched (the preview itself
    is left as it was); a record chosen to count for nobody is left out."""
    if not preview.pending:
        return preview.records
    i_staff, i_unit = columns.index("staff_id"), columns.index("unit_id")
    rows: list[tuple[Any, ...] | None] = list(preview.records)
    for k, person_key, unit_text in preview.pending:
        rec = list(preview.records[k])
        if person_key is not None:
            rec[i_staff] = staff_of.get(person_key)
        if unit_text is not None:
            rec[i_unit] = unit_of.get(unit_text)
        if rec[i_unit] is None and rec[i_staff] is not None:
            rec[i_unit] = staff_unit.get(rec[i_staff])
        rows[k] = tuple(rec) if rec[i_staff] is not None or rec[i_unit] is not None else None
    return [r for r in rows if r is not None]


def _remember(s: Session, preview: ServicePreview, mapping: Mapping[str, str]) -> None:
    if not preview.signature:
        return
    clean = {k: v for k, v in mapping.items() if not k.startswith("__") and v}
    row = s.scalar(select(ServiceMapping).where(ServiceMapping.signature == preview.signature))
    if row is None:
        s.add(ServiceMapping(signature=preview.signature, kind=preview.kind,
                             mapping=json.dumps(clean, ensure_ascii=False)))
    else:
        row.kind, row.mapping = preview.kind, json.dumps(clean, ensure_ascii=False)


def import_file(db: Database, path: Path | str, kind: str | None = None,
                choices: Mapping[str, str] | None = None,
                progress: Callable[[int, int], object] | None = None) -> ServiceImportResult:
    """Preview and commit in one go (the command line and tests)."""
    return commit_import(db, preview_import(db, path, kind, progress=progress), choices)
