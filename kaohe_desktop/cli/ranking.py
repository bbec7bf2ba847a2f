"""The ranking commands: `rank` (ranks and grades of one assessment) and the dashboard's
`annual`, `excellent`, `ranking`, `drill`, `grades`.

`add_rank_command` and `add_ranking_commands` register them on the top-level
subparsers (two functions, because `rank` comes before `review` in `kaohe --help` and the
others after `attendance`). Bad input raises InputError (exit 2, one line per problem).
Numbers are printed with the one rounding rule (`domain.numbers.shown` / `as_number`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import AddCommand, name_width, pad, print_json
from kaohe_desktop.domain.completeness import DATA_SOURCES
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import as_number, shown
from kaohe_desktop.domain.rollup import PART_NAMES, PARTS, mix_text
from kaohe_desktop.domain.standings import change_text
from kaohe_desktop.services import drill_down, grade_scale, ranking, rollup, standings
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.ranking_results import RankingRow
from kaohe_desktop.services.results import SubjectResult

# ----------------------------------------------------------------------------- rank


def cmd_rank(db: Database, args: argparse.Namespace) -> None:
    results = ranking.rank_assessment(db, args.id)
    if args.json:
        print_json([{
            "subject_code": r.subject_code, "subject_name": r.subject_name,
            "base": as_number(r.base), "bonus": as_number(r.bonus),
            "deduction": as_number(r.deduction), "total": as_number(r.total),
            "rank": r.rank, "grade": r.grade,
            "items": {code: as_number(v) for code, v in r.items.items()},
            "vetoed": list(r.vetoed),
            **completion_json(r),
        } for r in results])
        return
    widths = (10, max([20, *(len(r.subject_name) * 2 + 2 for r in results)]))
    print(pad("名次", 4, True) + "  " + pad("编号", widths[0]) + pad("名称", widths[1])
          + pad("基础分", 8, True) + pad("加分", 7, True) + pad("减分", 7, True)
          + pad("总分", 8, True) + "  等次")
    for r in results:
        veto = "（一票否决）" if r.vetoed else ""
        print(pad(r.rank or "—", 4, True) + "  " + pad(r.subject_code, widths[0])
              + pad(r.subject_name, widths[1]) + pad(shown(r.base), 8, True)
              + pad(shown(r.bonus), 7, True) + pad(shown(r.deduction), 7, True)
              + pad(shown(r.total), 8, True) + f"  {r.grade_text}{veto}{status_note(r)}")
    print_missing(results)


def completion_json(r: SubjectResult | RankingRow) -> dict[str, Any]:
    """The completeness keys of a rank/ranking row (issue: nothing concluded from missing
    data): `complete`, `missing`, `excluded` and the administrators' marks."""
    return {
        "complete": r.complete, "missing": list(r.missing), "excluded": r.excluded,
        "exclude_reason": r.exclude_reason, "not_applicable": list(r.not_applicable),
        "conversion": r.conversion, "overridden": list(r.overridden),
        "assessors": f"{r.assessors_done}/{r.assessors_expected}",
    }


def status_note(r: SubjectResult | RankingRow) -> str:
    notes = []
    if r.excluded:
        notes.append(f"不参评：{r.exclude_reason}")
    elif not r.complete:
        notes.append("未评完")
    if r.conversion:
        notes.append(f"不适用项换算 {r.conversion}")
    if r.overridden:
        notes.append(f"{'、'.join(r.overridden)} 为管理员更正值")
    return f"（{'；'.join(notes)}）" if notes else ""


def print_missing(rows: Sequence[SubjectResult | RankingRow]) -> None:
    lacking = [r for r in rows if not r.complete and not r.excluded]
    if lacking:
        print(f"\n{len(lacking)} 个对象未评完，暂不定档、不排名：")
        for r in lacking:
            print(f"  {r.subject_code} {r.subject_name}：" + "；".join(r.missing))


# ----------------------------------------------------------------------------- annual


def cmd_annual(db: Database, args: argparse.Namespace) -> None:
    result = rollup.annual_rollup(db, args.year, args.rubric, args.mix)
    saved = rollup.save_annual_rollup(db, args.year, args.rubric, args.mix, args.name or "") \
        if args.save else None
    if args.json:
        rows = [{
            "subject_code": r.subject_code, "subject_name": r.subject_name, "area": r.area,
            "total": as_number(r.total), "rank": r.rank, "grade": r.grade,
            "parts": {p: as_number(v) for p, v in r.parts.items()},
            "contributions": {p: as_number(v) for p, v in r.contributions.items()},
            "weights": {p: float(w) for p, w in r.weights.items()},
            "periods": dict(r.counts), "missing": list(r.missing), "vetoed": r.vetoed,
            "pending": list(r.pending),
        } for r in result.rows]
        if saved is None:
            print_json(rows)
            return
        print_json({"rows": rows, "saved": {
            "assessment_id": saved.assessment_id, "name": saved.name, "created": saved.created,
            "rubric_code": saved.rubric_code, "rubric_version": saved.rubric_version,
            "subjects": saved.subjects, "incomplete": list(saved.incomplete),
            "drafts": [x.assessment_id for x in saved.drafts]}})
        return
    parts = [p for p in PARTS if p in result.mix]
    width = name_width([r.subject_name for r in result.rows])
    print(f"{result.year} 年度汇总：{result.rubric_name}（{result.rubric_code}），{mix_text(result.mix)}")
    print("来源：" + "、".join(f"{x.period_key}" for x in result.sources))
    if result.unpublished:
        print(f"注意：{len(result.unpublished)} 次考核尚未公示："
              + "、".join(x.period_key for x in result.unpublished))
    # each part shows its mean and its weighted share; 汇总 is the sum of the shares
    print(pad("名次", 4, True) + "  " + pad("编号", 10) + pad("姓名/名称", width)
          + "".join(pad(PART_NAMES[p], 10, True) + pad("折合", 8, True) for p in parts)
          + pad("汇总", 8, True) + "  等次")
    for r in result.rows:
        cells = "".join(pad(shown(r.parts[p]) if p in r.parts else "—", 10, True)
                        + pad(shown(r.contributions[p]) if p in r.contributions else "—", 8, True)
                        for p in parts)
        note = "（一票否决）" if r.vetoed else ""
        if r.pending:
            note += f"（未评完：{'、'.join(r.pending)}）"
        print(pad(r.rank if r.rank is not None else "—", 4, True) + "  " + pad(r.subject_code, 10)
              + pad(r.subject_name, width) + cells + pad(shown(r.total), 8, True) + f"  {r.grade}{note}")
    print(f"共 {len(result.rows)} 个对象")
    if saved is not None:
        print(rollup.describe_saved(saved, result.mix))
        if saved.drafts:
            print("注意：以下来源考核尚未审议通过，审议年度综合前请先完成："
                  + "、".join(f"{x.assessment_id} {x.period_key}" for x in saved.drafts))
        if saved.incomplete:
            print(f"待定（缺少汇总组成，补齐或由管理员填写后才定档）：{'、'.join(saved.incomplete)}")


def cmd_excellent(db: Database, args: argparse.Namespace) -> None:
    lists = rollup.excellent_lists(db, args.year, args.rubric, args.per)
    if args.json:
        print_json([{"period": x.period_key, "label": x.period_label, "grade": x.grade,
               "derived": x.derived,
               "subjects": [{"subject_code": c, "subject_name": n, "total": as_number(t), "rank": k}
                            for c, n, t, k in x.subjects]} for x in lists])
        return
    if not lists:
        print("没有可列出的考核周期")
    for x in lists:
        note = "（按各月平均汇总）" if x.derived else ""
        names = "、".join(f"{n}（{shown(t)}）" for _, n, t, _ in x.subjects) or "无"
        print(f"{x.period_label}{note} {x.grade}：{names}")


# ----------------------------------------------------------------------------- ranking


def cmd_ranking(db: Database, args: argparse.Namespace) -> None:
    table = standings.ranking_table(db, args.id, args.group, args.area, normalised=args.normalised)
    rows = sorted(table.rows, key=lambda r: (r.group, r.group_rank is None, r.group_rank or 0,
                                             r.subject_code)) \
        if args.by_group else list(table.rows)
    compared = table.previous is not None
    if args.json:
        print_json([{
            "subject_code": r.subject_code, "subject_name": r.subject_name, "area": r.area,
            "group": r.group, "rank": r.rank, "group_rank": r.group_rank,
            "sections": {s.code: as_number(v) for s, v in zip(table.sections, r.sections, strict=True)},
            "base": as_number(r.base), "bonus": as_number(r.bonus),
            "deduction": as_number(r.deduction), "total": as_number(r.total), "grade": r.grade,
            "vetoed": list(r.vetoed), "previous_rank": r.previous_rank, "change": r.change,
            **completion_json(r),
        } for r in rows])
        return
    width = name_width([r.subject_name for r in rows])
    widths = [max(10, name_width([s.short_title]) - 10 + 2) for s in table.sections]
    heads = [pad(s.short_title, w, True) for s, w in zip(table.sections, widths, strict=True)]
    rank_head = "组内" if args.by_group else "名次"
    print(f"{table.name}（{table.period_label}）" + ("，折合分" if table.normalised else "")
          + (f"，较上期：{table.previous.period_label}" if compared else ""))
    print(pad(rank_head, 4, True) + "  " + pad("编号", 10) + pad("名称", width) + "".join(heads)
          + pad("加分", 7, True) + pad("减分", 7, True) + pad("总分", 8, True) + "  " + pad("等次", 10)
          + pad("较上期", 7) + "完成")
    for r in rows:
        rank = (r.group_rank if args.by_group else r.rank) or "—"
        print(pad(rank, 4, True) + "  " + pad(r.subject_code, 10) + pad(r.subject_name, width)
              + "".join(pad(shown(v), w, True) for v, w in zip(r.sections, widths, strict=True))
              + pad(shown(r.bonus), 7, True) + pad(shown(r.deduction), 7, True)
              + pad(shown(r.total), 8, True) + "  " + pad(r.grade_text, 10)
              + pad(change_text(r.change, compared), 7) + f"{r.assessors_done}/{r.assessors_expected}"
              + status_note(r))
    print_missing(rows)


def cmd_drill(db: Database, args: argparse.Namespace) -> None:
    d = drill_down.drill_down(db, args.id, args.subject)
    if args.json:
        print_json({
            "subject_code": d.subject_code, "subject_name": d.subject_name, "total": as_number(d.row.total),
            "rank": d.row.rank, "grade": d.row.grade,
            "items": [{"code": i.code, "title": i.title, "max": as_number(i.max),
                       "score": as_number(i.score), "lost": as_number(i.lost),
                       "assessors": {x.assessor: None if x.value is None else as_number(x.value)
                                     for x in i.scores},
                       "remark_needed": list(i.remark_needed),
                       # how a derived item's value came about (考勤, 服务记录)
                       "working": {x.assessor: x.remark for x in i.scores
                                   if x.assessor in DATA_SOURCES and x.remark}} for i in d.items],
            "events": [{"rule": e.event.rule_code, "title": e.title, "section": e.event.section,
                        "amount": as_number(e.event.amount), "matter": e.event.matter,
                        "note": e.event.note, "date": e.event.occurred_on,
                        "evidence": e.event.evidence, "counted": e.counted} for e in d.events],
            "most_lost": [i.code for i in d.most_lost],
        })
        return
    r = d.row
    print(f"{d.subject_code} {d.subject_name}：总分 {shown(r.total)}，第 {r.rank} 名，{r.grade}")
    print(f"评分人：{'、'.join(n for n, _ in d.assessors) or '无'}")
    for i in d.items:
        per = "  ".join(f"{x.assessor} {shown(x.value) if x.value is not None else '—'}"
                        for x in i.scores)
        print(f"{'  ' * i.depth}{i.code} {i.title[:24]}  {shown(i.score)}/{shown(i.max)}"
              + (f"  〔{per}〕" if per else ""))
        for x in i.scores:
            if x.assessor in DATA_SOURCES and x.remark:
                print(f"{'  ' * (i.depth + 1)}依据（{x.assessor}）：{x.remark}")
    for e in d.events:
        note = "" if e.counted else "（同一事项已按最高分计，本条不计）"
        print(f"事项：{e.event.rule_code} {shown(e.event.amount)} 分 {e.event.matter} {e.event.note}"
              f" {e.event.evidence}{note}")
    print("失分最多：" + "；".join(f"{i.code} {i.title[:16]} 失 {shown(i.lost)} 分" for i in d.most_lost))
    missing = [(i.code, a) for i in d.items for a in i.remark_needed]
    if missing:
        print("须补写说明（满分或低于六成）：" + "、".join(f"{c}（{a}）" for c, a in missing))


# ----------------------------------------------------------------------------- grades


def parse_scale_text(text: str, mode: str) -> dict[str, Any]:
    """`优秀:90:20%,良好:80:5,合格:60,不合格:0` — name:min[:quota], quota as a share (20%)
    or a count (5). Checking is the service's (every problem at once)."""
    scale = []
    for piece in text.replace("，", ",").split(","):
        if not piece.strip():
            continue
        name, _, rest = piece.replace("：", ":").partition(":")
        low, _, quota = rest.partition(":")
        band: dict[str, Any] = {"name": name.strip(), "min": low.strip() or 0}
        quota = quota.strip()
        if quota.endswith("%"):
            try:
                band["quota_share"] = float(Decimal(quota[:-1]) / 100)
            except ArithmeticError:
                raise InputError(Problem("比例不是数字", column="等次", value=piece)) from None
        elif quota:
            if not quota.isdigit():
                raise InputError(Problem("名额应是整数", column="等次", value=piece))
            band["quota_count"] = int(quota)
        scale.append(band)
    return {"mode": mode, "scale": scale}


def cmd_grades(db: Database, args: argparse.Namespace) -> None:
    if args.file:
        try:
            scale = json.loads(Path(args.file).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise InputError(Problem(f"无法读取等次文件：{exc}", file=args.file)) from None
        scale = scale.get("grades", scale) if isinstance(scale, dict) else scale
    elif args.scale:
        scale = parse_scale_text(args.scale, args.mode)
    else:
        raise InputError(Problem("请给出等次，如 \"优秀:90:20%,良好:80,合格:60,不合格:0\"，或 --file",
                                 column="等次"))
    preview = grade_scale.preview_grade_scale(db, args.id, scale)
    if not preview.ok:
        raise InputError([Problem(p) for p in preview.problems])
    if args.json:
        print_json({"counts": preview.counts, "grades": preview.grades, "saved": bool(args.save)})
    else:
        print("预览：" + "，".join(f"{g} {n} 个" for g, n in preview.counts.items()))
    if args.save:
        info = grade_scale.save_grade_scale(db, args.id, scale)
        if not args.json:
            print(f"已保存为细则 {info.code} 第 {info.version} 版，并用于考核 {args.id}")


# ----------------------------------------------------------------------------- parser


def add_rank_command(sub: Any, add: AddCommand) -> None:
    """`kaohe rank` on the top-level subparsers."""
    sp = add(sub, "rank", cmd_rank, "排名与定档")
    sp.add_argument("id", type=int)


def add_ranking_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe annual|excellent|ranking|drill|grades` on the top-level subparsers, with
    `add(parent, name, func, help)` (`common.command_adder`), which gives each --db/--json."""
    sp = add(sub, "annual", cmd_annual,
             "年终汇总：由月度、季度、年度或专项结果汇总并排名定档，可存为年度综合考核")
    sp.add_argument("--year", type=int, required=True)
    sp.add_argument("--rubric", required=True, help="细则编号，如 VILLAGE-ATT")
    sp.add_argument("--mix", help="汇总比例，如 monthly:0.4,annual:0.5,adhoc:0.1"
                                  "（adhoc：专项、抽查；默认：月度平均）")
    sp.add_argument("--save", action="store_true",
                    help="另存为年度综合考核（草稿），可审议、公示并出具证书与通知；再次保存更新该草稿")
    sp.add_argument("--name", help="年度综合考核的名称（与 --save 同用）")

    sp = add(sub, "excellent", cmd_excellent, "各月或各季度的优秀工作人员（最高等次）名单")
    sp.add_argument("--year", type=int, required=True)
    sp.add_argument("--rubric", required=True)
    sp.add_argument("--per", choices=["month", "quarter"], default="month")

    sp = add(sub, "ranking", cmd_ranking, "排名表：分项小计、加减分、组内名次、较上期变化、完成情况")
    sp.add_argument("id", type=int)
    sp.add_argument("--group", help="只看这个评分组的对象")
    sp.add_argument("--area", help="只看这个街道/乡镇（人员：所在单位）的对象")
    sp.add_argument("--by-group", action="store_true", help="按评分组分组并显示组内名次")
    sp.add_argument("--normalised", action="store_true", help="按折合分（各组最高分折为满分）排名")

    sp = add(sub, "drill", cmd_drill, "一个对象的逐项得分、各评分人打分、加减分事项与失分最多的项目")
    sp.add_argument("id", type=int)
    sp.add_argument("subject", help="对象编号")

    sp = add(sub, "grades", cmd_grades, "预览（并可保存）考核的等次划分")
    sp.add_argument("id", type=int)
    sp.add_argument("scale", nargs="?",
                    help="如 优秀:90:20%%,良好:80,合格:60,不合格:0（名称:分数线[:比例或名额]）")
    sp.add_argument("--mode", choices=["threshold", "quota", "both"], default="threshold")
    sp.add_argument("--file", help="等次 JSON 文件（细则的 grades 部分）")
    sp.add_argument("--save", action="store_true",
                    help="保存为细则新版本并用于本考核（已锁定的考核会被拒绝）")
