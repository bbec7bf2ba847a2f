"""`kaohe scores template|import|set|submit` and `kaohe event add|list`: entering the
assessors' scores and the bonus, deduction and veto events."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import AddCommand, CliError, add_group, print_json
from kaohe_desktop.domain.numbers import as_number, shown
from kaohe_desktop.services import accounts, derived_items, scores
from kaohe_desktop.services.database import Database

# ----------------------------------------------------------------------------- scores


def assessor_of(db: Database, args: argparse.Namespace) -> tuple[str, str | None]:
    """(assessor, group): as given, or — without --assessor — the logged-in account's
    own seat in the assessment."""
    if args.assessor:
        return args.assessor, args.group
    name, group = accounts.own_assessor(db, args.id, args.group)
    return name, args.group or group


def cmd_scores_template(db: Database, args: argparse.Namespace) -> None:
    path = scores.write_template(db, args.id, Path(args.out), assessor=args.assessor,
                                 group=args.group)
    print(f"评分表已生成：{path}")


def cmd_scores_import(db: Database, args: argparse.Namespace) -> None:
    assessor, group = assessor_of(db, args)
    report = scores.import_scores(db, args.id, Path(args.file), assessor=assessor,
                                  role=args.role, group=group, dry_run=args.dry_run)
    print(("（试导入，未写入）" if args.dry_run else "评分导入完成：") + report.summary())


def cmd_scores_set(db: Database, args: argparse.Namespace) -> None:
    if args.override:  # an administrator's value for a derived item, replacing it
        actor = args.assessor or getattr(db.actor, "name", "") or "管理员"
        info = derived_items.override_derived(db, args.id, args.subject, args.item, args.value,
                                              reason=args.reason or "", actor=actor)
        print(f"已更正：{info.subject_code} 项目 {info.item_code} 取 {args.value}"
              f"（代替取自数据的值；理由：{info.reason}）")
        return
    assessor, group = assessor_of(db, args)
    report = scores.set_score(db, args.id, args.subject, args.item, args.value,
                              assessor=assessor, role=args.role, group=group,
                              remark=args.remark or "", seen_version=args.seen_version)
    print("已保存" if report.added or report.changed else "分值未变")


def cmd_scores_submit(db: Database, args: argparse.Namespace) -> None:
    assessor, group = assessor_of(db, args)
    scores.submit_sheet(db, args.id, assessor, group=group)
    print(f"评分人 {assessor} 的评分表已提交")


# ----------------------------------------------------------------------------- events


def cmd_event_add(db: Database, args: argparse.Namespace) -> None:
    on = None
    if args.date:
        try:
            on = date.fromisoformat(args.date)
        except ValueError:
            raise CliError(f"日期格式应为 YYYY-MM-DD：{args.date}") from None
    # the evidence file is copied into the attachments folder; the copy is what is stored
    e = scores.record_event(db, args.id, args.subject, args.rule, args.amount,
                            matter=args.matter or "", note=args.note or "", occurred_on=on,
                            evidence_file=Path(args.evidence) if args.evidence else None)
    label = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}[e.section]
    print(f"已记录{label}：{e.subject_code} {e.rule_code} {shown(e.amount)} 分（事项：{e.matter or '—'}）")


def cmd_event_list(db: Database, args: argparse.Namespace) -> None:
    events = scores.list_events(db, args.id)
    if args.json:
        print_json([{"id": e.id, "subject_code": e.subject_code, "section": e.section,
                     "rule": e.rule_code, "amount": as_number(e.amount), "matter": e.matter,
                     "note": e.note, "date": e.occurred_on} for e in events])
        return
    for e in events:
        print(f"{e.id:>4} {e.subject_code:<10} {e.rule_code:<4} {shown(e.amount):>5}  {e.matter}  {e.note}")


# ----------------------------------------------------------------------------- parser


def add_scoring_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe scores …` then `kaohe event …` on the top-level subparsers."""
    sc = add_group(sub, "scores", "评分")
    sp = add(sc, "template", cmd_scores_template, "生成评分表 Excel")
    sp.add_argument("id", type=int)
    sp.add_argument("out")
    sp.add_argument("--assessor", help="预填这位评分人已有的分数")
    sp.add_argument("--group", help="只含该评分组负责的对象和项目（评分人在多个组时也用它指明）")
    sp = add(sc, "import", cmd_scores_import, "导入填好的评分表")
    sp.add_argument("id", type=int)
    sp.add_argument("file")
    sp.add_argument("--assessor", help="评分人（登录的评分人账户可省略：即本账户的评分人身份）")
    sp.add_argument("--role")
    sp.add_argument("--group")
    sp.add_argument("--dry-run", action="store_true")
    sp = add(sc, "set", cmd_scores_set, "设置一个分值")
    sp.add_argument("id", type=int)
    sp.add_argument("subject")
    sp.add_argument("item")
    sp.add_argument("value")
    sp.add_argument("--assessor", help="评分人（登录的评分人账户可省略：即本账户的评分人身份）")
    sp.add_argument("--role")
    sp.add_argument("--group")
    sp.add_argument("--remark")
    sp.add_argument("--seen-version", type=int, metavar="N",
                    help="修改所基于的版本号（没有分值时为 0）：期间被别处改过则拒绝保存，"
                         "并显示对方的值（退出码 2）")
    sp.add_argument("--override", action="store_true",
                    help="管理员更正取自数据的项目（如考勤），代替原值；需 --reason")
    sp.add_argument("--reason", help="更正理由（--override 时必填）")
    sp = add(sc, "submit", cmd_scores_submit, "评分人提交评分表（之后不能再改）")
    sp.add_argument("id", type=int)
    sp.add_argument("--assessor", help="评分人（登录的评分人账户可省略：即本账户的评分人身份）")
    sp.add_argument("--group", help="评分人在多个评分组时，提交哪一组的评分表")

    ev = add_group(sub, "event", "加分、减分、一票否决事项")
    sp = add(ev, "add", cmd_event_add, "记录一项加减分")
    sp.add_argument("id", type=int)
    sp.add_argument("subject")
    sp.add_argument("rule")
    sp.add_argument("amount")
    sp.add_argument("--matter", help="事项（同一事项只按最高分计一次）")
    sp.add_argument("--note")
    sp.add_argument("--date")
    sp.add_argument("--evidence", help="佐证材料文件")
    sp = add(ev, "list", cmd_event_list, "列出加减分")
    sp.add_argument("id", type=int)
