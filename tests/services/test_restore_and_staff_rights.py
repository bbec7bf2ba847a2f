"""Through the service layer: who may restore a backup once accounts exist, and linking
an account to exactly one person of the roster."""

from __future__ import annotations

import pytest

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.services import accounts, roster
from kaohe_desktop.services.backup import login_on_file, restore_backup
from kaohe_desktop.store.db import backup_sqlite

PW = "pw-123456"


@pytest.fixture
def office(db):
    roster.add_unit(db, "第一站", code="U01", area="城关街道")
    roster.add_staff(db, "李立", "U01", code="P001")
    roster.add_staff(db, "王五", "U01", code="P002")
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    accounts.add_account(db, "li", "李立", ["评分人"], PW)
    accounts.add_account(db, "wang", "王五", ["审议"], PW)
    return db


def test_only_an_administrator_restores_a_portable_dump(office):
    """The program's own dump (what a server database is backed up as) replaces all data:
    refused to nobody logged in and to a 评分人, done for a 管理员 — on either backend."""
    from kaohe_desktop.services import server_backup

    db = office
    dump = server_backup.dump_database(db, "manual").path
    for who in (None, accounts.login(db, "li", PW)):
        db.actor = who
        with pytest.raises(InputError, match="管理员"):
            server_backup.restore_database(db, dump)
    db.actor = accounts.login(db, "boss", PW)
    restored, _kept = server_backup.restore_database(db, dump)
    assert restored.counts["account"] == 3


@pytest.mark.sqlite_only("file backups beside a SQLite file (a server's are dumps)")
def test_only_an_administrator_restores(office, tmp_path):
    db = office
    backup = backup_sqlite(db.path, "manual")
    li = accounts.login(db, "li", PW)
    boss = accounts.login(db, "boss", PW)
    db.close()
    for who, why in ((None, "管理员登录"), (li, "需要管理员权限")):
        with pytest.raises(InputError, match=why):
            restore_backup(db.path, backup, actor=who)
        with pytest.raises(InputError, match=why):
            restore_backup(db.path, backup, into=tmp_path / "new.db", actor=who)
    assert not (tmp_path / "new.db").exists()
    assert restore_backup(db.path, backup, actor=boss).restored == db.path.resolve()
    # a password checked against the file itself (what a damaged database is left with)
    assert login_on_file(db.path, backup, "boss", PW).admin
    with pytest.raises(InputError, match="不正确"):
        login_on_file(db.path, backup, "boss", "wrong")


@pytest.mark.sqlite_only("file backups beside a SQLite file (a server's are dumps)")
def test_a_database_without_accounts_restores_as_before(db):
    roster.add_unit(db, "第一站", code="U01")
    backup = backup_sqlite(db.path, "manual")
    db.close()
    assert restore_backup(db.path, backup).kept_copy is not None


def test_an_account_links_to_one_person_and_only_an_administrator_links_it(office):
    db = office
    accounts.login(db, "boss", PW)
    assert accounts.set_staff(db, "li", "P001").staff_code == "P001"
    with pytest.raises(InputError, match="已关联账户 li"):
        accounts.set_staff(db, "wang", "P001")
    with pytest.raises(InputError, match="已关联账户 li"):
        accounts.add_account(db, "li2", "李立", ["查看"], PW, staff="P001")
    with pytest.raises(InputError, match="没有这个编号的人员"):
        accounts.set_staff(db, "wang", "P404")
    accounts.login(db, "wang", PW)
    with pytest.raises(InputError, match="管理员"):
        accounts.set_staff(db, "wang", "P002")  # not even one's own
    accounts.login(db, "boss", PW)
    assert accounts.set_staff(db, "li", None).staff_code == ""
    assert accounts.set_staff(db, "wang", "P001").staff_code == "P001"


def test_a_linked_accounts_self_assessment_is_of_themselves_only(db):
    from decimal import Decimal

    from doc_data import add_stations, staff_rubric

    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services.assessments import GroupSpec, create_assessment
    from kaohe_desktop.services.scores import set_score

    add_stations(db)
    code = staff_rubric(db)
    info = create_assessment(db, code, parse_period("2024-10"),
                             subjects=["A01-01", "A01-02", "A01-03"],
                             groups=[GroupSpec("自评组", "自评")], name="自评")
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    accounts.add_account(db, "zhao", "赵一", ["评分人"], PW, staff="A01-01")
    accounts.add_account(db, "qian", "钱二", ["评分人"], PW)  # linked to nobody
    accounts.login(db, "boss", PW)
    for login in ("zhao", "qian"):
        accounts.seat_account(db, info.id, login, group="自评组")
    accounts.login(db, "zhao", PW)
    set_score(db, info.id, "A01-01", "1", Decimal(20), assessor="赵一", group="自评组")
    with pytest.raises(InputError, match="自评只能评本人或本单位"):
        set_score(db, info.id, "A01-02", "1", Decimal(20), assessor="赵一", group="自评组")
    accounts.login(db, "qian", PW)  # no link: the group's subjects decide, as before
    set_score(db, info.id, "A01-03", "1", Decimal(12), assessor="钱二", group="自评组")
    accounts.login(db, "boss", PW)
    accounts.set_staff(db, "qian", "A01-02")
    accounts.login(db, "qian", PW)
    with pytest.raises(InputError, match="自评只能评本人"):
        set_score(db, info.id, "A01-03", "1", Decimal(16), assessor="钱二", group="自评组")
