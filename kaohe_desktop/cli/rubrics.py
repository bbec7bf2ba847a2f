"""`kaohe rubric list|show|export|import`: the assessment rubrics and their versions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, print_json
from kaohe_desktop.domain.metric_rules import is_metric_rule, rule_from_raw
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import KIND_NAMES, rubric_to_dict
from kaohe_desktop.services import rubrics
from kaohe_desktop.services.database import Database


def cmd_rubric_list(db: Database, args: argparse.Namespace) -> None:
    infos = rubrics.list_rubrics(db, all_versions=args.all)
    if args.json:
        print_json([i.__dict__ for i in infos])
        return
    for i in infos:
        who = "单位" if i.subject_kind == "unit" else "人员"
        print(f"{i.code:<14} 第{i.version}版  对象：{who}  评分项 {i.leaves:>2} 个  {i.name}")


def cmd_rubric_show(db: Database, args: argparse.Namespace) -> None:
    rubric = rubrics.get_rubric(db, args.code, args.version)
    if args.json:
        print_json(rubric_to_dict(rubric))
        return
    print(f"{rubric.name}（{rubric.code} 第 {rubric.version} 版，满分 {shown(rubric.full_marks)}）")
    for item in rubric.walk():
        indent = "  " * item.code.count(".")
        kind = f"〔{KIND_NAMES[item.kind]}〕" if item.kind else ""
        print(f"{indent}{item.code} {item.title}  {shown(item.max)}分 {kind}")
        if is_metric_rule(item.rule):  # the measure and how it scores
            rule = rule_from_raw(item.rule or {})[0]
            if rule is not None:
                print(f"{indent}    计分：{rule.text()}")
    for section, label in ((rubric.bonus, "加分"), (rubric.deduction, "减分")):
        if section.rules:
            print(f"{label}：{section.title}（封顶 {shown(section.cap)} 分，同一事项取最高）")
            for r in section.rules:
                print(f"  {r.code} {r.title}  {r.allowed_text()}")
    for v in rubric.veto:
        print(f"一票否决：{v.code} {v.title}")
    bands = "，".join(f"{b.name}≥{shown(b.min)}" for b in rubric.grades.bands)
    print(f"定档（{rubric.grades.mode}）：{bands}")
    if rubric.source:
        print(f"说明：{rubric.source}")


def cmd_rubric_export(db: Database, args: argparse.Namespace) -> None:
    path = rubrics.export_rubric(db, args.code, Path(args.file), args.version)
    print(f"已导出到 {path}")


def cmd_rubric_import(db: Database, args: argparse.Namespace) -> None:
    info, added = rubrics.import_rubric(db, Path(args.file))
    if added:
        print(f"已导入细则 {info.code} 第 {info.version} 版（{info.leaves} 个评分项）")
    else:
        print(f"细则 {info.code} 第 {info.version} 版与文件相同，未作改动")


def add_rubric_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe rubric …` on the top-level subparsers."""
    rub = add_group(sub, "rubric", "考核细则")
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
