"""`kaohe service measures`: its text table shows the 即办件 hours (hand counts:
tests/services/test_instant_hours.py), its --json keeps exactly the issue's keys."""

from __future__ import annotations

from service_data import write_instant

from kaohe_desktop.domain.service_measures import MEASURE_KEYS


def test_the_table_shows_the_即办件_hours_and_the_json_keeps_its_keys(kaohe, tmp_path):
    kaohe.ok("unit", "add", "红岭街道便民服务中心", "--code", "HL01")
    kaohe.ok("staff", "add", "林志强", "--unit", "HL01", "--code", "0101")
    kaohe.ok("staff", "add", "黄丽萍", "--unit", "HL01", "--code", "0102")
    kaohe.ok("service", "import", write_instant(tmp_path))
    lines = kaohe.ok("service", "measures", "--period", "2024-06").out.splitlines()
    assert "即办时长" in lines[0] and lines[0].index("平均工作日") < lines[0].index("即办时长")
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    # 编号 姓名 办件 办结 按时率 平均工作日 即办时长 …
    assert rows["0101"][2:7] == ["5", "5", "60.00%", "2.00", "21.25"]
    assert rows["0102"][2:7] == ["2", "1", "100.00%", "—", "0.17"]
    unit = kaohe.ok("service", "measures", "--period", "2024-06", "--by", "unit").out.splitlines()
    assert unit[1].split()[6] == "17.03"
    for r in kaohe.json("service", "measures", "--period", "2024-06"):
        assert tuple(r) == MEASURE_KEYS
