"""The year-end tally read back with openpyxl: cell for cell what `kaohe ranking` says."""

from __future__ import annotations

import openpyxl
import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import as_number
from kaohe_desktop.io.sheet_writer import data_rows
from kaohe_desktop.io.tally_workbook import TallySheet, write_tally


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.demo import load_demo
    from kaohe_desktop.services.roster import update_unit
    from kaohe_desktop.services.scores import add_event
    from kaohe_desktop.services.tally import export_tally

    folder = tmp_path_factory.mktemp("tally")
    db = open_db(folder / "k.db")
    ids = load_demo(db, seed=11)
    update_unit(db, "FR03", name="=HYPERLINK(\"http://x\",\"点我\")")
    add_event(db, ids["year"], "FR04", "D1", 1, matter="@SUM(A1:A9)", note="-2+3")
    path = export_tally(db, 2024, folder / "年终汇总.xlsx")
    yield db, ids, openpyxl.load_workbook(path)
    db.close()


def test_summary_equals_the_ranking(tally):
    from kaohe_desktop.services.ranking import rank_assessment
    from kaohe_desktop.services.standings import ranking_table

    db, ids, wb = tally
    ws = wb["汇总"]
    assert ws.freeze_panes == "D3"  # 名次, 编号, 单位 stay in view
    head = [c.value for c in ws[2]]
    assert head[:4] == ["名次", "编号", "单位", "街道/乡镇"]
    table = ranking_table(db, ids["year"])
    results = {r.subject_code: r for r in rank_assessment(db, ids["year"])}
    rows = data_rows(ws)
    assert len(rows) == len(table.rows)
    n = len(table.sections)
    for row, r in zip(rows, table.rows, strict=True):
        res = results[r.subject_code]
        assert row[0] == r.rank == res.rank
        assert row[1] == r.subject_code and row[2] == r.subject_name
        assert list(row[4:4 + n]) == [as_number(v) for v in r.sections]
        assert row[4 + n:9 + n] == (as_number(r.base), as_number(res.bonus),
                                    as_number(res.deduction), as_number(res.total), res.grade)
    assert ws.cell(3, 5).number_format == "0.00"


def test_section_sheets_hold_item_scores(tally):
    from kaohe_desktop.services.ranking import rank_assessment

    db, ids, wb = tally
    results = {r.subject_code: r for r in rank_assessment(db, ids["year"])}
    ws = wb["1 运行情况"]
    head = [c.value for c in ws[2]]
    first = next(ws.iter_rows(min_row=3, max_row=3, values_only=True))
    item_code = head[3].split()[0]
    assert first[3] == as_number(results[first[1]].items[item_code])
    assert set(wb.sheetnames) >= {"汇总", "考勤汇总", "加减分事项"}


def test_formula_looking_text_is_not_a_formula(tally):
    _, _, wb = tally
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} >= {"=HYPERLINK(\"http://x\",\"点我\")", "@SUM(A1:A9)", "-2+3"}
    for c in risky:
        assert c.data_type == "s" and c.quotePrefix


def test_formula_text_in_the_raw_xml_is_inline_text(tmp_path):
    import zipfile

    path = write_tally(tmp_path / "t.xlsx", [TallySheet("a", "t", ("h",), [("=1+1",), ("+A1",)])])
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "=1+1" in xml


def test_unknown_year_is_refused(tally, tmp_path):
    from kaohe_desktop.services.tally import export_tally

    db, _, _ = tally
    with pytest.raises(InputError, match="2023 年没有年度考核"):
        export_tally(db, 2023, tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())
