"""A plain table as a one-sheet .xlsx: a title row, a bold header, the rows, notes below.

For report-like exports the user reads and prints in Excel (the attendance summary, the
register of certificates); not meant to be imported back. Written through
`io.sheet_writer` (write-only, text always text, prints on A4 with page numbers).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from .sheet_writer import Table, write_tables


def write_table(path: Path, sheet: str, title: str, headers: Sequence[str],
                rows: Iterable[Sequence[object]], *, widths: Sequence[int] = (),
                notes: Sequence[str] = (), key_columns: int = 2,
                decimals: Collection[int] = ()) -> Path:
    """Write the table; row 1 is the title, row 2 the header, data from row 3."""
    return write_tables(path, [Table(sheet, title, headers, rows, widths=widths, notes=notes,
                                     key_columns=key_columns, decimals=decimals)])
