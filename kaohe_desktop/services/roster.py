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
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.text_rules import ROSTER_LIMITS, STAFF_LIMITS, clean_fields
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Area, Staff, Unit

if TYPE_CHECKING:  # io (openpyxl, calamine) is imported only when a workbook is touched
    pass

from .results import (
    AreaInfo,
    HeadChange,
    RosterData,
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
_UNIT_LABELS = {"name": "名称", "code": "编号", "area": "片区", "kind": "类型", "phone": "电话",
                "address": "地址"}
_STAFF_LABELS = {"name": "姓名", "code": "编号", "unit": "所属单位", "post": "岗位",
                 "attendance_no": "考勤号", "phone": "电话"}


def _typed(labels: dict[str, str], limits: dict[str, int], **values: str | None) -> dict[str, str | None]:
    """The same text rule as the imports (NFKC; zero-width, direction-control and control
    characters refused; the column size) for a value typed in the window or the CLI, so
    "FR01" typed with a zero-width space cannot become a second unit."""
    out, refused = clean_fields(values, labels, limits)
    if refused:
        raise InputError([Problem(reason, column=label, value=shown)
                          for label, reason, shown in refused])
    return out


def add_unit(db: Database, name: str, *, code: str = "", area: str = "",
             kind: str = DEFAULT_KIND, phone: str = "", address: str = "") -> UnitInfo:
    v = _typed(_UNIT_LABELS, ROSTER_LIMITS, name=name, code=code, area=area, kind=kind,
               phone=phone, address=address)
    name, code, area, kind, phone, address = (str(v[k]) for k in _UNIT_LABELS)
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
    v = _typed(_UNIT_LABELS, ROSTER_LIMITS, name=name, code=code, area=area, kind=kind,
               phone=phone, address=address)
    name, code, area, kind, phone, address = (v[k] for k in _UNIT_LABELS)
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
    v = _typed(_STAFF_LABELS, STAFF_LIMITS, name=name, code=code, unit=unit, post=post,
               attendance_no=attendance_no, phone=phone)
    name, code, unit, post, attendance_no, phone = (str(v[k]) for k in _STAFF_LABELS)
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
    v = _typed(_STAFF_LABELS, STAFF_LIMITS, name=name, code=code,
               unit=unit if isinstance(unit, str) else None, post=post,
               attendance_no=attendance_no, phone=phone)
    name, code, post, attendance_no, phone = (v[k] for k in ("name", "code", "post",
                                                             "attendance_no", "phone"))
    if isinstance(unit, str):
        unit = v["unit"]
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
