"""`kaohe service …`: import 办件 / 好差评 / 投诉 exports, print the measures, list open
差评 near or past their deadline, and enter a unit's yearly cost.

Bad input raises InputError (exit 2, one Chinese line per problem, nothing written)."""

from __future__ import annotations

import argparse
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, pad, print_json
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.services import service_records, service_stats
from kaohe_desktop.services.database import Database


def _choices(args: argparse.Namespace) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in args.map or []:
        name, sep, code = raw.replace("＝", "=").partition("=")
        if not sep or not name.strip():
            raise InputError(Problem("应写作 姓名=人员编号（人员编号留空：只计入窗口/单位）",
                                     column="--map", value=raw))
        out[name.strip()] = code.strip()
    return out


def cmd_import(db: Database, args: argparse.Namespace) -> None:
    preview = service_records.preview_import(db, args.file, args.kind)
    if args.json:
        info: dict[str, Any] = {
            "file": preview.file, "kind": preview.kind, "sheet": preview.sheet,
            "layout": preview.layout, "columns": preview.columns, "rows": preview.rows,
            "new": preview.new, "completes": len(preview.updates), "existing": preview.existing,
            "duplicates": preview.duplicates,
            "unmatched": [u.key for u in preview.unmatched],
            "unmatched_units": preview.unmatched_units,
            "problems": [p.line() for p in preview.problems], "dry_run": bool(args.dry_run)}
    else:
        print(preview.summary())
        for u in preview.unmatched:
            what = "同名待选" if u.status == "ambiguous" else "名册中没有"
            print(f"  人员 {u.key}：{what}（{u.rows} 条）")
        for text in preview.unmatched_units:
            print(f"  窗口/单位 {text}：名册中没有")
    if preview.problems:
        raise InputError(preview.problems)
    if not args.dry_run:
        unit_choices = dict.fromkeys(preview.unmatched_units, "") if args.units_by_person else {}
        result = service_records.commit_import(db, preview, _choices(args), unit_choices)
        if args.json:
            info["added"] = result.added
            info["completed"] = result.updated
            info["refreshed"] = result.refreshed
        else:
            print(f"已导入：新增 {result.added} 条"
                  + (f"，补全已有记录 {result.updated} 条" if result.updated else ""))
            if result.refreshed:
                print(result.refreshed)
    elif not args.json:
        print("（试运行，未写入）")
    if args.json:
        print_json(info)


def cmd_measures(db: Database, args: argparse.Namespace) -> None:
    measures = service_stats.measures(db, args.period, args.by)
    rows = [m.as_dict() for m in measures]
    if args.json:  # exactly the keys: the 即办件 hours are in the table only
        print_json(rows)
        return

    def pct(v: object) -> str:
        return "—" if v is None else f"{float(v) * 100:.2f}%"

    print(f"{pad('编号', 8)}{pad('姓名/单位', 28)}{pad('办件', 6, True)}{pad('办结', 6, True)}"
          f"{pad('按时率', 10, True)}{pad('平均工作日', 12, True)}{pad('即办时长', 10, True)}"
          f"{pad('评价', 6, True)}"
          f"{pad('满意率', 10, True)}{pad('差评', 6, True)}{pad('按时整改', 10, True)}"
          f"{pad('投诉', 6, True)}{pad('有效投诉', 10, True)}")
    def days(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    for m, r in zip(measures, rows, strict=True):
        print(f"{pad(r['code'], 8)}{pad(r['name'], 28)}{pad(r['requests'], 6, True)}"
              f"{pad(r['finished'], 6, True)}{pad(pct(r['on_time_rate']), 10, True)}"
              f"{pad(days(r['avg_days']), 12, True)}{pad(days(m.avg_hours), 10, True)}"
              f"{pad(r['ratings'], 6, True)}{pad(pct(r['satisfied_rate']), 10, True)}"
              f"{pad(r['bad_ratings'], 6, True)}{pad(r['bad_rectified_in_time'], 10, True)}"
              f"{pad(r['complaints'], 6, True)}{pad(r['valid_complaints'], 10, True)}")


def cmd_overdue(db: Database, args: argparse.Namespace) -> None:
    rows = service_stats.overdue(db, near=args.near)
    if args.json:
        print_json([{"no": r.no, "rated_at": r.rated_at.isoformat(sep=" "), "level": r.level,
                     "person": r.person, "unit": r.unit, "content": r.content,
                     "deadline": r.deadline.isoformat() if r.deadline else None,
                     "working_days_left": r.days_left, "overdue": r.overdue} for r in rows])
        return
    if not rows:
        print("没有逾期或临近期限的未整改差评")
    for r in rows:
        state = "已逾期" if r.overdue else f"剩 {r.days_left} 个工作日"
        print(f"{r.no}  {r.rated_at:%Y-%m-%d}  {r.level}  {r.person or '（无人员）'}  {r.unit}  "
              f"整改期限 {r.deadline}  {state}")


def cmd_cost(db: Database, args: argparse.Namespace) -> None:
    value = service_stats.set_cost(db, args.unit, args.year, args.amount)
    print(f"已记录 {args.unit} {args.year} 年成本 {value} 元")


def add_service_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe service import|measures|overdue|cost`."""
    grp = add_group(sub, "service", "服务记录：导入办件、好差评、投诉，统计服务指标")
    sp = add(grp, "import", cmd_import, "导入办件、好差评或投诉导出文件（按内容识别格式）")
    sp.add_argument("file")
    sp.add_argument("--kind", choices=["requests", "ratings", "complaints"],
                    help="记录类型（默认按表头识别）")
    sp.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    sp.add_argument("--map", action="append", metavar="NAME=STAFFCODE",
                    help="把文件中的人对应到名册人员编号；编号留空则只计入窗口/单位（可重复）")
    sp.add_argument("--units-by-person", action="store_true",
                    help="名册中没有的窗口/单位改按人员所属单位计")
    sp = add(grp, "measures", cmd_measures, "服务指标：办件量、按时办结率、满意率、差评整改、投诉")
    sp.add_argument("--period", required=True, help="2024-06、2024-Q2 或 2024")
    sp.add_argument("--by", choices=["person", "unit"], default="person")
    sp = add(grp, "overdue", cmd_overdue, "已逾期或临近整改期限的未整改差评")
    sp.add_argument("--near", type=int, default=3, help="距期限不超过几个工作日算临近（默认 3）")
    sp = add(grp, "cost", cmd_cost, "录入单位的年度成本（用于人均成本）")
    sp.add_argument("unit", help="单位编号或名称")
    sp.add_argument("year")
    sp.add_argument("amount", help="金额（元）")
