"""`kaohe scores set … --seen-version N` (issue 18 §1): a value saved meanwhile by another
PC is not overwritten — exit 2, the other's value in Chinese, nothing written."""

from __future__ import annotations


def test_a_save_from_an_older_version_exits_2_naming_the_other_value(kaohe, small, snapshot):
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "15", "--assessor", "张三")
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "18", "--assessor", "张三", "--seen-version", "1")
    before = snapshot()
    r = kaohe("scores", "set", small.id, "FR01", "1.1", "12", "--assessor", "张三", "--seen-version", "1")
    assert r.code == 2 and "Traceback" not in r.err
    assert "已被另一处修改为 18" in r.err and "第 2 版" in r.err and "未保存" in r.err
    assert snapshot() == before
    kaohe.ok("scores", "set", small.id, "FR01", "1.1", "12", "--assessor", "张三", "--seen-version", "2")
    r = kaohe("scores", "set", small.id, "FR02", "1.1", "9", "--assessor", "张三", "--seen-version", "3")
    assert r.code == 2 and "已被清除" in r.err  # nothing stored there at all
