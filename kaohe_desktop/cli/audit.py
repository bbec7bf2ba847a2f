"""`kaohe audit verify|log`: checking the record of changes and reading it.

`verify` exits 0 when the hash chain is whole and the tables agree with it, 1 when not,
printing the first broken row (and what else disagrees). `log` prints who changed what
when, oldest first, of one assessment, subject or item and from a date on.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from kaohe_desktop.cli.common import EXIT_FAILED, AddCommand, CliError, add_group, print_json
from kaohe_desktop.services import audit
from kaohe_desktop.services.database import Database

SHOWN_PROBLEMS = 20


def cmd_audit_verify(db: Database, args: argparse.Namespace) -> None:
    report = audit.verify(db)
    if args.json:
        print_json({"ok": report.ok, "rows": report.rows, "broken_row": report.broken_row,
                    "problems": report.problems})
    elif report.ok:
        print(f"修改记录完整：{report.rows} 行，校验值逐行相接，评分、更正值、加减分和考核状态与记录一致")
    else:
        print(f"修改记录不完整（共 {report.rows} 行）：", file=sys.stderr)
        for line in report.problems[:SHOWN_PROBLEMS]:
            print(f"  {line}", file=sys.stderr)
        if len(report.problems) > SHOWN_PROBLEMS:
            print(f"  另有 {len(report.problems) - SHOWN_PROBLEMS} 处未列出", file=sys.stderr)
    if not report.ok:
        raise SystemExit(EXIT_FAILED)


def cmd_audit_log(db: Database, args: argparse.Namespace) -> None:
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since.strip())
        except ValueError:
            raise CliError(f"--since 的日期格式应为 YYYY-MM-DD：{args.since}") from None
    entries = audit.audit_log(db, assessment_id=args.assessment, subject=args.subject,
                              item=args.item, since=since, limit=args.last)
    if args.json:
        print_json([_entry(e) for e in entries])
        return
    for e in entries:
        why = f"（理由：{e.reason}）" if e.reason and e.action != "genesis" else ""
        print(f"{e.id:>6}  {e.text}{why}")


def _entry(e: audit.AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": e.at, "actor": e.actor, "actor_name": e.actor_name,
            "action": e.action, "table": e.table, "key": e.key,
            "assessment_id": e.assessment_id, "subject": e.subject, "before": e.before,
            "after": e.after, "reason": e.reason, "text": e.text}


def add_audit_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe audit …` on the top-level subparsers."""
    au = add_group(sub, "audit", "修改记录：校验与查看")
    add(au, "verify", cmd_audit_verify, "校验修改记录（完整时退出码 0，被改动时 1 并指出第一处）")
    sp = add(au, "log", cmd_audit_log, "谁在何时改了什么")
    sp.add_argument("--assessment", type=int, help="只看这次考核")
    sp.add_argument("--subject", help="只看这个对象（编号）")
    sp.add_argument("--item", help="只看这个评分项目（与 --subject 一起用）")
    sp.add_argument("--since", help="从这一天起 YYYY-MM-DD")
    sp.add_argument("--last", type=int, help="只列最后这么多条")
