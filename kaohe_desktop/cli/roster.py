"""`kaohe unit …` and `kaohe staff …`: the roster of service stations and their staff."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, pad, print_json
from kaohe_desktop.services import roster, roster_files
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import StaffInfo

# ----------------------------------------------------------------------------- units


def cmd_unit_add(db: Database, args: argparse.Namespace) -> None:
    u = roster.add_unit(db, args.name, code=args.code or "", area=args.area or "",
                        kind=args.kind, phone=args.phone or "", address=args.address or "")
    print(f"已添加单位 {u.code} {u.name}")


def cmd_unit_list(db: Database, args: argparse.Namespace) -> None:
    units = roster.list_units(db, area=args.area or "", include_inactive=args.all)
    if args.json:
        print_json([u.__dict__ for u in units])
        return
    for u in units:
        print(f"{pad(u.code, 10)} {pad(u.name, 24)} {pad(u.area, 10)} {pad(u.kind, 16)} {u.phone}")
    print(f"共 {len(units)} 个单位")


def cmd_unit_import(db: Database, args: argparse.Namespace) -> None:
    report = roster_files.import_units(db, Path(args.file), dry_run=args.dry_run)
    print(("（试导入，未写入）" if args.dry_run else "单位导入完成：") + report.summary())


def cmd_unit_export(db: Database, args: argparse.Namespace) -> None:
    print(f"已导出到 {roster_files.export_units(db, Path(args.file))}")


# ----------------------------------------------------------------------------- staff


def _head_moved(before: StaffInfo | None, now: StaffInfo) -> str:
    """"（原负责人 … 的标记已取消）" when marking `now` took the mark from `before`."""
    if before is None or before.code == now.code:
        return ""
    return f"（原负责人 {before.code} {before.name} 的标记已取消）"


def cmd_staff_add(db: Database, args: argparse.Namespace) -> None:
    # Asked before the add (a refused add writes nothing, so this read changes nothing).
    before = roster.marked_head(db, args.unit) if args.head else None
    p = roster.add_staff(db, args.name, args.unit, code=args.code or "", post=args.post or "",
                         attendance_no=args.attendance_no or "", phone=args.phone or "",
                         head=args.head)
    print(f"已添加人员 {p.code} {p.name}（{p.unit_name}）")
    if p.head:
        print(f"已标为 {p.unit_name} 的负责人" + _head_moved(before, p))


def cmd_staff_head(db: Database, args: argparse.Namespace) -> None:
    change = roster.set_staff_head(db, args.code, head=not args.off)
    p = change.staff
    if args.off:
        print(f"{p.code} {p.name} 不再标为负责人（未标记时按岗位站长/主任确定负责人）")
    else:
        print(f"已标为 {p.unit_name} 的负责人：{p.code} {p.name}" + _head_moved(change.replaced, p))


def cmd_staff_list(db: Database, args: argparse.Namespace) -> None:
    people = roster.list_staff(db, unit=args.unit or "", include_inactive=args.all)
    if args.json:
        print_json([p.__dict__ for p in people])
        return
    for p in people:
        print(f"{pad(p.code, 10)} {pad(p.name, 8)} {pad(p.unit_name, 24)} {pad(p.post, 12)} "
              f"{pad('负责人' if p.head else '', 6)} 考勤号 {p.attendance_no}")
    print(f"共 {len(people)} 人")


def cmd_staff_import(db: Database, args: argparse.Namespace) -> None:
    report = roster_files.import_staff(db, Path(args.file), dry_run=args.dry_run)
    print(("（试导入，未写入）" if args.dry_run else "人员导入完成：") + report.summary())


def cmd_staff_export(db: Database, args: argparse.Namespace) -> None:
    print(f"已导出到 {roster_files.export_staff(db, Path(args.file))}")


# ----------------------------------------------------------------------------- parser


def add_roster_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe unit …` then `kaohe staff …` on the top-level subparsers."""
    unit = add_group(sub, "unit", "单位（便民服务站）")
    sp = add(unit, "add", cmd_unit_add, "添加单位")
    sp.add_argument("name")
    sp.add_argument("--code")
    sp.add_argument("--area", help="所属街道/乡镇")
    sp.add_argument("--kind", default="社区便民服务站")
    sp.add_argument("--phone")
    sp.add_argument("--address")
    sp = add(unit, "list", cmd_unit_list, "列出单位")
    sp.add_argument("--area")
    sp.add_argument("--all", action="store_true", help="含已停用")
    sp = add(unit, "import", cmd_unit_import, "从 Excel 导入单位")
    sp.add_argument("file")
    sp.add_argument("--dry-run", action="store_true")
    sp = add(unit, "export", cmd_unit_export, "导出单位到 Excel")
    sp.add_argument("file")

    staff = add_group(sub, "staff", "工作人员")
    sp = add(staff, "add", cmd_staff_add, "添加人员")
    sp.add_argument("name")
    sp.add_argument("--unit", required=True, help="所属单位（编号或名称）")
    sp.add_argument("--code")
    sp.add_argument("--post", help="岗位")
    sp.add_argument("--attendance-no", help="考勤号")
    sp.add_argument("--phone")
    sp.add_argument("--head", action="store_true",
                    help="标为本单位负责人（原负责人的标记随之取消）")
    sp = add(staff, "head", cmd_staff_head, "标记或取消本单位负责人")
    sp.add_argument("code", help="人员编号")
    sp.add_argument("--off", action="store_true", help="取消负责人标记")
    sp = add(staff, "list", cmd_staff_list, "列出人员")
    sp.add_argument("--unit")
    sp.add_argument("--all", action="store_true", help="含已停用")
    sp = add(staff, "import", cmd_staff_import, "从 Excel 导入人员")
    sp.add_argument("file")
    sp.add_argument("--dry-run", action="store_true")
    sp = add(staff, "export", cmd_staff_export, "导出人员到 Excel")
    sp.add_argument("file")
