"""Accounts: adding, listing, passwords, roles, disabling, logging in, and making an
account an assessor of a group.

Passwords are hashed with scrypt (memory-hard: 16 MiB and about 50 ms per try) and a
random salt per account; the clear text is never stored, logged, recorded or printed.
Five failed logins in a row lock the account for 30 seconds, doubling with each further
failure (at most 15 minutes), so guessing is slow; a successful login clears the count.

The first account must be a 管理员 (from then on every write needs a login); the last
active 管理员 cannot be disabled or lose the role. Who may change accounts (管理员, or
anyone their own password) is checked by services/permissions under every write.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Account, Assessor, AssessorGroup, Staff

from .permissions import ADMIN, ROLES, Actor, current_actor
from .scores import seat_assessor

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
MIN_PASSWORD = 6
FREE_TRIES = 5
LOCK_SECONDS, MAX_LOCK_SECONDS = 30, 15 * 60


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@dataclass(frozen=True)
class AccountInfo:
    """An account as listed: never its password hash."""

    id: int
    login: str
    name: str
    roles: tuple[str, ...]
    staff_code: str
    active: bool
    locked_until: datetime | None
    seats: tuple[str, ...]  # "考核 1 第一组（上级）" for each assessor seat linked to it


def _roles(text: str) -> tuple[str, ...]:
    return tuple(r for r in ROLES if r in text.split(","))


def parse_roles(roles: list[str] | tuple[str, ...] | str) -> tuple[str, ...]:
    """Role names (comma lists accepted) checked against the four roles."""
    items = [roles] if isinstance(roles, str) else list(roles)
    names = [x.strip() for r in items for x in r.replace("，", ",").replace("、", ",").split(",")
             if x.strip()]
    if unknown := [r for r in names if r not in ROLES]:
        raise InputError(Problem(f"没有这个角色，可用：{'、'.join(ROLES)}", column="--role",
                                 value="、".join(unknown)))
    if not names:
        raise InputError(Problem(f"请用 --role 给出角色：{'、'.join(ROLES)}", column="--role"))
    return tuple(r for r in ROLES if r in names)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(Problem(f"密码至少 {MIN_PASSWORD} 个字符", column="密码"))


def has_accounts(db: Database) -> bool:
    with db.session() as s:
        return s.scalar(select(func.count(Account.id))) > 0


def _info(s: Session, a: Account) -> AccountInfo:
    staff = s.get(Staff, a.staff_id) if a.staff_id is not None else None
    seats = []
    for who in s.scalars(select(Assessor).where(Assessor.account_id == a.id).order_by(Assessor.id)):
        g = s.get(AssessorGroup, who.group_id) if who.group_id is not None else None
        seats.append(f"考核 {who.assessment_id} {g.name if g else ''}（{who.role}）")
    return AccountInfo(a.id, a.login, a.name, _roles(a.roles), staff.code if staff else "",
                       a.active, a.locked_until, tuple(seats))


def _get(s: Session, login: str) -> Account:
    a = s.scalar(select(Account).where(Account.login == login.strip()))
    if a is None:
        raise InputError(Problem("没有这个账户", column="账户", value=login))
    return a


def _other_admins(s: Session, a: Account) -> int:
    return sum(1 for x in s.scalars(select(Account).where(Account.active.is_(True),
                                                          Account.id != a.id))
               if ADMIN in _roles(x.roles))


def add_account(db: Database, login: str, name: str, roles: list[str] | tuple[str, ...] | str,
                password: str, *, staff: str | None = None) -> AccountInfo:
    """A new account; the first one must be a 管理员."""
    picked = parse_roles(roles)
    login, name = login.strip(), (name or login).strip()
    if not login or len(login) > 50 or not login.isprintable() or any(c.isspace() for c in login):
        raise InputError(Problem("账户名不能为空，不能含空格或控制字符，最长 50 个字符",
                                 column="账户名", value=login[:50]))
    if len(name) > 100 or not name.isprintable():
        raise InputError(Problem("显示名不能含控制字符，最长 100 个字符", column="--name",
                                 value=name[:100]))
    _check_password(password)
    with db.session() as s:
        if s.scalar(select(Account.id).where(Account.login == login)) is not None:
            raise InputError(Problem("账户名已存在", column="账户名", value=login))
        if s.scalar(select(func.count(Account.id))) == 0 and ADMIN not in picked:
            raise InputError(Problem("第一个账户必须是管理员（--role 管理员）：之后每次操作都要登录",
                                     column="--role", value="、".join(picked)))
        staff_id = _staff_for(s, staff, None) if staff else None
        a = Account(login=login, name=name, roles=",".join(picked),
                    password_hash=hash_password(password), staff_id=staff_id, active=True,
                    failed_logins=0)
        first = s.scalar(select(func.count(Account.id))) == 0
        s.add(a)
        s.flush()
        info = _info(s, a)
    if first and db.actor is None:
        # whoever made the first administrator works on as it (the window needs no
        # second login; a command ends here anyway)
        db.actor = Actor(info.login, info.name, frozenset(info.roles), info.id)
    return info


def _staff_for(s: Session, code: str, account_id: int | None) -> int:
    """The id of the staff member `code`, who must exist and be nobody else's account
    (self-assessment counts as that person: two accounts for one person would make it
    ambiguous who assessed)."""
    person = s.scalar(select(Staff).where(Staff.code == code.strip()))
    if person is None:
        raise InputError(Problem("没有这个编号的人员", column="--staff", value=code))
    q = select(Account).where(Account.staff_id == person.id)
    other = s.scalar(q if account_id is None else q.where(Account.id != account_id))
    if other is not None:
        raise InputError(Problem(f"人员 {person.code} {person.name} 已关联账户 {other.login}："
                                 "一人只能关联一个账户", column="--staff", value=code))
    return person.id


def set_staff(db: Database, login: str, staff: str | None) -> AccountInfo:
    """Link the account to a staff member of the roster (None or "" unlinks). Changing an
    account needs a 管理员 (the permission guard); the person must exist and belong to
    no other account."""
    with db.session() as s:
        a = _get(s, login)
        a.staff_id = _staff_for(s, staff, a.id) if staff and staff.strip() else None
        s.flush()
        return _info(s, a)


def list_accounts(db: Database) -> list[AccountInfo]:
    with db.session() as s:
        return [_info(s, a) for a in s.scalars(select(Account).order_by(Account.id))]


def set_password(db: Database, login: str, password: str) -> None:
    """A new password: one's own, or anyone's by a 管理员 (a reset). Clears a lock."""
    _check_password(password)
    with db.session() as s:
        a = _get(s, login)
        a.password_hash = hash_password(password)
        a.failed_logins, a.locked_until = 0, None


def set_active(db: Database, login: str, active: bool) -> AccountInfo:
    """Disable (or enable again) an account; the last active 管理员 stays."""
    with db.session() as s:
        a = _get(s, login)
        if not active and ADMIN in _roles(a.roles) and not _other_admins(s, a):
            raise InputError(Problem("不能停用最后一个管理员账户：请先让另一个账户成为管理员",
                                     column="账户", value=login))
        a.active = active
        s.flush()
        return _info(s, a)


def set_roles(db: Database, login: str, roles: list[str] | tuple[str, ...] | str) -> AccountInfo:
    picked = parse_roles(roles)
    with db.session() as s:
        a = _get(s, login)
        if ADMIN in _roles(a.roles) and ADMIN not in picked and a.active \
                and not _other_admins(s, a):
            raise InputError(Problem("不能取消最后一个管理员的管理员角色", column="--role",
                                     value=login))
        a.roles = ",".join(picked)
        s.flush()
        return _info(s, a)


def login(db: Database, login_name: str, password: str) -> Actor:
    """Check the password and make the account the database's actor.

    Wrong names and wrong passwords get the same answer; failures are counted and, after
    a few, the account is locked for a while (the count is written even though the login
    is refused)."""
    refused = InputError(Problem("账户名或密码不正确", column="--user", value=login_name))
    with db.session() as s:
        a = s.scalar(select(Account).where(Account.login == login_name.strip()))
        if a is None:
            # the same work as for a real account: no telling names apart by timing
            password_matches(password, hash_password("-"))
            raise refused
        now = datetime.now()
        if a.locked_until is not None and a.locked_until > now:
            wait = int((a.locked_until - now).total_seconds()) + 1
            raise InputError(Problem(f"登录失败次数过多，请在 {wait} 秒后再试", column="--user",
                                     value=login_name))
        ok = password_matches(password, a.password_hash)
        if not ok:
            a.failed_logins = (a.failed_logins or 0) + 1
            if a.failed_logins >= FREE_TRIES:
                seconds = min(MAX_LOCK_SECONDS, LOCK_SECONDS * 2 ** (a.failed_logins - FREE_TRIES))
                a.locked_until = now + timedelta(seconds=seconds)
        elif a.failed_logins or a.locked_until:
            a.failed_logins, a.locked_until = 0, None
        active = a.active
        actor = Actor(a.login, a.name, frozenset(_roles(a.roles)), a.id)
    if not ok:
        raise refused
    if not active:
        raise InputError(Problem("该账户已停用", column="--user", value=login_name))
    db.actor = actor
    return actor


def logout(db: Database) -> None:
    db.actor = None


def who_is_acting(db: Database) -> Actor | None:
    """The logged-in account, the local user (no accounts), or None (nobody logged in)."""
    with db.session() as s:
        return current_actor(db, s)


def seat_account(db: Database, assessment_id: int, login_name: str, *, group: str | None = None,
                 role: str | None = None) -> tuple[str, str, str, bool]:
    """Make an account an assessor of a group: its scores count as that seat's. Returns
    (assessor name, role, group, added)."""
    with db.session() as s:
        a = _get(s, login_name)
        name, account_id = a.name, a.id
    seat = seat_assessor(db, assessment_id, name, role=role, group=group)
    with db.session() as s:
        q = select(Assessor).where(Assessor.assessment_id == assessment_id, Assessor.name == name)
        for who in s.scalars(q):
            g = s.get(AssessorGroup, who.group_id) if who.group_id is not None else None
            if (g.name if g else "") == seat.group and who.role == seat.role:
                if who.account_id not in (None, account_id):
                    raise InputError(Problem(f"评分人“{name}”已关联另一个账户", column="账户",
                                             value=login_name))
                linked = who.account_id == account_id
                who.account_id = account_id
                return seat.name, seat.role, seat.group, seat.added or not linked
    return seat.name, seat.role, seat.group, seat.added


def own_seats(db: Database, assessment_id: int) -> set[int] | None:
    """The assessor ids the logged-in 评分人 may see and score (None: every one, for
    anybody who is not only an 评分人)."""
    actor = db.actor
    if not isinstance(actor, Actor) or actor.admin or actor.roles - {"评分人"}:
        return None
    with db.session() as s:
        return set(s.scalars(select(Assessor.id).where(Assessor.assessment_id == assessment_id,
                                                       Assessor.account_id == actor.account_id)))


def own_assessor(db: Database, assessment_id: int, group: str | None = None) -> tuple[str, str | None]:
    """The assessor the logged-in account scores as in this assessment: (name, group —
    None when its seats are in several groups and `group` does not pick one). Refused
    when nobody is logged in or the account has no seat there."""
    actor = db.actor
    if not isinstance(actor, Actor) or actor.account_id is None:
        raise InputError(Problem("请用 --assessor 指明评分人（登录的评分人账户可省略）",
                                 column="--assessor"))
    with db.session() as s:
        seats = []
        for who in s.scalars(select(Assessor).where(Assessor.assessment_id == assessment_id,
                                                    Assessor.account_id == actor.account_id)
                             .order_by(Assessor.id)):
            g = s.get(AssessorGroup, who.group_id) if who.group_id is not None else None
            seats.append((who.name, g.name if g else ""))
    if group:
        seats = [x for x in seats if x[1] == group.strip()]
    if not seats:
        where = f"评分组“{group}”的" if group else ""
        raise InputError(Problem(f"账户 {actor.login} 不是考核 {assessment_id} {where}评分人："
                                 "请用 --assessor 指明评分人，或由管理员用 kaohe assessment assessor "
                                 "把账户设为评分人", column="--assessor", value=actor.login))
    groups = {g for _, g in seats}
    return seats[0][0], (seats[0][1] or None) if len(groups) == 1 else group
