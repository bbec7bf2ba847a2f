from datetime import date

from kaohe_desktop.reports.chinese_dates import chinese_date, plain_date
from kaohe_desktop.reports.fonts import register, text_width
from kaohe_desktop.reports.layout import fit, wrap


def test_chinese_dates():
    assert chinese_date(date(2024, 12, 20)) == "二〇二四年十二月"
    assert chinese_date(date(2024, 10, 1), with_day=True) == "二〇二四年十月一日"
    assert chinese_date(date(2025, 1, 31), with_day=True) == "二〇二五年一月三十一日"
    assert chinese_date(date(2030, 11, 12), with_day=True) == "二〇三〇年十一月十二日"
    assert plain_date(date(2024, 1, 5)) == "2024年1月5日"


def test_wrap_never_overflows_and_keeps_every_character():
    song, _ = register()
    text = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站，（试点）。"
    for width in (60, 120, 250):
        lines = wrap(text, song, 16, width)
        assert "".join(lines) == text
        assert all(text_width(x, song, 16) <= width for x in lines if len(x) > 1)
        assert not any(x[0] in "，。）" for x in lines[1:])


def test_fit_shrinks_then_wraps_and_balances():
    song, _ = register()
    name = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"
    size, lines = fit(name, song, 32, 500, min_size=20, max_lines=2)
    assert 20 <= size <= 32 and len(lines) <= 2
    assert all(text_width(x, song, size) <= 500 for x in lines)
    if len(lines) == 2:
        assert abs(len(lines[0]) - len(lines[1])) <= 2
    assert fit("向阳社区便民服务站", song, 32, 500, min_size=20) == (32, ["向阳社区便民服务站"])
