"""`kaohe assessment create|list|show|group|weight|assessor|rename|delete|ungroup|unassign|
rename-group|rename-assessor`: setting up an assessment — its rubric, period, subjects,
scoring groups (who scores which subjects and items), role weights and assessors — and
renaming or removing them while nothing is locked."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kaohe_desktop.cli.common import AddCommand, CliError, add_group, print_json
from kaohe_desktop.domain.periods import Period, adhoc_period, parse_period
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import accounts, assessments, scores
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


WHOLE = ("units", "staff", "all")  # a group's --subjects meaning "every subject"


class _GroupStart(argparse.Action):
    """`--group NAME:ROLE` opens a group: the `--subjects`/`--items` after it are its own."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        groups = list(getattr(namespace, self.dest, None) or [])
        groups.append({"group": values, "subjects": None, "items": None})
        setattr(namespace, self.dest, groups)


class _GroupScoped(argparse.Action):
    """`--subjects`/`--items`: the latest `--group`'s when one came before; `--subjects`
    before any `--group` is the assessment's own."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        groups = getattr(namespace, "group", None)
        if groups:
            if groups[-1][self.dest] is not None:
                parser.error(f"评分组“{groups[-1]['group']}”的 {option_string} 给了两次")
            groups[-1][self.dest] = values
        elif self.dest == "items":
            parser.error("--items 要写在它所属的 --group 之后，如 --group 街道工委:上级 --items 5")
        else:
            setattr(namespace, self.dest, values)


def _group_spec(text: str, subjects: str | None, items: str | None) -> assessments.GroupSpec:
    spec = assessments.parse_group(text)
    codes = () if (subjects or "").strip() in WHOLE else assessments.split_codes(subjects)
    return assessments.GroupSpec(spec.name, spec.role, codes, assessments.split_codes(items))


def cmd_assessment_create(db: Database, args: argparse.Namespace) -> None:
    groups = [_group_spec(g["group"], g["subjects"], g["items"]) for g in args.group or []]
    weights = dict(assessments.parse_weight(w) for w in args.weight or [])
    subjects = args.subjects
    if subjects is None:
        # every group names its subjects: the assessment is of those (not of every unit,
        # which would leave subjects that no group scores)
        named = [c for g in groups for c in g.subject_codes]
        subjects = list(dict.fromkeys(named)) if groups and all(
            g.subject_codes for g in groups) else "all"
    info = assessments.create_assessment(
        db, args.rubric, _period(args), subjects=subjects, area=args.area or "",
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
                    "groups": [{"name": g.name, "role": g.role, "subjects": list(g.subject_codes),
                                "items": list(g.item_codes)} for g in info.groups],
                    "subjects": [{"code": x.code, "name": x.name} for x in info.subjects]})
        return
    print(assessments.describe(info))


def cmd_assessment_group(db: Database, args: argparse.Namespace) -> None:
    spec = _group_spec(args.group, args.subjects, args.items)
    weight = assessments.parse_weight(f"{spec.role}={args.weight}")[1] if args.weight else None
    info = assessments.add_group(db, args.id, spec, weight)
    print(assessments.describe(info))


def cmd_assessment_weight(db: Database, args: argparse.Namespace) -> None:
    role, weight = assessments.parse_weight(args.weight)
    print(assessments.describe(assessments.set_role_weight(db, args.id, role, weight)))


def cmd_assessment_assessor(db: Database, args: argparse.Namespace) -> None:
    if any(a.login == args.name.strip() for a in accounts.list_accounts(db)):
        # an account's login: its scores count as this seat's (named by its display name)
        name, role, group, added = accounts.seat_account(db, args.id, args.name, group=args.group,
                                                         role=args.role)
        where = f"评分组“{group}”（{role}）" if group else f"角色“{role}”"
        print(f"账户 {args.name.strip()} 已作为评分人 {name} 登记在{where}" if added
              else f"账户 {args.name.strip()} 已在{where}中，未重复登记")
        return
    seat = scores.seat_assessor(db, args.id, args.name, role=args.role, group=args.group)
    where = f"评分组“{seat.group}”（{seat.role}）" if seat.group else f"角色“{seat.role}”"
    print(f"已登记评分人 {seat.name}：{where}" if seat.added
          else f"评分人 {seat.name} 已在{where}中，未重复登记")


def cmd_assessment_rename(db: Database, args: argparse.Namespace) -> None:
    info = assessments.rename_assessment(db, args.id, args.name)
    print(f"考核 {info.id} 已改名为“{info.name}”")


def _print_removal(args: argparse.Namespace, removal: assessments.Removal) -> None:
    if args.json:
        print_json({"removed": removal.what, "scores": removal.scores,
                    "backup": str(removal.backup) if removal.backup else None})
    else:
        print(removal.summary())


def cmd_assessment_delete(db: Database, args: argparse.Namespace) -> None:
    _print_removal(args, assessments.delete_assessment(db, args.id, confirmed=args.yes))


def cmd_assessment_ungroup(db: Database, args: argparse.Namespace) -> None:
    _print_removal(args, assessments.remove_group(db, args.id, args.group, confirmed=args.yes))


def cmd_assessment_unassign(db: Database, args: argparse.Namespace) -> None:
    _print_removal(args, assessments.remove_assessor(db, args.id, args.name, group=args.group,
                                                     confirmed=args.yes))


def cmd_assessment_rename_group(db: Database, args: argparse.Namespace) -> None:
    assessments.rename_group(db, args.id, args.old, args.new)
    print(f"评分组“{args.old}”已改名为“{args.new.strip()}”")


def cmd_assessment_rename_assessor(db: Database, args: argparse.Namespace) -> None:
    n = assessments.rename_assessor(db, args.id, args.old, args.new, group=args.group)
    where = f"（评分组“{args.group}”）" if args.group else (f"（{n} 个评分组）" if n > 1 else "")
    print(f"评分人“{args.old}”已改名为“{args.new.strip()}”{where}")


def add_assessment_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe assessment …` on the top-level subparsers."""
    asm = add_group(sub, "assessment", "考核")
    sp = add(asm, "create", cmd_assessment_create, "新建考核，输出其编号")
    sp.add_argument("--rubric", required=True)
    sp.add_argument("--period", help="2024、2024-Q1 或 2024-03")
    sp.add_argument("--from", dest="date_from", help="专项考核开始日期 YYYY-MM-DD")
    sp.add_argument("--to", dest="date_to", help="专项考核结束日期 YYYY-MM-DD")
    sp.add_argument("--subjects", action=_GroupScoped,
                    help="写在 --group 之前：考核对象，units、staff 或逗号分隔的编号（默认：细则对应的"
                         "全部对象；各组都列了对象时为这些对象）；写在某个 --group 之后：该组负责的对象")
    sp.add_argument("--items", action=_GroupScoped,
                    help="写在某个 --group 之后：该组负责的细则项目，逗号分隔，如 1,2,3.1"
                         "（大项代表其下全部小项；默认全部项目）")
    sp.add_argument("--area", help="只考核这个街道/乡镇的单位")
    sp.add_argument("--group", action=_GroupStart,
                    help="评分组:角色，如 第一组:上级（可重复，其后可跟 --subjects 与 --items）")
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
    sp.add_argument("--items", help="该组负责的细则项目，逗号分隔，如 1,2,3.1（默认全部）")
    sp.add_argument("--weight", help="该角色的权重")
    sp = add(asm, "weight", cmd_assessment_weight, "设置角色权重")
    sp.add_argument("id", type=int)
    sp.add_argument("weight", help="角色=权重")
    sp = add(asm, "assessor", cmd_assessment_assessor,
             "登记评分人（同一人可在多个评分组中，如既评他人又自评）")
    sp.add_argument("id", type=int)
    sp.add_argument("name")
    sp.add_argument("--group")
    sp.add_argument("--role")
    sp = add(asm, "rename", cmd_assessment_rename, "考核改名（未锁定时）")
    sp.add_argument("id", type=int)
    sp.add_argument("name")
    sp = add(asm, "delete", cmd_assessment_delete, "删除考核（未锁定时；有评分时须加 --yes，并先备份）")
    sp.add_argument("id", type=int)
    sp.add_argument("--yes", action="store_true", help="确认连同评分一起删除")
    sp = add(asm, "ungroup", cmd_assessment_ungroup, "删除评分组及其评分人（有评分时须加 --yes）")
    sp.add_argument("id", type=int)
    sp.add_argument("group")
    sp.add_argument("--yes", action="store_true", help="确认连同评分一起删除")
    sp = add(asm, "unassign", cmd_assessment_unassign, "移除评分人（有评分时须加 --yes）")
    sp.add_argument("id", type=int)
    sp.add_argument("name")
    sp.add_argument("--group", help="此人在多个评分组时，从哪一组移除")
    sp.add_argument("--yes", action="store_true", help="确认连同评分一起删除")
    sp = add(asm, "rename-group", cmd_assessment_rename_group, "评分组改名")
    sp.add_argument("id", type=int)
    sp.add_argument("old")
    sp.add_argument("new")
    sp = add(asm, "rename-assessor", cmd_assessment_rename_assessor,
             "评分人改名（默认改此人所在的全部评分组）")
    sp.add_argument("id", type=int)
    sp.add_argument("old")
    sp.add_argument("new")
    sp.add_argument("--group", help="只改这一组里的此人")
