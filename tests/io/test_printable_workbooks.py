"""Every workbook the program writes, read back with openpyxl (issue 13 §6, issue 14.3):
user text is a string cell that reads back identical (never a formula), and each sheet
prints — A4, one page wide, title rows and key columns repeated, page x of y in the footer,
borders, an autofilter, dates as dates, nested items grouped, partial periods noted."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from kaohe_desktop.io.sheet_writer import Formula, Table, data_rows, header_height, write_tables

HOSTILE = ('=HYPERLINK("http://x","点我")', "=cmd|' /C calc'!A0", "=1+1", "+1", "-1", "@SUM(A1:A9)")


def kaohe(db: Path, *args: object) -> str:
    """`kaohe --db db …` in-process; exit 0 asserted, stdout returned."""
    from kaohe_desktop.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--db", str(db), *(str(a) for a in args)])
        except SystemExit as exc:
            code = exc.code
    assert code == 0, (args, err.getvalue())
    return out.getvalue()


def no_user_formulas(wb: openpyxl.Workbook, allowed: set[str] = frozenset()) -> list[str]:
    """Every str cell of every sheet; asserts none is a formula except `allowed` ones."""
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    if c.data_type == "f":
                        assert c.value in allowed, (ws.title, c.coordinate, c.value)
                        continue
                    assert c.data_type == "s", (ws.title, c.coordinate)
                    if c.value.startswith(("=", "+", "-", "@")):
                        assert c.quotePrefix, (ws.title, c.coordinate)
                    texts.append(c.value)
    return texts


def prints(ws, *, title_rows: str, title_cols: str | None, landscape: bool | None = None) -> None:
    assert ws.page_setup.paperSize in (9, "9")
    if landscape is not None:
        assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == title_rows
    assert ws.print_title_cols == title_cols
    footer = ws.oddFooter.center.text
    assert "&P" in footer and "&N" in footer
    assert ws.auto_filter.ref


def bordered(ws, first_row: int) -> None:
    rows = data_rows(ws) and list(ws.iter_rows(min_row=first_row, max_row=first_row))
    for c in rows[0]:
        assert c.border.left.style == "thin" and c.border.bottom.style == "thin", c.coordinate


# ---------------------------------------------------------------- the writer itself


def test_the_writer_keeps_text_text_and_prints(tmp_path):
    rows = [(1, h, D("12.5"), date(2024, 6, 3), Formula("=SUM(C3:C3)")) for h in HOSTILE]
    path = write_tables(tmp_path / "t.xlsx", [Table(
        "表", HOSTILE[0], ("名次", HOSTILE[2], "1.1 很长的项目名称需要折行显示才能看全", "日期", "合计"),
        rows, widths=(6, 30, 12, 11, 8), decimals=(2,), key_columns=2, levels={2: 1},
        notes=("只含六月的数据",))])
    wb = openpyxl.load_workbook(path)
    ws = wb["表"]
    texts = no_user_formulas(wb, allowed={"=SUM(C3:C3)"})
    assert set(HOSTILE) <= set(texts)
    assert ws["A1"].value == HOSTILE[0] and ws["B2"].value == "=1+1"
    assert [r[1] for r in data_rows(ws)] == list(HOSTILE)  # identical: no apostrophe added
    assert ws["E3"].data_type == "f"  # the program's own formula stays one
    assert ws["C3"].number_format == "0.00" and ws["D3"].number_format == "yyyy-mm-dd"
    assert ws["D3"].is_date
    prints(ws, title_rows="$1:$2", title_cols="$A:$B", landscape=False)
    assert ws.auto_filter.ref == f"A2:E{2 + len(HOSTILE)}"
    assert ws.freeze_panes == "C3"
    bordered(ws, 3)
    assert ws.column_dimensions["C"].outlineLevel == 1 and ws.sheet_format.outlineLevelCol == 1
    assert ws.row_dimensions[2].height >= 2 * 15  # the wrapped header shows whole
    assert ws.cell(ws.max_row, 1).value == "注：只含六月的数据"


def test_header_height_grows_with_wrapped_text():
    assert header_height(["编号"], [10]) < header_height(["一二三四五六七八九十一二三四五"], [10])


# ---------------------------------------------------------------- rosters through the CLI


def test_unit_and_staff_export_give_back_literal_text(tmp_path):
    db = tmp_path / "k.db"
    for n, name in enumerate(HOSTILE, start=1):
        kaohe(db, "unit", "add", name, "--code", f"U{n}", "--area", HOSTILE[(n + 1) % len(HOSTILE)])
    kaohe(db, "staff", "add", "=1+1", "--unit", "U1", "--code", "P1", "--post", "@SUM(A1:A9)")
    kaohe(db, "unit", "export", tmp_path / "units.xlsx")
    kaohe(db, "staff", "export", tmp_path / "staff.xlsx")

    wb = openpyxl.load_workbook(tmp_path / "units.xlsx")
    ws = wb.active
    no_user_formulas(wb)
    assert [c.value for c in ws[1]][:2] == ["编号", "名称"]  # imports back: headers in row 1
    names = {r[0]: r[1] for r in data_rows(ws)}
    assert names == {f"U{n}": name for n, name in enumerate(HOSTILE, start=1)}
    prints(ws, title_rows="$1:$1", title_cols="$A:$B")
    bordered(ws, 2)

    wb = openpyxl.load_workbook(tmp_path / "staff.xlsx")
    no_user_formulas(wb)
    row = data_rows(wb.active)[0]
    assert row[:2] == ("P1", "=1+1") and "@SUM(A1:A9)" in row and HOSTILE[0] in row

    # and it imports back unchanged
    kaohe(db, "unit", "import", tmp_path / "units.xlsx")
    listed = {u["code"]: u["name"] for u in json.loads(kaohe(db, "unit", "list", "--json"))}
    assert listed == {f"U{n}": name for n, name in enumerate(HOSTILE, start=1)}


# ---------------------------------------------------------------- score template


def test_score_template_names_stay_text_and_the_sum_stays_a_formula(tmp_path):
    db = tmp_path / "k.db"
    kaohe(db, "unit", "add", HOSTILE[1], "--code", "FR01")
    kaohe(db, "unit", "add", "-1", "--code", "FR02")
    kaohe(db, "assessment", "create", "--rubric", "CY2019", "--period", "2024",
          "--group", "第一组:上级")
    kaohe(db, "scores", "template", "1", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = wb["评分表"]
    sums = {ws.cell(r, ws.max_column).value for r in (3, 4)}
    assert all(s.startswith("=SUM(") for s in sums)
    no_user_formulas(wb, allowed=sums)
    assert [ws.cell(r, 2).value for r in (3, 4)] == [HOSTILE[1], "-1"]
    prints(ws, title_rows="$1:$2", title_cols="$A:$B", landscape=True)
    assert ws.auto_filter.ref.startswith("A2:") and ws.auto_filter.ref.endswith("4")
    bordered(ws, 3)
    assert ws.row_dimensions[2].height >= 30
    prints(wb["考核细则"], title_rows="$1:$2", title_cols="$A:$A", landscape=True)


def test_attendance_template_prints(tmp_path):
    from kaohe_desktop.io.attendance import write_attendance_template

    wb = openpyxl.load_workbook(write_attendance_template(tmp_path / "a.xlsx"))
    no_user_formulas(wb)
    prints(wb["考勤记录"], title_rows="$1:$1", title_cols="$A:$B")
    assert wb["考勤记录"]["A1"].border.left.style == "thin"


# ---------------------------------------------------------------- the year-end tally

RUBRIC = {
    "code": "T-PR", "version": 1, "name": "打印测试细则", "subject_kind": "unit", "full_marks": 100,
    "items": [
        {"code": "1", "title": "=1+1", "max": 60, "children": [
            {"code": "1.1", "title": "制度", "max": 30, "children": [
                {"code": "1.1.1", "title": "上墙", "max": 10, "kind": "points", "step": 0.5},
                {"code": "1.1.2", "title": "执行", "max": 20, "kind": "points", "step": 0.5}]},
            {"code": "1.2", "title": "代办服务", "max": 30, "kind": "points", "step": 0.5,
             "allow_na": True}]},
        {"code": "2", "title": "-1", "max": 40, "kind": "points", "step": 0.5},
    ],
    "grades": {"mode": "threshold", "scale": [{"name": "优秀", "min": 90}, {"name": "合格", "min": 60},
                                               {"name": "不合格", "min": 0}]},
}


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.io.attendance import write_attendance_template
    from kaohe_desktop.services import assessments, roster, rubrics, scores, subject_marks
    from kaohe_desktop.services.assessments import GroupSpec
    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.tally import export_tally

    folder = tmp_path_factory.mktemp("print-tally")
    db = open_db(folder / "k.db")
    (folder / "r.json").write_text(json.dumps(RUBRIC, ensure_ascii=False), encoding="utf-8")
    rubrics.import_rubric(db, folder / "r.json")
    roster.add_unit(db, HOSTILE[0], code="U1", area="@SUM(A1:A9)")
    roster.add_unit(db, "第二站", code="U2", area="测试街道")
    roster.add_staff(db, "李娜", "U1", code="P1", attendance_no="101")
    info = assessments.create_assessment(db, "T-PR", parse_period("2024"), subjects="units",
                                         groups=[GroupSpec("考核组", "上级")])
    for code, values in (("U1", {"1.1.1": 9, "1.1.2": 18, "2": 36}),
                         ("U2", {"1.1.1": 8, "1.1.2": 15, "1.2": 25, "2": 30})):
        for item, value in values.items():
            scores.set_score(db, info.id, code, item, value, assessor="甲")
    subject_marks.mark_not_applicable(db, info.id, "U1", "1.2", reason="未开展代办业务")
    # attendance for June only
    sheet = write_attendance_template(folder / "att.xlsx")
    wb = openpyxl.load_workbook(sheet)
    ws = wb["考勤记录"]
    for day in (3, 4, 5):
        ws.append(["101", "李娜", date(2024, 6, day), "08:55", "17:35"])
    wb.save(sheet)
    kaohe(folder / "k.db", "attendance", "import", sheet)
    path = export_tally(db, 2024, folder / "年终汇总.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.written_to = path  # the file as the program wrote it, for printing
    yield wb
    db.close()


def test_tally_text_is_text_and_every_sheet_prints(tally):
    texts = no_user_formulas(tally)
    assert {HOSTILE[0], "@SUM(A1:A9)", "=1+1", "-1"} <= set(texts)  # names, areas, headers
    for ws in tally.worksheets:
        key = "$A:$B" if ws.title in ("考勤汇总", "加减分事项") else "$A:$C"
        prints(ws, title_rows="$1:$2", title_cols=key)
        if data_rows(ws):
            bordered(ws, 3)
    head = [c.value for c in tally["汇总"][2]]
    assert "=1+1" in head and "-1" in head


def test_tally_rows_add_up_with_a_conversion(tally):
    ws = tally["汇总"]
    head = [c.value for c in ws[2]]
    rows = {r[1]: r for r in data_rows(ws)}
    u1 = rows["U1"]
    base, bonus, minus, total = (head.index(h) for h in ("基础分", "加分", "减分", "总分"))
    remark = u1[head.index("说明")]
    assert "折算" in remark and "1.2" in remark and "÷" in remark
    # 63 of the 70 applicable points, scaled to 100 once
    assert sum(u1[4:base]) == 63 and u1[base] == 90
    for r in rows.values():
        assert D(str(r[base])) + D(str(r[bonus] or 0)) - D(str(r[minus] or 0)) == D(str(r[total]))
    assert any("折算" in str(c.value) for c in ws["A"])  # and a note row says how


def test_nested_items_are_grouped_under_their_parent(tally):
    ws = next(w for w in tally.worksheets if w.title.startswith("1 "))
    head = [c.value for c in ws[2]]
    codes = [str(h).split(" ")[0] for h in head]
    letter = {code: openpyxl.utils.get_column_letter(i + 1) for i, code in enumerate(codes)}
    assert ws.column_dimensions[letter["1.1.1"]].outlineLevel == 1
    assert ws.column_dimensions[letter["1.1.2"]].outlineLevel == 1
    assert ws.column_dimensions[letter["1.1"]].outlineLevel == 0
    assert ws.sheet_properties.outlinePr.summaryRight is False
    assert any("下级明细" in str(c.value) for c in ws["A"])
    for row in data_rows(ws):  # 小计 = the top items only, never parent + children
        values = dict(zip(codes, row, strict=True))
        assert D(str(values["1.1"])) + D(str(values["1.2"] or 0)) == D(str(values["小计"]))


def test_attendance_for_part_of_the_year_says_so(tally):
    ws = tally["考勤汇总"]
    head = [c.value for c in ws[2]]
    row = data_rows(ws)[0]
    assert row[head.index("数据起")].date() == date(2024, 6, 3)
    assert ws.cell(3, head.index("数据起") + 1).number_format == "yyyy-mm-dd"
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("注")]
    assert any("只覆盖 2024-06-03～2024-06-05" in n for n in notes)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="本机没有 LibreOffice（soffice）")
def test_the_tally_prints_through_libreoffice(tally, tmp_path):
    """Printed by a real spreadsheet program (LibreOffice's PDF export uses its print
    layout): every sheet on A4 (landscape where wide), one page wide, each page numbered
    "第 x 页 共 y 页" out of the whole job."""
    import subprocess

    import pdfplumber

    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(tally.written_to)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    with pdfplumber.open(tmp_path / "年终汇总.pdf") as pdf:
        pages = pdf.pages
        assert len(pages) == len(tally.worksheets)  # small sheets: one page each, never cut
        for n, page in enumerate(pages, 1):
            assert sorted((round(page.width), round(page.height))) == [595, 842]  # A4
            assert f"第 {n} 页 共 {len(pages)} 页" in (page.extract_text() or "")
        assert "年终汇总" in pages[0].extract_text() and pages[0].width > pages[0].height
