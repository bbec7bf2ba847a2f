"""`kaohe settings`, `kaohe consequences` and `kaohe report certificates|notices|publicity`
through `kaohe_desktop.cli.main`, on an FRNL assessment set up with the CLI itself."""

from __future__ import annotations

import pytest


def _setup(kaohe, approve: bool = True) -> str:
    kaohe.ok("unit", "add", "东风社区群众工作站", "--code", "A01", "--area", "测试街道")
    kaohe.ok("unit", "add", "红旗社区群众工作站", "--code", "A03", "--area", "测试街道")
    kaohe.ok("staff", "add", "赵一", "--unit", "A01", "--code", "A01-01", "--post", "站长")
    kaohe.ok("staff", "add", "郑七", "--unit", "A03", "--code", "A03-01", "--post", "站长")
    r = kaohe.ok("assessment", "create", "--rubric", "FRNL", "--period", "2024-Q3",
                 "--subjects", "units", "--group", "第一组:上级")
    aid = r.out.strip().splitlines()[0]
    for code, values in (("A01", (19, 38, 19, 9.5, 9.5)), ("A03", (14, 28, 14, 7, 7))):
        for item, value in enumerate(values, start=1):
            kaohe.ok("scores", "set", aid, code, item, value, "--assessor", "张三", "--group", "第一组")
    if approve:
        kaohe.ok("review", aid, "submit")
        kaohe.ok("review", aid, "approve")
    return aid


def test_settings_show_and_set(kaohe):
    shown = kaohe.json("settings", "show")
    assert shown == {"issuer": "", "prefix": "", "contact": "", "address": ""}
    r = kaohe.ok("settings", "show")
    assert "未设置" in r.out and "kaohe settings set issuer" in r.out
    kaohe.ok("settings", "set", "issuer", "城关镇便民服务中心")
    kaohe.ok("settings", "set", "prefix", "城便")
    assert kaohe.json("settings", "show")["issuer"] == "城关镇便民服务中心"
    bad = kaohe("settings", "set", "prefix", "城〔便〕")
    assert bad.code == 2 and "括号" in bad.err and "Traceback" not in bad.err
    assert kaohe("settings", "set", "colour", "red").code == 2
    assert kaohe.json("settings", "show")["prefix"] == "城便"


def test_consequences_and_documents_only_after_review(kaohe, tmp_path):
    aid = _setup(kaohe, approve=False)
    rows = kaohe.json("consequences", aid)
    assert [(r["subject_code"], r["grade"], r["kind"], r["recipient"]) for r in rows] == [
        ("A01", "工作优秀", "certificate", "东风社区群众工作站"), ("A01", "工作优秀", "certificate", "赵一"),
        ("A03", "工作一般", "report", "红旗社区群众工作站"), ("A03", "工作一般", "talk", "郑七")]
    assert {"subject_code", "grade", "kind", "recipient", "reason"} <= set(rows[0])
    assert "颁发奖状和证书" in rows[0]["reason"]
    text = kaohe.ok("consequences", aid).out
    assert "诫勉谈话通知" in text and "尚未审议通过" in text
    out = tmp_path / "usb"
    for what in ("certificates", "notices", "publicity"):
        r = kaohe("report", what, aid, "--out", out)
        assert r.code == 2 and "尚未审议通过" in r.err and "--draft" in r.err, r.err
    assert not out.exists()
    # without settings even a draft is refused, saying how to set them
    r = kaohe("report", "notices", aid, "--out", out, "--draft")
    assert r.code == 2 and "kaohe settings set issuer" in r.err
    kaohe.ok("settings", "set", "issuer", "测试街道便民服务中心")
    files = kaohe.json("report", "notices", aid, "--out", out, "--draft")
    assert [f.split("/")[-1] for f in files] == ["草稿_红旗社区群众工作站_限期书面报告通知.pdf",
                                                 "草稿_红旗社区群众工作站_郑七_诫勉谈话通知.pdf"]


def test_notices_and_certificates_issue_exactly_the_rows(kaohe, tmp_path):
    aid = _setup(kaohe)
    kaohe.ok("settings", "set", "issuer", "测试街道便民服务中心")
    r = kaohe("report", "notices", aid, "--out", tmp_path / "o")
    assert r.code == 2 and "文号前缀" in r.err
    kaohe.ok("settings", "set", "prefix", "测街便")
    out = tmp_path / "o"
    r = kaohe.ok("report", "notices", aid, "--out", out, "--date", "2024-10-08")
    assert r.out.count("已保存") == 2
    assert sorted(p.name for p in out.iterdir()) == [
        "测街便〔2024〕1号_红旗社区群众工作站_限期书面报告通知.pdf",
        "测街便〔2024〕2号_红旗社区群众工作站_郑七_诫勉谈话通知.pdf"]
    again = kaohe.ok("report", "notices", aid, "--out", out, "--kinds", "talk")
    assert "测街便〔2024〕2号_红旗社区群众工作站_郑七_诫勉谈话通知（2）.pdf" in again.out
    assert "未覆盖" in again.out
    r = kaohe("report", "notices", aid, "--out", out, "--kinds", "rectify")
    assert r.code == 2 and "没有要发的通知" in r.err
    files = kaohe.json("report", "certificates", aid, "--out", tmp_path / "c", "--each",
                       "--date", "2024-10-08")
    assert [f.split("/")[-1] for f in files] == ["测街便证〔2024〕1号_东风社区群众工作站_荣誉证书.pdf",
                                                 "测街便证〔2024〕2号_东风社区群众工作站_赵一_荣誉证书.pdf"]


@pytest.mark.parametrize("kind", ["fire", "certificate"])
def test_unknown_notice_kinds_exit_2(kaohe, tmp_path, kind):
    aid = _setup(kaohe)
    r = kaohe("report", "notices", aid, "--out", tmp_path / "x", "--kinds", kind)
    assert r.code == 2 and "通知种类" in r.err
