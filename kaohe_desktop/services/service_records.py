"""Service records (issue 17 §1): importing 办件, 好差评 and 投诉 exports.

`preview_import` reads the whole file (io.service), converts every cell, matches people
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
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.names import name_key
from kaohe_desktop.domain.service_measures import accepted_status, parse_level, parse_limit
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
from kaohe_desktop.store.service_queries import insert_records, known_numbers

from . import metric_items, permissions, service_summary
from .attendance_import import file_sha256
from .gc_pause import gc_paused

MODELS = {"requests": ServiceRequest, "ratings": ServiceRating, "complaints": ServiceComplaint}
KIND_NAMES = {"requests": "办件", "ratings": "好差评", "complaints": "投诉"}
VALID_VERDICTS = ("属实", "部分属实", "基本属实")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_DT_RX = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                    r"(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}(?:\.\d+)?))?秒?)?$")
MAX_PROBLEMS = 200


def parse_time(value: object) -> datetime | None:
    """A cell as a moment: an Excel date-time, a date, a serial number or text like
    2024-04-02 09:02:14, 2024/04/03 15:00, 2024年4月18日. Raises ValueError when unreadable;
    None for an empty cell or "--"."""
    if value is None or value == "" or value in ("--", "-", "—", "/", "无"):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial a text-typed column kept as a number
            return _EXCEL_EPOCH + timedelta(days=float(value))
        raise ValueError
    text = str(value).strip()
    if not text:
        return None
    m = _DT_RX.match(text)
    if not m:
        raise ValueError
    y, mo, d, hh, mm, ss = m.groups()
    sec = float(ss) if ss else 0.0
    return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(sec))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _numeric(text: str) -> str:
    return str(int(text)) if text.isdigit() else ""


# ----------------------------------------------------------------------------- roster


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
    records: list[dict[str, Any]] = field(default_factory=list)  # converted, new ones only
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

    @property
    def new(self) -> int:
        return len(self.records)

    def summary(self) -> str:
        period = f"，{self.period[0]}～{self.period[1]}" if self.period else ""
        return (f"{self.file}：{KIND_NAMES[self.kind]}记录，工作表“{self.sheet}”{self.layout}{period}；"
                f"共 {self.rows} 行，新增 {self.new} 条，已有 {self.existing} 条，"
                f"文件内重复 {self.duplicates} 条"
                + (f"，跳过 {self.skipped} 条非投诉诉求" if self.skipped else "")
                + ("（该文件以前导入过）" if self.imported_before else ""))


def remembered_mapping(db: Database, signature: str) -> dict[str, str] | None:
    with db.session() as s:
        row = s.scalar(select(ServiceMapping).where(ServiceMapping.signature == signature))
        if row is None:
            return None
        return {**json.loads(row.mapping), "__kind__": row.kind}


def _remembered_for_file(db: Database, path: Path) -> dict[str, str] | None:
    from kaohe_desktop.io.attendance.container import open_source
    from kaohe_desktop.io.service.reader import SCAN_ROWS, signature

    try:
        src = open_source(path)
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
    from kaohe_desktop.io.service import read_service  # loads calamine only when needed

    path = Path(path)
    with gc_paused():
        try:
            parsed = read_service(path, kind, mapping, progress)
        except InputError:
            remembered = None if mapping else _remembered_for_file(db, path)
            if remembered is None:
                raise
            parsed = read_service(path, kind or remembered.get("__kind__"), remembered, progress)
        sha = file_sha256(path)
        with db.session() as s:
            return _preview(s, parsed, sha)


_TIME_FIELDS = {"requests": ("accepted", "finished"), "ratings": ("at", "rect_done", "visit_at"),
                "complaints": ("at", "closed")}
_REQUIRED_TIME = {"requests": "accepted", "ratings": "at", "complaints": "at"}


def _preview(s: Session, parsed: Any, sha: str) -> ServicePreview:
    kind = parsed.kind
    model = MODELS[kind]
    roster = _Roster.load(s)
    out = ServicePreview(parsed.file, kind, parsed.sheet, parsed.layout, parsed.columns, sha,
                         len(parsed.rows), signature=parsed.signature, headers=parsed.headers)
    out.imported_before = s.scalar(select(ServiceImport.id).where(ServiceImport.sha256 == sha)) \
        is not None
    known = known_numbers(s, model)
    seen: set[str] = set()
    unmatched: dict[str, Unmatched] = {}
    bad_units: dict[str, None] = {}
    problems = out.problems
    dates: list[date] = []
    label = parsed.columns.get

    def problem(reason: str, row: int, f: str, value: object) -> None:
        problems.append(Problem(reason, file=parsed.file, sheet=parsed.sheet, row=row,
                                column=label(f, f), value=value))

    for r in parsed.rows:
        v = r.values
        no = _text(v.get("no"))
        if not no:
            problem("缺少编号：无法判断是否已导入，请补上编号", r.row, "no", None)
            continue
        if kind == "complaints" and v.get("type") not in (None, "") and "投诉" not in _text(v["type"]):
            out.skipped += 1  # a 12345 work order that is 咨询/求助/建议, not a complaint
            continue
        if no in seen:
            out.duplicates += 1
            continue
        seen.add(no)
        if no in known:
            out.existing += 1
            continue
        rec: dict[str, Any] = {"no": no}
        ok = True
        times: dict[str, datetime | None] = {}
        for f in _TIME_FIELDS[kind]:
            try:
                times[f] = parse_time(v.get(f))
            except ValueError:
                problem("无法识别的日期时间（应如 2024-04-02 09:30 或 2024年4月2日）", r.row, f, v.get(f))
                ok = False
        need = _REQUIRED_TIME[kind]
        if ok and times.get(need) is None:
            problem("缺少时间", r.row, need, None)
            ok = False
        code, name = _text(v.get("person_code")), _text(v.get("person_name"))
        staff_id, status = roster.person(code, name)
        if status:
            key = " ".join(x for x in (code, name) if x)
            u = unmatched.setdefault(key, Unmatched(key, code, name, status))
            u.rows += 1
            rec["__person__"] = key
        unit_text = _text(v.get("unit"))
        unit_id = roster.unit(unit_text)
        if unit_id is None and unit_text:
            bad_units[unit_text] = None
            rec["__unit__"] = unit_text
        if unit_id is None and staff_id is not None:
            unit_id = roster.staff_unit.get(staff_id)
        rec["staff_id"], rec["unit_id"] = staff_id, unit_id
        if kind == "requests":
            ok = _request(rec, v, times, r.row, problem) and ok
        elif kind == "ratings":
            ok = _rating(rec, v, times, r.row, problem) and ok
        else:
            rec.update(at=times.get("at"), closed_at=times.get("closed"),
                       source=_text(v.get("source")), content=_text(v.get("content")),
                       verdict=_text(v.get("verdict")))
            rec["valid"] = rec["verdict"] in VALID_VERDICTS
        if not rec.get("staff_id") and not rec.get("unit_id") and "__person__" not in rec \
                and "__unit__" not in rec:
            problem("记录没有写明人员或窗口/单位，无法计入任何人", r.row, "person_name", None)
            ok = False
        if ok:
            moment = times.get(need)
            if moment is not None:
                dates.append(moment.date())
            out.records.append(rec)
    out.unmatched = list(unmatched.values())
    out.unmatched_units = list(bad_units)
    out.period = (min(dates), max(dates)) if dates else None
    return out


def _request(rec: dict[str, Any], v: Mapping[str, object], times: Mapping[str, datetime | None],
             row: int, problem: Callable[[str, int, str, object], None]) -> bool:
    limit = parse_limit(v.get("limit"))
    kind_text = _text(v.get("kind"))
    if limit is None:
        problem("无法识别的承诺时限（应为工作日数，如 5、5个工作日，或 即办）", row, "limit", v.get("limit"))
        return False
    instant = limit[0] or "即办" in kind_text
    if not instant and limit[1] is None:
        problem("承诺件缺少承诺时限（工作日数）", row, "limit", None)
        return False
    status = _text(v.get("status"))
    accepted, finished = times.get("accepted"), times.get("finished")
    if accepted is not None and finished is not None and finished < accepted:
        problem("办结时间早于受理时间", row, "finished", v.get("finished"))
        return False
    rec.update(matter=_text(v.get("matter")), instant=instant,
               limit_days=0 if instant else limit[1], accepted_at=accepted, finished_at=finished,
               status=status, accepted=accepted_status(status))
    return True


def _rating(rec: dict[str, Any], v: Mapping[str, object], times: Mapping[str, datetime | None],
            row: int, problem: Callable[[str, int, str, object], None]) -> bool:
    level = parse_level(v.get("level"))
    if level is None:
        problem("无法识别的评价等级（应为 非常满意、满意、基本满意、不满意、非常不满意，或 1～5 星）",
                row, "level", v.get("level"))
        return False
    rec.update(level=level, rated_at=times.get("at"), rect_done_at=times.get("rect_done"),
               visit_at=times.get("visit_at"), request_no=_text(v.get("req_no")),
               channel=_text(v.get("channel")), content=_text(v.get("content")),
               rect_note=_text(v.get("rect_note")), visit_result=_text(v.get("visit_result")))
    return True


# ----------------------------------------------------------------------------- commit


@dataclass
class ServiceImportResult:
    file: str
    kind: str
    added: int
    existing: int
    duplicates: int
    refreshed: str = ""  # assessments whose metric items followed the import, in words


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
    with db.session() as s:
        permissions.check(s, permissions.current_actor(db, s), "insert",
                          MODELS[preview.kind].__tablename__, {})
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
        model = MODELS[preview.kind]
        known = known_numbers(s, model)
        rows = []
        for rec in preview.records:
            if rec["no"] in known:  # imported meanwhile (another window): adds nothing
                continue
            row = {k: val for k, val in rec.items() if not k.startswith("__")}
            if "__person__" in rec:
                row["staff_id"] = staff_of.get(rec["__person__"])
            if "__unit__" in rec:
                row["unit_id"] = unit_of.get(rec["__unit__"])
            if row["unit_id"] is None and row["staff_id"] is not None:
                row["unit_id"] = roster.staff_unit.get(row["staff_id"])
            if row["staff_id"] is None and row["unit_id"] is None:
                continue  # chosen to count for nobody
            rows.append(row)
        log = ServiceImport(file_name=preview.file, sha256=preview.sha256, kind=preview.kind,
                            rows=preview.rows, added=len(rows))
        s.add(log)
        s.flush()
        for row in rows:
            row["import_id"] = log.id
        service_summary.ensure(s)  # counts judged with today's calendar, before these are added
        insert_records(s, model, rows)
        service_summary.add_records(s, preview.kind, rows)  # the monthly counts, same transaction
        if remember:
            _remember(s, preview, remember)
        # the open assessments' metric items follow the records, in the same transaction
        refreshed = metric_items.refresh_in(s).summary() if rows else ""
    return ServiceImportResult(preview.file, preview.kind, len(rows), preview.existing,
                               preview.duplicates, refreshed)


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
