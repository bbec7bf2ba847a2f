"""The 服务记录 page's long work as tasks.run_job jobs: reading a file (with its preview) and
committing an import. The helper-thread plumbing (progress that may raise to cancel) is the
考勤 page's `in_thread`; a worker never touches widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import service_layout, service_records
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.service_layout import ServiceHeaders
from kaohe_desktop.services.service_records import ServiceImportResult, ServicePreview

from ..attendance.jobs import in_thread
from ..common.tasks import Job, Progress, single_step


@dataclass
class ServiceRead:
    """A read file: its preview, or — for a layout the reader does not know and no mapping
    remembered for its header shape — the headers to choose a column mapping from."""

    path: Path
    preview: ServicePreview | None = None
    headers: ServiceHeaders | None = None
    mapping: dict[str, str] | None = None  # the mapping the file was read with, if any
    reason: str = ""          # why a remembered mapping could not be used
    remembered: bool = False  # read with the mapping saved for this header shape


def _columns(mapping: Mapping[str, str]) -> dict[str, str]:
    """The field → header part of a mapping. The reader looks every entry up as a header,
    so the kind ("__kind__", as the mapping is remembered) goes as its own argument."""
    return {f: h for f, h in mapping.items() if not f.startswith("__")}


def _read(db: Database, path: Path, mapping: Mapping[str, str] | None,
          progress: Callable[[int, int], None]) -> ServiceRead:
    if mapping is not None:
        kind = mapping.get("__kind__")
        return ServiceRead(path, service_records.preview_import(db, path, kind, _columns(mapping),
                                                                progress), mapping=dict(mapping))
    try:  # a layout the reader knows
        return ServiceRead(path, service_records.preview_import(db, path, progress=progress))
    except InputError as exc:
        first = exc
    try:  # a table the reader could not place: the columns remembered for its shape, or ask
        headers = service_layout.file_headers(path)
    except InputError:
        raise first from None  # not a table at all: the reader's message says why
    saved = service_records.remembered_mapping(db, headers.signature)
    if saved is None:
        return ServiceRead(path, headers=headers)
    try:
        preview = service_records.preview_import(db, path, saved.get("__kind__"), _columns(saved),
                                                 progress)
    except InputError as exc:  # the file has the shape but not the columns: ask again
        why = "上次为这种表头保存的列对应不适用：" + "；".join(p.reason for p in exc.problems)
        return ServiceRead(path, headers=headers, mapping=saved, reason=why)
    return ServiceRead(path, preview, mapping=saved, remembered=True)


def read_job(db: Database, path: Path, mapping: Mapping[str, str] | None = None) -> Job:
    """Read and preview a service-record file (nothing is written)."""

    def describe(done: int, total: int) -> str:
        return f"正在读取 {path.name}" + (f"（{done}/{total} 行）" if total else "…")

    def job() -> Generator[Progress, None, ServiceRead]:
        yield Progress(0, 0, describe(0, 0))
        return (yield from in_thread(lambda progress: _read(db, path, mapping, progress), describe,
                                     wait_on_cancel=False))

    return job


def commit_job(db: Database, preview: ServicePreview, people: Mapping[str, str],
               units: Mapping[str, str], remember: Mapping[str, str] | None) -> Job:
    """Write the previewed records in one transaction (the service commits at its end)."""
    return single_step(lambda: service_records.commit_import(db, preview, people, units, remember),
                       f"正在写入 {preview.file} 的 {preview.new + len(preview.updates)} 条记录…")


def result_text(result: ServiceImportResult) -> str:
    kind = service_records.KIND_NAMES[result.kind]
    if not result.added and not result.updated:
        known = f"文件中的 {result.existing} 条都已导入过，" if result.existing else ""
        return f"{result.file}：没有新的{kind}记录。{known}数据库没有变化。"
    text = f"已导入 {result.file}：新增{kind}记录 {result.added} 条"
    if result.updated:
        text += (f"，补全已有记录 {result.updated} 条"
                 f"（{service_records.COMPLETES[result.kind]}）")
    if result.existing:
        text += f"，已有 {result.existing} 条未重复导入"
    return text + (f"；{result.refreshed}" if result.refreshed else "") + "。"
