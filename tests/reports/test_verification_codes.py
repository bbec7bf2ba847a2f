"""Documents that prove themselves: every certificate, notice, 公示 list and tally carries
a verification code — the short text read back from the real PDF, the QR code scanned
from the page rendered at print resolution — that `verify_code` finds genuine, and a
code changed by one character, or a register edited with another tool, is refused."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from doc_data import add_stations, frnl_assessment
from openpyxl import load_workbook
from pdf_helpers import ISSUED

from kaohe_desktop.domain.verification_code import parse_code
from kaohe_desktop.reports import notices as gw
from kaohe_desktop.reports.notices import write_notices
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services import office_key
from kaohe_desktop.services.documents_notices import notice_data
from kaohe_desktop.services.tally import export_tally
from kaohe_desktop.services.verification import issue_mark, verify_code

OPTS = docs.DocumentOptions(issued=ISSUED)
MM = 72 / 25.4
CODE_LINE = "核验码"


@pytest.fixture
def frnl(db):
    add_stations(db)
    return db, frnl_assessment(db)


def code_in(pdf: Path) -> tuple[str, dict]:
    """The short code as pdfplumber reads it off the last page, and where it stands."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[-1]
        words = page.extract_words(keep_blank_chars=False)
        k = next(i for i, w in enumerate(words) if w["text"].startswith(CODE_LINE))
        word = words[k]
        text = word["text"][len(CODE_LINE):] or words[k + 1]["text"]
        return text.strip(), word


def scanned(pdf: Path, tmp: Path, page: int = -1) -> str:
    """The QR code's content, decoded by OpenCV from the page rendered at 300 dpi."""
    cv2 = pytest.importorskip("cv2")
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    with pdfplumber.open(pdf) as doc:
        n = len(doc.pages) + 1 + page if page < 0 else page + 1
    stem = tmp / f"scan-{pdf.stem}"
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", str(n), "-l", str(n), "-singlefile",
                    str(pdf), str(stem)], check=True)
    return decode(cv2.imread(str(stem) + ".png"))


def decode(image) -> str:
    """What OpenCV reads from the QR code in `image`: its classic detector, then the
    ArUco-based one (each misses a code now and then that the other reads)."""
    cv2 = pytest.importorskip("cv2")
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        text, _points, _ = detector.detectAndDecode(image)
        if text:
            return text
    raise AssertionError("no QR code found in the image")


def test_the_office_key_lives_beside_the_database_owner_only(db, tmp_path):
    path = office_key.key_path(db)
    assert path == (tmp_path / "kaohe.db.office-key.pem").resolve()
    assert path.is_file()  # made at first run
    assert path.stat().st_mode & 0o077 == 0
    assert b"PRIVATE KEY" in path.read_bytes()
    pem = office_key.public_key_pem(db)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----") and b"PRIVATE" not in pem
    sig = office_key.sign(db, b"data package")
    assert len(sig) == 64
    assert office_key.verify(pem, b"data package", sig)
    assert not office_key.verify(pem, b"data packagf", sig)
    exported = office_key.export_public_key(db, tmp_path / "office.pem")
    assert office_key.verify(exported, b"data package", sig)


def test_a_server_database_keeps_its_key_in_the_data_folder(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    one = office_key.key_path("postgresql://kaohe:secret@server/kaohe")
    assert one.parent == tmp_path / "data" / "office-keys"
    assert "secret" not in str(one)
    assert office_key.key_path("postgresql://kaohe:other@server/kaohe") == one  # not the password
    assert office_key.key_path("postgresql://kaohe:secret@server/other") != one
    key = office_key.load_or_create_key("postgresql://kaohe:secret@server/kaohe")
    assert one.is_file() and office_key.load_or_create_key(str(one.parent / "x")) is not key


def test_certificates_carry_a_code_that_verifies_and_scans(frnl, tmp_path):
    db, aid = frnl
    out = tmp_path / "out"
    files = docs.run(docs.certificates_job(db, aid, out, OPTS, per_subject=True))
    text, where = code_in(files[0])
    # in the lower left corner, inside the frame
    with pdfplumber.open(files[0]) as doc:
        page = doc.pages[0]
        assert where["x0"] < page.width / 3 and where["top"] > page.height * 3 / 4
    result = verify_code(text, db=db)
    assert result.genuine, result.reason
    st = result.statement
    assert (st.kind, st.number, st.subject, st.date) == (
        "荣誉证书", "测街便证〔2024〕1号", "东风社区群众工作站", "2024-12-20")
    assert "工作优秀单位" in st.result and st.assessment == "2024群众工作站考核"
    # the QR code, scanned off the page, checks offline with the exported public key alone
    payload = scanned(files[0], tmp_path)
    public = office_key.load_public_key(office_key.export_public_key(db, tmp_path / "k.pem"))
    offline = verify_code(payload, public_key=public)
    assert offline.genuine and offline.statement == st
    # every certificate has its own code; a reprint keeps it
    codes = [code_in(f)[0] for f in files]
    assert len(set(codes)) == len(codes)
    again = docs.run(docs.certificates_job(db, aid, tmp_path / "again", OPTS, per_subject=True))
    assert [code_in(f)[0] for f in again] == codes


def test_a_changed_code_or_a_changed_statement_is_refused(frnl, tmp_path):
    db, aid = frnl
    pdf = docs.run(docs.certificates_job(db, aid, tmp_path, OPTS, subjects=["A01"],
                                         per_subject=True))[0]
    text, _ = code_in(pdf)
    last = text[-1]
    forged = text[:-1] + ("A" if last != "A" else "B")
    assert not verify_code(forged, db=db).genuine
    assert not verify_code(text.replace("KH000001", "KH000002"), db=db).genuine
    assert not verify_code("KH999999-AAAA-BBBB-CCCC-DDDD", db=db).genuine
    # typed loosely: lower case, spaces, 0 for O are still the same code
    loose = text.lower().replace("-", " ").replace("o", "0")
    assert verify_code(loose, db=db).genuine
    payload = scanned(pdf, tmp_path)
    assert not verify_code(payload.replace("工作优秀单位", "工作优秀个人"), db=db).genuine
    # another office's key does not vouch for this office's paper
    other = office_key.load_public_key(office_key.public_key_pem(tmp_path / "other.db"))
    assert not verify_code(payload, public_key=other).genuine
    # the register edited with another tool: the stored signature no longer fits
    con = sqlite3.connect(db.path)
    with con:
        con.execute("UPDATE issued_document SET statement = replace(statement, '工作优秀单位', "
                    "'工作优秀个人') WHERE id = 1")
    con.close()
    refused = verify_code(text, db=db)
    assert not refused.genuine and "登记被改动" in refused.reason


def test_notices_carry_the_code_below_the_block_and_keep_the_grid(frnl, tmp_path):
    db, aid = frnl
    files = docs.run(docs.notices_job(db, aid, tmp_path / "n", OPTS, subjects=["A04"]))
    assert files
    text, where = code_in(files[0])
    assert verify_code(text, db=db).genuine
    bottom = gw.BOTTOM_EDGE  # the 版心's foot, from the page top
    assert where["top"] > bottom + 10 * MM  # in the bottom margin, below the page number
    payload = scanned(files[0], tmp_path)
    st = verify_code(payload, db=db).statement
    assert st.kind in gw.KIND_TITLES.values() and st.number.startswith("测街便〔2024〕")
    assert "总分" in st.result
    # the same notice without the code: every glyph above the bottom margin, and the page
    # numbers, stand exactly where they stood — the GB/T 9704 grid is untouched
    [notice] = notice_data(db, aid, OPTS, subjects=["A04"], kinds=[_kind_of(st)])
    plain = write_notices(tmp_path / "plain.pdf", [notice])
    marked = write_notices(tmp_path / "marked.pdf", [replace(
        notice, verification=issue_mark(db, "测试", subject="x"))])
    with pdfplumber.open(plain) as a, pdfplumber.open(marked) as b:
        assert len(a.pages) == len(b.pages)
        for pa, pb in zip(a.pages, b.pages, strict=True):
            keep = [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in pa.chars]
            got = [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in pb.chars
                   if c["size"] > 8]
            assert got == keep
        last = b.pages[-1]
        qr = [r for r in last.rects if r["top"] > bottom]
        assert qr and min(r["top"] for r in qr) > bottom + 3 * MM  # clear of the 版记's rule
        assert max(r["bottom"] for r in qr) < last.height - 5 * MM  # within what printers reach
        number = [c for c in last.chars if c["top"] > bottom and c["size"] > 8]  # — 2 —
        assert number and max(c["x1"] for c in number) < min(r["x0"] for r in qr)
        assert max(r["x1"] for r in qr) <= gw.RIGHT_EDGE + 0.5


def _kind_of(st) -> str:
    return next(k for k, v in gw.KIND_TITLES.items() if v == st.kind)


def test_publicity_and_tally_carry_codes(frnl, tmp_path):
    db, aid = frnl
    [pdf] = docs.run(docs.publicity_job(db, aid, tmp_path / "p", OPTS))
    text, _ = code_in(pdf)
    result = verify_code(text, db=db)
    assert result.genuine and result.statement.kind == "公示名单"
    assert "共 4 个对象" in result.statement.result
    assert verify_code(scanned(pdf, tmp_path), db=db).genuine
    # a draft preview is not signed
    [draft] = docs.run(docs.publicity_job(db, aid, tmp_path / "d", replace(OPTS, draft=True)))
    with pdfplumber.open(draft) as doc:
        assert CODE_LINE not in doc.pages[-1].extract_text()
    book = export_tally(db, 2024, tmp_path / "tally.xlsx", aid)
    notes = [str(c.value).removeprefix("注：") for row in load_workbook(book)["汇总"].iter_rows()
             for c in row if c.value and "核验" in str(c.value)]
    short = next(n for n in notes if n.startswith("核验码："))[4:].split("（")[0]
    assert verify_code(short, db=db).statement.kind == "年终汇总表"
    # and the QR code as a picture below the notes, scanned back out of the workbook
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    with zipfile.ZipFile(book) as z:
        [png] = [n for n in z.namelist() if n.startswith("xl/media/")]
        image = cv2.imdecode(np.frombuffer(z.read(png), np.uint8), cv2.IMREAD_COLOR)
    text = decode(image)
    scanned_back = verify_code(text, db=db)
    assert scanned_back.genuine and scanned_back.statement == verify_code(short, db=db).statement
    assert verify_code(text.replace("\n", " | "), db=db).genuine  # the one-line form too


def test_what_is_no_code_at_all_is_refused_by_name():
    from kaohe_desktop.domain.errors import InputError

    for bad in ("", "hello", "KH12-ABCD", "KH000001-ABCD-EFGH"):
        with pytest.raises(InputError, match="核验码"):
            parse_code(bad)
