"""`kaohe account …`, logging in on every command, the roles against each write command,
and `kaohe audit verify|log` (a score edited with sqlite3 is caught, naming the row)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from backends import param, raw_connect

PW = "pw-123456"
ROLES = {"boss": "管理员", "li": "评分人", "wang": "审议", "zhao": "查看"}


@pytest.fixture
def accounts_db(kaohe, small, monkeypatch):
    """The `small` assessment (FR01…FR04, group 第一组), FR01 scored by 张三, and an account
    of every role; li (评分人) sits in 第一组."""
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "18", "--assessor", "张三")
    for login, role in ROLES.items():
        if login != "boss":
            monkeypatch.setenv("KAOHE_USER", "boss")
            monkeypatch.setenv("KAOHE_PASSWORD", PW)
        monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
        kaohe.ok("account", "add", login, "--name", login.upper(), "--role", role,
                 "--password-stdin")
    kaohe.ok("assessment", "assessor", small.id, "li", "--group", "第一组")
    monkeypatch.delenv("KAOHE_USER")
    monkeypatch.delenv("KAOHE_PASSWORD")
    return small.id


def as_user(kaohe, monkeypatch, login: str, *args: object):
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    return kaohe("--user", login, "--password-stdin", *args)


def test_with_accounts_every_command_needs_a_login(kaohe, accounts_db, monkeypatch):
    r = kaohe("rank", accounts_db)
    assert r.code == 2 and "--user" in r.err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    r = kaohe("--user", "zhao", "--password-stdin", "rank", accounts_db)
    assert r.code == 2 and "账户名或密码不正确" in r.err
    assert as_user(kaohe, monkeypatch, "zhao", "rank", accounts_db).code == 0  # reading is fine
    monkeypatch.setenv("KAOHE_USER", "zhao")
    monkeypatch.setenv("KAOHE_PASSWORD", PW)
    assert kaohe("rank", accounts_db).code == 0


def test_each_role_against_each_write_command(kaohe, accounts_db, monkeypatch, tmp_path: Path,
                                              books, template):
    a = accounts_db
    filled = books.fill_template(template, tmp_path / "f.xlsx", {("FR02", "1.1"): 17})
    assert as_user(kaohe, monkeypatch, "zhao", "rubric", "export", "CY2019",
                   tmp_path / "cy.json").code == 0
    data = json.loads((tmp_path / "cy.json").read_text(encoding="utf-8"))
    data["name"] += "（修订）"
    (tmp_path / "cy2.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    commands = {
        "scores set own": ("scores", "set", a, "FR02", "1.1", "16", "--assessor", "LI"),
        "scores set other": ("scores", "set", a, "FR02", "1.1", "16", "--assessor", "张三"),
        "scores import": ("scores", "import", a, filled, "--assessor", "张三"),
        "event add": ("event", "add", a, "FR02", "B2", "3", "--matter", "省级媒体报道"),
        "rubric import": ("rubric", "import", tmp_path / "cy2.json"),
        "unit add": ("unit", "add", "新站", "--code", "FR99", "--area", "芙蓉街道"),
        "settings set": ("settings", "set", "issuer", "某街道"),
        "account add": ("account", "add", "x1", "--role", "查看", "--password-stdin"),
    }
    allowed = {
        "li": {"scores set own"},
        "wang": set(),
        "zhao": set(),
    }
    for n, (login, ok) in enumerate(allowed.items()):
        for name, argv in commands.items():
            # a new value each time: writing the stored value again writes nothing
            argv = tuple(str(10 + n) if x == "16" else x for x in argv)
            monkeypatch.setattr("sys.stdin", io.StringIO(f"{PW}\n{PW}\n"))
            r = kaohe("--user", login, "--password-stdin", *argv)
            if name in ok:
                assert r.code == 0, (login, name, r.err)
            else:
                assert r.code == 2, (login, name, r.out, r.err)
                assert "权限" in r.err or "关联" in r.err, (login, name, r.err)
                assert "Traceback" not in r.err
    for name, argv in commands.items():  # the administrator may every one
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{PW}\n{PW}\n"))
        r = kaohe("--user", "boss", "--password-stdin", *argv)
        assert r.code == 0, (name, r.err)


def test_review_steps_by_role(kaohe, accounts_db, monkeypatch):
    a = accounts_db
    for code in ("FR01", "FR02", "FR03", "FR04"):
        assert as_user(kaohe, monkeypatch, "boss", "subject", "exclude", a, code,
                       "--reason", "测试").code == 0
    assert as_user(kaohe, monkeypatch, "wang", "review", a, "submit").code == 2
    assert as_user(kaohe, monkeypatch, "boss", "review", a, "submit").code == 0
    for login in ("li", "zhao"):
        r = as_user(kaohe, monkeypatch, login, "review", a, "approve")
        assert r.code == 2 and "审议通过需要审议或管理员" in r.err
    assert as_user(kaohe, monkeypatch, "wang", "review", a, "approve").code == 0
    assert as_user(kaohe, monkeypatch, "wang", "review", a, "publish").code == 0
    r = as_user(kaohe, monkeypatch, "wang", "review", a, "reopen", "--reason", "改")
    assert r.code == 2 and "需要管理员" in r.err
    assert as_user(kaohe, monkeypatch, "boss", "review", a, "reopen", "--reason", "改").code == 0
    log = as_user(kaohe, monkeypatch, "zhao", "audit", "log", "--json").json()
    seal = [e for e in log if e["action"] == "seal"]
    assert seal and seal[0]["actor"] == "wang"


def test_account_commands(kaohe, accounts_db, monkeypatch):
    rows = as_user(kaohe, monkeypatch, "boss", "account", "list", "--json").json()
    assert {r["login"]: r["roles"] for r in rows} == {k: [v] for k, v in ROLES.items()}
    assert any("第一组" in s for r in rows for s in r["seats"])
    r = as_user(kaohe, monkeypatch, "boss", "account", "disable", "boss")
    assert r.code == 2 and "最后一个管理员" in r.err
    assert as_user(kaohe, monkeypatch, "boss", "account", "roles", "wang", "--role", "审议",
                   "--role", "查看").code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PW}\nnew-pass-9\n"))
    assert kaohe("--user", "boss", "--password-stdin", "account", "passwd", "li").code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("new-pass-9\n"))
    assert kaohe("--user", "li", "--password-stdin", "rank", accounts_db).code == 0
    assert as_user(kaohe, monkeypatch, "boss", "account", "disable", "zhao").code == 0
    assert as_user(kaohe, monkeypatch, "zhao", "rank", accounts_db).code == 2
    out = as_user(kaohe, monkeypatch, "boss", "audit", "log", "--json").out
    assert PW not in out and "new-pass-9" not in out and "scrypt$" not in out


def test_a_score_edited_with_sqlite3_is_caught(kaohe, small, db_path: Path):
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "18", "--assessor", "张三")
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "19", "--assessor", "张三")
    assert "从 18 改为 19" in kaohe.ok("audit", "log", "--subject", "FR01").out
    assert kaohe.ok("audit", "verify").code == 0
    con = raw_connect(db_path)  # another program: no check, no audit row
    con.execute("UPDATE score SET value = '20' WHERE item_code = '1.1'")
    con.commit()
    con.close()
    r = kaohe("audit", "verify")
    assert r.code == 1
    assert "FR01" in r.err and "1.1" in r.err and "张三" in r.err and "20" in r.err


def test_an_audit_row_edited_or_removed_breaks_the_chain(kaohe, small, db_path: Path):
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "18", "--assessor", "张三")
    kaohe.ok("scores", "set", small.id, "FR02", "1.1", "17", "--assessor", "张三")
    con = raw_connect(db_path)
    last = con.execute("SELECT max(id) FROM audit").fetchone()[0]
    con.execute(f"UPDATE audit SET actor = '路人' WHERE id = {param()}", (last - 1,))
    con.commit()
    r = kaohe("audit", "verify", "--json")
    assert r.code == 1 and r.json()["broken_row"] == last - 1
    con.execute(f"DELETE FROM audit WHERE id = {param()}", (last - 1,))
    con.commit()
    con.close()
    r = kaohe("audit", "verify")
    assert r.code == 1 and f"第 {last} 行" in r.err
