"""Finding a table's header in a sheet that may have title rows above it and a second,
merged header row below it (DingTalk/WeCom reports: '迟到' over '迟到次数 | 迟到时长').

The header is the first row (within the first 15) holding an anchor word (姓名, 工号 …).
The row below it is a second header row when the anchor's column is empty there but the
row is not — a data row always names its person. Each column gets a leaf name (the lower
cell, else the upper) and a group (the upper cell, carried right across a merge), so
'上班1/打卡时间' and '下班1/打卡时间' stay apart. Columns are found by name, never by
position: extra columns and another order are fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kaohe_desktop.io.workbook import column_letter

from .cells import norm

SCAN_ROWS = 15
_VALUE_RX = re.compile(r"^\s*(\d{2,4}[-/.年]\d{1,2}|\d{1,2}[:：]\d{2})")


@dataclass
class Header:
    row: int                  # 0-based index of the first header row
    depth: int                # 1 or 2 header rows
    names: list[str]          # per column: normalized leaf name
    groups: list[str]         # per column: normalized group name ("" if none)
    labels: list[str]         # per column: display text, e.g. "上班1 打卡时间"

    @property
    def first_data(self) -> int:
        return self.row + self.depth

    def find(self, aliases: Iterable[str], group: Iterable[str] | None = None,
             start: int = 0) -> int | None:
        """First column at or after `start` whose leaf name is one of `aliases` (and whose
        group is one of `group`, when given)."""
        wanted = {norm(a) for a in aliases}
        groups = {norm(g) for g in group} if group is not None else None
        for j in range(start, len(self.names)):
            if self.names[j] in wanted and (groups is None or self.groups[j] in groups):
                return j
        return None

    def find_all(self, aliases: Iterable[str], group: Iterable[str] | None = None) -> list[int]:
        wanted = {norm(a) for a in aliases}
        groups = {norm(g) for g in group} if group is not None else None
        return [j for j, n in enumerate(self.names)
                if n in wanted and (groups is None or self.groups[j] in groups)]

    def label(self, col: int) -> str:
        """'D（打卡时间）': the column letter and its header, for messages."""
        text = self.labels[col] if col < len(self.labels) else ""
        return f"{column_letter(col)}（{text}）" if text else column_letter(col)


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header_like(value: object) -> bool:
    """Could this cell be in a second header row? Text that is not a date or time, or a day
    number (DingTalk 月度汇总 heads its day columns with 1 … 31)."""
    if value is None or value == "":
        return True
    if isinstance(value, str):
        return not _VALUE_RX.match(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == int(value) and 1 <= value <= 31
    return False


def build_header(rows: list[list[object]], index: int, depth: int) -> Header:
    top = rows[index]
    low = rows[index + 1] if depth == 2 and index + 1 < len(rows) else []
    width = max(len(top), len(low))
    names, groups, labels = [], [], []
    group_n, group_d = "", ""
    for j in range(width):
        t = top[j] if j < len(top) else ""
        b = low[j] if j < len(low) else ""
        tn, bn = norm(t), norm(b)
        if tn:
            group_n, group_d = tn, _display(t)
        if depth == 2 and bn:
            names.append(bn)
            groups.append(group_n)
            labels.append(f"{group_d} {_display(b)}".strip() if group_n and group_n != bn
                          else _display(b))
        else:
            names.append(tn)
            groups.append("")
            labels.append(_display(t))
            if not tn:
                group_n, group_d = "", ""
    return Header(index, depth, names, groups, labels)


def find_header(rows: list[list[object]], anchors: Iterable[str],
                required: Iterable[Iterable[str]] = (), scan: int = SCAN_ROWS) -> Header | None:
    """The header of the first table whose header row holds an anchor word and, counting a
    second header row if there is one, at least one alias of each `required` group."""
    anchor_set = {norm(a) for a in anchors}
    needs = [{norm(a) for a in group} for group in required]
    for i, row in enumerate(rows[:scan]):
        cols = [j for j, v in enumerate(row) if norm(v) in anchor_set]
        if not cols:
            continue
        nxt = rows[i + 1] if i + 1 < len(rows) else []
        two = (any(norm(v) for v in nxt) and all(j >= len(nxt) or not norm(nxt[j]) for j in cols)
               and all(_header_like(v) for v in nxt))
        header = build_header(rows, i, 2 if two else 1)
        present = set(header.names) | set(header.groups)
        if all(need & present for need in needs):
            return header
    return None
