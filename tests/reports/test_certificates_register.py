"""荣誉证书 read back from the PDF: the honour in quotation marks with no stray space, every
line of the body centred, a number on every certificate, no seal unless the office gives
its own scan; and the register of what was issued (window data, JSON, workbook)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

import openpyxl
import pytest
from doc_data import OFFICE, add_stations, frnl_assessment
from pdf_helpers import ISSUED
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.reports.certificates import CertificateTemplate
from kaohe_desktop.reports.fonts import register
from kaohe_desktop.services import documents as docs

OPTS = docs.DocumentOptions(issued=ISSUED)
PAGE_WIDTH = landscape(A4)[0]


@pytest.fixture
def frnl(db):
    add_stations(db)
    return db, frnl_assessment(db)


def _runs(page) -> list[tuple[str, float, float]]:
    """(text, x, font size) of each piece of text the page draws, in drawing order."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text, tm[4] * cm[0] + cm[4], size * tm[0]))

    page.extract_text(visitor_text=visit)
    return runs


def _images(obj, seen=None) -> list:
    """Every image XObject reachable from a page's resources (forms included)."""
    seen = set() if seen is None else seen
    found = []
    for ref in (obj.get("/Resources", {}).get("/XObject", {}) or {}).values():
        x = ref.get_object()
        key = getattr(ref, "idnum", id(x))
        if key in seen:
            continue
        seen.add(key)
        if x.get("/Subtype") == "/Image":
            found.append(key)
        elif x.get("/Subtype") == "/Form":
            found += _images(x, seen)
    return found


def test_honour_in_quotes_without_a_stray_space_centred_and_numbered(frnl, tmp_path):
    db, aid = frnl
    [pdf] = docs.run(docs.certificates_job(db, aid, tmp_path, OPTS))
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 4
    numbers = []
    song = register()[0]
    for page in reader.pages:
        lines = page.extract_text().split("\n")
        assert "荣誉证书" in lines and "授予" in lines  # spaced by Tc, copied without spaces
        honour = next(x for x in lines if x.endswith("称号"))
        assert honour in ("2024年度“工作优秀单位”称号", "2024年度“工作优秀工作人员”称号")
        assert "特发此证，以资鼓励。" in lines and OFFICE["issuer"] in lines
        assert "二〇二四年十二月" in lines
        numbers += [x.removeprefix("证书编号：") for x in lines if x.startswith("证书编号：")]
        # 特发此证 is centred like the lines above it, not flush left
        [(text, x, size)] = [r for r in _runs(page) if r[0].startswith("特发此证")]
        width = pdfmetrics.stringWidth(text, song, size)
        assert abs(x + width / 2 - PAGE_WIDTH / 2) < 1.5
        assert not _images(page)  # no seal printed: the office stamps by hand
    assert numbers == [f"测街便证〔2024〕{n}号" for n in range(1, 5)]


def test_the_quote_gap_is_closed_on_the_page(frnl, tmp_path):
    """“ after 度 starts half an em earlier than a plain character would: the 24 pt line
    is 2 × 12 pt narrower than its characters' full widths, and still centred."""
    from kaohe_desktop.reports.certificates import compact_width

    song = register()[0]
    line = "2024年度“工作优秀单位”称号"
    assert compact_width(line, song, 24) == pdfmetrics.stringWidth(line, song, 24) - 24


def _seal(tmp_path):
    from PIL import Image, ImageDraw

    path = tmp_path / "印章.png"
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 390, 390), outline=(200, 20, 20, 255), width=16)
    image.save(path)
    return path


def test_a_seal_image_only_when_the_office_gives_one(frnl, tmp_path):
    db, aid = frnl
    seal = _seal(tmp_path)
    opts = replace(OPTS, certificate=CertificateTemplate(seal_image=str(seal)))
    [pdf] = docs.run(docs.certificates_job(db, aid, tmp_path / "out", opts))
    pages = PdfReader(str(pdf)).pages
    found = [_images(p) for p in pages]
    assert all(len(f) == 1 for f in found)
    assert len({f[0] for f in found}) == 1  # one image embedded, drawn on each page


@pytest.mark.parametrize("content", [None, b"not an image"])
def test_a_bad_seal_file_is_refused_and_nothing_written(frnl, tmp_path, content):
    db, aid = frnl
    seal = tmp_path / "seal.png"
    if content is not None:
        seal.write_bytes(content)
    opts = replace(OPTS, certificate=CertificateTemplate(seal_image=str(seal)))
    with pytest.raises(InputError, match="印章图片"):
        docs.run(docs.certificates_job(db, aid, tmp_path / "out", opts))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert docs.certificate_register(db, aid) == []


def test_the_register_lists_what_was_issued_once(frnl, tmp_path):
    db, aid = frnl
    assert docs.certificate_register(db, aid) == []
    docs.run(docs.certificates_job(db, aid, tmp_path, replace(OPTS, draft=True)))
    assert docs.certificate_register(db, aid) == []  # a draft is not issued
    docs.run(docs.certificates_job(db, aid, tmp_path, OPTS, per_subject=True))
    docs.run(docs.certificates_job(db, aid, tmp_path, OPTS))  # a reprint adds nothing
    entries = docs.certificate_register(db, aid)
    assert [(e.number, e.subject_code, e.recipient, e.title, e.issued) for e in entries] == [
        ("测街便证〔2024〕1号", "A01", "东风社区群众工作站", "2024年度“工作优秀单位”称号", ISSUED),
        ("测街便证〔2024〕2号", "A01", "赵一", "2024年度“工作优秀工作人员”称号", ISSUED),
        ("测街便证〔2024〕3号", "A01", "钱二", "2024年度“工作优秀工作人员”称号", ISSUED),
        ("测街便证〔2024〕4号", "A01", "孙三", "2024年度“工作优秀工作人员”称号", ISSUED)]
    assert {e.subject_name for e in entries} == {"东风社区群众工作站"}


def _cli(db, *argv):
    from kaohe_desktop.cli.reports import add_report_commands

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true")
    parser = argparse.ArgumentParser(prog="kaohe")
    sub = parser.add_subparsers(dest="command")

    def add(parent, name, func, help_text):
        sp = parent.add_parser(name, help=help_text, parents=[common])
        sp.set_defaults(func=func)
        return sp

    add_report_commands(sub, add)
    args = parser.parse_args(list(argv))
    args.func(db, args)


def test_register_from_the_command_line_json_and_workbook(frnl, tmp_path, capsys):
    db, aid = frnl
    with pytest.raises(InputError, match="还没有发过荣誉证书"):
        _cli(db, "report", "register", str(aid), "--out", str(tmp_path / "r.xlsx"))
    assert not (tmp_path / "r.xlsx").exists()
    seal = _seal(tmp_path)
    _cli(db, "report", "certificates", str(aid), "--out", str(tmp_path / "pdf"), "--date",
         "2024-12-20", "--seal", str(seal))
    capsys.readouterr()
    _cli(db, "report", "register", str(aid), "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"number": "测街便证〔2024〕1号", "subject_code": "A01",
                       "subject_name": "东风社区群众工作站", "recipient": "东风社区群众工作站",
                       "title": "2024年度“工作优秀单位”称号", "issued": "2024-12-20"}
    out = tmp_path / "发证登记.xlsx"
    _cli(db, "report", "register", str(aid), "--out", str(out))
    ws = openpyxl.load_workbook(out).active
    values = list(ws.iter_rows(values_only=True))
    header = 1  # row 1 is the title
    assert values[header] == ("证书编号", "对象编号", "考核对象", "获证者", "称号", "发证日期")
    data = values[header + 1:header + 5]
    assert [r[0] for r in data] == [f"测街便证〔2024〕{n}号" for n in range(1, 5)]
    assert [r[3] for r in data] == ["东风社区群众工作站", "赵一", "钱二", "孙三"]
    assert all(r[5].date() == ISSUED for r in data)
    with pytest.raises(InputError, match=r"\.xlsx"):
        _cli(db, "report", "register", str(aid), "--out", str(tmp_path / "r.pdf"))
