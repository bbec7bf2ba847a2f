"""`kaohe verify` and `kaohe key export` from the command line: a genuine code exits 0
printing what the document states, a forged one exits 2; another office checks a QR
payload offline with the exported public key and no database; neither needs a login."""

from __future__ import annotations

import io

import pytest
from doc_data import add_stations, frnl_assessment

from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.verification import issue_code


@pytest.fixture
def issued(db_path, tmp_path):
    """A database with certificates issued: (short code, QR payload) of the first."""
    db = open_db(db_path)
    try:
        add_stations(db)
        aid = frnl_assessment(db)
        docs.run(docs.certificates_job(db, aid, tmp_path / "out", docs.DocumentOptions()))
        v = issue_code(db, "荣誉证书", number="测街便证〔2024〕1号", subject="东风社区群众工作站",
                       result="x")
    finally:
        db.close()
    return v


def test_verify_a_genuine_and_a_forged_code(kaohe, issued):
    r = kaohe.ok("verify", issued.text)
    assert r.out.startswith("真实：") and "文号  测街便证〔2024〕1号" in r.out
    forged = issued.text[:-2] + ("AA" if not issued.text.endswith("AA") else "BB")
    r = kaohe("verify", forged)
    assert r.code == 2 and "不能证实为真" in r.err and "伪造或抄错" in r.err
    data = kaohe.json("verify", issued.text)
    assert data["genuine"] and data["statement"]["subject"] == "东风社区群众工作站"
    r = kaohe("verify", "not-a-code")
    assert r.code == 2 and "不是本程序的核验码" in r.err


def test_another_office_checks_the_qr_offline(kaohe, issued, tmp_path, capsys):
    from kaohe_desktop.cli import main

    key = tmp_path / "office.pem"
    r = kaohe.ok("key", "export", "--out", key)
    assert key.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----") and "私钥不导出" in r.out
    one_line = issued.payload.replace("\n", " | ")
    capsys.readouterr()
    # no --db: nothing is opened or created; the public key alone decides
    assert main(["verify", one_line, "--public-key", str(key)]) == 0
    assert "真实" in capsys.readouterr().out
    assert main(["verify", one_line.replace("东风", "西风"), "--public-key", str(key)]) == 2
    assert "签名不符" in capsys.readouterr().err


def test_verify_needs_no_login_when_accounts_exist(kaohe, issued, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("secret-1\n"))
    kaohe.ok("account", "add", "admin", "--name", "主任", "--role", "管理员", "--password-stdin")
    assert kaohe("rank", "1").code == 2  # everything else wants a login
    assert kaohe.ok("verify", issued.text).out.startswith("真实")
    assert "BEGIN PUBLIC KEY" in kaohe.ok("key", "export").out
