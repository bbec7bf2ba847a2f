"""`kaohe feedback ID --out DIR [--subjects …] [--draft]`: the 考核结果反馈书, one PDF page
per person or unit, after 审议 (a 草稿 preview before)."""

from __future__ import annotations

import argparse
from typing import Any

from kaohe_desktop.cli.common import AddCommand, print_json
from kaohe_desktop.cli.reports import _date
from kaohe_desktop.services import documents_common as docs
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.feedback import feedback_job


def _codes(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()] if text else None


def cmd_feedback(db: Database, args: argparse.Namespace) -> None:
    opts = docs.DocumentOptions(issuer=args.issuer or "", issued=args.date, draft=args.draft)
    files = docs.run(feedback_job(db, args.id, args.out, opts, subjects=_codes(args.subjects)))
    renamed = getattr(files, "renamed", {})
    if args.json:
        print_json([str(f) for f in files])
        return
    for f in files:
        note = f"（已有同名文件“{renamed[f]}”，未覆盖，另存为此名）" if f in renamed else ""
        print(f"已保存：{f}{note}")


def add_feedback_command(sub: Any, add: AddCommand) -> None:
    sp = add(sub, "feedback", cmd_feedback,
             "考核结果反馈书：每个对象一页 PDF（结果与名次、各项得分、评价意见、服务指标、"
             "改进建议；须审议通过）")
    sp.add_argument("id", type=int)
    sp.add_argument("--out", required=True, help="保存到这个文件夹")
    sp.add_argument("--subjects", help="只为这些对象（编号，逗号分隔）")
    sp.add_argument("--issuer", help="落款单位（默认：kaohe settings 中的设置）")
    sp.add_argument("--date", type=_date, help="落款日期，如 2024-12-20（默认今天）")
    sp.add_argument("--draft", action="store_true", help="审议通过前的预览：每页印“草稿”水印")
