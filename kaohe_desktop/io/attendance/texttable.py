"""Tables that arrive as text: many clock and HR programs save "考勤记录.xls" that is really
an HTML table or tab/comma-separated text (often GBK). Such a file is read into one sheet
of text cells, and then detected and read like any workbook. Prose, or text whose lines
do not share a column count, is not taken for a table.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

ATTLOG_RX = re.compile(r"^\s*\S+[\t ]+\d{2,4}[-/]\d{1,2}[-/]\d{1,2}")


def looks_like_attlog(lines: list[str]) -> bool:
    """Most of the first non-blank lines read 'PIN<TAB or spaces>YYYY-MM-DD …'."""
    sample = [s for s in lines[:60] if s.strip()]
    if not sample:
        return False
    good = sum(1 for s in sample if ATTLOG_RX.match(s))
    return good >= max(1, (len(sample) * 4 + 4) // 5)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) < 200 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._row.extend([""] * (self._span - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(text: str) -> list[list[list[str]]]:
    if "<table" not in text[:200000].lower():
        return []
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return [t for t in parser.tables if len(t) >= 2]


def ragged_table(lines: list[str]) -> list[list[str]] | None:
    """Rows of tab- or comma-separated text whose title and sign-off lines have fewer
    fields than the table (a title written as one cell, 制表人：… at the end), or None.
    The table is the field count most lines share (3+), held by at least half of the
    non-empty lines, every other line having fewer fields; every line stays a row, so row
    numbers are line numbers."""
    sample = [ln for ln in lines if ln.strip()]
    if len(sample) < 2:
        return None
    for sep in ("\t", ","):
        rows = [next(csv.reader([ln], delimiter=sep), []) for ln in lines]
        counts = [len(r) for r, ln in zip(rows, lines, strict=True) if ln.strip()]
        mode = max(set(counts), key=lambda c: (counts.count(c), c))  # a tie: the wider
        if (mode >= 3 and counts.count(mode) >= max(2, 0.5 * len(counts))
                and all(c <= mode for c in counts)):
            return [[cell.strip() for cell in row] for row in rows]
    return None


def delimited(lines: list[str]) -> list[list[str]] | None:
    """Rows of tab- or comma-separated text, or None if the lines are not such a table."""
    sample = [ln for ln in lines[:30] if ln.strip()]
    if len(sample) < 2:
        return None
    for sep in ("\t", ","):
        counts = [len(next(csv.reader([ln], delimiter=sep))) for ln in sample]
        if min(counts) >= 3 and sum(c == counts[0] for c in counts) >= len(counts) * 0.8:
            reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)
            return [[cell.strip() for cell in row] for row in reader]
    return None
