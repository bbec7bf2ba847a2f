"""Data packages between offline PCs from the command line (issue 18 §2):

    kaohe package export --out E:/ [--assessment ID | --year 2024]
    kaohe package import FILE [--dry-run] [--json]
    kaohe package conflicts [--all] [--json]
    kaohe package resolve CONFLICT_ID --keep ours|theirs
    kaohe package received [--year 2024] [--json]

A damaged, altered or too new package is refused whole (exit 2, the member named).
"""

from __future__ import annotations

import argparse
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, pad, print_json
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.package_conflicts import (
    KEEP,
    KEEP_NAMES,
    ConflictInfo,
    arrivals,
    list_conflicts,
    resolve_conflict,
)
from kaohe_desktop.services.package_export import export_package
from kaohe_desktop.services.package_import import import_package
from kaohe_desktop.services.package_mapping import parse_map
from kaohe_desktop.services.package_merge import KIND_NAMES

COUNT_NAMES = (("new", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("conflicts", "冲突"))


def cmd_export(db: Database, args: argparse.Namespace) -> None:
    result = export_package(db, args.out, assessment_id=args.assessment, year=args.year)
    if args.json:
        print_json({"file": str(result.path), "office": result.office, "counts": result.counts,
                    "signed": result.signed})
        return
    print(f"已导出数据包：{result.path}")
    print("内容：" + "，".join(f"{KIND_NAMES.get(k, k)} {n}" for k, n in result.counts.items() if n))
    if not result.signed:
        print("（未签名：本单位还没有单位密钥）")


def _side(side: dict[str, Any]) -> str:
    values = side["values"]
    shown = values.get("value", "；".join(f"{k}={v}" for k, v in values.items()))
    who = f"{side['author']}，" if side.get("author") else ""
    return f"{shown}（{who}{side['office']}，{side['at'].replace('T', ' ')}）"


def cmd_import(db: Database, args: argparse.Namespace) -> None:
    report = import_package(db, args.file, dry_run=args.dry_run,
                            unit_map=parse_map(args.map_unit, "--map-unit"),
                            staff_map=parse_map(args.map_staff, "--map-staff"))
    if args.json:
        print_json(report.as_json())
        return
    verb = "预览（未写入）" if args.dry_run else "已合并"
    print(f"{verb}：{report.file}")
    print(f"来自：{report.office}，制作于 {report.created_at.replace('T', ' ')}"
          f"{'，已签名' if report.signed else '，未签名'}")
    if report.already:
        print(f"这个数据包已于 {report.already} 合并过；再次合并不会增加任何内容")
    print(pad("类别", 18) + "".join(pad(name, 8, right=True) for _, name in COUNT_NAMES))
    for kind, tally in report.counts.items():
        row = tally.as_dict()
        if any(row.values()):
            print(pad(KIND_NAMES[kind], 18) + "".join(pad(row[k], 8, right=True)
                                                     for k, _ in COUNT_NAMES))
    for c in report.conflicts:
        print(f"冲突：{c['label']}：本库 {_side(c['ours'])}，数据包 {_side(c['theirs'])}")
    if report.conflicts and not args.dry_run:
        print("用 kaohe package conflicts 查看，kaohe package resolve 编号 --keep ours|theirs 处理")
    for m in report.mismatches:
        print(f"编号不同：{m.hint()}")


def _conflict_line(c: ConflictInfo) -> str:
    done = f"  [{KEEP_NAMES[c.resolution]}，{c.resolved_by or '本机用户'} {c.resolved_at}]" \
        if c.resolution else ""
    return f"{pad(c.id, 6)}{c.label}：本库 {_side(c.ours)}；数据包 {_side(c.theirs)}{done}"


def cmd_conflicts(db: Database, args: argparse.Namespace) -> None:
    rows = list_conflicts(db, include_resolved=args.all)
    if args.json:
        print_json([c.as_json() for c in rows])
        return
    if not rows:
        print("没有待处理的冲突" if not args.all else "没有冲突")
        return
    for c in rows:
        print(_conflict_line(c))


def cmd_resolve(db: Database, args: argparse.Namespace) -> None:
    c = resolve_conflict(db, args.conflict_id, args.keep)
    if args.json:
        print_json(c.as_json())
    else:
        print(f"已处理冲突 {c.id}：{KEEP_NAMES[c.resolution]}（{c.label}）")


def cmd_received(db: Database, args: argparse.Namespace) -> None:
    result = arrivals(db, args.year)
    if args.json:
        print_json(result.as_json())
        return
    if not result.offices:
        print("还没有收到任何数据包")
    for o in result.offices:
        print(f"{o.office}：{len(o.packages)} 个数据包；单位 {'、'.join(o.units) or '无'}")
        for p in o.packages:
            print(f"    {p['received_at']} 收到 {p['file']}（制作于 {p['created_at']}，"
                  f"新增 {p['new']}、更新 {p['updated']}、冲突 {p['conflicts']}）")
        if o.missing_months:
            print(f"    {result.year}年尚缺：{'、'.join(m[5:].lstrip('0') + '月' for m in o.missing_months)}")
    if result.missing_units:
        print("尚未收到数据的单位：" + "、".join(f"{u['code']} {u['name']}" for u in result.missing_units))


def add_package_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe package export|import|conflicts|resolve|received`."""
    grp = add_group(sub, "package", "数据包：离线的村（社区）电脑与乡镇（街道）之间交换数据")
    sp = add(grp, "export", cmd_export, "导出数据包（.kaohe）到文件夹（如 U 盘）")
    sp.add_argument("--out", required=True, help="目标文件夹")
    which = sp.add_mutually_exclusive_group()
    which.add_argument("--assessment", type=int, help="只导出这次考核（及其期间的考勤、服务记录）")
    which.add_argument("--year", type=int, help="只导出这一年的考核、考勤和服务记录")
    sp = add(grp, "import", cmd_import, "校验并合并数据包（--dry-run 只预览）")
    sp.add_argument("file", help=".kaohe 数据包文件")
    sp.add_argument("--dry-run", action="store_true", help="只预览新增、更新、未变、冲突，不写入")
    sp.add_argument("--map-unit", action="append", metavar="包中编号=本机编号",
                    help="把数据包中的单位编号当作本机的这个单位（村里另编了号时；可重复）")
    sp.add_argument("--map-staff", action="append", metavar="包中编号=本机编号",
                    help="把数据包中的人员编号当作本机的这个人（可重复）")
    sp = add(grp, "conflicts", cmd_conflicts, "列出合并时发现的冲突（两个来源的值不同）")
    sp.add_argument("--all", action="store_true", help="也列出已处理的冲突")
    sp = add(grp, "resolve", cmd_resolve, "处理一个冲突：保留本库的值或采用数据包的值")
    sp.add_argument("conflict_id", type=int, help="冲突编号（kaohe package conflicts 列出）")
    sp.add_argument("--keep", required=True, choices=KEEP,
                    help="ours 保留本库的值，theirs 采用数据包的值")
    sp = add(grp, "received", cmd_received, "各村（社区）已收到的数据包和尚缺的月份、单位")
    sp.add_argument("--year", type=int, help="统计哪一年（默认今年）")
