"""`kaohe subject …`: an administrator's marks on one subject of an assessment —
不参评 (`exclude`/`include`) and items 不适用 (`na`) — each with a reason."""

from __future__ import annotations

import argparse
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group
from kaohe_desktop.services import subject_marks
from kaohe_desktop.services.database import Database


def cmd_subject_exclude(db: Database, args: argparse.Namespace) -> None:
    subject_marks.exclude_subject(db, args.id, args.subject, reason=args.reason or "")
    print(f"{args.subject} 已标为不参评：{args.reason}（不排名、不定档、不出文书）")


def cmd_subject_include(db: Database, args: argparse.Namespace) -> None:
    was = subject_marks.include_subject(db, args.id, args.subject)
    print(f"{args.subject} 已恢复参评" if was else f"{args.subject} 本来就参评，未作改动")


def cmd_subject_na(db: Database, args: argparse.Namespace) -> None:
    if args.clear:
        gone = subject_marks.unmark_not_applicable(db, args.id, args.subject, args.item)
        print(f"{args.subject} 的项目 {args.item} 已恢复适用" if gone
              else f"{args.subject} 的项目 {args.item} 本来就适用，未作改动")
        return
    subject_marks.mark_not_applicable(db, args.id, args.subject, args.item,
                                      reason=args.reason or "", actor=args.actor or "")
    print(f"{args.subject} 的项目 {args.item} 已标为不适用：{args.reason}"
          "（得分按适用项目折算为满分制）")


def add_subject_commands(sub: Any, add: AddCommand) -> None:
    grp = add_group(sub, "subject", "考核对象：不参评、不适用项目")
    sp = add(grp, "exclude", cmd_subject_exclude, "标为不参评（需理由）")
    sp.add_argument("id", type=int)
    sp.add_argument("subject")
    sp.add_argument("--reason", required=True)
    sp = add(grp, "include", cmd_subject_include, "取消不参评")
    sp.add_argument("id", type=int)
    sp.add_argument("subject")
    sp = add(grp, "na", cmd_subject_na, "把一个项目标为不适用（细则允许时；需理由），--clear 取消")
    sp.add_argument("id", type=int)
    sp.add_argument("subject")
    sp.add_argument("item")
    sp.add_argument("--reason")
    sp.add_argument("--actor", help="操作人")
    sp.add_argument("--clear", action="store_true", help="取消不适用")
