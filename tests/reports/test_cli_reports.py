"""`kaohe report …` and `kaohe export tally` through their own parser (the same `add`
as `cli.build_parser`), and through `kaohe_desktop.cli.main` once it is wired in."""

from __future__ import annotations

import argparse
import json

import openpyxl
import pytest
from doc_data import add_stations, frnl_assessment
from pdf_helpers import pdf_text

from kaohe_desktop.cli.reports import add_report_commands
from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import as_number


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true")
    p = argparse.ArgumentParser(prog="kaohe")
    sub = p.add_subparsers(dest="command")

    def add(parent, name, func, help_text):
        sp = parent.add_parser(name, help=help_text, parents=[common])
        sp.set_defaults(func=func)
        return sp

    add_report_commands(sub, add)
    return p


def _run(db, *argv: str) -> None:
    args = _parser().parse_args(list(argv))
    args.func(db, args)


def test_report_commands_write_pdfs(db, tmp_path, capsys):
    add_stations(db)
    a = str(frnl_assessment(db))
    out = tmp_path / "out"
    _run(db, "report", "certificates", a, "--out", str(out), "--date", "2024-12-20",
         "--issuer", "测试区人民政府")
    _run(db, "report", "notices", a, "--out", str(out), "--subjects", "A04",
         "--kinds", "criticise", "--date", "2024-12-20")
    _run(db, "report", "sheets", a, "--out", str(out))
    _run(db, "report", "publicity", a, "--out", str(out), "--json", "--date", "2024-12-20")
    assert "已保存" in capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["荣誉证书_2024群众工作站考核_4份.pdf", "空白评分表_1.pdf",
                            "测街便〔2024〕1号_新华社区群众工作站_通报批评.pdf",
                            "公示_2024群众工作站考核结果公示.pdf"])
    text = pdf_text(out / "荣誉证书_2024群众工作站考核_4份.pdf")[1]
    assert "二〇二四年十二月" in text and "测试区人民政府" in text
    assert "通报批评" in pdf_text(out / "测街便〔2024〕1号_新华社区群众工作站_通报批评.pdf")[1]


def test_bad_kind_is_refused(demo, tmp_path):
    db, ids = demo
    with pytest.raises(InputError, match="通知种类"):
        _run(db, "report", "notices", str(ids["year"]), "--out", str(tmp_path), "--kinds", "fire")


def test_export_tally(demo, tmp_path, capsys):
    from kaohe_desktop.services.standings import ranking_table

    db, ids = demo
    out = tmp_path / "年终汇总.xlsx"
    _run(db, "export", "tally", "--year", "2024", "--out", str(out), "--json")
    assert json.loads(capsys.readouterr().out) == [str(out)]
    ws = openpyxl.load_workbook(out)["汇总"]
    table = ranking_table(db, ids["year"])
    header = [c.value for c in ws[2]]
    column = header.index("总分")  # found by name: the sheet's layout may gain columns
    totals = [r[column] for r in ws.iter_rows(min_row=3, values_only=True) if r[1]]
    assert totals == [as_number(r.total) for r in table.rows]


def test_through_main_when_wired(demo, tmp_path, capsys):
    from kaohe_desktop import cli

    if "add_report_commands" not in vars(cli):
        pytest.skip("cli.build_parser does not add the report commands yet")
    code = cli.main(["export", "tally", "--year", "2030", "--out", str(tmp_path / "x.xlsx"),
                     "--db", str(tmp_path / "k.db")])
    assert code == 2 and "2030 年没有年度考核" in capsys.readouterr().err


def test_certificate_template_file(db, tmp_path):
    add_stations(db)
    aid = str(frnl_assessment(db))
    template = tmp_path / "t.json"
    template.write_text(json.dumps({"title": "奖状", "body": "{name}：被评为{period}{grade}{honour}。",
                                    "honour": "先进集体", "closing": ""}, ensure_ascii=False),
                        encoding="utf-8")
    out = tmp_path / "out"
    _run(db, "report", "certificates", aid, "--out", str(out), "--template", str(template),
         "--issuer", "芙蓉区人民政府", "--date", "2025-01-08", "--subjects", "A01")
    [pdf] = out.iterdir()
    text = pdf_text(pdf)[1]
    assert "奖状" in text
    assert "2024年度工作优秀先进集体" in text and "芙蓉区人民政府" in text and "二〇二五年一月" in text
    template.write_text('{"colour": "red"}', encoding="utf-8")
    with pytest.raises(InputError, match="不认识"):
        _run(db, "report", "certificates", aid, "--out", str(out), "--template", str(template))
