"""The year-end tally workbook: several styled sheets written in openpyxl's write-only
mode (1,000 units × 35 items in well under 3 s).

Plain data in (`TallySheet`: headers and rows of str / int / float / date / None); the
numbers arrive already rounded by the caller with `domain.numbers.as_number`, the one
rounding rule, so a cell equals what `kaohe rank` prints. Every sheet goes through
`io.sheet_writer`: text is always a string cell (a name like ``=HYPERLINK(…)`` is never a
formula), and the sheets print on A4 with titles, key columns and page numbers repeated.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .sheet_writer import Table, is_formula_like, sheet_name, write_tables

# A tally sheet is a plain `Table`: title row 1, headers row 2, data from row 3, notes below.
TallySheet = Table

__all__ = ["TallySheet", "is_formula_like", "sheet_name", "write_tally"]


def write_tally(path: Path | str, sheets: Iterable[TallySheet]) -> Path:
    """Write the workbook (the caller moves it into place: `io.safe_write`)."""
    return write_tables(path, sheets)
