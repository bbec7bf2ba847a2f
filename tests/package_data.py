"""Databases for the data-package tests (issue 18 §2), made with the services: a township
that sets up an assessment of two village stations and hands it to the villages as a
package, and villages that score it offline and send their packages back.

Imported by the service, CLI and window tests (`from package_data import …`).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.database import Database, open_db
from kaohe_desktop.services.office_settings import save_office_settings
from kaohe_desktop.services.package_export import export_package
from kaohe_desktop.services.package_import import import_package

TOWN = "城关镇便民服务中心"
VILLAGES = {"V01": "东村便民服务室", "V02": "西村便民服务室"}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def office(path: Path, issuer: str) -> Database:
    db = open_db(path)
    save_office_settings(db, {"issuer": issuer})
    return db


def township(folder: Path) -> tuple[Database, int]:
    """The township: two village stations with two staff each, and a CY2019 assessment of
    both stations scored by 第一组."""
    folder.mkdir(parents=True, exist_ok=True)
    db = office(folder / "town.db", TOWN)
    for code, name in VILLAGES.items():
        roster.add_unit(db, name, code=code, area="城关镇")
        for k in (1, 2):
            roster.add_staff(db, f"{name[:2]}{k}号", code, code=f"{code}-{k:02d}", post="窗口受理员")
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2024"), subjects="units",
        groups=[GroupSpec("第一组", "上级")], name="2024年度村便民服务室考核")
    return db, info.id


def village(folder: Path, code: str, town_package: Path) -> Database:
    """A village PC: its own database, filled from the township's package."""
    folder.mkdir(parents=True, exist_ok=True)
    db = office(folder / f"{code}.db", VILLAGES[code])
    import_package(db, town_package)
    return db


def score_village(db: Database, code: str, values: dict[str, str], *,
                  evidence: Path | None = None) -> None:
    """The village's assessor 张三 (第一组) scores its own station; one bonus with a photo."""
    for item, value in values.items():
        scores.set_score(db, 1, code, item, value, assessor="张三", group="第一组")
    if evidence is not None:
        scores.record_event(db, 1, code, "B2", 3, matter="省级媒体报道", note="2024年6月",
                            evidence_file=evidence)


def export(db: Database, out: Path, **scope: object) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return export_package(db, out, **scope).path


def photo(folder: Path) -> Path:
    path = folder / "现场照片.png"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    return path


def rewrite_member(package: Path, member: str, change, *, target: Path | None = None) -> Path:
    """A copy of the package with one member's bytes changed by `change(bytes) -> bytes`
    (the manifest left as it was, unless the member is the manifest itself)."""
    target = target or package.with_name(f"altered-{package.name}")
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, change(data) if info.filename == member else data)
    return target


def edit_manifest(package: Path, sign_with: object = None, **fields: object) -> Path:
    """A copy whose manifest has `fields` changed; signed again with the office key of
    `sign_with` (a database or its file), as a real package with those fields would be."""
    def change(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest.update(fields)
        if sign_with is not None:
            from kaohe_desktop.io.package_format import signed_bytes
            from kaohe_desktop.services.package_signing import sign_package

            manifest["signature"] = sign_package(sign_with, signed_bytes(manifest))
        return json.dumps(manifest, ensure_ascii=False).encode()

    return rewrite_member(package, "manifest.json", change,
                          target=package.with_name(f"edited-{package.name}"))


def flip_byte(package: Path, member: str) -> Path:
    """A copy with one byte flipped inside `member`'s compressed data (a bad USB copy)."""
    target = package.with_name(f"damaged-{package.name}")
    data = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as zf:
        info = zf.getinfo(member)
    # the local header: 30 bytes + name + extra, then the compressed data
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x5A
    target.write_bytes(bytes(data))
    return target
