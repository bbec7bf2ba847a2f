"""Importing a data package (issue 18 §2): check it whole, preview, merge in one
transaction.

`import_package(db, path, dry_run=True)` is the preview and `dry_run=False` the merge:
the same code in one database session, rolled back for the preview, so the preview's
counts are exactly what the merge does. Before anything is read into the database the
file is checked (io/package_format.open_package: zip bomb and size limits, every
member's SHA-256 against the manifest, the signature when the office key module can
check one) and a package from a newer schema is refused with the version it needs. Any
refusal is an InputError naming the file (and member); nothing is written.

A receipt (`package_receipt`) records which office sent which package and when; the
same file merged again changes nothing and adds no receipt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.package_format import PackageFile, open_package
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import PackageReceipt, Setting
from kaohe_desktop.store.schema_head import SCHEMA_HEAD

from .office_settings import office_settings
from .package_export import OFFICE_UUID, SERVICE_MODELS
from .package_mapping import Mismatch, mismatches, remap
from .package_merge import KIND_NAMES, Merger, Tally
from .package_signing import verify_package
from .scores import attachments_root


def _revision_number(revision: str) -> int:
    head = revision.split("_", 1)[0]
    return int(head) if head.isdigit() else 0


def _own_office(db: Database) -> str:
    """This database's office UUID when it has exported before ("" otherwise: a preview
    writes nothing, not even the identity)."""
    with db.session() as s:
        row = s.get(Setting, OFFICE_UUID)
        return row.value if row is not None else ""


def read_package(path: Path | str) -> PackageFile:
    """Open and check a package (see the module's doc); refuse one from a newer schema."""
    package = open_package(path, verify_signature=verify_package)
    revision = str(package.manifest.get("schema_revision") or "")
    if _revision_number(revision) > _revision_number(SCHEMA_HEAD):
        raise InputError(Problem(
            f"数据包来自较新版本的程序（数据库结构版本 {revision}），本程序的结构版本为 {SCHEMA_HEAD}："
            f"请先把本程序升级到支持结构版本 {revision} 的版本，再导入这个数据包", file=str(path)))
    office = package.manifest.get("office")
    if not isinstance(office, dict) or not office.get("uuid") or not office.get("name"):
        raise InputError(Problem("数据包清单没有写明来自哪个单位，无法合并", file=str(path)))
    return package


@dataclass
class ImportReport:
    file: str
    office: str
    office_uuid: str
    created_at: str
    package_uuid: str
    signed: bool
    dry_run: bool
    counts: dict[str, Tally]
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # label, ours, theirs
    already: str | None = None  # when this very file was merged before
    receipt_id: int | None = None
    # units/people unknown here by code but known by name: a mapping choice to offer
    mismatches: list[Mismatch] = field(default_factory=list)
    mapped: list[Mismatch] = field(default_factory=list)  # suggestions taken (`map_suggested`)

    def totals(self) -> dict[str, int]:
        out = {"new": 0, "updated": 0, "unchanged": 0, "conflicts": 0}
        for t in self.counts.values():
            for k, v in t.as_dict().items():
                out[k] += v
        return out

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "office": self.office, "office_uuid": self.office_uuid,
                "created_at": self.created_at, "package_uuid": self.package_uuid,
                "signed": self.signed, "dry_run": self.dry_run, "already_merged": self.already,
                "receipt_id": self.receipt_id, "totals": self.totals(),
                "kinds": {k: t.as_dict() for k, t in self.counts.items()},
                "conflicts": self.conflicts,
                "mismatches": [m.as_json() for m in self.mismatches]}


def import_package(db: Database, path: Path | str, *, dry_run: bool = False,
                   unit_map: Mapping[str, str] | None = None,
                   staff_map: Mapping[str, str] | None = None,
                   map_suggested: bool = False) -> ImportReport:
    """Preview (`dry_run`) or merge one package; see the module's doc. `unit_map` and
    `staff_map` (package code → code here) merge a village's own codes into the
    township's records (`package_mapping`); the report lists the mismatches left.
    `map_suggested` takes every suggested mapping as well (the window's preview, whose
    ticks default to them), listed as `mapped`."""
    package = read_package(path)
    m = package.manifest
    sender = m["office"]
    created = datetime.fromisoformat(m["created_at"])
    if sender["uuid"] == _own_office(db):
        raise InputError(Problem("这是本数据库自己导出的数据包，无需导入", file=str(path)))
    local_office = office_settings(db).issuer or "本机"
    records = {kind: package.records(kind) for kind in package.kinds()}
    with db.session() as s:
        if dry_run:
            s.info["dry_run"] = True
        units, people = dict(unit_map or {}), dict(staff_map or {})
        taken = mismatches(s, remap(s, records, units, people)) if map_suggested else []
        for choice in taken:
            (units if choice.kind == "unit" else people)[choice.code] = choice.suggested
        records = remap(s, records, units, people)
        left_over = mismatches(s, records)
        merger = Merger(s, sender["uuid"], sender["name"], created, local_office,
                        None if dry_run else attachments_root(db), Path(path).name)
        before = s.scalars(select(PackageReceipt).where(
            PackageReceipt.sha256 == package.sha256).order_by(PackageReceipt.id)).first()
        unit_ids = merger.units(records.get("units", []))
        staff_ids = merger.staff(records.get("staff", []), unit_ids)
        rubric_ids = merger.rubrics(records.get("rubrics", []))
        assessments = records.get("assessments", [])
        by_uuid = merger.assessments(assessments, rubric_ids)
        merger.parts(assessments, by_uuid, unit_ids, staff_ids)
        merger.scores(records.get("scores", []), by_uuid)
        merger.events(records.get("events", []), by_uuid, package.attachment)
        merger.states(assessments, by_uuid)
        merger.punches(records.get("punches", []), staff_ids)
        for kind in SERVICE_MODELS:
            merger.service(kind, records.get(kind, []), unit_ids, staff_ids)
        receipt_id = None
        if before is None:
            receipt = PackageReceipt(
                package_uuid=m["package_uuid"], sha256=package.sha256,
                file_name=Path(path).name[:300], office_uuid=sender["uuid"],
                office_name=sender["name"], created_at=created,
                # the local clock, like the package's own time (SQLite's default is UTC)
                received_at=datetime.now().replace(microsecond=0),
                schema=str(m.get("schema_revision")), signed=m.get("signature") is not None,
                scope=json.dumps(_scope(records, m), ensure_ascii=False),
                counts=json.dumps({k: t.as_dict() for k, t in merger.counts.items()}))
            s.add(receipt)
            s.flush()
            receipt_id = receipt.id
        merger.write_conflicts(receipt_id)
        merger.write_origins()
        conflicts = [{"kind": KIND_NAMES[kind], "label": label, "ours": ours.__dict__,
                      "theirs": theirs.__dict__}
                     for kind, _key, label, ours, theirs in merger.conflicts]
        already = before.received_at.isoformat(sep=" ") if before is not None else None
    return ImportReport(str(path), sender["name"], sender["uuid"], m["created_at"],
                        m["package_uuid"], m.get("signature") is not None, dry_run,
                        merger.counts, conflicts, already, None if dry_run else receipt_id,
                        left_over, taken)


def _scope(records: Mapping[str, Any], manifest: Mapping[str, Any]) -> dict[str, Any]:
    """What a receipt remembers of a package's coverage: units, periods, the date span."""
    unit_of = {p["code"]: p["unit"] for p in records.get("staff", [])}
    units = {subj["unit"] or unit_of.get(subj["staff"], "")
             for a in records.get("assessments", []) for subj in a["subjects"]}
    units |= {unit_of.get(code, "") for code, _at in records.get("punches", [])}
    units = sorted(units - {""})
    periods = sorted({(a["period_kind"], a["period_start"], a["period_end"])
                      for a in records.get("assessments", [])})
    return {"units": units, "periods": [list(p) for p in periods], "span": manifest.get("span"),
            "label": manifest.get("scope", "")}
