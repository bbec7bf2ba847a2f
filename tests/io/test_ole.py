"""An .xls cut short anywhere in its OLE structure is refused by the container check
(python-calamine panics on some), and the whole file passes with its error cells read
from the same opened container."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_files import xls_with_error_cell

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.io.container_check import check_workbook

SOURCE = Path(__file__).parent.parent / "fixtures" / "service" / "daiban_taizhang_xiling.xls"


def check(data: bytes, name: str = "台账.xls"):
    return check_workbook(name, name, data[:8], len(data), data)


@pytest.mark.parametrize("keep", [512, 1024, 1536, 4096, 0.5, -512])
def test_a_cut_short_xls_is_refused(keep):
    data = SOURCE.read_bytes()
    cut = data[:int(len(data) * keep) if isinstance(keep, float) else keep]
    with pytest.raises(InputError) as exc:
        check(cut)
    assert "台账.xls" in str(exc.value) and "不完整" in str(exc.value)


def test_the_whole_file_passes_and_its_error_cells_are_listed(tmp_path):
    assert check(SOURCE.read_bytes()).errors == {}
    row, col = xls_with_error_cell(SOURCE, tmp_path / "错.xls", code=0x07)
    cells = check((tmp_path / "错.xls").read_bytes()).errors["台账"]
    assert [(c.row, c.column, c.value) for c in cells] == [(row + 1, chr(65 + col), "#DIV/0!")]
