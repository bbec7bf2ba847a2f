"""Excel 2003 XML (SpreadsheetML) as an ".xls": cells where Excel shows them, typed values,
and a broken file named rather than read as something else."""

from __future__ import annotations

from datetime import datetime

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io.service import read_service
from kaohe_desktop.io.service.spreadsheet_xml import spreadsheet_xml

HEAD = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">')


def test_cells_placed_by_index_and_typed():
    sheets = spreadsheet_xml(
        HEAD + '<Worksheet ss:Name="表"><Table>'
        '<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">标题</Data></Cell>'
        '<Cell><Data ss:Type="String">右</Data></Cell></Row>'
        '<Row ss:Index="3"><Cell ss:Index="2"><Data ss:Type="Number">4.5</Data></Cell>'
        '<Cell><Data ss:Type="DateTime">2024-07-02T09:05:00.000</Data></Cell>'
        '<Cell><Data ss:Type="Number">7</Data></Cell><Cell/></Row>'
        "</Table></Worksheet></Workbook>")
    assert sheets == {"表": [["标题", "", "", "右"], [],
                            ["", 4.5, datetime(2024, 7, 2, 9, 5), 7, ""]]}


def test_a_broken_xml_workbook_is_named(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(HEAD + '<Worksheet ss:Name="表"><Table><Row>', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_service(path)
    assert err.value.problems[0].reason == "Excel 2003 XML 电子表格无法解析（文件不完整或已损坏）"
    assert err.value.problems[0].file == "导出.xls"


@pytest.mark.parametrize("body", [
    '<Row ss:Index="1048577"><Cell><Data ss:Type="String">x</Data></Cell></Row>',   # past Excel
    '<Row><Cell ss:Index="16385"><Data ss:Type="String">x</Data></Cell></Row>',
    '<Row><Cell ss:MergeAcross="16384"><Data ss:Type="String">x</Data></Cell></Row>',
    # each sheet within Excel, together more rows than one sheet may hold
    "".join(f'</Table></Worksheet><Worksheet ss:Name="表{k}"><Table><Row ss:Index="1048576"/>'
            for k in range(2)),
])
def test_far_places_are_refused_before_anything_is_built(tmp_path, body):
    """A few bytes of ss:Index must not make the reader build millions of rows or cells."""
    path = tmp_path / "炸弹.xls"
    path.write_text(HEAD + '<Worksheet ss:Name="表"><Table>' + body + "</Table></Worksheet></Workbook>",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_service(path)
    assert "压缩炸弹" in err.value.problems[0].reason and err.value.problems[0].file == "炸弹.xls"
