"""Certificates and notices are exactly the rubric's consequences, only after 审议, in the
words that fit the person and the period, numbered once, never overwriting a file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from doc_data import MARKED_HEAD, OFFICE, add_stations, frnl_assessment, staff_assessment
from pdf_helpers import ISSUED, LONG_NAME, embedded_fonts, pdf_text
from pypdf import PdfReader

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.reports.certificates import Certificate, CertificateTemplate, write_certificates
from kaohe_desktop.services import documents as docs
from kaohe_desktop.services.consequences import consequences
from kaohe_desktop.services.office_settings import set_office_setting

OPTS = docs.DocumentOptions(issued=ISSUED)


@pytest.fixture
def out(tmp_path):
    """Where documents go: beside, not with, the test's database file."""
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder


@pytest.fixture
def frnl(db):
    add_stations(db)
    return db, frnl_assessment(db)


def _names(files) -> list[str]:
    return [f.name for f in files]


def test_certificates_are_the_consequence_rows_with_period_grade_and_number(frnl, out):
    db, aid = frnl
    rows = [r for r in consequences(db, aid) if r.kind == "certificate"]
    assert [(r.subject_code, r.recipient_kind, r.recipient) for r in rows] == [
        ("A01", "subject", "东风社区群众工作站"), ("A01", "staff", "赵一"), ("A01", "staff", "钱二"),
        ("A01", "staff", "孙三")]
    files = docs.run(docs.certificates_job(db, aid, out, OPTS, per_subject=True))
    assert _names(files) == [
        "测街便证〔2024〕1号_东风社区群众工作站_荣誉证书.pdf",
        "测街便证〔2024〕2号_东风社区群众工作站_赵一_荣誉证书.pdf",
        "测街便证〔2024〕3号_东风社区群众工作站_钱二_荣誉证书.pdf",
        "测街便证〔2024〕4号_东风社区群众工作站_孙三_荣誉证书.pdf"]
    text = pdf_text(files[0])[1]
    assert "东风社区群众工作站" in text and "2024年度“工作优秀单位”称号" in text
    assert "证书编号：测街便证〔2024〕1号" in text and OFFICE["issuer"] in text
    assert "二〇二四年十二月" in text and "草稿" not in text
    person = pdf_text(files[1])[1]
    assert "赵一同志" in person and "2024年度“工作优秀工作人员”称号" in person
    assert any("UMingCN" in f for f in embedded_fonts(files[0]))


@pytest.mark.parametrize("period, words", [("2024-Q3", "2024年第三季度"), ("2024-10", "2024年10月")])
def test_certificates_name_the_period(db, out, period, words):
    add_stations(db)
    aid = frnl_assessment(db, period)
    [pdf] = docs.run(docs.certificates_job(db, aid, out, OPTS))
    pages, text = pdf_text(pdf)
    assert pages == 4 and f"{words}“工作优秀单位”称号" in text and "年度" not in text.split("称号")[0]


def test_notices_follow_the_rubric_not_the_grade_position(frnl, out):
    db, aid = frnl
    files = docs.run(docs.notices_job(db, aid, out, OPTS))
    assert _names(files) == [
        "测街便〔2024〕1号_红旗社区群众工作站_限期书面报告通知.pdf",
        "测街便〔2024〕2号_红旗社区群众工作站_王八_诫勉谈话通知.pdf",
        "测街便〔2024〕3号_新华社区群众工作站_通报批评.pdf"]
    report, talk, criticise = (pdf_text(f)[1] for f in files)
    assert "红旗社区群众工作站：" in report and "你单位得分70分" in report and "书面报告" in report
    assert "关于红旗社区群众工作站限期报送书面报告的通知" in report
    # 诫勉谈话 goes to the person in charge by name (marked 负责人, not the 站长 郑七), as 你
    assert "王八同志：" in talk and "你负责的红旗社区群众工作站" in talk and "决定对你进行诫勉谈话" in talk
    assert "你单位" not in talk and "郑七" not in talk
    assert "《芙蓉南路社区群众工作站考核办法》" in talk and "主要责任人进行诫勉谈话" in talk
    assert "各有关单位：" in criticise and "决定对新华社区群众工作站予以通报批评" in criticise
    assert "该单位" in criticise
    for text in (report, talk, criticise):
        assert "（联系人：李明，联系电话：0731-84446666，" in text and "测试街道人民路8号" in text
    # a 工作良好 station (A02) gets nothing; nobody gets a 整改通知书 the rubric does not name
    assert not any("向阳" in n for n in _names(files))
    assert docs.last_number(db, 2024, "测街便") == 3


def test_notices_to_a_person_say_you_and_this_comrade(db, out):
    add_stations(db)
    aid = staff_assessment(db)
    files = docs.run(docs.notices_job(db, aid, out, OPTS))
    assert _names(files) == ["测街便〔2024〕1号_孙三_整改通知书.pdf", "测街便〔2024〕2号_孙三_通报批评.pdf",
                             "测街便〔2024〕3号_孙三_赵一_诫勉谈话通知.pdf"]
    rectify, criticise, talk = (pdf_text(f)[1] for f in files)
    assert "孙三同志：" in rectify and "你得分0分" in rectify and "请你对照上述问题" in rectify
    assert "该同志" in criticise and "孙三同志得分0分" in criticise
    assert "赵一同志：" in talk and "决定对你进行诫勉谈话" in talk
    for text in (rectify, criticise, talk):
        assert "你单位" not in text
    [cert] = docs.run(docs.certificates_job(db, aid, out / "c", OPTS))
    assert "赵一同志" in pdf_text(cert)[1] and "2024年10月“优秀工作人员”称号" in pdf_text(cert)[1]


def test_before_review_documents_are_refused_and_nothing_is_written(db, out):
    add_stations(db)
    aid = frnl_assessment(db, approve=False)
    for job, what in ((docs.certificates_job, "荣誉证书"), (docs.notices_job, "通知"),
                      (docs.publicity_job, "公示名单")):
        with pytest.raises(InputError, match=f"当前为“草稿”，尚未审议通过：{what}") as exc:
            docs.run(job(db, aid, out / "x", OPTS))
        assert "--draft" in str(exc.value)
    assert not (out / "x").exists()
    # score sheets are fine from a draft
    assert docs.run(docs.sheets_job(db, aid, out / "sheets", filled=True))


def test_a_draft_preview_is_watermarked_unnumbered_and_unrecorded(db, out):
    add_stations(db)
    aid = frnl_assessment(db, approve=False)
    draft = replace(OPTS, draft=True)
    [cert] = docs.run(docs.certificates_job(db, aid, out, draft))
    notices = docs.run(docs.notices_job(db, aid, out, draft))
    assert cert.name.startswith("草稿_") and all(n.name.startswith("草稿_") for n in notices)
    for pdf in (cert, *notices):
        text = pdf_text(pdf)[1]
        assert "草稿·未经审议·不得作为正式文件" in text
        assert "测街便〔" not in text and "测街便证〔" not in text
    assert docs.issued_numbers(db, aid) == {} and docs.last_number(db, 2024, "测街便") == 0


def test_a_reprint_has_the_same_numbers_and_never_overwrites(frnl, out):
    db, aid = frnl
    first = docs.run(docs.notices_job(db, aid, out, OPTS))
    stamp = [f.stat().st_mtime_ns for f in first]
    again = docs.run(docs.notices_job(db, aid, out, replace(OPTS, issued=date(2025, 2, 1))))
    assert [f.stat().st_mtime_ns for f in first] == stamp  # the first prints are untouched
    assert _names(again) == [n.replace(".pdf", "（2）.pdf") for n in _names(first)]
    assert again.renamed == {a: b.name for a, b in zip(again, first, strict=True)}
    for a, b in zip(first, again, strict=True):
        number = a.name.split("_")[0]
        assert number in pdf_text(b)[1]
    assert docs.last_number(db, 2024, "测街便") == 3 and docs.last_number(db, 2025, "测街便") == 0
    # certificates likewise, also when filtered to one subject
    certs = docs.run(docs.certificates_job(db, aid, out, OPTS, per_subject=True))
    reprint = docs.run(docs.certificates_job(db, aid, out / "2", OPTS, per_subject=True,
                                             grades=["工作优秀"], subjects=["A01"]))
    assert _names(reprint) == _names(certs) and not reprint.renamed


def test_a_batch_failing_half_way_names_the_files_written(frnl, out, monkeypatch):
    from kaohe_desktop.io import safe_write
    from kaohe_desktop.services import documents_common

    db, aid = frnl
    real = safe_write.copy_file
    calls = []

    def third_fails(src, target):
        calls.append(target)
        if len(calls) == 3:
            raise InputError("无法保存：磁盘（U 盘）已满，请删除一些文件或换一个 U 盘")
        return real(src, target)

    monkeypatch.setattr(documents_common, "copy_file", third_fails)
    with pytest.raises(docs.PartlyWritten) as exc:
        docs.run(docs.notices_job(db, aid, out, OPTS))
    message = str(exc.value.problems[0].line())
    assert "已写入 2 个文件" in message
    assert "测街便〔2024〕1号_红旗社区群众工作站_限期书面报告通知.pdf" in message
    assert "其余 1 个未写入" in message and "已满" in message
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in exc.value.written)
    # the two that exist keep their numbers; the third gets the next one when printed
    assert len(docs.issued_numbers(db, aid)) == 2
    monkeypatch.setattr(documents_common, "copy_file", real)
    files = docs.run(docs.notices_job(db, aid, out / "again", OPTS))
    assert [f.name.split("_")[0] for f in files] == ["测街便〔2024〕1号", "测街便〔2024〕2号",
                                                     "测街便〔2024〕3号"]


def test_missing_settings_refuse_and_say_how(db, out):
    add_stations(db, office=False)
    aid = frnl_assessment(db)
    with pytest.raises(InputError) as exc:
        docs.run(docs.notices_job(db, aid, out, OPTS))
    lines = exc.value.lines()
    assert any("发文/发证单位" in x and "kaohe settings set issuer" in x for x in lines)
    assert any("文号前缀" in x and "单位信息" in x for x in lines)
    assert list(out.iterdir()) == []
    set_office_setting(db, "issuer", "某某镇便民服务中心")
    with pytest.raises(InputError, match="文号前缀"):
        docs.run(docs.notices_job(db, aid, out, OPTS))
    set_office_setting(db, "prefix", "某镇便")
    files = docs.run(docs.notices_job(db, aid, out, OPTS))
    assert files[0].name.startswith("某镇便〔2024〕1号") and "某某镇便民服务中心" in pdf_text(files[0])[1]
    with pytest.raises(InputError, match="联系人及电话"):  # the 公示 says whom to object to
        docs.run(docs.publicity_job(db, aid, out, OPTS))


def test_no_head_in_the_roster_refuses_the_talk_notice(db, out):
    from sqlalchemy import select

    from kaohe_desktop.store.models import Staff

    add_stations(db)
    with db.session() as s:
        for p in s.scalars(select(Staff).where(Staff.code.like("A03-%"))):
            p.head, p.post = False, "副站长" if p.code == "A03-01" else p.post
    aid = frnl_assessment(db)
    talk = next(r for r in consequences(db, aid) if r.kind == "talk")
    assert talk.recipient == "" and "没有负责人" in talk.problem
    with pytest.raises(InputError, match="红旗社区群众工作站没有负责人"):
        docs.run(docs.notices_job(db, aid, out, OPTS))
    assert list(out.iterdir()) == []
    # the written report to the station itself can still go out on its own
    [one] = docs.run(docs.notices_job(db, aid, out, OPTS, kinds=["report"], subjects=["A03"]))
    assert "限期书面报告通知" in one.name


def test_publicity_after_review_names_contact_and_address(frnl, out):
    db, aid = frnl
    [pdf] = docs.run(docs.publicity_job(db, aid, out, OPTS))
    text = pdf_text(pdf)[1]
    assert "东风社区群众工作站" in text and "工作较差" in text and "草稿" not in text
    assert "李明0731-84446666" in text and "测试街道人民路8号" in text and OFFICE["issuer"] in text


def test_a_rubric_without_consequences_issues_nothing(demo, out):
    db, ids = demo  # the demo year is CY2019, whose text names no documents
    assert consequences(db, ids["year"]) == []
    with pytest.raises(InputError, match="没有要发的荣誉证书"):
        docs.run(docs.certificates_job(db, ids["year"], out, replace(OPTS, draft=True)))


def test_certificate_template_and_long_name(out):
    t = CertificateTemplate(title="奖状", body="{name}：在{year}年度考核中被评为{honour}，特发此状。",
                            honour="先进集体", issuer="某某区政务服务中心", closing="")
    pdf = write_certificates(out / "c.pdf", [Certificate(LONG_NAME, 2025, date(2025, 1, 8))], t)
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert LONG_NAME in text and "先进集体" in text and "二〇二五年一月" in text
    assert "某某区政务服务中心" in text
    assert len(PdfReader(str(pdf)).pages) == 1


def test_head_marked_in_roster_wins_over_post(frnl):
    db, aid = frnl
    talk = next(r for r in consequences(db, aid) if r.kind == "talk")
    assert (talk.staff_code, talk.recipient) == (MARKED_HEAD, "王八")
    assert "等次 工作一般：《芙蓉南路社区群众工作站考核办法》规定：" in talk.reason
