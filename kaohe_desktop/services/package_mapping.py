"""Units and staff whose codes differ between a village PC and the township (issue 18 §2:
"units and staff by code with a mapping choice for mismatches").

A package names units and people by code. When a village gave a station its own code
(V01) while the township's roster has it as FR01, merging by code would add a second
station. `mismatches` finds the package's units and people whose code is unknown here
but whose name (and, for a person, unit name) matches one record here, and offers that
record's code; `remap` rewrites every code of the records by the user's choice
(`kaohe package import … --map-unit V01=FR01 --map-staff P9=FR01-03`), before the merge.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.models import Staff, Unit


@dataclass(frozen=True)
class Mismatch:
    kind: str          # "unit" or "staff"
    code: str          # in the package
    name: str
    suggested: str     # the code here of the record with the same name ("" when none)

    def as_json(self) -> dict[str, str]:
        return asdict(self)

    def hint(self) -> str:
        what = "单位" if self.kind == "unit" else "人员"
        option = "--map-unit" if self.kind == "unit" else "--map-staff"
        return (f"{what} {self.code} {self.name}：本机没有这个编号，本机同名的是 {self.suggested}；"
                f"如是同一{what}，导入时加 {option} {self.code}={self.suggested}")


def mismatches(s: Session, records: Mapping[str, Any]) -> list[Mismatch]:
    """The package's units and people unknown here by code but known by name."""
    units_here = {code: name for code, name in s.execute(select(Unit.code, Unit.name))}
    by_name: dict[str, list[str]] = {}
    for code, name in units_here.items():
        by_name.setdefault(name, []).append(code)
    out = []
    unit_name = {r["code"]: r.get("name", "") for r in records.get("units", [])}
    for r in records.get("units", []):
        same = by_name.get(r.get("name", ""), [])
        if r["code"] not in units_here and len(same) == 1:
            out.append(Mismatch("unit", r["code"], r.get("name", ""), same[0]))
    people = records.get("staff", [])
    codes = {r["code"] for r in people}
    here = {code for (code,) in s.execute(select(Staff.code).where(Staff.code.in_(codes)))} \
        if codes else set()
    names = {r.get("name", "") for r in people if r["code"] not in here}
    found: dict[tuple[str, str], list[str]] = {}
    if names:
        for code, name, uname in s.execute(select(Staff.code, Staff.name, Unit.name)
                                           .outerjoin(Unit, Staff.unit_id == Unit.id)
                                           .where(Staff.name.in_(names))):
            found.setdefault((name, uname or ""), []).append(code)
    for r in people:
        same = found.get((r.get("name", ""), unit_name.get(r.get("unit", ""), "")), [])
        if r["code"] not in here and len(same) == 1:
            out.append(Mismatch("staff", r["code"], r.get("name", ""), same[0]))
    return out


def parse_map(pairs: list[str] | None, option: str) -> dict[str, str]:
    """`["V01=FR01", …]` → {"V01": "FR01"}; InputError naming the option for a bad pair."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        left, sep, right = pair.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise InputError(Problem("应写作 数据包中的编号=本机的编号", column=option, value=pair))
        out[left.strip()] = right.strip()
    return out


def remap(s: Session, records: dict[str, Any], units: Mapping[str, str],
          staff: Mapping[str, str]) -> dict[str, Any]:
    """A copy of `records` with unit and staff codes replaced as chosen. Each choice must
    name a code the package has and one this database has; nothing is merged otherwise."""
    if not units and not staff:
        return records
    problems = []
    for kind, chosen, model, option in (("units", units, Unit, "--map-unit"),
                                         ("staff", staff, Staff, "--map-staff")):
        theirs = {r["code"] for r in records.get(kind, [])}
        ours = set(s.scalars(select(model.code).where(model.code.in_(list(chosen.values()))))) \
            if chosen else set()
        for left, right in chosen.items():
            if left not in theirs:
                problems.append(Problem("数据包中没有这个编号", column=option, value=left))
            if right not in ours:
                problems.append(Problem("本机名册中没有这个编号", column=option, value=right))
    if problems:
        raise InputError(problems)
    subject = {**units, **staff}  # a subject, group member or score names either
    out = copy.deepcopy(records)
    for r in out.get("units", []):
        r["code"] = units.get(r["code"], r["code"])
    for r in out.get("staff", []):
        r["code"] = staff.get(r["code"], r["code"])
        r["unit"] = units.get(r.get("unit", ""), r.get("unit", ""))
    for a in out.get("assessments", []):
        for subj in a.get("subjects", []):
            subj["unit"] = units.get(subj.get("unit", ""), subj.get("unit", ""))
            subj["staff"] = staff.get(subj.get("staff", ""), subj.get("staff", ""))
        for g in a.get("groups", []):
            g["subjects"] = [subject.get(c, c) for c in g.get("subjects", [])]
    for row in out.get("scores", []):
        row[1] = subject.get(row[1], row[1])
    for r in out.get("events", []):
        r["subject"] = subject.get(r.get("subject", ""), r.get("subject", ""))
    for row in out.get("punches", []):
        row[0] = staff.get(row[0], row[0])
    for kind, rows in out.items():
        if kind in ("units", "staff", "assessments", "scores", "events", "punches", "rubrics"):
            continue
        for r in rows if isinstance(rows, list) else []:
            if isinstance(r, dict):
                if r.get("unit"):
                    r["unit"] = units.get(r["unit"], r["unit"])
                if r.get("staff"):
                    r["staff"] = staff.get(r["staff"], r["staff"])
    return out
