"""`kaohe assessment create|list|show|group|weight|assessor`: setting up an assessment —
its rubric, period, subjects, scoring groups, role weights and assessors."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kaohe_desktop.cli.common import AddCommand, CliError, add_group, print_json
from kaohe_desktop.domain.periods import Period, adhoc_period, parse_period
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import assessments, scores
from kaohe_desktop.services.database import Database


def _period(args: argparse.Namespace) -> Period:
    try:
        if args.period and (args.date_from or args.date_to):
            raise CliError("--period 与 --from/--to 只能选一种")
        if args.period:
            return parse_period(args.period)
        if args.date_from and args.date_to:
            return adhoc_period(args.date_from, args.date_to)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    raise CliError("请给出考核周期：--period 2024 / 2024-Q1 / 2024-03，或 --from 与 --to")


def cmd_assessment_create(db: Database, args: argparse.Namespace) -> None:
    groups = [assessments.parse_group(g) for g in args.group or []]
    weights = dict(assessments.parse_weight(w) for w in args.weight or [])
    info = assessments.create_assessment(
        db, args.rubric, _period(args), subjects=args.subjects, area=args.area or "",
        groups=groups, weights=weights, name=args.name or "", trimmed_mean=args.trimmed)
    if args.json:
        print_json({"id": info.id, "name": info.name, "subjects": len(info.subjects)})
    else:
        # The id alone on stdout, so that scripts can capture it; the summary is for people.
        print(info.id)
        print(assessments.describe(info), file=sys.stderr)


def cmd_assessment_list(db: Database, args: argparse.Namespace) -> None:
    infos = assessments.list_assessments(db)
    if args.json:
        print_json([{"id": i.id, "name": i.name, "rubric": i.rubric_code, "period": i.period_key,
                     "state": i.state, "subjects": len(i.subjects)} for i in infos])
        return
    for i in infos:
        print(f"{i.id:>4}  {i.period_key:<10} {i.rubric_code:<13} "
              f"{STATE_NAMES[State(i.state)]:<4} {len(i.subjects):>4} 个对象  {i.name}")


def cmd_assessment_show(db: Database, args: argparse.Namespace) -> None:
    info = assessments.get_assessment(db, args.id)
    if args.json:
        print_json({"id": info.id, "name": info.name, "rubric": info.rubric_code,
                    "version": info.rubric_version, "period": info.period_key, "state": info.state,
                    "roles": {r: float(w) for r, w in info.roles.items()},
                    "groups": [{"name": g.name, "role": g.role, "subjects": list(g.subject_codes)}
                               for g in info.groups],
                    "subjects": [{"code": x.code, "name": x.name} for x in info.subjects]})
        return
    print(assessments.describe(info))


def cmd_assessment_group(db: Database, args: argparse.Namespace) -> None:
    spec = assessments.parse_group(args.group)
    codes = tuple(c.strip() for c in (args.subjects or "").split(",") if c.strip())
    weight = assessments.parse_weight(f"{spec.role}={args.weight}")[1] if args.weight else None
    info = assessments.add_group(
        db, args.id, assessments.GroupSpec(spec.name, spec.role, codes), weight)
    print(assessments.describe(info))


def cmd_assessment_weight(db: Database, args: argparse.Namespace) -> None:
    role, weight = assessments.parse_weight(args.weight)
    print(assessments.describe(assessments.set_role_weight(db, args.id, role, weight)))


def cmd_assessment_assessor(db: Database, args: argparse.Namespace) -> None:
    name, role = scores.add_assessor(db, args.id, args.name, role=args.role, group=args.group)
    print(f"评分人 {name}（{role}）")


def add_assessment_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe assessment …` on the top-level subparsers."""
    asm = add_group(sub, "assessment", "考核")
    sp = add(asm, "create", cmd_assessment_create, "新建考核，输出其编号")
    sp.add_argument("--rubric", required=True)
    sp.add_argument("--period", help="2024、2024-Q1 或 2024-03")
    sp.add_argument("--from", dest="date_from", help="专项考核开始日期 YYYY-MM-DD")
    sp.add_argument("--to", dest="date_to", help="专项考核结束日期 YYYY-MM-DD")
    sp.add_argument("--subjects", default="all",
                    help="units、staff，或逗号分隔的编号（默认：细则对应的全部对象）")
    sp.add_argument("--area", help="只考核这个街道/乡镇的单位")
    sp.add_argument("--group", action="append", help="评分组:角色，如 第一组:上级（可重复）")
    sp.add_argument("--weight", action="append", help="角色=权重，如 上级=0.5（可重复）")
    sp.add_argument("--name")
    sp.add_argument("--trimmed", action="store_true", help="同一角色 5 人以上时去掉最高最低分")
    add(asm, "list", cmd_assessment_list, "列出考核")
    sp = add(asm, "show", cmd_assessment_show, "显示考核")
    sp.add_argument("id", type=int)
    sp = add(asm, "group", cmd_assessment_group, "添加评分组（交叉考核）")
    sp.add_argument("id", type=int)
    sp.add_argument("group", help="评分组:角色")
    sp.add_argument("--subjects", help="该组负责的对象编号，逗号分隔（默认全部）")
    sp.add_argument("--weight", help="该角色的权重")
    sp = add(asm, "weight", cmd_assessment_weight, "设置角色权重")
    sp.add_argument("id", type=int)
    sp.add_argument("weight", help="角色=权重")
    sp = add(asm, "assessor", cmd_assessment_assessor, "登记评分人")
    sp.add_argument("id", type=int)
    sp.add_argument("name")
    sp.add_argument("--group")
    sp.add_argument("--role")
