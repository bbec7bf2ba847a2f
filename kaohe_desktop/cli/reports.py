"""Printed documents and the year-end tally from the command line:

    kaohe consequences ID [--json]            who gets which document, and why
    kaohe report certificates|notices|sheets|publicity ID --out DIR [--draft]
    kaohe report register ID [--out FILE.xlsx] [--json]   the certificates issued
    kaohe report attendance MONTH --out DIR
    kaohe export tally --year 2024 --out FILE.xlsx

Certificates and notices are exactly the rows of `kaohe consequences`; they, and the
公示 list, exit 2 before 审议 unless `--draft` asks for a watermarked preview. Issuer,
prefix, contact and address come from `kaohe settings` (an option overrides one run).

`add_report_commands(sub, add)` registers them on the top-level subparsers; each command
has the `(db, args)` signature of the others. Files are written through `io.safe_write`,
so a full or read-only USB drive gives a one-line Chinese error (exit 2) and no
half-written file.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from kaohe_desktop.cli.common import AddCommand, add_group, name_width, pad, print_json
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.states import STATE_NAMES, State
from kaohe_desktop.reports.certificates import CertificateTemplate
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.consequences import assessment_consequences
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.tally import tally_job


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 2024-12-20：{text}") from None


def load_template(path: str | None) -> CertificateTemplate:
    """A certificate template from JSON: any of title, body ({name} {year} {honour}),
    honour, closing, issuer, seal_image, frame."""
    if not path:
        return CertificateTemplate()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InputError(Problem(f"无法读取证书模板：{exc}", file=path)) from None
    known = set(CertificateTemplate.__dataclass_fields__)
    unknown = sorted(set(data) - known) if isinstance(data, dict) else ["（不是 JSON 对象）"]
    if unknown:
        allowed = "、".join(sorted(known))
        raise InputError(Problem(f"证书模板有不认识的项：{'、'.join(unknown)}；可用：{allowed}", file=path))
    template = CertificateTemplate(**data)
    if "{name}" not in template.body:
        raise InputError(Problem("证书模板的 body 必须含有 {name}", file=path, value=template.body))
    return template


def _options(args: argparse.Namespace) -> docs.DocumentOptions:
    loaded = load_template(getattr(args, "template", None))
    template = replace(loaded, issuer=args.issuer or loaded.issuer,
                       honour=getattr(args, "honour", None) or loaded.honour,
                       seal_image=getattr(args, "seal", None) or loaded.seal_image)
    return docs.DocumentOptions(
        issuer=args.issuer or "", number_prefix=args.prefix or "", contact=args.contact or "",
        address=getattr(args, "address", None) or "", issued=args.date, certificate=template,
        draft=bool(getattr(args, "draft", False)))


def _finish(args: argparse.Namespace, job: Any) -> None:
    files = docs.run(job)
    if isinstance(files, Path):
        files = [files]
    renamed = getattr(files, "renamed", {})
    if args.json:
        print_json([str(f) for f in files])
    else:
        for f in files:
            note = f"（已有同名文件“{renamed[f]}”，未覆盖，另存为此名）" if f in renamed else ""
            print(f"已保存：{f}{note}")


def cmd_consequences(db: Database, args: argparse.Namespace) -> None:
    found = assessment_consequences(db, args.id)
    if args.json:
        print_json([{"subject_code": r.subject_code, "subject_name": r.subject_name,
                     "grade": r.grade, "kind": r.kind, "recipient": r.recipient,
                     "recipient_kind": r.recipient_kind, "reason": r.reason,
                     **({"problem": r.problem} if r.problem else {})} for r in found.rows])
        return
    print(f"考核 {found.assessment_id}“{found.assessment_name}”，细则 {found.rubric_code} "
          f"第 {found.rubric_version} 版，{STATE_NAMES[State(found.state)]}")
    if not found.rules:
        print(f"细则《{found.rubric_name}》没有规定结果运用：不发证书或通知。")
    elif not found.rows:
        print("没有对象的等次对应需要发的文书。")
    width = name_width([r.subject_name for r in found.rows])
    for r in found.rows:
        who = r.recipient or "（无负责人）"
        print(f"{pad(r.subject_code, 10)}{pad(r.subject_name, width)}{pad(r.grade, 10)}"
              f"{pad(r.kind_name, 18)}{pad(who, 10)}{r.reason}")
        if r.problem:
            print(f"    ⚠ {r.problem}")
    if found.ungraded:
        print(f"未定等次、不发文书：{'、'.join(found.ungraded)}")
    if found.rows and State(found.state) not in docs.APPROVED:
        print("尚未审议通过：证书和通知须在审议通过后生成（--draft 可预览草稿）。")


def _codes(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()] if text else None


def cmd_certificates(db: Database, args: argparse.Namespace) -> None:
    _finish(args, docs.certificates_job(db, args.id, args.out, _options(args),
                                        per_subject=args.each, grades=_codes(args.grades),
                                        subjects=_codes(args.subjects)))


def cmd_register(db: Database, args: argparse.Namespace) -> None:
    if args.out:
        _finish(args, docs.register_job(db, args.id, args.out))
        return
    entries = docs.certificate_register(db, args.id)
    if args.json:
        print_json([{"number": e.number, "subject_code": e.subject_code,
                     "subject_name": e.subject_name, "recipient": e.recipient, "title": e.title,
                     "issued": e.issued.isoformat() if e.issued else None} for e in entries])
        return
    if not entries:
        print("还没有发过荣誉证书（草稿预览不登记）。")
    width = name_width([e.recipient for e in entries])
    for e in entries:
        issued = e.issued.isoformat() if e.issued else ""
        print(f"{pad(e.number, 24)}{pad(e.recipient, width)}{pad(issued, 12)}{e.title}")


def cmd_notices(db: Database, args: argparse.Namespace) -> None:
    kinds = _codes(args.kinds)
    docs.check_notice_kinds(kinds)
    opts = replace(_options(args), due=args.due, talk_time=args.talk_time or "",
                   talk_place=args.talk_place or "")
    _finish(args, docs.notices_job(db, args.id, args.out, opts,
                                   subjects=_codes(args.subjects), kinds=kinds))


def cmd_sheets(db: Database, args: argparse.Namespace) -> None:
    _finish(args, docs.sheets_job(db, args.id, args.out, filled=args.filled, group=args.group,
                                  subjects=_codes(args.subjects)))


def cmd_publicity(db: Database, args: argparse.Namespace) -> None:
    if args.days < 1:
        raise InputError(Problem("公示期至少 1 个工作日", column="--days", value=args.days))
    opts = replace(_options(args), objection_days=args.days, top_only=args.top_only)
    _finish(args, docs.publicity_job(db, args.id, args.out, opts))


def cmd_attendance_report(db: Database, args: argparse.Namespace) -> None:
    _finish(args, docs.attendance_job(db, args.month, args.out, args.unit, _options(args)))


def cmd_tally(db: Database, args: argparse.Namespace) -> None:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(Problem("年终汇总表应保存为 .xlsx 文件", file=str(out)))
    _finish(args, tally_job(db, args.year, out, args.id))


def _add_document_options(sp: argparse.ArgumentParser, with_out: bool = True,
                          draft: bool = False) -> None:
    if with_out:
        sp.add_argument("--out", required=True, help="保存到这个文件夹（可以是 U 盘）")
    sp.add_argument("--issuer", help="发文/发证单位（默认：kaohe settings 中的设置）")
    sp.add_argument("--prefix", help="文号前缀（默认：kaohe settings 中的设置；文号：前缀〔2024〕3号）")
    sp.add_argument("--contact", help="联系人及电话（默认：kaohe settings 中的设置）")
    sp.add_argument("--address", help="地址（默认：kaohe settings 中的设置）")
    sp.add_argument("--date", type=_date, help="落款日期，如 2024-12-20（默认今天）")
    if draft:
        sp.add_argument("--draft", action="store_true",
                        help="审议通过前的预览：每页印“草稿”水印，不编号、不登记")


def add_report_commands(sub: Any, add: AddCommand) -> None:
    """`kaohe report …` and `kaohe export tally` on the top-level subparsers."""
    sp = add(sub, "consequences", cmd_consequences, "按细则的结果运用列出应发的证书和通知：发给谁、为什么")
    sp.add_argument("id", type=int)

    rep = add_group(sub, "report", "打印文件：荣誉证书、通知、评分表、公示名单、考勤月报（PDF）")

    sp = add(rep, "certificates", cmd_certificates, "按细则的结果运用生成荣誉证书（须审议通过）")
    sp.add_argument("id", type=int)
    _add_document_options(sp, draft=True)
    sp.add_argument("--each", action="store_true",
                    help="每份证书一个 PDF，文件名含证书编号和对象（默认合成一个）")
    sp.add_argument("--subjects", help="只为这些对象（编号，逗号分隔）")
    sp.add_argument("--grades", help="只发这些等次的证书，如 优秀,良好（默认按细则）")
    sp.add_argument("--honour", help="称号，如 便民服务工作优秀单位")
    sp.add_argument("--template", help="证书模板 JSON：title、body（含 {name} {year} {honour}）、"
                                       "honour、closing、issuer、seal_image、frame")
    sp.add_argument("--seal", metavar="FILE",
                    help="本单位提供的印章扫描图片（PNG/JPG），印在落款处；默认不印，盖章由人工加盖")

    sp = add(rep, "register", cmd_register, "荣誉证书发证登记：证书编号、对象、称号、发证日期")
    sp.add_argument("id", type=int)
    sp.add_argument("--out", help="导出为这个 .xlsx 文件（不写则打印在屏幕上）")

    sp = add(rep, "notices", cmd_notices, "按细则的结果运用生成通知，每份一个 PDF（须审议通过）")
    sp.add_argument("id", type=int)
    _add_document_options(sp, draft=True)
    sp.add_argument("--subjects", help="只为这些对象（编号，逗号分隔）")
    sp.add_argument("--kinds", help="只要这些种类：rectify,report,talk,criticise,advice（默认按细则全部）")
    sp.add_argument("--due", type=_date, help="整改或书面报告的期限，如 2025-01-31（默认落款日期后 30 天）")
    sp.add_argument("--talk-time", dest="talk_time", help="诫勉谈话的时间，如 “2025年1月6日上午9时”")
    sp.add_argument("--talk-place", dest="talk_place", help="诫勉谈话的地点，如 “街道办事处三楼会议室”")

    sp = add(rep, "sheets", cmd_sheets, "评分表：空白（按评分组，一对象一页）或已填（--filled）")
    sp.add_argument("id", type=int)
    sp.add_argument("--out", required=True, help="保存到这个文件夹")
    sp.add_argument("--filled", action="store_true", help="已填评分结果表（逐项得分、加减分、总分、等次）")
    sp.add_argument("--group", help="只要这个评分组的空白评分表")
    sp.add_argument("--subjects", help="只要这些对象（编号，逗号分隔）")

    sp = add(rep, "publicity", cmd_publicity, "考核结果公示名单（须审议通过；须设置联系电话和地址）")
    sp.add_argument("id", type=int)
    _add_document_options(sp, draft=True)
    sp.add_argument("--days", type=int, default=5,
                    help="未公示时公示期的工作日数（默认 5；已公示的按记录的公示期）")
    who = sp.add_mutually_exclusive_group()
    who.add_argument("--top-only", dest="top_only", action="store_const", const=True,
                     help="只列拟评最高等次（如优秀）者（个人考核且细则只表彰最高等次时默认如此）")
    who.add_argument("--all", dest="top_only", action="store_const", const=False,
                     help="列出全部考核对象")

    sp = add(rep, "attendance", cmd_attendance_report, "各单位考勤月报")
    sp.add_argument("month", help="月份，如 2024-11")
    _add_document_options(sp)
    sp.add_argument("--unit", help="只要这个单位（编号或名称）")

    exp = add_group(sub, "export", "导出：年终汇总表（Excel）")
    sp = add(exp, "tally", cmd_tally, "年终汇总表：汇总、分项得分、考勤汇总、加减分事项")
    sp.add_argument("--year", type=int, required=True)
    sp.add_argument("--out", required=True, help="保存为这个 .xlsx 文件（可以在 U 盘上）")
    sp.add_argument("--id", type=int, help="考核编号（默认：该年的年度考核）")
