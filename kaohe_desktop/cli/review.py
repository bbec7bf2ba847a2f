"""`kaohe review ID submit|approve|publish|reopen`: moving an assessment through review
and publication."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from kaohe_desktop.cli.common import AddCommand, CliError
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import assessments
from kaohe_desktop.services.database import Database


def _review_date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{option} 的日期格式应为 YYYY-MM-DD：{text}") from None


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment
        return ""


def cmd_review(db: Database, args: argparse.Namespace) -> None:
    """The actor is `--by`, else the computer's login name; reopening needs `--admin`."""
    info = assessments.change_state(
        db, args.id, args.action, actor=args.by or _os_user(), reason=args.reason or "",
        actor_is_admin=getattr(args, "admin", False),
        objection_start=_review_date(getattr(args, "objection_from", None), "--from"),
        objection_end=_review_date(getattr(args, "objection_to", None), "--to"))
    line = f"考核 {info.id} 现为“{STATE_NAMES[State(info.state)]}”"
    if info.state == State.PUBLISHED and info.objection_start and info.objection_end:
        line += f"，公示期 {info.objection_start} 至 {info.objection_end}"
    print(line)


def add_review_command(sub: Any, add: AddCommand) -> None:
    """`kaohe review` on the top-level subparsers."""
    sp = add(sub, "review", cmd_review, "提交、审议、公示、重新打开")
    sp.add_argument("id", type=int)
    sp.add_argument("action", choices=["submit", "approve", "publish", "reopen"])
    sp.add_argument("--reason", help="理由或审议意见（重新打开时必填）")
    sp.add_argument("--by", help="操作人（默认：本机登录名）")
    sp.add_argument("--admin", action="store_true", help="以管理员身份操作（重新打开时必需）")
    sp.add_argument("--from", dest="objection_from", help="公示期开始日期 YYYY-MM-DD（公示时）")
    sp.add_argument("--to", dest="objection_to", help="公示期结束日期 YYYY-MM-DD（公示时）")
