"""Accounts, roles and the permission rules, through the services on a real SQLite file.

Each rule is tried with an account of each role: 管理员 may everything; 评分人 only the
scores of their own seat, within their group's subjects and items; 审议 approves and
publishes; 查看 writes nothing. A database without accounts is the local user.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from backends import raw_connect, table_rows

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import (
    accounts,
    assessments,
    audit,
    office_settings,
    roster,
    rubrics,
    score_sheet,
    scores,
    subject_marks,
)
from kaohe_desktop.services.assessments import GroupSpec

PW = "pw-123456"


@pytest.fixture
def setup(db):
    """Four units, an assessment with two groups (第一组 scores U1, U2 and only section 1),
    and accounts of every role; 李梅 (评分人) sits in 第一组, linked to her account."""
    for n in range(1, 5):
        roster.add_unit(db, f"第{n}站", code=f"U{n}", area="城关街道")
    info = assessments.create_assessment(
        db, "CY2019", parse_period("2024"), subjects="units",
        groups=[GroupSpec("第一组", "上级", ("U1", "U2"), ("1",)),
                GroupSpec("第二组", "上级", ("U3", "U4"))])
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    accounts.login(db, "boss", PW)
    accounts.add_account(db, "li", "李梅", ["评分人"], PW)
    accounts.add_account(db, "wang", "王审", ["审议"], PW)
    accounts.add_account(db, "zhao", "赵看", ["查看"], PW)
    accounts.seat_account(db, info.id, "li", group="第一组")
    scores.seat_assessor(db, info.id, "张三", group="第二组")
    return info.id


def as_(db, login: str) -> None:
    accounts.login(db, login, PW)


def test_no_accounts_is_the_local_user_who_may_do_everything(db):
    roster.add_unit(db, "第一站", code="U1", area="城关街道")
    office_settings.set_office_setting(db, "issuer", "城关镇便民服务中心")
    assert accounts.who_is_acting(db).login == "本机用户"
    rows = audit.audit_log(db)
    assert rows[0].action == "genesis" and rows[-1].actor == "本机用户"


def test_the_first_account_must_be_an_administrator(db):
    with pytest.raises(InputError, match="第一个账户必须是管理员"):
        accounts.add_account(db, "li", "李梅", ["评分人"], PW)
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    db.actor = None
    with pytest.raises(InputError, match="请先登录"):  # from now on a login is needed
        roster.add_unit(db, "第一站", code="U1", area="城关街道")


def test_passwords_are_hashed_with_scrypt_and_salted(db, tmp_path: Path):
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    accounts.login(db, "boss", PW)
    accounts.add_account(db, "li", "李梅", ["评分人"], PW)
    con = raw_connect(db)
    hashes = [h for (h,) in con.execute("SELECT password_hash FROM account")]
    dump = repr(table_rows(db))
    con.close()
    assert all(h.startswith("scrypt$") for h in hashes) and hashes[0] != hashes[1]
    assert PW not in dump  # not in any table, the record included
    assert all(PW not in e.text and PW not in str(e.after) for e in audit.audit_log(db))


def test_failed_logins_lock_the_account_for_a_while(db):
    accounts.add_account(db, "boss", "主任", ["管理员"], PW)
    for _ in range(accounts.FREE_TRIES):
        with pytest.raises(InputError, match="账户名或密码不正确"):
            accounts.login(db, "boss", "wrong")
    with pytest.raises(InputError, match="秒后再试"):
        accounts.login(db, "boss", PW)  # even the right password waits
    with pytest.raises(InputError, match="账户名或密码不正确"):
        accounts.login(db, "nobody", PW)


def test_an_administrator_resets_a_password_and_the_last_one_stays(db, setup):
    accounts.set_password(db, "li", "new-pass-1")
    accounts.login(db, "li", "new-pass-1")
    with pytest.raises(InputError, match="需要管理员"):
        accounts.set_password(db, "wang", "hijack-1")
    accounts.set_password(db, "li", PW)  # one's own
    as_(db, "boss")
    with pytest.raises(InputError, match="最后一个管理员"):
        accounts.set_active(db, "boss", False)
    with pytest.raises(InputError, match="最后一个管理员"):
        accounts.set_roles(db, "boss", ["查看"])
    accounts.set_active(db, "zhao", False)
    with pytest.raises(InputError, match="已停用"):
        accounts.login(db, "zhao", PW)


def test_an_assessor_scores_only_their_own_seat_subjects_and_items(db, setup):
    a = setup
    as_(db, "li")
    scores.set_score(db, a, "U1", "1.1", 18, assessor="李梅")
    with pytest.raises(InputError, match="不负责"):
        scores.set_score(db, a, "U3", "1.1", 18, assessor="李梅")  # another group's subject
    with pytest.raises(InputError, match="不负责"):
        scores.set_score(db, a, "U1", "3.3", 5, assessor="李梅")  # an item outside section 1
    with pytest.raises(InputError, match="自己账户关联"):
        scores.set_score(db, a, "U3", "1.1", 18, assessor="张三")  # somebody else's sheet
    with pytest.raises(InputError, match="需要管理员"):
        scores.set_score(db, a, "U1", "1.1", 18, assessor="路人", group="第一组")  # a new seat
    with pytest.raises(InputError, match="需要管理员"):
        scores.add_event(db, a, "U1", "B2", 3, matter="省级媒体报道")
    with pytest.raises(InputError, match="需要管理员"):
        subject_marks.exclude_subject(db, a, "U4", reason="试")
    scores.submit_sheet(db, a, "李梅")
    with pytest.raises(InputError):
        scores.submit_sheet(db, a, "张三")


def test_an_assessor_sees_only_their_sheets(db, setup):
    as_(db, "li")
    assert [x.name for x in score_sheet.list_assessors(db, setup)] == ["李梅"]
    with pytest.raises(InputError):
        score_sheet.sheet_for(db, setup, "张三")
    assert [x.code for x in score_sheet.sheet_for(db, setup, "李梅").subjects] == ["U1", "U2"]
    as_(db, "wang")  # a reviewer reads everything
    assert len(score_sheet.list_assessors(db, setup)) == 2


def test_bulk_import_is_checked_per_row(db, setup, tmp_path: Path):
    a = setup
    path = scores.write_template(db, a, tmp_path / "t.xlsx", assessor="张三")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["评分表"]
    ws.cell(3, 3, 18)
    wb.save(path)
    as_(db, "li")
    with pytest.raises(InputError, match="自己账户关联"):
        scores.import_scores(db, a, path, assessor="张三")
    as_(db, "boss")
    assert scores.import_scores(db, a, path, assessor="张三").added == 1


@pytest.mark.parametrize("login", ["li", "zhao"])
def test_who_may_not_approve_publish_or_reopen(db, setup, login, leave_out_unfinished):
    a = setup
    leave_out_unfinished(db, a)
    assessments.change_state(db, a, "submit")
    as_(db, login)
    with pytest.raises(InputError, match="审议通过需要审议或管理员"):
        assessments.change_state(db, a, "approve")


def test_a_reviewer_approves_and_publishes_and_only_an_administrator_reopens(
        db, setup, leave_out_unfinished):
    a = setup
    leave_out_unfinished(db, a)
    assessments.change_state(db, a, "submit")
    as_(db, "wang")
    assessments.change_state(db, a, "approve")
    assessments.change_state(db, a, "publish")
    assert audit.results_digest(db, a) is not None
    with pytest.raises(InputError, match="重新打开考核需要管理员"):
        assessments.change_state(db, a, "reopen", reason="更正")
    as_(db, "boss")
    assessments.change_state(db, a, "reopen", reason="更正")
    assert audit.results_digest(db, a) is None  # not published any more


@pytest.mark.parametrize("login", ["li", "wang", "zhao"])
def test_roster_rubrics_settings_deletions_and_accounts_need_an_administrator(db, setup, login):
    changed = rubrics.rubric_definition(db, "CY2019")
    changed["name"] = changed["name"] + "（修订）"
    as_(db, login)
    refused = [
        lambda: roster.add_unit(db, "新站", code="U9", area="城关街道"),
        lambda: office_settings.set_office_setting(db, "issuer", "某街道"),
        lambda: assessments.delete_assessment(db, setup, confirmed=True),
        lambda: accounts.add_account(db, "x", "某人", ["管理员"], PW),
        lambda: accounts.set_roles(db, login, ["管理员"]),  # nobody promotes themselves
        lambda: assessments.rename_assessment(db, setup, "改名"),
        lambda: rubrics.save_rubric(db, changed),  # rubric and grade-scale changes
    ]
    for attempt in refused:
        with pytest.raises(InputError, match="需要管理员"):
            attempt()


def test_every_change_is_recorded_with_who_and_before_after(db, setup):
    a = setup
    as_(db, "li")
    scores.set_score(db, a, "U1", "1.1", 18, assessor="李梅")
    scores.set_score(db, a, "U1", "1.1", D("19"), assessor="李梅")
    texts = [e.text for e in audit.audit_log(db, assessment_id=a, subject="U1", item="1.1")]
    assert texts[-1].startswith("李梅在 ") and "把 U1 项目 1.1 从 18 改为 19" in texts[-1]
    assert audit.verify(db).ok
