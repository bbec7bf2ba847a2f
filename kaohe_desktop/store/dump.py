"""The program's own portable dump of a whole database: a zip with `manifest.json` (format,
schema revision, row counts, SHA-256 of every member) and one JSON-lines member per table,
rows in key order.

It is how a PostgreSQL database is backed up (README 乡镇服务器: no pg_dump needed on the
PC that makes it, and the same file restores on any PostgreSQL server of the same schema
revision); a SQLite file can be dumped and restored the same way. Rows are copied as they are, the audit
chain included, so `kaohe audit verify` holds after a restore exactly as before.

Values that JSON has no type for are tagged: {"$dt": iso} datetime, {"$d": iso} date,
{"$t": iso} time, {"$dec": text} Decimal, {"$b": base64} bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, func, select, text
from sqlalchemy.types import NullType

from kaohe_desktop.domain.errors import InputError, Problem

FORMAT = "kaohe-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 5_000


@dataclass(frozen=True)
class DumpInfo:
    path: Path
    revision: str
    created_at: str
    counts: dict[str, int]

    def holds(self) -> str:
        c = self.counts
        return (f"站点 {c.get('unit', 0)}，人员 {c.get('staff', 0)}，考核 {c.get('assessment', 0)}，"
                f"评分 {c.get('score', 0)}")


def _encode(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, date):
        return {"$d": v.isoformat()}
    if isinstance(v, time):
        return {"$t": v.isoformat()}
    if isinstance(v, Decimal):
        return {"$dec": str(v)}
    if isinstance(v, (bytes, memoryview)):
        return {"$b": base64.b64encode(bytes(v)).decode()}
    return v


_DECODERS = {"$dt": datetime.fromisoformat, "$d": date.fromisoformat, "$t": time.fromisoformat,
             "$dec": Decimal, "$b": base64.b64decode}


def _decode(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1:
        (tag, raw), = v.items()
        if tag in _DECODERS:
            return _DECODERS[tag](raw)
    return v


def _tables(conn: Connection) -> list[Table]:
    """Every table of the database, parents before children. On SQLite the columns are
    read and written as stored (no type conversion): a restored file holds the very same
    texts (a moment written by CURRENT_TIMESTAMP keeps its format)."""
    meta = MetaData()
    meta.reflect(conn)
    if conn.dialect.name == "sqlite":
        for table in meta.tables.values():
            for col in table.columns:
                col.type = NullType()
    return list(meta.sorted_tables)


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order))
    for row in result.mappings():
        yield {k: _encode(v) for k, v in row.items()}


def write_dump(engine: Engine, target: Path, revision: str) -> DumpInfo:
    """Dump every table into `target` (written under a temporary name, then renamed).
    One repeatable-read transaction on PostgreSQL: a consistent picture while others save."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for table in _tables(conn):
                sha = hashlib.sha256()
                n = 0
                with zf.open(f"tables/{table.name}.jsonl", "w") as out:
                    for row in _rows(conn, table):
                        line = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
                        sha.update(line)
                        out.write(line)
                        n += 1
                counts[table.name] = n
                digests[f"tables/{table.name}.jsonl"] = sha.hexdigest()
            created = datetime.now().isoformat(" ", "seconds")
            zf.writestr(MANIFEST, json.dumps({
                "format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
                "created_at": created, "dialect": conn.dialect.name,
                "tables": list(counts), "counts": counts, "sha256": digests,
            }, ensure_ascii=False, indent=1))
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    return DumpInfo(target, revision, created, counts)


def read_manifest(path: Path) -> dict[str, Any]:
    """The dump's manifest; InputError naming the file when it is not a whole dump."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(Problem(f"不是本程序的备份文件，或文件不完整（{exc}）", file=str(path))) from None
    if manifest.get("format") != FORMAT:
        raise InputError(Problem("不是本程序的备份文件", file=str(path)))
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise InputError(Problem(f"备份文件格式为第 {manifest['format_version']} 版，本程序只认到第 "
                                 f"{FORMAT_VERSION} 版：请先升级程序", file=str(path)))
    return manifest


def describe_dump(path: Path) -> DumpInfo:
    m = read_manifest(path)
    return DumpInfo(path, m["schema_revision"], m["created_at"], dict(m["counts"]))


def restore_dump(engine: Engine, source: Path, revision: str) -> DumpInfo:
    """Replace every row of the database at `engine` (already at schema `revision`) with
    the dump's, in one transaction: checked whole (every member's digest) before anything
    is deleted; on any error nothing changes."""
    manifest = read_manifest(source)
    if manifest["schema_revision"] != revision:
        raise InputError(Problem(
            f"备份的数据库结构版本为 {manifest['schema_revision']}，当前数据库为 {revision}："
            "请用同一版本的程序恢复到新建的数据库", file=str(source)))
    with zipfile.ZipFile(source) as zf:
        for member, digest in manifest["sha256"].items():
            if hashlib.sha256(zf.read(member)).hexdigest() != digest:
                raise InputError(Problem(f"备份文件已损坏（{member} 校验不符），未恢复任何数据",
                                         file=str(source)))
        with engine.begin() as conn:
            tables = _tables(conn)
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " CASCADE"))
            else:
                for table in reversed(tables):
                    conn.execute(table.delete())
            for table in tables:
                member = f"tables/{table.name}.jsonl"
                if member not in manifest["sha256"]:
                    continue
                batch: list[dict[str, Any]] = []
                with zf.open(member) as fh:
                    for line in fh:
                        batch.append({k: _decode(v) for k, v in json.loads(line).items()})
                        if len(batch) >= BATCH:
                            conn.execute(table.insert(), batch)
                            batch = []
                if batch:
                    conn.execute(table.insert(), batch)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, tables)
    return DumpInfo(source, manifest["schema_revision"], manifest["created_at"], dict(manifest["counts"]))


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Rows came with their ids: each id sequence must continue after the largest."""
    for table in tables:
        for col in table.primary_key.columns:
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": f'"{table.name}"', "c": col.name}).scalar()
            if seq:
                top = conn.execute(select(func.max(col))).scalar()
                conn.execute(text("SELECT setval(:s, :v, :called)"),
                             {"s": seq, "v": top or 1, "called": top is not None})
