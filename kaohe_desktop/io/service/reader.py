"""Reading service records (办件, 好差评, 投诉) from whatever platform exported them.

The layout is found from the content, never from the file name or position: the header
is the first row (within 15) holding a record-number column (办件编号, 申报号, 评价编号 …);
title rows above it and a second merged header row below it (受理信息 / 受理时间) are
handled by `io.attendance.table.find_header`. The kind (requests, ratings, complaints) is
the one whose required fields the header has most of, unless the caller names it. A layout
not recognised can be read with a `mapping` (field → header text), which the service
remembers per header shape. Every file passes the shared container check first
(`io.attendance.container.open_source`: zip bombs, dense ranges, broken .xls).

Values stay raw here (text, numbers, datetimes); the service layer converts and names the
problems, so a preview can list every bad cell at once. A year's export holds 100,000 rows:
they are handed over once, row by row (`ParsedService.take`), each row's list released as
soon as its values are taken, so the raw cells and the converted records are never both
held in full (issue 17: peak memory < 300 MB).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.io.sheet_scan import TOO_BIG

from ..attendance.container import Source, open_source
from ..attendance.table import Header, build_header
from ..attendance.texttable import ragged_table
from ..workbook import column_letter
from .spreadsheet_xml import TooLarge, is_spreadsheet_xml, spreadsheet_xml

KINDS = ("requests", "ratings", "complaints")
KIND_NAMES = {"requests": "办件", "ratings": "好差评", "complaints": "投诉"}

# field → header aliases (compared without spaces and bracketed notes: 承诺时限（工作日）)
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "requests": {
        "no": ("办件编号", "申报号", "登记编号", "办件统一编号", "受理编号", "业务流水号", "流水号",
               "收件编号", "申办流水号", "办件流水号", "受理号", "受理流水号", "申报编号", "申请编号",
               "办件号", "业务编号", "统一办件编号", "办件统一编码", "申请流水号"),
        "matter": ("事项名称", "代办事项", "办件名称", "服务事项", "申请事项", "事项", "业务名称",
                   "审批事项", "业务事项", "办理事项"),
        "kind": ("办件类型", "事项类型", "办件类别"),
        "unit": ("受理部门", "受理窗口", "受理单位", "受理部门名称", "窗口", "服务窗口", "所属窗口", "部门",
                 "受理站点", "单位", "办理部门", "部门名称", "所在窗口", "办理窗口", "受理机构",
                 "实施机构", "办理单位"),
        "person_name": ("受理人", "经办人", "受理人员", "收件人", "办理人", "经办人姓名", "工作人员",
                        "代办员", "受理人姓名", "事项受理人姓名", "受理人员姓名", "收件人员",
                        "窗口人员", "窗口人员姓名", "经办人员", "办理人员", "工作人员姓名"),
        "person_code": ("工号", "经办人工号", "受理人工号", "人员编号", "员工编号", "窗口人员工号",
                        "受理人员工号", "收件人工号", "工作人员工号", "办理人工号"),
        "accepted": ("受理时间", "受理日期", "收件时间", "申请时间", "登记时间", "事项受理时间",
                     "申报时间", "申报日期", "收件日期", "申请日期", "接件时间", "受理时间点"),
        # days (5, 5个工作日, 即办) — or the deadline itself, as some platforms export it;
        # never 法定时限 (the law's limit, not the one promised)
        "limit": ("承诺时限", "承诺期限", "承诺办结时限", "办理时限", "时限", "承诺办结时间",
                  "承诺办结日期", "应办结时间", "应办结日期", "办结期限", "到期时间", "承诺时间",
                  "承诺办理时限", "承诺办结期限", "承诺天数"),
        "finished": ("办结时间", "办结日期", "完成时间", "办结人员办结时间", "实际办结时间",
                     "实际办结日期", "事项办结时间", "办结时间点"),
        "status": ("办理状态", "办件状态", "状态", "办理结果", "当前状态", "当前环节", "办件结果"),
    },
    "ratings": {
        "no": ("评价编号", "评价流水号", "评价单号", "评价ID", "评价标识", "评价记录编号", "评价号"),
        "req_no": ("办件编号", "关联办件编号", "办件统一编号", "申报号", "业务流水号", "申办流水号",
                   "办件流水号", "受理号", "办件号", "受理编号"),
        "channel": ("评价渠道", "评价方式", "评价来源", "评价途径", "评价终端"),
        "level": ("评价等级", "评价星级", "整体满意度", "满意度", "评价结果", "星级", "评价级别",
                  "满意程度", "评分", "评价分值", "总体满意度", "满意度评价"),
        "content": ("评价内容", "评价意见", "差评原因", "评价详情", "评价描述", "差评内容", "意见建议"),
        "at": ("评价时间", "评价日期"),
        "person_name": ("被评价人", "工作人员", "经办人", "经办人名称", "被评价工作人员", "受理人",
                        "被评价人员", "窗口人员", "工作人员姓名", "经办人姓名", "受理人姓名",
                        "被评价人姓名"),
        "person_code": ("工号", "人员编号", "经办人工号", "窗口人员工号", "被评价人工号",
                        "工作人员工号"),
        "unit": ("所属窗口", "服务单位", "窗口", "受理部门名称", "被评价窗口", "单位", "受理部门",
                 "所在窗口", "评价窗口", "办理部门", "部门名称", "所属单位", "服务窗口"),
        "rect_note": ("整改情况", "整改结果", "整改措施", "差评整改情况", "处理情况"),
        "rect_done": ("整改完成时间", "整改时间", "整改完成日期", "整改办结时间"),
        "visit_at": ("回访时间", "回访日期"),
        "visit_result": ("回访结果", "回访情况", "回访意见"),
    },
    "complaints": {
        "no": ("投诉编号", "工单编号", "编号", "投诉单号", "工单号", "工单流水号", "投诉登记号"),
        "at": ("投诉时间", "投诉日期", "交办时间", "登记时间", "时间", "来电时间", "诉求时间",
               "反映时间", "登记日期", "派单时间"),
        "source": ("投诉来源", "来源", "诉求渠道", "投诉渠道", "投诉方式", "诉求来源", "来电渠道"),
        "person_name": ("被投诉人", "被投诉人员", "涉及人员", "被投诉人姓名", "涉事人员", "被反映人"),
        "person_code": ("工号", "被投诉人工号"),
        "unit": ("被投诉窗口", "被投诉单位", "承办单位", "主办单位", "窗口", "单位", "所在窗口",
                 "所属窗口", "被投诉部门", "责任单位", "涉及单位", "所在单位"),
        "content": ("投诉内容", "诉求内容", "内容", "投诉事由", "投诉事项", "诉求描述", "反映内容",
                    "工单内容"),
        "verdict": ("核实结果", "核查结果", "是否属实", "调查核实情况", "核实情况", "调查结果",
                    "核查情况", "是否有效"),
        "closed": ("办结时间", "办结日期"),
        "type": ("诉求类型", "诉求分类", "工单类型", "来电类型", "诉求性质"),
    },
}
REQUIRED = {"requests": ("no", "accepted"), "ratings": ("no", "level", "at"),
            "complaints": ("no", "at")}
# words that only one kind's header has: tell a ratings export carrying 办件编号 from a 办件 log
MARKERS = {"requests": ("accepted", "limit", "finished"), "ratings": ("level",),
           "complaints": ("verdict", "person_name")}
FIELD_NAMES = {"no": "编号", "req_no": "办件编号", "matter": "事项名称", "kind": "办件类型",
               "unit": "窗口/单位", "person_name": "姓名", "person_code": "工号",
               "accepted": "受理时间", "limit": "承诺时限", "finished": "办结时间", "status": "办理状态",
               "channel": "评价渠道", "level": "评价等级", "content": "内容", "at": "时间",
               "rect_note": "整改情况", "rect_done": "整改完成时间", "visit_at": "回访时间",
               "visit_result": "回访结果", "source": "来源", "verdict": "核实结果",
               "closed": "办结时间", "type": "诉求类型"}
SCAN_ROWS = 15
_NOTE_RX = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_MARKS = "*＊"  # templates mark required columns: *办件编号
# rows under a table that are not records: its totals, and the sign-off lines exports add
# (制表人：…, 审核人：…, 导出时间：…, 注：…); a row is judged by its first value's start
_TOTAL_WORDS = ("合计", "总计", "小计", "共计",
                "制表", "填表", "填报人", "填报日期", "填报单位", "审核人", "审核：", "审核:", "复核人",
                "导出时间", "导出日期", "导出人", "打印时间", "打印日期", "打印人", "统计时间",
                "统计日期", "统计人", "查询条件", "数据来源", "备注：", "备注:", "说明：", "说明:",
                "注：", "注:", "负责人", "单位负责人")
_TOTAL_FIRST = frozenset(w[0] for w in _TOTAL_WORDS)


def hnorm(value: object) -> str:
    """Header text for comparison: no spaces, no bracketed note, no trailing colon."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split()).rstrip(":：").lstrip(_MARKS)
    return _NOTE_RX.sub("", text).casefold()


def _name(normed: str) -> str:
    """A header cell as `build_header` normalised it, compared like `hnorm`."""
    return _NOTE_RX.sub("", normed).lstrip(_MARKS).casefold()


@dataclass
class ParsedService:
    file: str
    kind: str
    sheet: str
    layout: str                   # e.g. "表头第3–4行"
    columns: dict[str, str]       # field → column label, for messages
    signature: str = ""           # the header shape a remembered mapping is keyed by
    headers: list[str] = field(default_factory=list)  # header labels, for a mapping dialog
    fields: tuple[str, ...] = ()  # every field of the kind: the order of each row's values
    _rows: _Rows | None = field(default=None, repr=False)
    sheets: list[str] = field(default_factory=list)  # every sheet read, in order
    # the further sheets holding the same kind of table (one per month, say): name, column
    # labels, and how to read its rows once the previous sheet's are taken
    _more: list[tuple[str, dict[str, str], Callable[[], _Rows]]] = field(
        default_factory=list, repr=False)
    other_kinds: list[tuple[str, str]] = field(default_factory=list)  # (sheet, kind) not read

    def take(self) -> Iterator[tuple[int, tuple[object, ...]]]:
        """(Excel row number, values in `fields` order) of every data row, once: blank
        and total rows skipped, a field the file lacks is None. Each row's cells are
        released as it is taken. Over several sheets, `sheet` and `columns` name the one
        being taken (for problems)."""
        rows, self._rows = self._rows, None
        if rows is None:
            raise RuntimeError("the rows of a parsed service file are taken once")
        return self._chain(rows) if self._more else rows.take()

    def _chain(self, rows: _Rows) -> Iterator[tuple[int, tuple[object, ...]]]:
        yield from rows.take()
        for sheet, columns, make in self._more:
            self.sheet, self.columns = sheet, columns
            yield from make().take()


class _Rows:
    """The sheet's rows below the header and where each field's values are. The rows come
    in parts (`Source.row_parts`: a large sheet's first part is read while the rest is
    still being parsed), each with the share of the sheet read once it is taken (for the
    progress)."""

    def __init__(self, parts: Iterable[tuple[list[list[object]], float]], first: int,
                 cols: list[int | None], no_col: int,
                 progress: Callable[[int, int], object] | None) -> None:
        self.parts, self.first, self.no_col, self.progress = iter(parts), first, no_col, progress
        self.width = max(c for c in cols if c is not None) + 1
        # a field the file lacks reads the None appended at the end of each row
        self.missing = any(c is None for c in cols)
        self.pick = itemgetter(*(-1 if c is None else c for c in cols))

    def take(self) -> Iterator[tuple[int, tuple[object, ...]]]:
        parts, no_col, pick, width, missing, progress = (
            self.parts, self.no_col, self.pick, self.width, self.missing, self.progress)
        self.parts = iter(())
        offset = 0  # the index of a part's first row in the sheet
        for rows, share in parts:
            total = round((offset + len(rows)) / share) if share else offset + len(rows)
            for j in range(max(self.first - offset, 0), len(rows)):
                i = offset + j
                raw = rows[j]
                rows[j] = None  # type: ignore[call-overload]  # released row by row
                if progress is not None and i % 2000 == 0:
                    progress(i, total)
                no = raw[no_col] if no_col < len(raw) else None
                if no is None or no == "":
                    if not any(v not in ("", None) for v in raw) or _is_total(raw):
                        continue
                else:
                    first = no  # the row's first value: a total row starts with 合计 …
                    if no_col:
                        for k in range(no_col):
                            v = raw[k]
                            if v != "" and v is not None:
                                first = v
                                break
                    if isinstance(first, str) and (first[:1] in _TOTAL_FIRST or first[:1] == " ") \
                            and _is_total((first,)):
                        continue
                n = len(raw)
                if n < width:  # a short row (text tables, a part narrower than the sheet)
                    raw = raw + [""] * (width - n)
                if missing:
                    raw.append(None)
                yield i + 1, pick(raw)
            offset += len(rows)
        if progress is not None:
            progress(offset, offset)


def _alias_sets() -> dict[str, dict[str, set[str]]]:
    return {k: {f: {hnorm(a) for a in al} for f, al in fs.items()} for k, fs in FIELDS.items()}


_ALIASES = _alias_sets()


def _locate(header: Header, kind: str) -> dict[str, int]:
    """field → column: a leaf name first, else a group name (a merged cell over one column)."""
    names = [_name(n) for n in header.names]
    cols: dict[str, int] = {}
    taken: set[int] = set()
    for f, aliases in _ALIASES[kind].items():
        # prefer the first alias listed: 办件编号 over 申报号 when a file has both
        for alias in FIELDS[kind][f]:
            a = hnorm(alias)
            j = next((j for j, n in enumerate(names) if n == a and j not in taken), None)
            if j is not None:
                cols[f] = j
                taken.add(j)
                break
        del aliases
    return cols


def _score(cols: dict[str, int], kind: str) -> int:
    if not all(f in cols for f in REQUIRED[kind]):
        return -1
    return len(cols) + 5 * sum(f in cols for f in MARKERS[kind])


def _header_at(rows: list[list[object]], i: int) -> Header:
    """Row i as a header, with a second header row when the row below is one (the
    record-number column is empty there while others are not, and no cell is a date)."""
    top = rows[i]
    nxt = rows[i + 1] if i + 1 < len(rows) else []
    anchor = [j for j, v in enumerate(top) if any(hnorm(v) in _ALIASES[k]["no"] for k in KINDS)]
    two = (anchor and any(hnorm(v) for v in nxt)
           and all(j >= len(nxt) or not hnorm(nxt[j]) for j in anchor)
           and not any(isinstance(v, int | float) and not isinstance(v, bool) for v in nxt)
           and all(not isinstance(v, str) or not re.match(r"^\s*\d{2,4}[-/.年]\d", v) for v in nxt))
    return build_header(rows, i, 2 if two else 1)


def detect(rows: list[list[object]], kind: str | None) -> tuple[Header, str, dict[str, int]] | None:
    best: tuple[int, Header, str, dict[str, int]] | None = None
    for i, row in enumerate(rows[:SCAN_ROWS]):
        if sum(1 for v in row if hnorm(v)) < 2:
            continue
        header = _header_at(rows, i)
        for k in ((kind,) if kind else KINDS):
            cols = _locate(header, k)
            sc = _score(cols, k)
            if sc > 0 and (best is None or sc > best[0]):
                best = (sc, header, k, cols)
        if best is not None:
            break  # the first header row found is the table's
    return None if best is None else (best[1], best[2], best[3])


def signature(rows: list[list[object]]) -> str:
    """The header shape: the first non-empty row with 3+ cells, normalized and joined."""
    for row in rows[:SCAN_ROWS]:
        cells = [hnorm(v) for v in row]
        if sum(1 for c in cells if c) >= 3:
            return "|".join(cells).rstrip("|")[:500]
    return ""


def _mapped(rows: list[list[object]], mapping: Mapping[str, str]) -> tuple[Header, dict[str, int]] | None:
    # keys starting with __ say how to read (the remembered __kind__), not where a field is
    wanted = {f: hnorm(h) for f, h in mapping.items() if h and not f.startswith("__")}
    for i, _row in enumerate(rows[:SCAN_ROWS]):
        header = _header_at(rows, i)
        labels = [hnorm(x) for x in header.labels]
        names = [_name(n) for n in header.names]
        cols = {}
        for f, h in wanted.items():
            j = next((j for j in range(len(names)) if h in (names[j], labels[j])), None)
            if j is not None:
                cols[f] = j
        if "no" in cols and len(cols) == len(wanted):
            return header, cols
    return None


def _is_total(values: list[object]) -> bool:
    first = next((v for v in values if v not in ("", None)), "")
    return isinstance(first, str) and any(first.replace(" ", "").startswith(w) for w in _TOTAL_WORDS)


def read_service(path: Path | str, kind: str | None = None,
                 mapping: Mapping[str, str] | None = None,
                 progress: Callable[[int, int], object] | None = None,
                 split: bool = True) -> ParsedService:
    """Read every record of the first sheet that holds a service table, and of each later
    sheet holding a table of the same kind (one sheet per month, say).

    InputError (file named) when nothing readable is found; `progress(done, total)` may
    raise to cancel. `split=False` reads each sheet whole (see `sheet_halves.SplitFailed`,
    which taking the rows may raise otherwise)."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise InputError(Problem(f"记录类型只能是 {'、'.join(KINDS)} 之一", file=path.name,
                                 column="--kind", value=kind))
    src = open_table(path, split)
    if src.kind != "workbook":
        raise InputError(Problem("不是电子表格，无法读取服务记录", file=path.name))
    first_sig = ""
    first_head: list[list[object]] = []
    for sheet in src.sheet_names:
        head = src.head(sheet, SCAN_ROWS + 1)
        if not first_sig:
            first_sig = signature(head)
            first_head = head
        if mapping:
            found_m = _mapped(head, mapping)
            if found_m is None:
                continue
            header, cols = found_m
            k = kind or str(mapping.get("__kind__", "")) or "requests"
        else:
            found = detect(head, kind)
            if found is None:
                continue
            header, k, cols = found
        parts = _parts(src, sheet)
        fields = tuple(FIELDS[k])
        depth = header.depth
        layout = (f"表头第{header.row + 1}行" if depth == 1
                  else f"表头第{header.row + 1}–{header.row + depth}行（合并表头）")
        parsed = ParsedService(path.name, k, sheet, layout, _labels(header, cols), signature(head),
                               list(header.labels), fields,
                               _Rows(parts, header.first_data, [cols.get(f) for f in fields],
                                     cols["no"], progress), [sheet])
        names = list(src.sheet_names)
        for other in names[names.index(sheet) + 1:]:
            head = src.head(other, SCAN_ROWS + 1)
            more = _same_table(head, k, mapping)
            if more is None and not mapping and kind is None:
                another = detect(head, None)
                if another is not None:  # 办件 and 好差评 in one workbook: say so
                    parsed.other_kinds.append((other, another[1]))
            if more is not None:
                h2, c2 = more
                parsed.sheets.append(other)
                parsed._more.append((other, _labels(h2, c2), partial(
                    _later_rows, src, other, h2.first_data, [c2.get(f) for f in fields], c2["no"],
                    progress)))
        return parsed
    raise InputError(Problem(_not_found(kind, first_head), file=path.name,
                             value=first_sig[:80] if first_sig else None))


def open_table(path: Path, split: bool = True) -> Source:
    """`open_source`, also taking an Excel 2003 XML workbook (an ".xls" some platforms send)
    and a CSV whose title line is one cell (or that ends in 制表人：…) as tables."""
    src = open_source(path, split)
    if src.kind == "text":
        text = "\n".join(src.lines)
        if is_spreadsheet_xml(text):  # an "xls" that is Excel 2003 XML
            try:
                sheets = spreadsheet_xml(text)
            except TooLarge:
                raise InputError(Problem(TOO_BIG, file=src.path.name)) from None
            if sheets is not None:
                return Source(src.path, "workbook", tables=sheets)
            raise InputError(Problem("Excel 2003 XML 电子表格无法解析（文件不完整或已损坏）",
                                     file=src.path.name))
        rows = ragged_table(src.lines)
        if rows is not None:
            return Source(src.path, "workbook", tables={"Sheet1": rows})
    return src


def _labels(header: Header, cols: Mapping[str, int]) -> dict[str, str]:
    return {f: header.label(j) for f, j in cols.items() if not f.startswith("__")}


def _same_table(head: list[list[object]], kind: str,
                mapping: Mapping[str, str] | None) -> tuple[Header, dict[str, int]] | None:
    """A further sheet's table of the same kind (a workbook with one sheet per month)."""
    if mapping:
        return _mapped(head, mapping)
    found = detect(head, kind)
    return None if found is None else (found[0], found[2])


def _later_rows(src: Source, sheet: str, first: int, cols: list[int | None], no_col: int,
                progress: Callable[[int, int], object] | None) -> _Rows:
    return _Rows(_parts(src, sheet), first, cols, no_col, progress)


def _parts(src: Source, sheet: str) -> Iterator[tuple[list[list[object]], float]]:
    """The sheet's rows in parts (see `_Rows`); the source forgets the sheet once the
    first part is out: its cells are Python rows now, and the rest of a split sheet is
    held by the parts alone."""
    parts = src.row_parts(sheet)
    first = next(parts, None)
    src.forget(sheet)
    if first is not None:
        yield first
        yield from parts


_MAP_HINT = ("；请在窗口“服务记录”页导入并用“指定列”对应各列（按表头记住，之后命令行导入同样表头的"
             "文件也会使用），或把表头改成上述名称")


def _not_found(kind: str | None, head: list[list[object]]) -> str:
    """Why no table was found, in words: the kind the headers come closest to and the
    required columns it lacks (with names platforms use for them), else what is needed."""
    best: tuple[tuple[int, int], str, list[str]] | None = None
    for i, row in enumerate(head[:SCAN_ROWS]):
        if sum(1 for v in row if hnorm(v)) < 2:
            continue
        header = _header_at(head, i)
        for k in ((kind,) if kind else KINDS):
            cols = _locate(header, k)
            key = (sum(f in cols for f in REQUIRED[k]), len(cols))
            if cols and (best is None or key > best[0]):
                best = (key, k, [f for f in REQUIRED[k] if f not in cols])
    def named(k: str, missing: list[str]) -> str:
        return "；".join(f"{FIELDS[k][f][0]}（或 {'、'.join(FIELDS[k][f][1:4])}）" for f in missing)

    if best is not None:
        _, k, missing = best
        return f"像是{KIND_NAMES[k]}记录，但找不到这些列：{named(k, missing)}" + _MAP_HINT
    if kind:
        return (f"没有找到{KIND_NAMES[kind]}记录的表头，需要这些列：{named(kind, list(REQUIRED[kind]))}"
                + _MAP_HINT)
    return ("没有找到办件、好差评或投诉记录的表头（需要编号列，如 办件编号/申报号、评价编号、投诉编号，"
            "及时间列，如 受理时间、评价时间、投诉时间）" + _MAP_HINT)


def cell_label(parsed: ParsedService, f: str) -> str:
    return parsed.columns.get(f, FIELD_NAMES.get(f, f))


__all__ = ["FIELDS", "FIELD_NAMES", "KINDS", "KIND_NAMES", "ParsedService",
           "cell_label", "column_letter", "detect", "hnorm", "open_table", "read_service",
           "signature"]
