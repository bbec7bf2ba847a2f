"""`kaohe account add|list|passwd|disable|enable|roles` and logging in for every command.

With accounts in the database every command acts as one: `--user LOGIN` (or
`KAOHE_USER`) with the password from `KAOHE_PASSWORD`, else `--password-stdin` (the first
line), else a prompt. A new password (`account add`, `account passwd`) comes from the next line
of standard input with `--password-stdin`, or from a prompt asked twice. Passwords are
never printed, and never accepted as arguments (they would show in the process list and
the shell history).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kaohe_desktop.cli.common import (
    PASSWORD_ENV,
    USER_ENV,
    AddCommand,
    CliError,
    add_group,
    print_json,
)
from kaohe_desktop.services import accounts
from kaohe_desktop.services.database import Database


def _stdin_line() -> str:
    line = sys.stdin.readline()
    if not line:
        raise CliError("--password-stdin：标准输入没有（更多）密码行")
    return line.rstrip("\r\n")


def _prompt(text: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"请用 --password-stdin 或环境变量 {PASSWORD_ENV} 提供密码（标准输入不是终端）")
    import getpass

    return getpass.getpass(text)


def credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """(login, password) from `--user`/KAOHE_USER and the password's source; None when
    no user is named."""
    user = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not user:
        return None
    if (env := os.environ.get(PASSWORD_ENV)) is not None:
        password = env  # then --password-stdin carries only a new password
    elif getattr(args, "password_stdin", False):
        password = _stdin_line()
    else:
        password = _prompt(f"账户 {user} 的密码：")
    return user, password


def login_from_args(db: Database, args: argparse.Namespace) -> None:
    """Log in as `--user`/KAOHE_USER when the database has accounts (exit 2 without)."""
    if not accounts.has_accounts(db):
        return
    given = credentials(args)
    if given is None:
        raise CliError(f"本数据库已启用账户：请用 --user 账户名 登录（或设置环境变量 {USER_ENV}"
                       f" 和 {PASSWORD_ENV}）")
    accounts.login(db, *given)


def _new_password(args: argparse.Namespace, login: str) -> str:
    """The new password: the next stdin line with --password-stdin, else asked twice."""
    if getattr(args, "password_stdin", False):
        return _stdin_line()
    first = _prompt(f"账户 {login} 的新密码：")
    if _prompt("再输入一次：") != first:
        raise CliError("两次输入的密码不一致")
    return first


def _row(a: accounts.AccountInfo) -> dict[str, Any]:
    return {"login": a.login, "name": a.name, "roles": list(a.roles), "staff": a.staff_code,
            "active": a.active, "locked_until": a.locked_until, "seats": list(a.seats)}


def cmd_account_add(db: Database, args: argparse.Namespace) -> None:
    info = accounts.add_account(db, args.login, args.name or args.login, args.role,
                                _new_password(args, args.login), staff=args.staff)
    if args.json:
        print_json(_row(info))
        return
    print(f"已添加账户 {info.login}（{info.name}）：{'、'.join(info.roles)}")


def cmd_account_list(db: Database, args: argparse.Namespace) -> None:
    rows = accounts.list_accounts(db)
    if args.json:
        print_json([_row(a) for a in rows])
        return
    for a in rows:
        state = "" if a.active else "（已停用）"
        seats = f"；评分：{'，'.join(a.seats)}" if a.seats else ""
        staff = f"；人员 {a.staff_code}" if a.staff_code else ""
        print(f"{a.login}  {a.name}  {'、'.join(a.roles)}{state}{staff}{seats}")


def cmd_account_passwd(db: Database, args: argparse.Namespace) -> None:
    login = args.login or (db.actor.login if isinstance(db.actor, accounts.Actor) else "")
    if not login:
        raise CliError("请写明要改密码的账户名")
    accounts.set_password(db, login, _new_password(args, login))
    print(f"账户 {login} 的密码已更改")


def cmd_account_disable(db: Database, args: argparse.Namespace) -> None:
    info = accounts.set_active(db, args.login, False)
    print(f"账户 {info.login} 已停用")


def cmd_account_enable(db: Database, args: argparse.Namespace) -> None:
    info = accounts.set_active(db, args.login, True)
    print(f"账户 {info.login} 已启用")


def cmd_account_roles(db: Database, args: argparse.Namespace) -> None:
    info = accounts.set_roles(db, args.login, args.role)
    print(f"账户 {info.login} 的角色：{'、'.join(info.roles)}")


def cmd_account_staff(db: Database, args: argparse.Namespace) -> None:
    info = accounts.set_staff(db, args.login, None if args.off else args.staff)
    print(f"账户 {info.login} 关联人员：{info.staff_code}" if info.staff_code
          else f"账户 {info.login} 已取消关联人员")


def add_account_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe account …` on the top-level subparsers."""
    roles = "、".join(accounts.ROLES)
    acc = add_group(sub, "account", "账户与角色（管理员、评分人、审议、查看）")
    sp = add(acc, "add", cmd_account_add, "添加账户（第一个必须是管理员；新密码提示输入或 --password-stdin）")
    sp.add_argument("login")
    sp.add_argument("--name", help="显示名（默认同账户名）")
    sp.add_argument("--role", action="append", required=True, help=f"角色：{roles}（可多次给出）")
    sp.add_argument("--staff", help="关联的人员编号（自评时用）")
    add(acc, "list", cmd_account_list, "列出账户")
    sp = add(acc, "passwd", cmd_account_passwd, "改密码（自己的；管理员可重设任何账户的）")
    sp.add_argument("login", nargs="?")
    sp = add(acc, "disable", cmd_account_disable, "停用账户（最后一个管理员不能停用）")
    sp.add_argument("login")
    sp = add(acc, "enable", cmd_account_enable, "重新启用账户")
    sp.add_argument("login")
    sp = add(acc, "roles", cmd_account_roles, "设置账户的角色（替换原有角色）")
    sp.add_argument("login")
    sp.add_argument("--role", action="append", required=True, help=f"角色：{roles}（可多次给出）")
    sp = add(acc, "staff", cmd_account_staff, "把账户关联到名册中的人员（自评时即此人）")
    sp.add_argument("login")
    sp.add_argument("staff", nargs="?", help="人员编号")
    sp.add_argument("--off", action="store_true", help="取消关联")
