"""A clerk sums a row of the year-end tally in Excel and gets the printed total: read back
with openpyxl, every parent column is the sum of its children's columns, each section's
小计 the sum of its top-level items, and 总分 = Σ sections + 加分 − 减分 (README 计分规则)."""

from __future__ import annotations

from decimal import Decimal as D

import openpyxl
import pytest

from kaohe_desktop.io.sheet_writer import data_rows


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.demo import load_demo
    from kaohe_desktop.services.scores import add_event
    from kaohe_desktop.services.tally import export_tally

    folder = tmp_path_factory.mktemp("tally-sums")
    db = open_db(folder / "k.db")
    ids = load_demo(db, seed=5)
    add_event(db, ids["year"], "FR02", "D1", 1)
    wb = openpyxl.load_workbook(export_tally(db, 2024, folder / "年终汇总.xlsx"))
    yield wb
    db.close()


def num(value) -> D:
    return D(str(value)) if value is not None else D(0)


def test_summary_rows_add_up(workbook):
    ws = workbook["汇总"]
    head = [c.value for c in ws[2]]
    first, base, bonus = 4, head.index("基础分"), head.index("加分")
    minus, total, remark = head.index("减分"), head.index("总分"), head.index("说明")
    rows = data_rows(ws)
    assert rows
    for row in rows:
        # the sections make the base unless a 不适用 conversion (named in 说明) scaled it
        if "折算" not in (row[remark] or ""):
            assert sum(num(v) for v in row[first:base]) == num(row[base])
        assert num(row[base]) + num(row[bonus]) - num(row[minus]) == num(row[total])


def test_section_sheets_add_up(workbook):
    for ws in workbook.worksheets[1:]:
        head = [c.value for c in ws[2]]
        if head[-1] != "小计":
            continue
        codes = [str(h).split(" ")[0] for h in head[3:-1]]
        for row in data_rows(ws):
            values = dict(zip(codes, row[3:-1], strict=True))
            for code in codes:
                children = [c for c in codes if c.rsplit(".", 1)[0] == code and c != code]
                if children:
                    assert sum(num(values[c]) for c in children) == num(values[code]), (ws.title, code)
            tops = [c for c in codes if "." not in c.split(".", 1)[1]]
            assert sum(num(values[c]) for c in tops) == num(row[-1]), ws.title


def test_a_published_year_prints_its_sealed_results_digest(db, tmp_path):
    """The tally carries the digest sealed at publication, like the 公示 list."""
    from openpyxl import load_workbook

    from kaohe_desktop.services import assessments, audit, demo, tally

    ids = demo.load_demo(db)
    for action in ("submit", "approve", "publish"):
        assessments.change_state(db, ids["year"], action)
    digest = audit.results_digest(db, ids["year"])
    path = tally.export_tally(db, 2024, tmp_path / "汇总.xlsx")
    texts = [str(c.value) for row in load_workbook(path)["汇总"].iter_rows() for c in row if c.value]
    assert digest and any(f"结果校验码：{digest}" in t for t in texts)
