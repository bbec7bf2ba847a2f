"""The score template as Excel sees it, and reading it back (real .xlsx files)."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.io.score_workbook import read_score_workbook, write_score_template
from kaohe_desktop.services.rubrics import builtin_rubric

CY = builtin_rubric("CY2019")
WS = builtin_rubric("WINDOW-STAFF")
SUBJECTS = [("FR01", "东风社区便民服务站"), ("001", "零零一站"), ("FR03", "红旗社区便民服务站")]


def test_template_layout_validation_and_rubric_sheet(tmp_path: Path):
    path = write_score_template(tmp_path / "t.xlsx", CY, assessment_id=7, title="测试 评分表",
                                subjects=SUBJECTS)
    wb = load_workbook(path)
    ws = wb["评分表"]
    headers = [c.value for c in ws[2]]
    leaves = CY.leaves()
    assert headers[:2] == ["编号", "名称"] and headers[-1] == "合计"
    assert len(headers) == len(leaves) + 3
    for header, leaf in zip(headers[2:-1], leaves, strict=True):
        assert header.startswith(leaf.code + " ")
        assert f"{shown(leaf.max)}分" in header
    assert [ws.cell(r, 1).value for r in (3, 4, 5)] == ["FR01", "001", "FR03"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = validations["C3:C5"]  # 1.1, max 20
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "20")
    assert dv.showErrorMessage
    rubric_sheet = wb["考核细则"]
    texts = [str(c.value) for row in rubric_sheet.iter_rows() for c in row if c.value]
    assert any("有固定服务场所" in t for t in texts) and any("同一事项取最高" in t for t in texts)
    assert wb["_meta"].sheet_state == "hidden"


def test_level_items_read_names_and_offer_a_list(tmp_path: Path):
    path = write_score_template(tmp_path / "w.xlsx", WS, assessment_id=1, title="窗口",
                                subjects=[("P1", "张三")])
    wb = load_workbook(path)
    ws = wb["评分表"]
    assert any(dv.type == "list" and "优秀,良好,合格,不合格" in dv.formula1
               for dv in ws.data_validations.dataValidation)
    ws["C3"], ws["D3"], ws["E3"] = "优秀", "合格", 16
    wb.save(path)
    cells = read_score_workbook(path, WS, assessment_id=1)
    assert {(c.item_code, c.value) for c in cells} == {("1", D(20)), ("2", D(12)), ("3", D(16))}


def test_workbook_made_for_another_assessment_is_refused(tmp_path: Path):
    path = write_score_template(tmp_path / "t.xlsx", CY, assessment_id=7, title="t",
                                subjects=SUBJECTS)
    with pytest.raises(InputError, match="为考核 7 生成"):
        read_score_workbook(path, CY, assessment_id=8)


@pytest.mark.parametrize("content, words", [
    (b"", "0 字节"),
    (b"\xe7\xbc\x96\xe5\x8f\xb7,\xe5\x90\x8d\xe7\xa7\xb0\n", "文本文件"),
])
def test_files_that_are_not_workbooks(tmp_path: Path, content: bytes, words: str):
    path = tmp_path / "假的.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_score_workbook(path, CY, assessment_id=1)
    assert words in exc.value.lines()[0] and "假的.xlsx" in exc.value.lines()[0]


def test_a_renamed_docx_is_named_as_such(tmp_path: Path):
    path = tmp_path / "评分.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InputError, match="Word 文档"):
        read_score_workbook(path, CY, assessment_id=1)


leaf_values = st.fixed_dictionaries({
    (code, leaf.code): st.one_of(st.none(), st.integers(0, int(leaf.max / leaf.step))
                                 .map(lambda n, s=leaf.step: s * n))
    for code, _ in SUBJECTS for leaf in CY.leaves()[:12]
})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leaf_values)
def test_export_then_import_gives_back_exactly_what_was_written(tmp_path: Path, drawn):
    values = {k: v for k, v in drawn.items() if v is not None}
    path = write_score_template(tmp_path / "rt.xlsx", CY, assessment_id=3, title="rt",
                                subjects=SUBJECTS, values=values)
    cells = read_score_workbook(path, CY, assessment_id=3)
    assert {(c.subject_code, c.item_code): c.value for c in cells} == values
