"""After merging packages: the disagreements waiting for a choice, settling one, and which
villages sent what (issue 18 §2).

`resolve_conflict(db, id, "ours"|"theirs")` keeps one value in one transaction: "theirs"
writes the package's value through the same session (checked and recorded like any
edit); either way the conflict row records the choice, who made it and when (recorded
too). `arrivals(db, year)` lists per sending office the packages received and, for the
township's units and the year's months, what has not arrived yet.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import PackageConflict, PackageOrigin, PackageReceipt, Unit

from .package_merge import KIND_NAMES
from .package_records import APPLY, values_hash
from .permissions import current_actor

KEEP = ("ours", "theirs")
KEEP_NAMES = {"ours": "保留本库的值", "theirs": "采用数据包的值"}


@dataclass(frozen=True)
class ConflictInfo:
    id: int
    kind: str
    kind_name: str
    label: str
    ours: dict[str, Any]  # values, author, office, at
    theirs: dict[str, Any]
    created_at: str
    resolution: str  # "" while open
    resolved_by: str
    resolved_at: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _info(row: PackageConflict) -> ConflictInfo:
    return ConflictInfo(row.id, row.kind, KIND_NAMES.get(row.kind, row.kind), row.label,
                        json.loads(row.ours), json.loads(row.theirs),
                        row.created_at.isoformat(sep=" ") if row.created_at else "",
                        row.resolution, row.resolved_by,
                        row.resolved_at.isoformat(sep=" ") if row.resolved_at else "")


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[ConflictInfo]:
    with db.session() as s:
        q = select(PackageConflict).order_by(PackageConflict.id)
        if not include_resolved:
            q = q.where(PackageConflict.resolution == "")
        return [_info(r) for r in s.scalars(q)]


def resolve_conflict(db: Database, conflict_id: int, keep: str) -> ConflictInfo:
    """Settle one conflict: keep "ours" (this database's value) or "theirs" (the package's)."""
    if keep not in KEEP:
        raise InputError(Problem("只能选 ours（保留本库的值）或 theirs（采用数据包的值）",
                                 column="--keep", value=keep))
    with db.session() as s:
        row = s.get(PackageConflict, conflict_id)
        if row is None:
            raise InputError(Problem("没有这个冲突", column="冲突编号", value=conflict_id))
        if row.resolution:
            raise InputError(Problem(f"这个冲突已于 {row.resolved_at:%Y-%m-%d %H:%M} 处理"
                                     f"（{KEEP_NAMES[row.resolution]}）", column="冲突编号",
                                     value=conflict_id))
        theirs = json.loads(row.theirs)
        if keep == "theirs":
            APPLY[row.kind](s, row.key, theirs["values"])
            # the record now holds the package's value: the office that sent it is its origin
            receipt = s.get(PackageReceipt, row.receipt_id) if row.receipt_id else None
            if receipt is not None:
                origin = s.get(PackageOrigin, (row.kind, row.key))
                at = datetime.fromisoformat(theirs["at"]) if theirs.get("at") else receipt.created_at
                digest = values_hash(theirs["values"])
                if origin is None:
                    s.add(PackageOrigin(table_name=row.kind, key=row.key,
                                        office_uuid=receipt.office_uuid, source_at=at,
                                        package_at=receipt.created_at, values_hash=digest))
                else:
                    origin.office_uuid, origin.source_at = receipt.office_uuid, at
                    origin.package_at, origin.values_hash = receipt.created_at, digest
        actor = current_actor(db, s)
        row.resolution = keep
        row.resolved_by = actor.login if actor is not None else ""
        row.resolved_at = datetime.now().replace(microsecond=0)
        s.flush()
        return _info(row)


# ----------------------------------------------------------------------------- arrivals


@dataclass
class OfficeArrivals:
    office_uuid: str
    office: str
    packages: list[dict[str, Any]] = field(default_factory=list)  # newest first
    units: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # YYYY-MM covered in the year
    missing_months: list[str] = field(default_factory=list)


@dataclass
class Arrivals:
    year: int
    offices: list[OfficeArrivals]
    missing_units: list[dict[str, str]]  # active units no package has covered

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "offices": [o.__dict__ for o in self.offices],
                "missing_units": self.missing_units}


def _months(start: str, end: str, year: int) -> set[str]:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    out = set()
    for m in range(1, 13):
        first = date(year, m, 1)
        if a <= first <= b or (a.year == year and a.month == m):
            out.add(f"{year}-{m:02d}")
    return out


def arrivals(db: Database, year: int | None = None) -> Arrivals:
    """Per sending office (village): its packages, the units and months they covered in
    `year` (default: this year), the months missing; and the units nothing has covered."""
    year = year or date.today().year
    with db.session() as s:
        receipts = list(s.scalars(select(PackageReceipt).order_by(PackageReceipt.received_at.desc(),
                                                                  PackageReceipt.id.desc())))
        units = [(u.code, u.name) for u in s.scalars(select(Unit).where(Unit.active)
                                                     .order_by(Unit.code))]
    offices: dict[str, OfficeArrivals] = {}
    covered_units: set[str] = set()
    months: dict[str, set[str]] = defaultdict(set)
    unit_sets: dict[str, set[str]] = defaultdict(set)
    for r in receipts:
        o = offices.setdefault(r.office_uuid, OfficeArrivals(r.office_uuid, r.office_name))
        scope = json.loads(r.scope)
        counts = json.loads(r.counts)
        o.packages.append({"id": r.id, "file": r.file_name, "created_at": r.created_at.isoformat(sep=" "),
                           "received_at": r.received_at.isoformat(sep=" "), "scope": scope.get("label", ""),
                           "signed": r.signed,
                           "new": sum(c["new"] for c in counts.values()),
                           "updated": sum(c["updated"] for c in counts.values()),
                           "conflicts": sum(c["conflicts"] for c in counts.values())})
        unit_sets[r.office_uuid].update(scope.get("units", []))
        for _kind, start, end in scope.get("periods", []):
            months[r.office_uuid] |= _months(start, end, year)
    every = [f"{year}-{m:02d}" for m in range(1, 13)]
    for key, o in offices.items():
        o.units = sorted(unit_sets[key])
        covered_units |= unit_sets[key]
        o.months = sorted(months[key])
        o.missing_months = [m for m in every if m not in months[key]]
    missing = [{"code": c, "name": n} for c, n in units if c not in covered_units]
    return Arrivals(year, sorted(offices.values(), key=lambda o: o.office), missing)
