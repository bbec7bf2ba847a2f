"""The roster: areas (街道/乡镇), units (stations) and their staff."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Area, Staff, Unit

from .results import ImportReport, StaffInfo, UnitInfo

UNIT_FIELDS = ("name", "kind", "phone", "address")
STAFF_FIELDS = ("name", "post", "attendance_no", "phone")


def _area(s: Session, name: str) -> Area | None:
    name = name.strip()
    if not name:
        return None
    area = s.scalar(select(Area).where(Area.name == name))
    if area is None:
        kind = "乡镇" if name.endswith(("乡", "镇")) else "街道"
        area = Area(name=name, kind=kind)
        s.add(area)
        s.flush()
    return area


def _unit_info(u: Unit) -> UnitInfo:
    return UnitInfo(u.id, u.code, u.name, u.area.name if u.area else "", u.kind, u.phone,
                    u.active)


def _staff_info(p: Staff) -> StaffInfo:
    return StaffInfo(p.id, p.code, p.name, p.unit.code if p.unit else "",
                     p.unit.name if p.unit else "", p.post, p.attendance_no, p.phone, p.active)


def _next_code(s: Session, model: type[Unit] | type[Staff], prefix: str) -> str:
    n = (s.scalar(select(func.count()).select_from(model)) or 0) + 1
    while s.scalar(select(model.id).where(model.code == f"{prefix}{n:03d}")) is not None:
        n += 1
    return f"{prefix}{n:03d}"


def add_unit(db: Database, name: str, *, code: str = "", area: str = "",
             kind: str = "社区便民服务站", phone: str = "", address: str = "") -> UnitInfo:
    name = name.strip()
    if not name:
        raise InputError(Problem("单位名称不能为空", column="名称"))
    with db.session() as s:
        code = code.strip() or _next_code(s, Unit, "U")
        if s.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            raise InputError(Problem("单位编号已存在", column="编号", value=code))
        unit = Unit(code=code, name=name, area=_area(s, area), kind=kind or "社区便民服务站",
                    phone=phone, address=address)
        s.add(unit)
        s.flush()
        return _unit_info(unit)


def list_units(db: Database, area: str = "", include_inactive: bool = False) -> list[UnitInfo]:
    with db.session() as s:
        q = select(Unit).order_by(Unit.code)
        if area:
            q = q.join(Area).where(Area.name == area)
        if not include_inactive:
            q = q.where(Unit.active.is_(True))
        return [_unit_info(u) for u in s.scalars(q)]


def find_unit(s: Session, key: str) -> Unit | None:
    """A unit by code, else by a unique name."""
    unit = s.scalar(select(Unit).where(Unit.code == key))
    if unit is None:
        named = s.scalars(select(Unit).where(Unit.name == key)).all()
        unit = named[0] if len(named) == 1 else None
    return unit


def add_staff(db: Database, name: str, unit: str, *, code: str = "", post: str = "",
              attendance_no: str = "", phone: str = "") -> StaffInfo:
    name = name.strip()
    if not name:
        raise InputError(Problem("姓名不能为空", column="姓名"))
    with db.session() as s:
        u = find_unit(s, unit.strip())
        if u is None:
            raise InputError(Problem("没有这个单位（按编号或名称查找）", column="所属单位",
                                     value=unit))
        code = code.strip() or _next_code(s, Staff, "P")
        if s.scalar(select(Staff.id).where(Staff.code == code)) is not None:
            raise InputError(Problem("人员编号已存在", column="编号", value=code))
        person = Staff(code=code, name=name, unit=u, post=post, attendance_no=attendance_no,
                       phone=phone)
        s.add(person)
        s.flush()
        return _staff_info(person)


def list_staff(db: Database, unit: str = "", include_inactive: bool = False) -> list[StaffInfo]:
    with db.session() as s:
        q = select(Staff).order_by(Staff.code)
        if unit:
            u = find_unit(s, unit)
            if u is None:
                raise InputError(Problem("没有这个单位", column="所属单位", value=unit))
            q = q.where(Staff.unit_id == u.id)
        if not include_inactive:
            q = q.where(Staff.active.is_(True))
        return [_staff_info(p) for p in s.scalars(q)]


def import_units(db: Database, path: Path, dry_run: bool = False) -> ImportReport:
    """Add new units and update changed ones by 编号; all or nothing."""
    from kaohe_desktop.io.roster_workbook import UNIT_COLUMNS, read_roster

    rows = read_roster(path, UNIT_COLUMNS)
    added = changed = unchanged = 0
    with db.session() as s:
        existing = {u.code: u for u in s.scalars(select(Unit))}
        for r in rows:
            f = r.fields
            unit = existing.get(f["code"])
            if unit is None:
                s.add(Unit(code=f["code"], name=f["name"], area=_area(s, f.get("area", "")),
                           kind=f.get("kind") or "社区便民服务站", phone=f.get("phone", ""),
                           address=f.get("address", "")))
                added += 1
                continue
            before = (unit.name, unit.kind, unit.phone, unit.address,
                      unit.area.name if unit.area else "")
            for field in UNIT_FIELDS:
                if f.get(field):
                    setattr(unit, field, f[field])
            if f.get("area"):
                unit.area = _area(s, f["area"])
            after = (unit.name, unit.kind, unit.phone, unit.address,
                     unit.area.name if unit.area else "")
            changed += before != after
            unchanged += before == after
        s.info["dry_run"] = dry_run
    return ImportReport(added, changed, unchanged)


def import_staff(db: Database, path: Path, dry_run: bool = False) -> ImportReport:
    """Add new staff and update changed ones by 编号; units must exist; all or nothing."""
    from kaohe_desktop.io.roster_workbook import STAFF_COLUMNS, read_roster

    rows = read_roster(path, STAFF_COLUMNS)
    added = changed = unchanged = 0
    problems: list[Problem] = []
    with db.session() as s:
        existing = {p.code: p for p in s.scalars(select(Staff))}
        units_by_code = {u.code: u for u in s.scalars(select(Unit))}
        units_by_name: dict[str, list[Unit]] = {}
        for u in units_by_code.values():
            units_by_name.setdefault(u.name, []).append(u)
        for r in rows:
            f = r.fields
            unit = units_by_code.get(f["unit"])
            if unit is None:
                named = units_by_name.get(f["unit"], [])
                if len(named) != 1:
                    reason = "有多个同名单位，请写单位编号" if named else "没有这个单位"
                    problems.append(Problem(reason, file=path.name, row=r.row, column="所属单位",
                                            value=f["unit"]))
                    continue
                unit = named[0]
            person = existing.get(f["code"])
            if person is None:
                s.add(Staff(code=f["code"], name=f["name"], unit=unit, post=f.get("post", ""),
                            attendance_no=f.get("attendance_no", ""), phone=f.get("phone", "")))
                added += 1
                continue
            before = (person.name, person.post, person.attendance_no, person.phone,
                      person.unit_id)
            for field in STAFF_FIELDS:
                if f.get(field):
                    setattr(person, field, f[field])
            person.unit = unit
            s.flush()
            after = (person.name, person.post, person.attendance_no, person.phone,
                     person.unit_id)
            changed += before != after
            unchanged += before == after
        if problems:
            raise InputError(problems)
        s.info["dry_run"] = dry_run
    return ImportReport(added, changed, unchanged)


def export_units(db: Database, path: Path) -> Path:
    from kaohe_desktop.io.roster_workbook import write_roster

    rows = [[u.code, u.name, u.area, u.kind, u.phone, "在用" if u.active else "停用"]
            for u in list_units(db, include_inactive=True)]
    return write_roster(path, ["编号", "名称", "所属街道", "类型", "电话", "状态"], rows, "单位")


def export_staff(db: Database, path: Path) -> Path:
    from kaohe_desktop.io.roster_workbook import write_roster

    rows = [[p.code, p.name, p.unit_code, p.unit_name, p.post, p.attendance_no, p.phone]
            for p in list_staff(db, include_inactive=True)]
    return write_roster(path, ["编号", "姓名", "单位编号", "所属单位", "岗位", "考勤号", "电话"],
                        rows, "人员")
