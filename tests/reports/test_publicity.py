"""The 公示 list read back from the PDF: contact phone and address always there (refused
without them), the 公示期 in working days stated once, every total with two decimals,
“第 x 页 共 y 页” on every page, columns as wide as their content, and a staff list that
names only those proposed for the top grade when the rubric honours that grade alone."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from doc_data import OFFICE, add_stations, frnl_assessment, staff_assessment
from pdf_helpers import ISSUED
from pypdf import PdfReader

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.reports.fonts import register, text_width
from kaohe_desktop.reports.page_tools import fit_columns
from kaohe_desktop.reports.publicity import PublicityList, PublicityRow, write_publicity
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.assessments import change_state
from kaohe_desktop.services.office_settings import save_office_settings
from kaohe_desktop.services.standings import ranking_table

OPTS = docs.DocumentOptions(issued=ISSUED)


def _pages(path) -> list[str]:
    return [p.extract_text().replace(" ", "").replace("\n", "") for p in PdfReader(str(path)).pages]


@pytest.fixture
def frnl(db):
    add_stations(db)
    return db, frnl_assessment(db)


def test_contact_address_period_once_and_two_decimals(frnl, tmp_path):
    db, aid = frnl
    [pdf] = docs.run(docs.publicity_job(db, aid, tmp_path, OPTS))
    [text] = _pages(pdf)
    assert text.startswith("关于2024群众工作站考核结果的公示")
    assert f"联系人及电话：{OFFICE['contact']}".replace(" ", "") in text
    assert f"地址：{OFFICE['address']}" in text
    # 2024-12-20 is a Friday: five working days end on Thursday 12-26
    assert text.count("公示期") == 1 and text.count("2024年12月26日") == 1
    assert "公示期为2024年12月20日至2024年12月26日（5个工作日）" in text
    totals = re.findall(r"群众工作站测试街道(\d+(?:\.\d+)?)", text)
    assert totals == ["95.00", "85.00", "70.00", "50.00"]
    assert re.search(r"第1页共1页$", text)


def test_the_period_skips_holidays_and_the_published_one_wins(frnl, tmp_path):
    db, aid = frnl
    data = docs.publicity_data(db, aid, replace(OPTS, issued=date(2024, 9, 27)))
    # Fri 09-27, Sun 09-29 (调休上班), Mon 09-30, then 国庆 to 10-07, Tue 10-08, Wed 10-09
    assert (data.objection_start, data.objection_end, data.workdays) == (
        date(2024, 9, 27), date(2024, 10, 9), 5)
    change_state(db, aid, "publish", objection_start=date(2025, 1, 6),
                 objection_end=date(2025, 1, 12))
    data = docs.publicity_data(db, aid, OPTS)
    assert (data.objection_start, data.objection_end, data.workdays) == (
        date(2025, 1, 6), date(2025, 1, 12), 5)


@pytest.mark.parametrize("missing", ["contact", "address"])
def test_refused_without_contact_or_address_and_nothing_written(db, tmp_path, missing):
    add_stations(db)
    aid = frnl_assessment(db)
    save_office_settings(db, {missing: ""})
    with pytest.raises(InputError) as exc:
        docs.run(docs.publicity_job(db, aid, tmp_path / "out", OPTS))
    assert f"kaohe settings set {missing}" in str(exc.value.problems[0].line())
    assert not (tmp_path / "out").exists()


def test_refusal_from_the_command_line_exits_2(db, tmp_path, capsys):
    from kaohe_desktop import cli

    add_stations(db)
    aid = frnl_assessment(db)
    save_office_settings(db, {"address": ""})
    db_path = str(tmp_path / "kaohe.db")  # the `db` fixture's file
    code = cli.main(["report", "publicity", str(aid), "--out", str(tmp_path / "o"), "--db", db_path])
    assert code == 2 and "kaohe settings set address" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_staff_list_only_the_proposed_top_grade_by_default(db, tmp_path):
    add_stations(db)
    aid = staff_assessment(db)
    data = docs.publicity_data(db, aid, OPTS)  # the rubric gives certificates to 优秀 only
    assert [r.name for r in data.rows] == ["赵一"] and "拟评为“优秀”等次" in data.title
    everyone = docs.publicity_data(db, aid, replace(OPTS, top_only=False))
    assert [r.name for r in everyone.rows] == ["赵一", "钱二", "孙三"]
    [pdf] = docs.run(docs.publicity_job(db, aid, tmp_path, OPTS))
    text = _pages(pdf)[0]
    assert "拟评定以下1名同志为“优秀”等次" in text and "钱二" not in text
    assert "所属单位" in text


def test_a_unit_list_is_whole_by_default(frnl):
    db, aid = frnl
    assert len(docs.publicity_data(db, aid, OPTS).rows) == len(ranking_table(db, aid).rows)


def test_page_numbers_on_every_page_of_a_long_list(tmp_path):
    rows = tuple(PublicityRow(n, f"U{n:03d}", f"第{n}社区便民服务站", "测试街道",
                              f"{100 - n / 10:.2f}", "合格") for n in range(1, 121))
    data = PublicityList("关于测试考核结果的公示", rows, ISSUED, ISSUED, date(2024, 12, 26),
                         OFFICE["issuer"], OFFICE["contact"], OFFICE["address"])
    pages = _pages(write_publicity(tmp_path / "p.pdf", data))
    assert len(pages) >= 3
    for k, text in enumerate(pages, start=1):
        assert f"第{k}页共{len(pages)}页" in text
    assert "地址：" in pages[-1] and OFFICE["issuer"] in pages[-1]


def test_columns_fit_their_content():
    _, sans = register()
    rows = [("1", "FR01", "东风社区便民服务站", "芙蓉街道", "95.50", "优秀"),
            ("12", "FR12", "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站", "芙蓉街道",
             "61.94", "合格")]
    cols = fit_columns(("名次", "编号", "名称", "所属", "总分", "等次"), rows, sans, 10, 500,
                       flex=(2, 3))
    assert abs(sum(c.width for c in cols) - 500) < 0.01
    for k in (0, 1, 4, 5):  # short columns: exactly as wide as the widest text plus padding
        widest = max(text_width(t, sans, 10) for t in [cols[k].title, *(r[k] for r in rows)])
        assert widest < cols[k].width < widest + 12
    assert cols[2].width > cols[3].width > cols[1].width


def test_a_short_name_column_does_not_squeeze_the_codes():
    """A 30-character unit beside two-character names: the names keep four characters'
    room, taken from the unit column, and the codes stay on one line."""
    _, sans = register()
    rows = [("1", "FR03-02", "胡国", "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站", "98.10",
             "优秀")]
    cols = fit_columns(("名次", "编号", "名称", "所属单位", "总分", "等次"), rows, sans, 10, 481.9,
                       flex=(2, 3))
    assert abs(sum(c.width for c in cols) - 481.9) < 0.01
    assert cols[1].width > text_width("FR03-02", sans, 10) + 2 * 1.5 * 72 / 25.4
    assert cols[2].width >= 40


def test_a_published_list_prints_the_sealed_results_digest(frnl, tmp_path):
    from kaohe_desktop.services import audit

    db, aid = frnl  # approved: publishing seals the results in the audit chain
    change_state(db, aid, "publish", objection_start=date(2024, 12, 20),
                 objection_end=date(2024, 12, 26))
    digest = audit.results_digest(db, aid)
    assert digest
    [pdf] = docs.run(docs.publicity_job(db, aid, tmp_path, OPTS))
    [text] = _pages(pdf)
    assert f"结果校验码：{digest}".replace(" ", "") in text
