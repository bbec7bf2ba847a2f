"""The headers of a service-record file whose layout the reader does not recognise, for the
window's column-mapping dialog, and a first guess of which column holds which field.

The header row is the one `io.service.reader.signature` keys a remembered mapping by (the
first row with 3+ filled cells), so a mapping chosen here is found again for the next file
of that shape. Columns are named by their header text: that is what `read_service(mapping=…)`
looks them up by.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.attendance.cells import text as _text
from kaohe_desktop.io.service.reader import (
    FIELDS,
    KINDS,
    REQUIRED,
    SCAN_ROWS,
    hnorm,
    open_table,
    signature,
)
from kaohe_desktop.io.workbook import column_letter

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class ServiceHeaders:
    file: str
    sheets: tuple[str, ...]
    sheet: str
    header_row: int                     # 1-based
    columns: tuple[str, ...]            # header text per column ("" when empty)
    letters: tuple[str, ...]
    sample: tuple[tuple[str, ...], ...]  # the first data rows, as text
    signature: str


def file_headers(path: Path | str, sheet: str | None = None) -> ServiceHeaders:
    """The header row and a few sample rows of `sheet` (default: the first sheet that has a
    header-like row). InputError naming the file when none has one."""
    path = Path(path)
    src = open_table(path)
    if src.kind != "workbook":
        raise InputError(Problem("不是电子表格，无法读取服务记录", file=path.name))
    names = list(src.sheet_names)
    for name in ([sheet] if sheet else names):
        head = src.head(name, SCAN_ROWS + 1 + SAMPLE_ROWS)
        at = next((i for i, row in enumerate(head[:SCAN_ROWS])
                   if sum(1 for v in row if hnorm(v)) >= 3), None)
        if at is None:
            continue
        columns = tuple(_text(v) for v in head[at])
        width = len(columns)
        sample = tuple(tuple(_text(row[j]) if j < len(row) else "" for j in range(width))
                       for row in head[at + 1:at + 1 + SAMPLE_ROWS])
        return ServiceHeaders(path.name, tuple(names), name, at + 1, columns,
                              tuple(column_letter(j) for j in range(width)), sample,
                              signature(head[:SCAN_ROWS + 1]))
    raise InputError(Problem("找不到表头行（至少 3 个非空单元格的一行）", file=path.name,
                             sheet=sheet))


def guess_kind(columns: tuple[str, ...]) -> str:
    """The kind whose field names the headers resemble most (requests when none does)."""
    scores = {k: len(guess_mapping(columns, k)) + 3 * sum(f in guess_mapping(columns, k)
                                                           for f in REQUIRED[k]) for k in KINDS}
    best = max(KINDS, key=lambda k: scores[k])
    return best if scores[best] else "requests"


def guess_mapping(columns: tuple[str, ...], kind: str) -> dict[str, int]:
    """field → column index: a header equal to an alias, else one containing it."""
    normed = [hnorm(c) for c in columns]
    taken: set[int] = set()
    out: dict[str, int] = {}
    for exact in (True, False):
        for f, aliases in FIELDS[kind].items():
            if f in out:
                continue
            for alias in aliases:
                a = hnorm(alias)
                j = next((j for j, n in enumerate(normed) if j not in taken and n
                          and (n == a if exact else a in n)), None)
                if j is not None:
                    out[f] = j
                    taken.add(j)
                    break
    return out
