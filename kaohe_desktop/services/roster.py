"""The roster: areas (街道/乡镇), units (stations) and their staff.

Edits validate in full before writing and raise InputError. Units and staff are never
deleted (scores refer to them); they are deactivated (停用) and can be activated again.

Imports: `import_steps` reads the whole workbook, then plans every row (added / changed /
unchanged / error) inside one session. A preview rolls that session back; an import
commits it once, or raises InputError listing every bad row and writes nothing. Preview
and import run the same code, so what the preview shows is what the import does.

负责人 (person in charge): at most one staff member per unit is marked `head`. Marking
someone moves the mark: whoever held it in that unit loses it, in the same transaction,
and the caller is told who (`set_staff_head` returns a HeadChange; an import row shows
“是（取代 王伟）”). Moving, not refusing, is what an office expects when a station gets a
new 站长: one step, no need to find and unmark the old one first. Two rows of one
workbook marking the same unit are refused, though: the file contradicts itself. An
inactive (停用) person cannot be marked, and 停用 clears the mark; a person who moves to
another unit leaves the mark behind unless marked again there. Nobody marked:
services.consequences falls back to the post 站长/主任.
"""

from __future__ import annotations

import re
from collections.abc import Container, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Area, Staff, Unit

if TYPE_CHECKING:  # io (openpyxl, calamine) is imported only when a workbook is touched
    from kaohe_desktop.io.roster_workbook import RosterRow

from .results import (
    AreaInfo,
    FieldChange,
    HeadChange,
    ImportReport,
    RosterData,
    RowPreview,
    StaffInfo,
    UnitInfo,
)

UNIT_FIELDS = ("name", "kind", "phone", "address")
STAFF_FIELDS = ("name", "post", "attendance_no", "phone")
DEFAULT_KIND = "社区便民服务站"
UNIT_KINDS = ("社区便民服务站", "村便民服务室", "便民服务中心")
UNIT_LABELS = {"name": "名称", "area": "所属街道", "kind": "类型", "phone": "电话", "address": "地址"}
STAFF_LABELS = {"name": "姓名", "unit": "所属单位", "post": "岗位", "attendance_no": "考勤号",
                "phone": "电话", "head": "负责人"}
_PHONE = re.compile(r"[0-9-]*[0-9][0-9-]*")
_STEP = 500  # import rows between progress reports

RowSteps = Generator[tuple[int, int], None, list[RowPreview]]


# ---------------------------------------------------------------- validation
def phone_problem(phone: str) -> Problem | None:
    """Phones are digits and dashes (0731-88886666, 13800000000); blank is allowed."""
    phone = phone.strip()
    if phone and not _PHONE.fullmatch(phone):
        return Problem("电话只能包含数字和短横线（-）", column="电话", value=phone)
    return None


def unit_problems(name: str, code: str, phone: str, taken_codes: Container[str], *,
                  code_required: bool = False) -> list[Problem]:
    """What is wrong with a unit's fields; `taken_codes` are codes used by other units.
    The dialogs call this as the user types; the services call it before writing."""
    problems = []
    if not name.strip():
        problems.append(Problem("请填写站点名称", column="名称"))
    code = code.strip()
    if code_required and not code:
        problems.append(Problem("请填写编号", column="编号"))
    if code and code in taken_codes:
        problems.append(Problem("编号已被其他站点使用", column="编号", value=code))
    if (p := phone_problem(phone)) is not None:
        problems.append(p)
    return problems


def staff_problems(name: str, code: str, phone: str, unit: str, taken_codes: Container[str], *,
                   code_required: bool = False) -> list[Problem]:
    """What is wrong with a staff member's fields; `unit` is the chosen unit ("" for none)."""
    problems = []
    if not name.strip():
        problems.append(Problem("请填写姓名", column="姓名"))
    if not unit.strip():
        problems.append(Problem("请选择所属站点", column="所属单位"))
    code = code.strip()
    if code_required and not code:
        problems.append(Problem("请填写编号", column="编号"))
    if code and code in taken_codes:
        problems.append(Problem("编号已被其他人员使用", column="编号", value=code))
    if (p := phone_problem(phone)) is not None:
        problems.append(p)
    return problems


def _taken(s: Session, model: type[Unit] | type[Staff], code: str, own_id: int | None) -> set[str]:
    other = s.scalar(select(model.id).where(model.code == code.strip()))
    return {code.strip()} if other is not None and other != own_id else set()


# ---------------------------------------------------------------- helpers
def _area(s: Session, name: str) -> Area | None:
    name = name.strip()
    if not name:
        return None
    area = s.scalar(select(Area).where(Area.name == name))
    if area is None:
        area = Area(name=name, kind=_area_kind(name))
        s.add(area)
        s.flush()
    return area


def _area_kind(name: str) -> str:
    return "乡镇" if name.endswith(("乡", "镇")) else "街道"


def _unit_info(u: Unit) -> UnitInfo:
    return UnitInfo(u.id, u.code, u.name, u.area.name if u.area else "", u.kind, u.phone,
                    u.active, u.address)


def _staff_info(p: Staff) -> StaffInfo:
    return StaffInfo(p.id, p.code, p.name, p.unit.code if p.unit else "",
                     p.unit.name if p.unit else "", p.post, p.attendance_no, p.phone, p.active,
                     bool(p.head))


def _other_heads(s: Session, unit_id: int | None, own_id: int | None) -> list[Staff]:
    """Everyone else marked 负责人 in the unit (normally at most one)."""
    if unit_id is None:
        return []
    q = select(Staff).where(Staff.unit_id == unit_id, Staff.head.is_(True))
    if own_id is not None:
        q = q.where(Staff.id != own_id)
    return list(s.scalars(q.order_by(Staff.code)))


def _inactive_head_problem(p: Staff) -> Problem:
    return Problem("已停用的人员不能标为负责人，请先启用", column="负责人", value=p.code)


def _mark_head(s: Session, p: Staff, head: bool) -> Staff | None:
    """Set or clear `p`'s mark; marking takes it from whoever else held it in the unit
    (returned). Refuses an inactive person or one without a unit."""
    if not head:
        p.head = False
        return None
    if p.active is False:  # None: a new person, active once flushed
        raise InputError(_inactive_head_problem(p))
    if p.unit_id is None and p.unit is None:
        raise InputError(Problem("没有所属单位的人员不能标为负责人", column="负责人", value=p.code))
    s.flush()  # p.unit_id is known from here on (a new person, or one who moved)
    others = _other_heads(s, p.unit_id, p.id)
    for other in others:
        other.head = False
    p.head = True
    return others[0] if others else None


def _next_code(s: Session, model: type[Unit] | type[Staff], prefix: str) -> str:
    n = (s.scalar(select(func.count()).select_from(model)) or 0) + 1
    while s.scalar(select(model.id).where(model.code == f"{prefix}{n:03d}")) is not None:
        n += 1
    return f"{prefix}{n:03d}"


def find_unit(s: Session, key: str) -> Unit | None:
    """A unit by code, else by a unique name."""
    unit = s.scalar(select(Unit).where(Unit.code == key))
    if unit is None:
        named = s.scalars(select(Unit).where(Unit.name == key)).all()
        unit = named[0] if len(named) == 1 else None
    return unit


def _get_unit(s: Session, key: int | str) -> Unit:
    """A unit by id (int) or by code / unique name (str)."""
    unit = s.get(Unit, key) if isinstance(key, int) else find_unit(s, key.strip())
    if unit is None:
        raise InputError(Problem("没有这个单位（按编号或名称查找）", column="所属单位", value=key))
    return unit


def _get_staff(s: Session, key: int | str) -> Staff:
    """A staff member by id (int) or by code (str)."""
    person = (s.get(Staff, key) if isinstance(key, int)
              else s.scalar(select(Staff).where(Staff.code == key.strip())))
    if person is None:
        raise InputError(Problem("没有这个人员", column="编号", value=key))
    return person


# ---------------------------------------------------------------- reading
_UNIT_COLS = (Unit.id, Unit.code, Unit.name, Area.name, Unit.kind, Unit.phone, Unit.active,
              Unit.address)
_STAFF_COLS = (Staff.id, Staff.code, Staff.name, Unit.code, Unit.name, Staff.post,
               Staff.attendance_no, Staff.phone, Staff.active, Staff.head)


# Core execution (not Session.execute): the ORM's row processing doubles the time of a
# 50,000-row read and these selects return plain columns anyway.
def _units(s: Session, *where) -> list[UnitInfo]:
    q = select(*_UNIT_COLS).outerjoin(Area, Unit.area_id == Area.id).where(*where)
    return [UnitInfo(i, c, n, a or "", k, p, bool(act), ad or "")
            for i, c, n, a, k, p, act, ad in s.connection().execute(q.order_by(Unit.code)).all()]


def _staff(s: Session, *where) -> list[StaffInfo]:
    q = select(*_STAFF_COLS).outerjoin(Unit, Staff.unit_id == Unit.id).where(*where)
    return [StaffInfo(i, c, n, uc or "", un or "", po, at, ph, bool(act), bool(hd))
            for i, c, n, uc, un, po, at, ph, act, hd
            in s.connection().execute(q.order_by(Staff.code)).all()]


def list_areas(db: Database) -> list[AreaInfo]:
    """Every area with the number of its units (active or not), by name."""
    with db.session() as s:
        q = (select(Area.id, Area.name, Area.kind, func.count(Unit.id))
             .outerjoin(Unit, Unit.area_id == Area.id).group_by(Area.id).order_by(Area.name))
        return [AreaInfo(i, n, k, c) for i, n, k, c in s.execute(q)]


def load_roster(db: Database) -> RosterData:
    """Areas, units and staff, inactive ones included, in three queries (no per-row work
    in the database): what the 站点与人员 page shows."""
    with db.session() as s:
        units = _units(s)
        staff = _staff(s)
    return RosterData(tuple(list_areas(db)), tuple(units), tuple(staff))


def list_units(db: Database, area: str = "", include_inactive: bool = False) -> list[UnitInfo]:
    with db.session() as s:
        where = []
        if area:
            where.append(Area.name == area)
        if not include_inactive:
            where.append(Unit.active.is_(True))
        return _units(s, *where)


def list_staff(db: Database, unit: str = "", include_inactive: bool = False) -> list[StaffInfo]:
    with db.session() as s:
        where = []
        if unit:
            u = find_unit(s, unit)
            if u is None:
                raise InputError(Problem("没有这个单位", column="所属单位", value=unit))
            where.append(Staff.unit_id == u.id)
        if not include_inactive:
            where.append(Staff.active.is_(True))
        return _staff(s, *where)


# ---------------------------------------------------------------- units
def add_unit(db: Database, name: str, *, code: str = "", area: str = "",
             kind: str = DEFAULT_KIND, phone: str = "", address: str = "") -> UnitInfo:
    if not name.strip():
        raise InputError(Problem("单位名称不能为空", column="名称"))
    with db.session() as s:
        problems = unit_problems(name, code, phone, _taken(s, Unit, code, None))
        if problems:
            raise InputError(problems)
        code = code.strip() or _next_code(s, Unit, "U")
        unit = Unit(code=code, name=name.strip(), area=_area(s, area),
                    kind=kind.strip() or DEFAULT_KIND, phone=phone.strip(), address=address.strip())
        s.add(unit)
        s.flush()
        return _unit_info(unit)


def update_unit(db: Database, unit: int | str, *, code: str | None = None, name: str | None = None,
                area: str | None = None, kind: str | None = None, phone: str | None = None,
                address: str | None = None) -> UnitInfo:
    """Change the given fields of a unit (by id or code); None leaves a field as it is."""
    with db.session() as s:
        u = _get_unit(s, unit)
        new_code = u.code if code is None else code
        new_name = u.name if name is None else name
        new_phone = u.phone if phone is None else phone
        problems = unit_problems(new_name, new_code, new_phone, _taken(s, Unit, new_code, u.id),
                                 code_required=True)
        if problems:
            raise InputError(problems)
        u.code, u.name, u.phone = new_code.strip(), new_name.strip(), new_phone.strip()
        if area is not None:
            u.area = _area(s, area)
        if kind is not None:
            u.kind = kind.strip() or DEFAULT_KIND
        if address is not None:
            u.address = address.strip()
        s.flush()
        return _unit_info(u)


def set_units_active(db: Database, units: Iterable[int | str], active: bool) -> int:
    """停用 (or 启用) several units in one transaction; how many changed. Their staff are
    left as they are."""
    with db.session() as s:
        changed = 0
        for key in units:
            u = _get_unit(s, key)
            changed += u.active != active
            u.active = active
        return changed


def set_unit_active(db: Database, unit: int | str, active: bool) -> UnitInfo:
    set_units_active(db, [unit], active)
    with db.session() as s:
        return _unit_info(_get_unit(s, unit))


# ---------------------------------------------------------------- staff
def add_staff(db: Database, name: str, unit: str, *, code: str = "", post: str = "",
              attendance_no: str = "", phone: str = "", head: bool = False) -> StaffInfo:
    """Add a person to a unit; `head` marks them 负责人, taking the mark from whoever held
    it in that unit (see the module docstring; `marked_head` tells who that is)."""
    if not name.strip():
        raise InputError(Problem("姓名不能为空", column="姓名"))
    with db.session() as s:
        u = find_unit(s, unit.strip())
        if u is None:
            raise InputError(Problem("没有这个单位（按编号或名称查找）", column="所属单位",
                                     value=unit))
        problems = staff_problems(name, code, phone, u.code, _taken(s, Staff, code, None))
        if problems:
            raise InputError(problems)
        code = code.strip() or _next_code(s, Staff, "P")
        person = Staff(code=code, name=name.strip(), unit=u, post=post.strip(),
                       attendance_no=attendance_no.strip(), phone=phone.strip())
        s.add(person)
        _mark_head(s, person, head)
        s.flush()
        return _staff_info(person)


def update_staff(db: Database, person: int | str, *, code: str | None = None,
                 name: str | None = None, unit: int | str | None = None, post: str | None = None,
                 attendance_no: str | None = None, phone: str | None = None,
                 head: bool | None = None) -> StaffInfo:
    """Change the given fields of a staff member (by id or code); None leaves a field.

    `head` True marks them 负责人 and moves the mark from whoever held it in their unit;
    False clears it. A move to another unit clears the mark unless `head` is True: being
    in charge of one station says nothing about the next."""
    with db.session() as s:
        p = _get_staff(s, person)
        u = p.unit if unit is None else _get_unit(s, unit)
        new_code = p.code if code is None else code
        new_name = p.name if name is None else name
        new_phone = p.phone if phone is None else phone
        problems = staff_problems(new_name, new_code, new_phone, u.code if u else "",
                                  _taken(s, Staff, new_code, p.id), code_required=True)
        if head and not p.active:
            problems.append(_inactive_head_problem(p))
        if problems:
            raise InputError(problems)
        moved = u is not p.unit
        p.code, p.name, p.phone, p.unit = new_code.strip(), new_name.strip(), new_phone.strip(), u
        if post is not None:
            p.post = post.strip()
        if attendance_no is not None:
            p.attendance_no = attendance_no.strip()
        if head is not None or moved:
            _mark_head(s, p, bool(head))
        s.flush()
        return _staff_info(p)


def set_staff_head(db: Database, person: int | str, head: bool = True) -> HeadChange:
    """Mark (or unmark) a staff member (by id or code) as their unit's 负责人; marking
    moves the mark, and the result names whoever held it before."""
    with db.session() as s:
        p = _get_staff(s, person)
        replaced = _mark_head(s, p, head)
        s.flush()
        return HeadChange(_staff_info(p), _staff_info(replaced) if replaced else None)


def marked_head(db: Database, unit: str) -> StaffInfo | None:
    """Who is marked 负责人 of a unit (by code or unique name), or None (then the post
    站长/主任 decides; see services.consequences)."""
    with db.session() as s:
        u = _get_unit(s, unit)
        heads = _other_heads(s, u.id, None)
        return _staff_info(heads[0]) if heads else None


def set_staff_active(db: Database, people: Iterable[int | str], active: bool) -> int:
    """停用 (or 启用) staff members (by id or code) in one transaction; how many changed.
    停用 clears a 负责人 mark: someone who left is no longer in charge, and the unit falls
    back to its 站长/主任 until someone else is marked."""
    with db.session() as s:
        changed = 0
        for key in people:
            p = _get_staff(s, key)
            changed += p.active != active
            p.active = active
            if not active:
                p.head = False
        return changed


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
