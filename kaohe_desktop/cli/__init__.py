"""The command line: `kaohe` alone opens the window; subcommands run the same use-cases.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kaohe_desktop import __version__
from kaohe_desktop.cli_attendance import add_attendance_commands
from kaohe_desktop.cli_ranking import add_ranking_commands
from kaohe_desktop.cli_reports import add_report_commands
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import as_number, shown
from kaohe_desktop.domain.periods import adhoc_period, parse_period
from kaohe_desktop.domain.rubric import KIND_NAMES, rubric_to_dict
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.services import assessments, ranking, roster, rubrics, scores
from kaohe_desktop.services.database import Database, MigrationFailed, open_db
from kaohe_desktop.services.demo import load_demo
from kaohe_desktop.settings import DB_ENV, default_db_path

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """A usage problem found after parsing (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _w(text: object, width: int, right: bool = False) -> str:
    """Pad to a display width: a Chinese character takes two terminal columns."""
    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill


def _out(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# ----------------------------------------------------------------------------- commands


def cmd_demo(db: Database, args: argparse.Namespace) -> None:
    ids = load_demo(db)
    units = len(roster.list_units(db))
    staff = len(roster.list_staff(db))
    print(f"演示数据已装入：{units} 个便民服务站，{staff} 名工作人员，"
          f"年度考核编号 {ids['year']}（可运行 kaohe rank {ids['year']}）")


def cmd_rubric_list(db: Database, args: argparse.Namespace) -> None:
    infos = rubrics.list_rubrics(db, all_versions=args.all)
    if args.json:
        _out([i.__dict__ for i in infos])
        return
    for i in infos:
        who = "单位" if i.subject_kind == "unit" else "人员"
        print(f"{i.code:<14} 第{i.version}版  对象：{who}  评分项 {i.leaves:>2} 个  {i.name}")


def cmd_rubric_show(db: Database, args: argparse.Namespace) -> None:
    rubric = rubrics.get_rubric(db, args.code, args.version)
    if args.json:
        _out(rubric_to_dict(rubric))
        return
    print(f"{rubric.name}（{rubric.code} 第 {rubric.version} 版，满分 {shown(rubric.full_marks)}）")
    for item in rubric.walk():
        indent = "  " * item.code.count(".")
        kind = f"〔{KIND_NAMES[item.kind]}〕" if item.kind else ""
        print(f"{indent}{item.code} {item.title}  {shown(item.max)}分 {kind}")
    for section, label in ((rubric.bonus, "加分"), (rubric.deduction, "减分")):
        if section.rules:
            print(f"{label}：{section.title}（封顶 {shown(section.cap)} 分，同一事项取最高）")
            for r in section.rules:
                print(f"  {r.code} {r.title}  {r.allowed_text()}")
    for v in rubric.veto:
        print(f"一票否决：{v.code} {v.title}")
    bands = "，".join(f"{b.name}≥{shown(b.min)}" for b in rubric.grades.bands)
    print(f"定档（{rubric.grades.mode}）：{bands}")


def cmd_rubric_export(db: Database, args: argparse.Namespace) -> None:
    path = rubrics.export_rubric(db, args.code, Path(args.file), args.version)
    print(f"已导出到 {path}")


def cmd_rubric_import(db: Database, args: argparse.Namespace) -> None:
    info, added = rubrics.import_rubric(db, Path(args.file))
    if added:
        print(f"已导入细则 {info.code} 第 {info.version} 版（{info.leaves} 个评分项）")
    else:
        print(f"细则 {info.code} 第 {info.version} 版与文件相同，未作改动")


def cmd_unit_add(db: Database, args: argparse.Namespace) -> None:
    u = roster.add_unit(db, args.name, code=args.code or "", area=args.area or "",
                        kind=args.kind, phone=args.phone or "", address=args.address or "")
    print(f"已添加单位 {u.code} {u.name}")


def cmd_unit_list(db: Database, args: argparse.Namespace) -> None:
    units = roster.list_units(db, area=args.area or "", include_inactive=args.all)
    if args.json:
        _out([u.__dict__ for u in units])
        return
    for u in units:
        print(f"{_w(u.code, 10)} {_w(u.name, 24)} {_w(u.area, 10)} {_w(u.kind, 16)} {u.phone}")
    print(f"共 {len(units)} 个单位")


def cmd_unit_import(db: Database, args: argparse.Namespace) -> None:
    report = roster.import_units(db, Path(args.file), dry_run=args.dry_run)
    print(("（试导入，未写入）" if args.dry_run else "单位导入完成：") + report.summary())


def cmd_unit_export(db: Database, args: argparse.Namespace) -> None:
    print(f"已导出到 {roster.export_units(db, Path(args.file))}")


def cmd_staff_add(db: Database, args: argparse.Namespace) -> None:
    p = roster.add_staff(db, args.name, args.unit, code=args.code or "", post=args.post or "",
                         attendance_no=args.attendance_no or "", phone=args.phone or "")
    print(f"已添加人员 {p.code} {p.name}（{p.unit_name}）")


def cmd_staff_list(db: Database, args: argparse.Namespace) -> None:
    people = roster.list_staff(db, unit=args.unit or "", include_inactive=args.all)
    if args.json:
        _out([p.__dict__ for p in people])
        return
    for p in people:
        print(f"{_w(p.code, 10)} {_w(p.name, 8)} {_w(p.unit_name, 24)} {_w(p.post, 12)} "
              f"考勤号 {p.attendance_no}")
    print(f"共 {len(people)} 人")


def cmd_staff_import(db: Database, args: argparse.Namespace) -> None:
    report = roster.import_staff(db, Path(args.file), dry_run=args.dry_run)
    print(("（试导入，未写入）" if args.dry_run else "人员导入完成：") + report.summary())


def cmd_staff_export(db: Database, args: argparse.Namespace) -> None:
    print(f"已导出到 {roster.export_staff(db, Path(args.file))}")


def _period(args: argparse.Namespace):
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
        _out({"id": info.id, "name": info.name, "subjects": len(info.subjects)})
    else:
        print(info.id)
        print(assessments.describe(info), file=sys.stderr)


def cmd_assessment_list(db: Database, args: argparse.Namespace) -> None:
    infos = assessments.list_assessments(db)
    if args.json:
        _out([{"id": i.id, "name": i.name, "rubric": i.rubric_code, "period": i.period_key,
               "state": i.state, "subjects": len(i.subjects)} for i in infos])
        return
    for i in infos:
        print(f"{i.id:>4}  {i.period_key:<10} {i.rubric_code:<13} "
              f"{STATE_NAMES[State(i.state)]:<4} {len(i.subjects):>4} 个对象  {i.name}")


def cmd_assessment_show(db: Database, args: argparse.Namespace) -> None:
    info = assessments.get_assessment(db, args.id)
    if args.json:
        _out({"id": info.id, "name": info.name, "rubric": info.rubric_code,
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


def cmd_scores_template(db: Database, args: argparse.Namespace) -> None:
    path = scores.write_template(db, args.id, Path(args.out), assessor=args.assessor)
    print(f"评分表已生成：{path}")


def cmd_scores_import(db: Database, args: argparse.Namespace) -> None:
    report = scores.import_scores(db, args.id, Path(args.file), assessor=args.assessor,
                                  role=args.role, group=args.group, dry_run=args.dry_run)
    print(("（试导入，未写入）" if args.dry_run else "评分导入完成：") + report.summary())


def cmd_scores_set(db: Database, args: argparse.Namespace) -> None:
    report = scores.set_score(db, args.id, args.subject, args.item, args.value,
                              assessor=args.assessor, role=args.role, group=args.group,
                              remark=args.remark or "")
    print("已保存" if report.added or report.changed else "分值未变")


def cmd_scores_submit(db: Database, args: argparse.Namespace) -> None:
    scores.submit_sheet(db, args.id, args.assessor)
    print(f"评分人 {args.assessor} 的评分表已提交")


def cmd_event_add(db: Database, args: argparse.Namespace) -> None:
    on = None
    if args.date:
        try:
            on = date.fromisoformat(args.date)
        except ValueError:
            raise CliError(f"日期格式应为 YYYY-MM-DD：{args.date}") from None
    e = scores.add_event(db, args.id, args.subject, args.rule, args.amount,
                         matter=args.matter or "", note=args.note or "", occurred_on=on,
                         evidence=args.evidence or "")
    label = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}[e.section]
    print(f"已记录{label}：{e.subject_code} {e.rule_code} {shown(e.amount)} 分（事项：{e.matter or '—'}）")


def cmd_event_list(db: Database, args: argparse.Namespace) -> None:
    events = scores.list_events(db, args.id)
    if args.json:
        _out([{"id": e.id, "subject_code": e.subject_code, "section": e.section,
               "rule": e.rule_code, "amount": as_number(e.amount), "matter": e.matter,
               "note": e.note, "date": e.occurred_on} for e in events])
        return
    for e in events:
        print(f"{e.id:>4} {e.subject_code:<10} {e.rule_code:<4} {shown(e.amount):>5}  {e.matter}  {e.note}")


def cmd_rank(db: Database, args: argparse.Namespace) -> None:
    results = ranking.rank_assessment(db, args.id)
    if args.json:
        _out([{
            "subject_code": r.subject_code, "subject_name": r.subject_name,
            "base": as_number(r.base), "bonus": as_number(r.bonus),
            "deduction": as_number(r.deduction), "total": as_number(r.total),
            "rank": r.rank, "grade": r.grade,
            "items": {code: as_number(v) for code, v in r.items.items()},
            "vetoed": list(r.vetoed),
            "complete": f"{r.assessors_done}/{r.assessors_expected}",
        } for r in results])
        return
    widths = (10, max([20, *(len(r.subject_name) * 2 + 2 for r in results)]))
    print(_w("名次", 4, True) + "  " + _w("编号", widths[0]) + _w("名称", widths[1])
          + _w("基础分", 8, True) + _w("加分", 7, True) + _w("减分", 7, True)
          + _w("总分", 8, True) + "  等次")
    for r in results:
        veto = "（一票否决）" if r.vetoed else ""
        print(_w(r.rank, 4, True) + "  " + _w(r.subject_code, widths[0])
              + _w(r.subject_name, widths[1]) + _w(shown(r.base), 8, True)
              + _w(shown(r.bonus), 7, True) + _w(shown(r.deduction), 7, True)
              + _w(shown(r.total), 8, True) + f"  {r.grade}{veto}")


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


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    def shared(defaults: bool) -> argparse.ArgumentParser:
        # Subcommands repeat --db/--json so they work on either side of the subcommand;
        # there their defaults are suppressed, or they would overwrite the top-level value.
        parent = argparse.ArgumentParser(add_help=False)
        keep = {} if defaults else {"default": argparse.SUPPRESS}
        parent.add_argument("--db", help=f"数据库文件（默认：用户数据目录，环境变量 {DB_ENV} 可覆盖）",
                            **keep)
        parent.add_argument("--json", action="store_true", help="以 JSON 输出", **keep)
        return parent

    common = shared(defaults=False)
    p = _Parser(prog="kaohe", description="便民服务站考核（不带子命令时打开窗口）",
                parents=[shared(defaults=True)])
    p.add_argument("--version", action="version", version=f"kaohe {__version__}")
    p.add_argument("--demo", action="store_true", help="打开演示数据库（没有就新建并装入演示数据）")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def add(parent: Any, name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, help=help_text, parents=[common])
        sp.set_defaults(func=func)
        return sp

    add(sub, "demo", cmd_demo, "装入演示数据（空数据库）")

    rub = sub.add_parser("rubric", help="考核细则").add_subparsers(dest="sub", required=True,
                                                                parser_class=_Parser)
    sp = add(rub, "list", cmd_rubric_list, "列出细则")
    sp.add_argument("--all", action="store_true", help="列出所有版本")
    sp = add(rub, "show", cmd_rubric_show, "显示细则")
    sp.add_argument("code")
    sp.add_argument("--version", type=int, dest="version")
    sp = add(rub, "export", cmd_rubric_export, "导出细则为 JSON")
    sp.add_argument("code")
    sp.add_argument("file")
    sp.add_argument("--version", type=int, dest="version")
    sp = add(rub, "import", cmd_rubric_import, "导入细则（新细则或新版本）")
    sp.add_argument("file")

    unit = sub.add_parser("unit", help="单位（便民服务站）").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
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

    staff = sub.add_parser("staff", help="工作人员").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    sp = add(staff, "add", cmd_staff_add, "添加人员")
    sp.add_argument("name")
    sp.add_argument("--unit", required=True, help="所属单位（编号或名称）")
    sp.add_argument("--code")
    sp.add_argument("--post", help="岗位")
    sp.add_argument("--attendance-no", help="考勤号")
    sp.add_argument("--phone")
    sp = add(staff, "list", cmd_staff_list, "列出人员")
    sp.add_argument("--unit")
    sp.add_argument("--all", action="store_true", help="含已停用")
    sp = add(staff, "import", cmd_staff_import, "从 Excel 导入人员")
    sp.add_argument("file")
    sp.add_argument("--dry-run", action="store_true")
    sp = add(staff, "export", cmd_staff_export, "导出人员到 Excel")
    sp.add_argument("file")

    asm = sub.add_parser("assessment", help="考核").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
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

    sc = sub.add_parser("scores", help="评分").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    sp = add(sc, "template", cmd_scores_template, "生成评分表 Excel")
    sp.add_argument("id", type=int)
    sp.add_argument("out")
    sp.add_argument("--assessor", help="预填这位评分人已有的分数")
    sp = add(sc, "import", cmd_scores_import, "导入填好的评分表")
    sp.add_argument("id", type=int)
    sp.add_argument("file")
    sp.add_argument("--assessor", required=True)
    sp.add_argument("--role")
    sp.add_argument("--group")
    sp.add_argument("--dry-run", action="store_true")
    sp = add(sc, "set", cmd_scores_set, "设置一个分值")
    sp.add_argument("id", type=int)
    sp.add_argument("subject")
    sp.add_argument("item")
    sp.add_argument("value")
    sp.add_argument("--assessor", required=True)
    sp.add_argument("--role")
    sp.add_argument("--group")
    sp.add_argument("--remark")
    sp = add(sc, "submit", cmd_scores_submit, "评分人提交评分表（之后不能再改）")
    sp.add_argument("id", type=int)
    sp.add_argument("--assessor", required=True)

    ev = sub.add_parser("event", help="加分、减分、一票否决事项").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
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

    sp = add(sub, "rank", cmd_rank, "排名与定档")
    sp.add_argument("id", type=int)

    sp = add(sub, "review", cmd_review, "提交、审议、公示、重新打开")
    sp.add_argument("id", type=int)
    sp.add_argument("action", choices=["submit", "approve", "publish", "reopen"])
    sp.add_argument("--reason", help="理由或审议意见（重新打开时必填）")
    sp.add_argument("--by", help="操作人（默认：本机登录名）")
    sp.add_argument("--admin", action="store_true", help="以管理员身份操作（重新打开时必需）")
    sp.add_argument("--from", dest="objection_from", help="公示期开始日期 YYYY-MM-DD（公示时）")
    sp.add_argument("--to", dest="objection_to", help="公示期结束日期 YYYY-MM-DD（公示时）")

    add_attendance_commands(sub, add)
    add_ranking_commands(sub, add)
    add_report_commands(sub, add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        from kaohe_desktop.ui.app import run_app  # Qt loads only when the window opens

        return run_app(args.db or os.environ.get(DB_ENV) or None, demo=args.demo)
    target = args.db or default_db_path()
    try:
        db = open_db(target)
    except MigrationFailed as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    try:
        args.func(db, args)
    except InputError as exc:
        lines = exc.lines()
        if len(lines) == 1:
            print(f"错误：{lines[0]}（未写入任何数据）", file=sys.stderr)
        else:
            for line in lines[:50]:
                print(f"错误：{line}", file=sys.stderr)
            more = f"，另有 {len(lines) - 50} 处未列出" if len(lines) > 50 else ""
            print(f"共 {len(lines)} 处问题{more}；未写入任何数据。", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"错误：无法读写文件 {exc.filename or ''}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0
