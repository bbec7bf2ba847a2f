"""`kaohe attendance …`: import clock exports, set the rules, print the summary, and turn
attendance into points of an assessment.

`add_attendance_commands(sub, add)` hangs the commands on the top-level subparsers.
Commands take `(db, args)`; bad input raises InputError, which `cli.main` prints one line
per problem (exit 2, nothing written). The readers (python-calamine) load only when a
file is read, so `kaohe` starts as fast as before.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, pad, print_json
from kaohe_desktop.domain.attendance import Shift
from kaohe_desktop.domain.attendance_points import rule_from_dict
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import as_number, shown
from kaohe_desktop.services import attendance
from kaohe_desktop.services.attendance_data import parse_clock
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.results import ImportPreview, PersonChoice

FORMAT_HELP = ("auto（按内容识别）、dingtalk_raw、dingtalk_report、wecom_daily、wecom_monthly、"
               "zkteco_log、zkteco_attlog、zkteco_usb、template")
SUMMARY_KEYS = ("staff_code", "name", "workdays", "late", "late_minutes", "early", "early_minutes",
                "missing", "absent_days", "leave_days")


def _date(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(Problem("日期应写作 YYYY-MM-DD", column=column, value=text)) from None


# ----------------------------------------------------------------------------- import


def _choices(args: argparse.Namespace, preview: ImportPreview) -> dict[str, PersonChoice]:
    problems = []
    choices: dict[str, PersonChoice] = {}
    for raw in args.map or []:
        name, sep, code = raw.replace("＝", "=").partition("=")
        if not sep or not name.strip() or not code.strip():
            problems.append(Problem("应写作 姓名=人员编号（或 考勤号=人员编号）", column="--map", value=raw))
            continue
        choices[name.strip()] = PersonChoice("map", code.strip())
    if args.create_unmatched and args.skip_unmatched:
        problems.append(Problem("--create-unmatched 与 --skip-unmatched 只能选一个",
                                column="--create-unmatched"))
    if problems:
        raise InputError(problems)
    named = set(choices)
    for p in preview.needs_choice:
        if named & {p.key, p.person_id, p.name}:
            continue
        if args.create_unmatched and p.status == "unmatched":
            choices[p.key] = PersonChoice("create", unit=args.create_unmatched)
        elif args.skip_unmatched:
            choices[p.key] = PersonChoice("skip")
    return choices


def _print_preview(preview: ImportPreview) -> None:
    period = f"{preview.period[0]}～{preview.period[1]}" if preview.period else "无日期"
    print(f"{preview.file}：格式 {preview.format}，{period}，{len(preview.people)} 人"
          + ("（该文件以前导入过）" if preview.imported_before else ""))
    for p in preview.people:
        who = p.name or "（无姓名）"
        if p.status == "matched":
            target = f"→ {p.staff_code} {p.staff_name}（按{p.matched_by}）"
        elif p.status == "ambiguous":
            target = "→ 同名待选：" + "、".join(f"{c.code}（{c.unit_name}）" for c in p.candidates)
        else:
            target = "→ 名册中没有"
        print(f"  {pad(p.person_id, 20)} {pad(who, 12)} {p.days:>3} 天 {p.punches:>4} 次打卡  "
              f"新增 {p.new_punches if p.status == 'matched' else '待定':>4}  {target}")


def cmd_import(db: Database, args: argparse.Namespace) -> None:
    preview = attendance.preview_import(db, Path(args.file), args.format)
    if preview.problems:
        raise InputError(list(preview.problems))
    choices = _choices(args, preview)
    for line in preview.warnings:
        print(f"提示：{line}", file=sys.stderr)
    open_people = [p for p in preview.needs_choice
                   if not ({p.key, p.person_id, p.name} & set(choices))]
    if args.dry_run and open_people:
        if args.json:
            print_json(_preview_json(preview))
            return
        _print_preview(preview)
        print(f"（试导入，未写入）{len(open_people)} 人需要指定：--map 姓名=人员编号、"
              "--create-unmatched 单位 或 --skip-unmatched")
        return
    result = attendance.commit_import(db, preview, choices, dry_run=args.dry_run)
    if args.json:
        print_json({**_preview_json(preview), "dry_run": args.dry_run,
              "punches_added": result.punches_added, "punches_known": result.punches_known,
              "days_saved": result.days_saved, "leave_saved": result.leave_saved,
              "staff_created": list(result.staff_created), "skipped": list(result.skipped)})
        return
    _print_preview(preview)
    print(("（试导入，未写入）" if args.dry_run else "考勤导入完成：") + result.summary())


def _preview_json(preview: ImportPreview) -> dict[str, Any]:
    return {"file": preview.file, "format": preview.format,
            "period": list(preview.period) if preview.period else None,
            "imported_before": preview.imported_before, "warnings": list(preview.warnings),
            "people": [{"person_id": p.person_id, "name": p.name, "status": p.status,
                        "staff_code": p.staff_code, "matched_by": p.matched_by,
                        "candidates": [c.code for c in p.candidates], "days": p.days,
                        "punches": p.punches, "new_punches": p.new_punches}
                       for p in preview.people]}


# ----------------------------------------------------------------------------- rules


def _keep(new: int | None, current: int | None, zero_clears: bool = False) -> int | None:
    """An option's value, the current one when not given; 0 clears an optional threshold."""
    if new is None:
        return current
    return None if zero_clears and new == 0 else new


def cmd_shift(db: Database, args: argparse.Namespace) -> None:
    if args.default:
        if not args.unit:
            raise InputError(Problem("--default 要与 --unit 一起用：让这个单位改用默认班次",
                                     column="--default"))
        had = attendance.clear_unit_shift(db, args.unit)
        shift = attendance.get_shift(db)
        print(f"{args.unit}{'已改用' if had else '本来就使用'}默认班次：{shift.text()}")
        return
    old = attendance.get_shift(db, args.unit)
    shift = Shift(parse_clock(args.start, "--start") if args.start else old.start,
                  parse_clock(args.end, "--end") if args.end else old.end,
                  _keep(args.grace, old.late_grace_min), _keep(args.early_grace, old.early_grace_min),
                  _keep(args.half_day_late, old.half_day_late_min, zero_clears=True),
                  _keep(args.absent_late, old.absent_late_min, zero_clears=True))
    attendance.set_shift(db, shift, args.unit)
    print(f"班次{'（' + args.unit + '）' if args.unit else ''}：{shift.text()}")


def cmd_leave(db: Database, args: argparse.Namespace) -> None:
    rows = attendance.add_leave(db, args.staff, _date(args.date, "日期"), args.type, args.days,
                                note=args.note or "")
    for r in rows:
        print(f"已记录请假：{r.staff_code} {r.name} {r.day} {r.leave_type} {shown(r.days)} 天")


def cmd_calendar(db: Database, args: argparse.Namespace) -> None:
    value = {"workday": True, "rest": False, "auto": None}[args.kind]
    day = _date(args.date, "日期")
    attendance.set_calendar_day(db, day, value, args.note or "")
    print(f"{day}：" + {"workday": "上班", "rest": "休息", "auto": "按法定日历"}[args.kind])


def cmd_rule(db: Database, args: argparse.Namespace) -> None:
    given = {k: v for k, v in (("late", args.late), ("early", args.early),
                               ("missing", args.missing), ("absent_day", args.absent_day),
                               ("late_per_half_day", args.late_per_half_day),
                               ("leave_day", args.leave_day)) if v is not None}
    rule = attendance.get_points_rule(db, args.rubric, args.item)
    if given:
        merged = {**rule.to_dict(), **given}
        if str(merged.get("late_per_half_day", "")).strip() == "0":
            del merged["late_per_half_day"]
        new, problems = rule_from_dict(merged)
        if problems:
            raise InputError(problems)
        rule = attendance.set_points_rule(db, args.rubric, args.item, new)
    if args.json:
        print_json(rule.to_dict())
    else:
        print(f"{args.rubric} 项目 {args.item}：{rule.text()}")


# ----------------------------------------------------------------------------- results


def cmd_summary(db: Database, args: argparse.Namespace) -> None:
    rows = attendance.monthly_summary(db, args.month, args.unit)
    if args.json:
        print_json([{"staff_code": r.staff_code, "name": r.name, "workdays": r.workdays,
               "late": r.late, "late_minutes": r.late_minutes, "early": r.early,
               "early_minutes": r.early_minutes, "missing": r.missing,
               "absent_days": as_number(r.absent_days),
               "leave_days": {k: as_number(v) for k, v in r.leave_days.items()}} for r in rows])
        return
    for note in dict.fromkeys(n for r in rows for n in r.notes):
        print(f"提示：{note}", file=sys.stderr)
    print(pad("编号", 10) + pad("姓名", 14) + "应出勤  迟到(分钟)  早退(分钟)  缺卡  旷工  请假")
    for r in rows:
        leave = "、".join(f"{k}{shown(v)}天" for k, v in r.leave_days.items()) or "—"
        print(f"{pad(r.staff_code, 10)}{pad(r.name, 14)}{r.workdays:>6}  "
              f"{r.late:>3}({r.late_minutes:>4})  {r.early:>3}({r.early_minutes:>4})  "
              f"{r.missing:>4}  {shown(r.absent_days):>4}  {leave}")
    print(f"共 {len(rows)} 人")


def cmd_log(db: Database, args: argparse.Namespace) -> None:
    rows = attendance.day_log(db, args.month, args.unit, args.person, args.status)
    if args.json:
        print_json([{"staff_code": r.staff_code, "name": r.name, "date": r.day.isoformat(),
               "punches": list(r.punches), "status": r.status, "kinds": list(r.kinds)}
              for r in rows])
        return
    for r in rows:
        print(f"{pad(r.staff_code, 10)}{pad(r.name, 14)}{r.day}  {pad(' '.join(r.punches), 24)}{r.status}")


def cmd_apply(db: Database, args: argparse.Namespace) -> None:
    result = attendance.apply_to_assessment(db, args.id)
    if args.json:
        print_json({"assessment": result.assessment_id, "assessor": result.assessor,
              "values": [{"staff_code": v.staff_code, "name": v.name, "item": v.item_code,
                          "points": as_number(v.points), "remark": v.remark, "status": v.status}
                         for v in result.values],
              "no_data": list(result.no_data)})
        return
    for v in result.values:
        print(f"{pad(v.staff_code, 10)}{pad(v.name, 14)}项目 {v.item_code}：{shown(v.points)} 分  {v.remark}")
    print(f"考核 {result.assessment_id}（评分人“{result.assessor}”）：{result.summary()}")


# ----------------------------------------------------------------------------- parser


def add_attendance_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe attendance import|shift|leave|calendar|rule|summary|log|apply`."""
    att = add_group(sub, "attendance", "考勤：导入打卡记录、规则、汇总、折算考核分")

    sp = add(att, "import", cmd_import, "导入考勤文件（钉钉、企业微信、中控考勤机、本程序模板）")
    sp.add_argument("file")
    sp.add_argument("--format", default="auto", help=FORMAT_HELP)
    sp.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    sp.add_argument("--map", action="append", metavar="NAME=STAFFCODE",
                    help="把文件中的人（姓名或考勤号）对应到名册人员编号（可重复）")
    sp.add_argument("--create-unmatched", metavar="UNIT", help="名册中没有的人新建到这个单位")
    sp.add_argument("--skip-unmatched", action="store_true", help="跳过名册中没有或同名待选的人")

    sp = add(att, "shift", cmd_shift, "设置班次（上下班时间、宽限、迟到记旷工）")
    sp.add_argument("--start", help="上班时间，如 09:00")
    sp.add_argument("--end", help="下班时间，如 17:30")
    sp.add_argument("--grace", type=int, help="迟到宽限分钟数")
    sp.add_argument("--early-grace", type=int, help="早退宽限分钟数")
    sp.add_argument("--half-day-late", type=int, help="迟到超过多少分钟记旷工半天（0 取消）")
    sp.add_argument("--absent-late", type=int, help="迟到超过多少分钟记旷工一天（0 取消）")
    sp.add_argument("--unit", help="只为这个单位设置（默认：全部单位）")
    sp.add_argument("--default", action="store_true",
                    help="与 --unit 一起用：删除这个单位自己的班次，改用默认班次")

    sp = add(att, "leave", cmd_leave, "登记请假（事假、病假、年假、公出……）")
    sp.add_argument("staff", help="人员编号、考勤号或姓名")
    sp.add_argument("date", help="YYYY-MM-DD")
    sp.add_argument("type", help="请假类型")
    sp.add_argument("--days", default="1", help="天数，0.5 的倍数；超过 1 天顺延到之后的工作日")
    sp.add_argument("--note")

    sp = add(att, "calendar", cmd_calendar, "把某天设为上班或休息（调休、新年份的节假日）")
    sp.add_argument("date", help="YYYY-MM-DD")
    sp.add_argument("kind", choices=["workday", "rest", "auto"])
    sp.add_argument("--note")

    sp = add(att, "rule", cmd_rule, "查看或修改考勤折算考核分的规则")
    sp.add_argument("--rubric", default="VILLAGE-ATT")
    sp.add_argument("--item", default="1")
    for flag, text in (("--late", "每次迟到扣分"), ("--early", "每次早退扣分"), ("--missing", "每次缺卡扣分"),
                       ("--absent-day", "每天旷工扣分"), ("--leave-day", "计扣请假每天扣分"),
                       ("--late-per-half-day", "每迟到几次另记旷工半天（0 取消）")):
        sp.add_argument(flag, help=text)

    sp = add(att, "summary", cmd_summary, "月度考勤汇总")
    sp.add_argument("--month", required=True, help="如 2024-03")
    sp.add_argument("--unit")

    sp = add(att, "log", cmd_log, "逐日考勤记录")
    sp.add_argument("--month", required=True)
    sp.add_argument("--unit")
    sp.add_argument("--person")
    sp.add_argument("--status", help="正常、迟到、早退、缺卡、旷工、请假、休息")

    sp = add(att, "apply", cmd_apply, "把考勤折算为考核的考勤项目得分")
    sp.add_argument("id", type=int, metavar="ASSESSMENT_ID")
