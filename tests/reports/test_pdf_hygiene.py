"""Every PDF the program makes: title, author and subject in its properties, the fonts
it used named there, no base-14 font referenced, and /PrintScaling /None."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from kaohe_desktop.reports.certificates import Certificate, write_certificates
from kaohe_desktop.services import documents as docs

ISSUED = date(2024, 12, 20)


def check(path) -> None:
    reader = PdfReader(str(path))
    info = reader.metadata
    assert info.get("/Title") and info.get("/Author") and info.get("/Subject"), (path.name, info)
    assert info.get("/Fonts") and str(info.get("/Keywords", "")).startswith("字体："), path.name
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None", path.name
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            assert font["/Subtype"] == "/TrueType", (path.name, font["/BaseFont"])  # embedded subsets only
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), path.name


def test_every_document_type_is_clean(demo, tmp_path):
    db, ids = demo
    opts = docs.DocumentOptions(issued=ISSUED, draft=True)
    pdfs = list(docs.run(docs.certificates_job(db, ids["monthly"], tmp_path / "c", opts)))
    rare = Certificate("东风社区𠮷站", 2024, date(2024, 12, 20), issuer="芙蓉街道便民服务中心")
    pdfs.append(write_certificates(tmp_path / "one.pdf", [rare]))
    pdfs += docs.run(docs.sheets_job(db, ids["year"], tmp_path / "s", subjects=["FR02"]))
    pdfs += docs.run(docs.publicity_job(db, ids["year"], tmp_path / "p", opts))
    pdfs += docs.run(docs.attendance_job(db, "2024-11", tmp_path / "a", opts=replace(opts, draft=False)))
    assert len(pdfs) >= 5
    for pdf in pdfs:
        check(pdf)
    # a rare character in a certificate's name extracts as itself (ToUnicode with surrogates)
    one = next(p for p in pdfs if p.name == "one.pdf")
    assert "东风社区𠮷站" in "".join(p.extract_text() for p in PdfReader(str(one)).pages).replace(" ", "")
