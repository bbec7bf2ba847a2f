"""What accounts still had to hold on the command line: `kaohe backup restore` only for a
管理员 once accounts exist (also on a damaged file), `--assessor` defaulting to the
logged-in 评分人's own seat, and `kaohe account staff` linking an account to a person."""

from __future__ import annotations

import io
import sqlite3

import pytest

from kaohe_desktop.store.db import backup_sqlite

PW = "pw-123456"


@pytest.fixture
def with_accounts(kaohe, small, monkeypatch):
    """The `small` assessment; boss (管理员), li (评分人, seated in 第一组 as 李立), zhao (查看)."""
    for login, name, role in (("boss", "主任", "管理员"), ("li", "李立", "评分人"), ("zhao", "赵", "查看")):
        if login != "boss":
            monkeypatch.setenv("KAOHE_USER", "boss")
            monkeypatch.setenv("KAOHE_PASSWORD", PW)
        monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
        kaohe.ok("account", "add", login, "--name", name, "--role", role, "--password-stdin")
    kaohe.ok("assessment", "assessor", small.id, "li", "--group", "第一组")
    monkeypatch.delenv("KAOHE_USER")
    monkeypatch.delenv("KAOHE_PASSWORD")
    return small.id


def as_user(kaohe, monkeypatch, login: str, *args: object):
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    return kaohe("--user", login, "--password-stdin", *args)


def _units(db_path) -> list[str]:
    con = sqlite3.connect(db_path)
    try:
        return sorted(r[0] for r in con.execute("SELECT code FROM unit"))
    finally:
        con.close()


@pytest.mark.sqlite_only("file backups beside a SQLite file (a server's are dumps)")
def test_restore_needs_an_administrator_once_accounts_exist(kaohe, with_accounts, db_path,
                                                            monkeypatch, tmp_path):
    backup_sqlite(db_path, "manual")
    assert as_user(kaohe, monkeypatch, "boss", "unit", "add", "后加的站", "--code", "U99").code == 0
    before = _units(db_path)
    r = kaohe("backup", "restore", "1")
    assert r.code == 2 and "管理员登录" in r.err and "--user" in r.err
    r = as_user(kaohe, monkeypatch, "li", "backup", "restore", "1")
    assert r.code == 2 and "需要管理员权限" in r.err and "评分人" in r.err
    r = as_user(kaohe, monkeypatch, "zhao", "backup", "restore", "1", "--to", tmp_path / "copy.db")
    assert r.code == 2 and not (tmp_path / "copy.db").exists()  # a copy holds every record too
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert kaohe("--user", "boss", "--password-stdin", "backup", "restore", "1").code == 2
    assert _units(db_path) == before  # nothing restored by any refusal
    assert as_user(kaohe, monkeypatch, "boss", "backup", "restore", "1").code == 0
    assert "U99" in before and "U99" not in _units(db_path)


@pytest.mark.sqlite_only("file backups beside a SQLite file (a server's are dumps)")
def test_a_damaged_database_is_restored_by_an_administrator_checked_read_only(
        kaohe, with_accounts, db_path, monkeypatch):
    from test_backup_cli import damage

    backup_sqlite(db_path, "manual")
    damage(db_path)
    r = as_user(kaohe, monkeypatch, "li", "backup", "restore")
    assert r.code == 2 and "需要管理员权限" in r.err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    r = kaohe("--user", "boss", "--password-stdin", "backup", "restore")
    assert r.code == 2 and "账户名或密码不正确" in r.err
    assert as_user(kaohe, monkeypatch, "boss", "backup", "restore").code == 0
    assert as_user(kaohe, monkeypatch, "boss", "rank", with_accounts).code == 0  # opens again


def test_assessor_defaults_to_the_logged_in_assessors_seat(kaohe, with_accounts, monkeypatch):
    a = with_accounts
    r = as_user(kaohe, monkeypatch, "li", "scores", "set", a, "FR02", "1.1", "17")
    assert r.code == 0, r.err
    log = as_user(kaohe, monkeypatch, "boss", "audit", "log", "--assessment", a, "--json").json()
    assert any(e["actor"] == "li" and e["table"] == "score" for e in log)
    drill = as_user(kaohe, monkeypatch, "boss", "drill", a, "FR02", "--json").json()
    assert "李立" in str(drill)
    # an account with no seat is told to name the assessor; so is nobody logged in
    r = as_user(kaohe, monkeypatch, "boss", "scores", "set", a, "FR02", "1.1", "16")
    assert r.code == 2 and "不是考核" in r.err and "--assessor" in r.err
    r = as_user(kaohe, monkeypatch, "li", "scores", "submit", a)
    assert r.code == 0 and "李立" in r.out


def test_without_accounts_the_assessor_must_be_named(kaohe, small):
    r = kaohe("scores", "set", small.id, "FR02", "1.1", "17")
    assert r.code == 2 and "--assessor" in r.err


def test_account_staff_links_one_person_to_one_account(kaohe, with_accounts, monkeypatch):
    assert as_user(kaohe, monkeypatch, "boss", "staff", "add", "李立", "--unit", "FR01",
                   "--code", "P001").code == 0
    r = as_user(kaohe, monkeypatch, "boss", "account", "staff", "li", "P001")
    assert r.code == 0 and "P001" in r.out
    r = as_user(kaohe, monkeypatch, "boss", "account", "staff", "zhao", "P001")
    assert r.code == 2 and "已关联账户 li" in r.err
    r = as_user(kaohe, monkeypatch, "boss", "account", "staff", "zhao", "P404")
    assert r.code == 2 and "没有这个编号的人员" in r.err
    r = as_user(kaohe, monkeypatch, "li", "account", "staff", "li", "--off")
    assert r.code == 2 and "管理员" in r.err  # changing an account is a 管理员's
    rows = as_user(kaohe, monkeypatch, "boss", "account", "list", "--json").json()
    assert {x["login"]: x["staff"] for x in rows}["li"] == "P001"
    assert as_user(kaohe, monkeypatch, "boss", "account", "staff", "li", "--off").code == 0
