"""Roster files: importing units and staff from a workbook (preview, then all or nothing)
and exporting them. Kept apart from `roster`, which holds the rules and single edits
these apply row by row."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Area, Staff, Unit

if TYPE_CHECKING:  # io (openpyxl, calamine) is imported only when a workbook is touched
    from kaohe_desktop.io.roster_workbook import RosterRow

from .results import (
    FieldChange,
    ImportReport,
    RowPreview,
)
from .roster import (
    _STEP,
    DEFAULT_KIND,
    STAFF_FIELDS,
    STAFF_LABELS,
    UNIT_LABELS,
    _area_kind,
    list_staff,
    list_units,
    phone_problem,
)

RowSteps = Generator[tuple[int, int], None, list[RowPreview]]


# ---------------------------------------------------------------- import
class _UnitPlan:
    """Plans unit rows against the database inside one session, applying them as it goes."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.units = {u.code: u for u in s.scalars(select(Unit).options(joinedload(Unit.area)))}
        self.areas = {a.name: a for a in s.scalars(select(Area))}

    def area(self, name: str) -> Area | None:
        if not name:
            return None
        if name not in self.areas:
            self.areas[name] = Area(name=name, kind=_area_kind(name))
            self.s.add(self.areas[name])
        return self.areas[name]

    def row(self, r: RosterRow, problems: list[Problem]) -> RowPreview:
        f = r.fields
        code, name = f.get("code", ""), f.get("name", "")
        if problems:
            return RowPreview(r.row, code, name, "error", problems=tuple(problems))
        unit = self.units.get(code)
        if unit is None:
            unit = Unit(code=code, name=name, area=self.area(f.get("area", "")),
                        kind=f.get("kind") or DEFAULT_KIND, phone=f.get("phone", ""),
                        address=f.get("address", ""))
            self.s.add(unit)
            self.units[code] = unit
            return RowPreview(r.row, code, name, "added")
        changes = []
        for field, label in UNIT_LABELS.items():
            new = f.get(field, "")
            old = (unit.area.name if unit.area else "") if field == "area" else getattr(unit, field)
            if new and new != old:  # a blank cell keeps what is there
                changes.append(FieldChange(label, old, new))
                if field == "area":
                    unit.area = self.area(new)
                else:
                    setattr(unit, field, new)
        return RowPreview(r.row, code, name, "changed" if changes else "unchanged",
                          tuple(changes))


class _StaffPlan:
    """Plans staff rows; a row's unit is found by code, else by a unique name."""

    def __init__(self, s: Session, file: str) -> None:
        self.s, self.file = s, file
        units = s.scalars(select(Unit)).all()
        self.by_code = {u.code: u for u in units}
        self.by_name: dict[str, list[Unit]] = {}
        for u in units:
            self.by_name.setdefault(u.name, []).append(u)
        self.label = {u.id: f"{u.code} {u.name}" for u in units}
        self.people = {p.code: p for p in s.scalars(select(Staff))}
        self.heads: dict[int, Staff] = {p.unit_id: p for p in self.people.values()
                                        if p.head and p.unit_id is not None}
        self.head_rows: dict[int, int] = {}  # unit id → the file's row that marks its head

    def row(self, r: RosterRow, problems: list[Problem]) -> RowPreview:
        f = r.fields
        code, name, key = f.get("code", ""), f.get("name", ""), f.get("unit", "")
        unit = self.by_code.get(key)
        if key and unit is None:
            named = self.by_name.get(key, [])
            if len(named) == 1:
                unit = named[0]
            else:
                reason = "有多个同名单位，请写单位编号" if named else "没有这个单位"
                problems.append(Problem(reason, file=self.file, sheet=r.sheet, row=r.row,
                                        column=r.letters.get("unit", ""), value=key))
        head = self._head_cell(r, unit, problems)
        person = self.people.get(code)
        if head and person is not None and not person.active and not person.head:
            problems.append(Problem("已停用的人员不能标为负责人，请先启用", file=self.file,
                                    sheet=r.sheet, row=r.row, column=r.letters["head"],
                                    value=f.get("head", "")))
        if problems:
            return RowPreview(r.row, code, name, "error", problems=tuple(problems))
        assert unit is not None
        if person is None:
            person = Staff(code=code, name=name, unit_id=unit.id, post=f.get("post", ""),
                           attendance_no=f.get("attendance_no", ""), phone=f.get("phone", ""))
            self.s.add(person)
            self.people[code] = person
            # Only a mark needs _set_head: most of a 50,000-row file is not in charge.
            replaced = self._set_head(person, unit, True) if head else None
            changes = ([FieldChange("负责人", "", f"是（取代 {replaced.name}）")] if replaced
                       else [])
            return RowPreview(r.row, code, name, "added", tuple(changes))
        changes = []
        for field in STAFF_FIELDS:
            new, old = f.get(field, ""), getattr(person, field)
            if new and new != old:
                changes.append(FieldChange(STAFF_LABELS[field], old, new))
                setattr(person, field, new)
        if person.unit_id != unit.id:
            changes.append(FieldChange("所属单位", self.label.get(person.unit_id, ""),
                                       self.label[unit.id]))
            person.unit_id = unit.id
            if head is None and person.head:  # the mark stays with the unit it was for
                head = False
        if head is not None and head != person.head:
            replaced = self._set_head(person, unit, head)
            changes.append(FieldChange("负责人", "是" if not head else "否",
                                       f"是（取代 {replaced.name}）" if replaced
                                       else "是" if head else "否"))
        return RowPreview(r.row, code, name, "changed" if changes else "unchanged",
                          tuple(changes))

    def _head_cell(self, r: RosterRow, unit: Unit | None, problems: list[Problem]) -> bool | None:
        """The row's 负责人 cell: True/False, None when the file has no such column.
        Refuses a value that is neither yes nor no, and a second row marking one unit."""
        from kaohe_desktop.io.roster_workbook import YES_NO_HINT, yes_no

        if "head" not in r.letters:
            return None
        text = r.fields.get("head", "")
        head = yes_no(text)
        where = {"file": self.file, "sheet": r.sheet, "row": r.row, "column": r.letters["head"]}
        if head is None:
            problems.append(Problem(YES_NO_HINT, value=text, **where))
        elif head and unit is not None:
            first = self.head_rows.setdefault(unit.id, r.row)
            if first != r.row:
                problems.append(Problem(f"同一单位只能有一名负责人，第 {first} 行已标为"
                                        f"“{self.label[unit.id]}”的负责人", value=text, **where))
        return head

    def _set_head(self, person: Staff, unit: Unit, head: bool) -> Staff | None:
        """Mark or unmark `person` (already in `unit`); a mark moves from the unit's old
        head, who is returned. Inactive people are not marked (row() refuses them)."""
        person.head = head
        for unit_id in [k for k, p in self.heads.items() if p is person]:
            del self.heads[unit_id]  # unmarked, or marked in the unit they moved to
        if not head:
            return None
        old = self.heads.get(unit.id)
        self.heads[unit.id] = person
        if old is None or old is person:
            return None
        old.head = False
        return old


@dataclass(frozen=True)
class RosterColumn:
    """A column of an imported roster as the preview shows it."""

    letter: str
    title: str
    field: str | None  # None: 未识别
    label: str  # what it is read as: 所属街道, 未识别, 不导入 or 同 C 列
    ignored: bool = False
    same_as: str = ""


@dataclass(frozen=True)
class RosterImportPreview:
    columns: tuple[RosterColumn, ...]
    rows: list[RowPreview]
    missing: tuple[str, ...]  # labels of required fields no column gives (rows then empty)

    @property
    def unrecognised(self) -> list[RosterColumn]:
        return [c for c in self.columns if c.field is None and not c.ignored and not c.same_as]


def field_labels(kind: str) -> dict[str, str]:
    """field → the name the window uses for it (编号, 名称/姓名, 所属街道 …)."""
    return {"code": "编号", **(UNIT_LABELS if kind == "units" else STAFF_LABELS)}


def _columns(kind: str, header: Iterable) -> tuple[RosterColumn, ...]:
    labels = field_labels(kind)
    out = []
    for c in header:
        if c.field:
            label = labels[c.field]
        elif c.same_as:
            label = f"同 {c.same_as} 列"
        else:
            label = "不导入" if c.ignored else "未识别"
        out.append(RosterColumn(c.letter, c.title, c.field, label, c.ignored, c.same_as))
    return tuple(out)


def _read_sheet(kind: str, path: Path, mapping: dict[str, str] | None):
    from kaohe_desktop.io.roster_workbook import STAFF_COLUMNS, UNIT_COLUMNS, read_roster_sheet

    if kind not in ("units", "staff"):
        raise ValueError(kind)
    return read_roster_sheet(path, UNIT_COLUMNS if kind == "units" else STAFF_COLUMNS, mapping)


def import_steps(db: Database, kind: str, path: Path, *, strict: bool, dry_run: bool,
                 mapping: dict[str, str] | None = None) -> RowSteps:
    """Read and plan a roster workbook (kind "units" or "staff"), yielding (rows done, rows).

    Returns one RowPreview per data row. `strict`: any bad row raises InputError listing
    all of them (nothing written); otherwise bad rows come back with status "error".
    `dry_run`: roll back at the end. Closing the generator early rolls back too.
    Problems of the whole file (not a workbook, no header …) always raise InputError.
    `mapping`: header → field (or "" for 不导入) for columns the user mapped by hand.
    """
    from kaohe_desktop.io.roster_workbook import STAFF_COLUMNS, UNIT_COLUMNS, read_roster_rows

    if kind not in ("units", "staff"):
        raise ValueError(kind)
    rows, problems = read_roster_rows(path, UNIT_COLUMNS if kind == "units" else STAFF_COLUMNS,
                                      mapping)
    return (yield from _plan_steps(db, kind, path, rows, problems, strict=strict, dry_run=dry_run))


def preview_steps(db: Database, kind: str, path: Path, mapping: dict[str, str] | None = None
                  ) -> Generator[tuple[int, int], None, RosterImportPreview]:
    """What importing would do, with the file's columns as read (未识别 ones included);
    writes nothing. A required column no header gives leaves the rows unplanned and is
    named in `missing`, so the user can say which column holds it."""
    sheet = _read_sheet(kind, path, mapping)
    columns = _columns(kind, sheet.header)
    if sheet.missing:
        labels = field_labels(kind)
        return RosterImportPreview(columns, [], tuple(labels[f] for f in sheet.missing))
    rows = yield from _plan_steps(db, kind, path, sheet.rows, sheet.problems, strict=False,
                                  dry_run=True)
    return RosterImportPreview(columns, rows, ())


def _plan_steps(db: Database, kind: str, path: Path, rows: list[RosterRow],
                problems: list[Problem], *, strict: bool, dry_run: bool) -> RowSteps:
    by_row: dict[int | None, list[Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    total = len(rows)
    yield 0, total
    out: list[RowPreview] = []
    with db.session() as s:
        plan = _UnitPlan(s) if kind == "units" else _StaffPlan(s, path.name)
        for done, r in enumerate(rows, start=1):
            row_problems = list(by_row.get(r.row, []))
            if (p := phone_problem(r.fields.get("phone", ""))) is not None:
                row_problems.append(Problem(p.reason, file=path.name, sheet=r.sheet, row=r.row,
                                            column=r.letters.get("phone", ""), value=p.value))
            out.append(plan.row(r, row_problems))
            if done % _STEP == 0:
                # Closed at this yield: rolled back. Nothing yields after the loop, so a
                # committed import is never reported as cancelled.
                yield done, total
        errors = [p for preview in out for p in preview.problems]
        if strict and errors:
            raise InputError(errors)
        s.info["dry_run"] = dry_run
    return out


def _drain(steps: RowSteps) -> list[RowPreview]:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def report_of(previews: Iterable[RowPreview]) -> ImportReport:
    counts = {"added": 0, "changed": 0, "unchanged": 0, "error": 0}
    for p in previews:
        counts[p.status] += 1
    return ImportReport(counts["added"], counts["changed"], counts["unchanged"])


def preview_units_import(db: Database, path: Path) -> list[RowPreview]:
    """What importing a unit workbook would do, row by row; writes nothing."""
    return _drain(import_steps(db, "units", path, strict=False, dry_run=True))


def preview_staff_import(db: Database, path: Path) -> list[RowPreview]:
    """What importing a staff workbook would do, row by row; writes nothing."""
    return _drain(import_steps(db, "staff", path, strict=False, dry_run=True))


def import_units(db: Database, path: Path, dry_run: bool = False) -> ImportReport:
    """Add new units and update changed ones by 编号; all or nothing."""
    return report_of(_drain(import_steps(db, "units", path, strict=True, dry_run=dry_run)))


def import_staff(db: Database, path: Path, dry_run: bool = False) -> ImportReport:
    """Add new staff and update changed ones by 编号; units must exist; all or nothing."""
    return report_of(_drain(import_steps(db, "staff", path, strict=True, dry_run=dry_run)))


# ---------------------------------------------------------------- export
UNIT_HEADERS = ["编号", "名称", "所属街道", "类型", "电话", "地址", "状态"]
STAFF_HEADERS = ["编号", "姓名", "单位编号", "所属单位", "岗位", "负责人", "考勤号", "电话", "状态"]


def export_units(db: Database, path: Path) -> Path:
    """Every unit (inactive ones marked 停用) in a workbook that imports back unchanged."""
    from kaohe_desktop.io.roster_workbook import write_roster
    from kaohe_desktop.io.safe_write import safe_write

    rows = ([u.code, u.name, u.area, u.kind, u.phone, u.address, "在用" if u.active else "停用"]
            for u in list_units(db, include_inactive=True))
    # through a checked temporary file: a kill or a pulled USB drive leaves no half file
    return safe_write(path, lambda tmp: write_roster(tmp, UNIT_HEADERS, rows, "单位",
                                                     widths=(12, 28, 16, 18, 16, 36, 8)))


def export_staff(db: Database, path: Path) -> Path:
    """Every staff member (inactive ones marked 停用); imports back unchanged."""
    from kaohe_desktop.io.roster_workbook import write_roster
    from kaohe_desktop.io.safe_write import safe_write

    rows = ([p.code, p.name, p.unit_code, p.unit_name, p.post, "是" if p.head else "否",
             p.attendance_no, p.phone, "在用" if p.active else "停用"]
            for p in list_staff(db, include_inactive=True))
    return safe_write(path, lambda tmp: write_roster(tmp, STAFF_HEADERS, rows, "人员",
                                                     widths=(14, 10, 12, 28, 14, 8, 12, 16, 8)))
