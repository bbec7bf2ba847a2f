"""The data package file (`.kaohe`): a zip of JSON records and attachment files, with a
manifest naming the SHA-256 and size of every member.

Writing (`write_package`) goes through `safe_write`, so a full or pulled USB drive leaves
no half package. Reading (`open_package`) trusts nothing before it is checked:

- the file's size and the zip directory (member count, sizes, compression ratio,
  encryption — the same `check_zip_members` every workbook passes), so a zip bomb is
  refused before anything is inflated;
- member names (no paths leading out, no duplicates), the manifest (bounded size, the
  format this program reads), and that the members are exactly those it lists;
- every member streamed in chunks, never past its declared size, and its SHA-256
  compared with the manifest's.

A damaged or altered package is refused whole, naming the member; nothing of it is used.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kaohe_desktop.domain.errors import InputError, Problem

from .container_check import TOO_BIG, check_zip_members, read_member
from .safe_write import safe_write

FORMAT = "kaohe-package"
FORMAT_VERSION = 1  # what this program writes and the newest it reads
SUFFIX = ".kaohe"
MANIFEST = "manifest.json"
RECORDS = "records/"
ATTACHMENTS = "attachments/"
MAX_PACKAGE_BYTES = 1024 * 1024 * 1024     # on disk
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_RECORD_BYTES = 256 * 1024 * 1024        # one JSON member, uncompressed
MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024
# what inflating a damaged member raises (zlib's own error included: a flipped byte)
UNREADABLE = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error)
DAMAGED = "数据包已损坏或被改动，已拒绝整个数据包（未写入任何数据）"


def _refuse(file: str, reason: str) -> InputError:
    return InputError(Problem(reason, file=file))


def dumps(data: Any) -> bytes:
    """Records as compact UTF-8 JSON: the same data gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signed_bytes(manifest: Mapping[str, Any]) -> bytes:
    """What a signature covers: the manifest without its signature (which names every
    member's digest, so the signature covers the whole package)."""
    return dumps({k: v for k, v in manifest.items() if k != "signature"})


def write_package(target: Path, manifest: Mapping[str, Any], records: Mapping[str, Any],
                  attachments: Mapping[str, Path],
                  sign: Callable[[bytes], Mapping[str, Any] | None] | None = None) -> Path:
    """Write the package: `records` kind → JSON-ready data (records/<kind>.json),
    `attachments` member name (under attachments/) → the file to copy in. `manifest`
    gets the members' digests and the signature (`sign` of `signed_bytes`, or null)."""
    members: dict[str, dict[str, Any]] = {}
    blobs = {f"{RECORDS}{kind}.json": dumps(data) for kind, data in records.items()}
    for name, data in blobs.items():
        members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    for name, path in attachments.items():
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as fh:
            while block := fh.read(1024 * 1024):
                digest.update(block)
                size += len(block)
        members[f"{ATTACHMENTS}{name}"] = {"sha256": digest.hexdigest(), "size": size}
    full = {**manifest, "members": members}
    full["signature"] = sign(signed_bytes(full)) if sign is not None else None

    def produce(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr(MANIFEST, json.dumps(full, ensure_ascii=False, indent=1, sort_keys=True))
            for name, data in blobs.items():
                zf.writestr(name, data)
            for name, path in attachments.items():
                zf.write(path, f"{ATTACHMENTS}{name}")

    return safe_write(target, produce)


@dataclass
class PackageFile:
    """A package whose every member was checked against its manifest."""

    path: Path
    manifest: dict[str, Any]
    sha256: str  # of the whole file: the same file merged twice is known by it
    _members: dict[str, str] = field(default_factory=dict)  # name → digest

    @property
    def file(self) -> str:
        return str(self.path)

    def kinds(self) -> list[str]:
        return [n[len(RECORDS):-5] for n in self._members
                if n.startswith(RECORDS) and n.endswith(".json")]

    def records(self, kind: str) -> Any:
        """The JSON of records/<kind>.json ([] when the package has none), read again
        and checked again (the file could have changed since it was opened)."""
        name = f"{RECORDS}{kind}.json"
        if name not in self._members:
            return []
        data = self._read(name)
        try:
            return json.loads(data)
        except (UnicodeDecodeError, ValueError):
            raise _refuse(self.file, f"{DAMAGED}：部件 {name} 不是有效的 JSON") from None

    def attachment(self, name: str) -> bytes:
        return self._read(f"{ATTACHMENTS}{name}")

    def has_attachment(self, name: str) -> bool:
        return f"{ATTACHMENTS}{name}" in self._members

    def _read(self, name: str) -> bytes:
        try:
            with zipfile.ZipFile(self.path) as zf:
                data = read_member(zf, zf.getinfo(name))
        except (*UNREADABLE, KeyError):
            raise _refuse(self.file, f"{DAMAGED}：部件 {name} 无法读取") from None
        if hashlib.sha256(data).hexdigest() != self._members[name]:
            raise _refuse(self.file, f"{DAMAGED}：部件 {name} 与清单中的校验值不符")
        return data


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return (bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name
            and ":" not in name and not name.endswith("/"))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def open_package(path: Path | str,
                 verify_signature: Callable[[bytes, Mapping[str, Any]], str] | None = None
                 ) -> PackageFile:
    """Check the package whole (see the module's doc); InputError naming the file and
    the member on any fault. `verify_signature(signed_bytes, signature)` returns "" when
    a present signature holds, else why not."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise _refuse(file, "数据包文件不存在（或不是文件）")
    size = path.stat().st_size
    if size > MAX_PACKAGE_BYTES:
        raise _refuse(file, f"{TOO_BIG}：数据包有 {size // (1024 * 1024):,} MB")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _refuse(file, f"{DAMAGED}：压缩结构损坏（可能复制不完整），不是完整的数据包") from None
    with zf:
        infos = zf.infolist()
        check_zip_members(infos, file, max_member=MAX_ATTACHMENT_BYTES)
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise _refuse(file, f"{DAMAGED}：部件 {dup} 出现了两次")
        bad = next((n for n in names if not _safe_name(n)), None)
        if bad is not None:
            raise _refuse(file, f"{DAMAGED}：部件名 {bad[:80]} 不合法")
        by_name = {i.filename: i for i in infos}
        if MANIFEST not in by_name:
            raise _refuse(file, "不是本程序的数据包（没有 manifest.json）")
        info = by_name[MANIFEST]
        if info.file_size > MAX_MANIFEST_BYTES:
            raise _refuse(file, f"{TOO_BIG}：manifest.json 过大")
        try:
            manifest = json.loads(read_member(zf, info))
        except UNREADABLE:
            raise _refuse(file, f"{DAMAGED}：部件 {MANIFEST} 已损坏") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse(file, "不是本程序的数据包（manifest.json 不是数据包清单）")
        version = manifest.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise _refuse(file, f"数据包格式版本 {version} 比本程序能读的（{FORMAT_VERSION}）新，"
                                "请先升级本程序再导入")
        listed = manifest.get("members")
        if not isinstance(listed, dict):
            raise _refuse(file, f"{DAMAGED}：清单中没有部件列表")
        for name in by_name:
            if name != MANIFEST and name not in listed:
                raise _refuse(file, f"{DAMAGED}：部件 {name} 不在清单中（数据包被改动）")
        digests: dict[str, str] = {}
        for name, meta in listed.items():
            if name not in by_name:
                raise _refuse(file, f"{DAMAGED}：缺少清单列出的部件 {name}")
            if not isinstance(meta, dict) or meta.get("size") != by_name[name].file_size:
                raise _refuse(file, f"{DAMAGED}：部件 {name} 的大小与清单不符")
            limit = MAX_RECORD_BYTES if name.startswith(RECORDS) else MAX_ATTACHMENT_BYTES
            if by_name[name].file_size > limit:
                raise _refuse(file, f"{TOO_BIG}：部件 {name} 过大")
            digest = hashlib.sha256()
            try:
                with zf.open(by_name[name]) as fh:
                    total = 0
                    while block := fh.read(4 * 1024 * 1024):
                        total += len(block)
                        if total > by_name[name].file_size:
                            raise ValueError("member larger than declared")
                        digest.update(block)
            except UNREADABLE:
                raise _refuse(file, f"{DAMAGED}：部件 {name} 已损坏（解压校验失败）") from None
            if digest.hexdigest() != meta.get("sha256"):
                raise _refuse(file, f"{DAMAGED}：部件 {name} 与清单中的校验值不符")
            digests[name] = digest.hexdigest()
    signature = manifest.get("signature")
    if signature is not None and verify_signature is not None:
        why = verify_signature(signed_bytes(manifest), signature)
        if why:
            raise _refuse(file, f"{DAMAGED}：签名无效（{why}）")
    return PackageFile(path, manifest, _file_digest(path), digests)
