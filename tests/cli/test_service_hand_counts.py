"""`kaohe service measures` against counts made by hand, over a whole year of 2024 holidays.

Three people in two units, 办件 / 好差评 / 投诉 written as real .xlsx files and imported with
`kaohe service import`; the office's calendar table marks Monday 2024-06-17 a rest day (a
local holiday chinese-calendar does not know). Every figure below was counted by hand from
the tables in the comments, with the 2024 calendar (checked against chinese-calendar):
元旦 01-01; 春节 02-10..02-17 off, Sunday 02-04 and Sunday 02-18 worked; 清明 04-04..04-06
off, Sunday 04-07 worked; 劳动节 05-01..05-05 off, Sunday 04-28 and Saturday 05-11 worked;
端午 06-10; 中秋 09-15..09-17 off, Saturday 09-14 worked; 国庆 10-01..10-07 off, Sunday
09-29 and Saturday 10-12 worked; + the calendar table's 06-17 off.

Rules (issue 17 and the fixtures' README): a 承诺件 of N days is on time when finished no
later than the N-th working day after its 受理 date; a 即办件 when finished on its 受理 date;
`requests` by 受理 date, `finished`/`on_time`/`avg_days` by 办结 date, `avg_days` over 承诺件
only (working days after 受理 up to and including 办结); ratings by 评价时间; a 差评 is
rectified in time when done no later than the 15th working day after the rating; 不予受理
and 退件 count nowhere; complaints by 投诉时间, 属实/部分属实 valid.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaohe_desktop.domain.service_measures import MEASURE_KEYS, change
from kaohe_desktop.services import service_stats
from kaohe_desktop.services.database import open_db

UNITS = [("QX01", "青溪社区便民服务站"), ("QX02", "石桥村便民服务室")]
PEOPLE = [("Q101", "张敏", "QX01"), ("Q102", "李强", "QX01"), ("Q201", "王芳", "QX02")]

# 办件.  deadline = N-th working day after 受理; days = working days after 受理 up to 办结.
#  no   who   受理              type  N  办结              status   deadline    days  on time
#  R01  Q101  06-03 09:00       即办  0  06-03 10:30       已办结   06-03       –     yes
#  R02  Q101  06-06 16:50       即办  0  06-07 09:10       已办结   06-06       –     no (next day)
#  R03  Q101  06-06 (Thu)       承诺  3  06-12             已办结   06-12 (端午) 3     yes, on the day
#  R04  Q102  06-06             承诺  3  06-13             已办结   06-12       4     no, a day late
#  R05  Q201  09-26 (Thu)       承诺  5  09-29 (调休 Sun)  已办结   10-09       2     yes
#  R06  Q201  09-27 (Fri)       承诺  5  10-10             已办结   10-10 (国庆) 5     yes, on the day
#  R07  Q201  10-10 (Thu)       承诺  2  10-14             已办结   10-12 (调休 Sat) 3 no
#  R08  Q101  02-08 (Thu)       承诺  5  02-21             已办结   02-21 (春节, 02-18 worked) 5 yes
#  R09  Q102  02-04 (调休 Sun)  即办  0  02-04             已办结   02-04       –     yes
#  R10  Q102  04-03 (Wed)       承诺  1  04-08             已办结   04-07 (调休 Sun) 2 no
#  R11  Q101  04-26 (Fri)       承诺  3  05-06             已办结   04-30 (04-28 worked) 4 no
#  R12  Q102  06-25             承诺  2  –                 办理中   06-27 (past)  –   open
#  R13  Q101  06-04             承诺  5  06-04             不予受理 — counts nowhere
#  R14  Q201  06-05             承诺  5  –                 退件     — counts nowhere
#  R15  Q201  06-14 11:00       即办  0  06-14 15:00       已办结   06-14       –     yes
#  R16  Q201  06-28 (Fri)       承诺  3  07-03             已办结   07-03       3     yes (finished in Q3)
#  R17  Q101  09-13 (Fri)       承诺  5  09-23             已办结   09-23 (中秋, 09-14 worked) 5 yes
#  R18  Q102  2023-12-29 (Fri)  承诺  2  2024-01-03        已办结   01-03 (元旦) 2     yes (accepted 2023)
#  R19  Q201  06-14 (Fri)       承诺  2  06-19             已办结   06-19 (06-17 off by the table) 2 yes
REQUESTS = [
    ("R01", "Q101", "张敏", "2024-06-03 09:00", "即办件", "即办", "2024-06-03 10:30", "已办结"),
    ("R02", "Q101", "张敏", "2024-06-06 16:50", "即办件", "即办", "2024-06-07 09:10", "已办结"),
    ("R03", "Q101", "张敏", "2024-06-06 10:00", "承诺件", 3, "2024-06-12 16:00", "已办结"),
    ("R04", "Q102", "李强", "2024-06-06 10:20", "承诺件", 3, "2024-06-13 09:00", "已办结"),
    ("R05", "Q201", "王芳", "2024-09-26 09:00", "承诺件", 5, "2024-09-29 11:00", "已办结"),
    ("R06", "Q201", "王芳", "2024-09-27 14:00", "承诺件", 5, "2024-10-10 17:00", "已办结"),
    ("R07", "Q201", "王芳", "2024-10-10 09:30", "承诺件", 2, "2024-10-14 10:00", "已办结"),
    ("R08", "Q101", "张敏", "2024-02-08 15:00", "承诺件", 5, "2024-02-21 16:30", "已办结"),
    ("R09", "Q102", "李强", "2024-02-04 10:00", "即办件", "即办", "2024-02-04 10:40", "已办结"),
    ("R10", "Q102", "李强", "2024-04-03 11:00", "承诺件", 1, "2024-04-08 09:00", "已办结"),
    ("R11", "Q101", "张敏", "2024-04-26 15:00", "承诺件", 3, "2024-05-06 10:00", "已办结"),
    ("R12", "Q102", "李强", "2024-06-25 09:00", "承诺件", 2, None, "办理中"),
    ("R13", "Q101", "张敏", "2024-06-04 09:00", "承诺件", 5, "2024-06-04 09:30", "不予受理"),
    ("R14", "Q201", "王芳", "2024-06-05 09:00", "承诺件", 5, None, "退件"),
    ("R15", "Q201", "王芳", "2024-06-14 11:00", "即办件", "即办", "2024-06-14 15:00", "已办结"),
    ("R16", "Q201", "王芳", "2024-06-28 16:00", "承诺件", 3, "2024-07-03 10:00", "已办结"),
    ("R17", "Q101", "张敏", "2024-09-13 09:00", "承诺件", 5, "2024-09-23 15:00", "已办结"),
    ("R18", "Q102", "李强", "2023-12-29 09:00", "承诺件", 2, "2024-01-03 11:00", "已办结"),
    ("R19", "Q201", "王芳", "2024-06-14 10:00", "承诺件", "2个工作日", "2024-06-19 16:00", "已办结"),
]

# 好差评 (words in one file, stars in another).  15th working day after the rating:
#  G02 06-07 → 06-11..14 (4), 06-18..21 (8), 06-24..28 (13), 07-01 (14), 07-02 (15): done 07-02, in time
#  G10 04-29 → 04-30 (1), 05-06..10 (6), 05-11 调休 (7), 05-13..17 (12), 05-20,21,22 (15): done 05-22, in time
#  G03 09-20 → 09-23..27 (5), 09-29 调休 (6), 09-30 (7), 10-08..11 (11), 10-12 调休 (12),
#      10-14,15,16 (15), 10-17 (16): done 10-17, late
#  S06 06-20 → 06-21 (1), 06-24..28 (6), 07-01..05 (11), 07-08..11 (15): open, deadline 2024-07-11
#  no   who        level            rated   整改完成  回访
#  G01  Q101       非常满意          06-03
#  G02  Q101       不满意            06-07   07-02     07-03
#  G03  Q102       非常不满意        09-20   10-17     10-18
#  G09  Q101       满意              05-06
#  G10  Q101       不满意            04-29   05-22     05-23
#  S04  Q201       4 星 (满意)       06-14
#  S05  Q201       3 星 (基本满意)   06-19
#  S06  Q201       1 星 (非常不满意) 06-20   open
#  S07  Q102       5 星              02-04
#  S08  QX02 only  4 星              06-21   (counts for the unit only)
RATINGS_WORDS = [
    ("G01", "R01", "窗口评价器", "非常满意", "2024-06-03 10:35", "张敏", "Q101", "青溪社区便民服务站",
     None, None, None),
    ("G02", "R02", "二维码", "不满意", "2024-06-07 09:20", "张敏", "Q101", "青溪社区便民服务站",
     "2024-07-02 16:00", "2024-07-03 10:00", "满意"),
    ("G03", "R04", "12345", "非常不满意", "2024-09-20 10:00", "李强", "Q102", "青溪社区便民服务站",
     "2024-10-17 11:00", "2024-10-18 09:00", "基本满意"),
    ("G09", "R11", "网上", "满意", "2024-05-06 10:10", "张敏", "Q101", "青溪社区便民服务站",
     None, None, None),
    ("G10", "R10", "窗口评价器", "不满意", "2024-04-29 09:00", "张敏", "Q101", "青溪社区便民服务站",
     "2024-05-22 15:00", "2024-05-23 10:00", "满意"),
]
RATINGS_STARS = [
    ("S04", "R15", 4, "2024-06-14 15:05", "王芳", "Q201", "石桥村便民服务室"),
    ("S05", "R19", "3星", "2024-06-19 16:10", "王芳", "Q201", "石桥村便民服务室"),
    ("S06", None, 1, "2024-06-20 09:00", "王芳", "Q201", "石桥村便民服务室"),
    ("S07", "R09", "★★★★★", "2024-02-04 10:45", "李强", "Q102", "青溪社区便民服务站"),
    ("S08", None, 4, "2024-06-21 11:00", None, None, "石桥村便民服务室"),
]

# 投诉
#  C01 Q101 06-12 属实 · C02 Q101 06-20 不属实 · C03 Q201 09-30 属实 · C04 QX01 only 06-25 部分属实
#  C05 Q102 04-10 (not yet verified: not valid)
COMPLAINTS = [
    ("C01", "2024-06-12", "12345", "张敏", "青溪社区便民服务站", "办理态度生硬", "属实"),
    ("C02", "2024-06-20", "来电", "张敏", "青溪社区便民服务站", "材料要求多", "不属实"),
    ("C03", "2024-09-30", "来访", "王芳", "石桥村便民服务室", "未一次性告知", "属实"),
    ("C04", "2024-06-25", "信箱", None, "青溪社区便民服务站", "窗口无人", "部分属实"),
    ("C05", "2024-04-10", "12345", "李强", "青溪社区便民服务站", "等候时间长", None),
]

K = ("requests", "finished", "on_time", "on_time_rate", "avg_days", "ratings", "satisfied_rate",
     "bad_ratings", "bad_rectified_in_time", "complaints", "valid_complaints")


def row(code, name, *values):
    return {"code": code, "name": name, **dict(zip(K, values, strict=True))}


# Hand counts.  e.g. Q101 2024-06: accepted R01 R02 R03 (R13 不予受理 out) = 3; finished the
# same 3; on time R01 R03 = 2 → 0.6667; 承诺件 finished: R03 (3 days) → 3.00; ratings G01 G02
# → 1 of 2 satisfied = 0.5; 差评 G02 rectified on day 15 → 1; complaints C01 C02, valid C01.
EXPECTED = {
    ("2024-06", "person"): [
        row("Q101", "张敏", 3, 3, 2, 0.6667, 3.0, 2, 0.5, 1, 1, 2, 1),
        # R04 R12 accepted; R04 finished late (4 days); no ratings
        row("Q102", "李强", 2, 1, 0, 0.0, 4.0, 0, None, 0, 0, 0, 0),
        # R15 R16 R19 accepted (R14 退件 out); R15 R19 finished in June, both on time; R19 2 days
        row("Q201", "王芳", 3, 2, 2, 1.0, 2.0, 3, 0.6667, 1, 0, 0, 0),
    ],
    ("2024-06", "unit"): [
        # Q101+Q102; days (3+4)/2; complaints C01 C02 C04, valid C01 C04
        row("QX01", "青溪社区便民服务站", 5, 4, 2, 0.5, 3.5, 2, 0.5, 1, 1, 3, 2),
        # + S08 of the station itself: 3 of 4 satisfied
        row("QX02", "石桥村便民服务室", 3, 2, 2, 1.0, 2.0, 4, 0.75, 1, 0, 0, 0),
    ],
    ("2024-Q2", "person"): [
        # + R11 (accepted 04-26, finished 05-06 late, 4 days); days (4+3)/2; + G09 G10 (G10 day 15)
        row("Q101", "张敏", 4, 4, 2, 0.5, 3.5, 4, 0.5, 2, 2, 2, 1),
        # + R10 (late, 2 days): days (2+4)/2; complaint C05 unverified
        row("Q102", "李强", 3, 2, 0, 0.0, 3.0, 0, None, 0, 0, 1, 0),
        row("Q201", "王芳", 3, 2, 2, 1.0, 2.0, 3, 0.6667, 1, 0, 0, 0),
    ],
    ("2024-Q2", "unit"): [
        # days (4+3+2+4)/4 = 3.25; complaints C01 C02 C04 C05
        row("QX01", "青溪社区便民服务站", 7, 6, 2, 0.3333, 3.25, 4, 0.5, 2, 2, 4, 2),
        row("QX02", "石桥村便民服务室", 3, 2, 2, 1.0, 2.0, 4, 0.75, 1, 0, 0, 0),
    ],
    ("2024", "person"): [
        # R08 R11 R01 R02 R03 R17; on time R08 R01 R03 R17; days (5+4+3+5)/4 = 4.25
        row("Q101", "张敏", 6, 6, 4, 0.6667, 4.25, 4, 0.5, 2, 2, 2, 1),
        # accepted R09 R10 R04 R12 (R18 in 2023); finished R18 R09 R10 R04, on time R18 R09;
        # days (2+2+4)/3 = 2.67; S07 + G03 (day 16: late)
        row("Q102", "李强", 4, 4, 2, 0.5, 2.67, 2, 0.5, 1, 0, 1, 0),
        # R05 R06 R07 R15 R16 R19, on time all but R07; days (2+5+3+3+2)/5 = 3.00; C03 属实
        row("Q201", "王芳", 6, 6, 5, 0.8333, 3.0, 3, 0.6667, 1, 0, 1, 1),
    ],
    ("2024", "unit"): [
        # on time 6 of 10; days (17+8)/7 = 3.5714; 3 of 6 satisfied; C01 C02 C05 C04
        row("QX01", "青溪社区便民服务站", 10, 10, 6, 0.6, 3.57, 6, 0.5, 3, 2, 4, 2),
        row("QX02", "石桥村便民服务室", 6, 6, 5, 0.8333, 3.0, 4, 0.75, 1, 0, 1, 1),
    ],
}


def _stamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def write_files(folder: Path) -> list[Path]:
    wb = Workbook()
    ws = wb.active
    ws.append(["青溪、石桥办件明细（2023-12 至 2024-10）"])  # a title row above the header
    ws.append(["办件编号", "事项名称", "办件类型", "受理窗口", "受理人", "工号", "受理时间", "承诺时限",
               "办结时间", "办理状态"])
    units = {p: u for p, _, u in PEOPLE}
    names = dict(UNITS)
    for no, code, name, acc, kind, limit, fin, status in REQUESTS:
        ws.append([no, "居住证办理", kind, names[units[code]], name, code, _stamp(acc), limit,
                   _stamp(fin), status])
    requests = folder / "办件.xlsx"
    wb.save(requests)

    wb = Workbook()
    ws = wb.active
    ws.append(["评价编号", "办件编号", "评价渠道", "评价等级", "评价时间", "被评价人", "工号", "所属窗口",
               "整改完成时间", "回访时间", "回访结果"])
    for no, req, channel, level, at, name, code, unit, done, visit, result in RATINGS_WORDS:
        ws.append([no, req, channel, level, at, name, code, unit, done, visit, result])
    words = folder / "好差评.xlsx"
    wb.save(words)

    wb = Workbook()
    ws = wb.active
    ws.append(["评价编号", "办件编号", "评价星级", "评价时间", "被评价人", "工号", "服务单位"])
    for no, req, stars, at, name, code, unit in RATINGS_STARS:
        ws.append([no, req, stars, _stamp(at), name, code, unit])
    stars_file = folder / "评价器.xlsx"
    wb.save(stars_file)

    wb = Workbook()
    ws = wb.active
    ws.append(["投诉编号", "投诉时间", "来源", "被投诉人", "被投诉窗口", "投诉内容", "核实结果"])
    for c in COMPLAINTS:
        ws.append(list(c))
    complaints = folder / "投诉.xlsx"
    wb.save(complaints)
    return [requests, words, stars_file, complaints]


@pytest.fixture
def loaded(kaohe, tmp_path):
    for code, name in UNITS:
        kaohe.ok("unit", "add", name, "--code", code)
    for code, name, unit in PEOPLE:
        kaohe.ok("staff", "add", name, "--unit", unit, "--code", code)
    kaohe.ok("attendance", "calendar", "2024-06-17", "rest", "--note", "本地休息日")
    for f in write_files(tmp_path):
        kaohe.ok("service", "import", f)
    return kaohe


@pytest.mark.parametrize("period", ["2024-06", "2024-Q2", "2024"])
@pytest.mark.parametrize("by", ["person", "unit"])
def test_measures_equal_the_hand_counts(loaded, period, by):
    got = loaded.json("service", "measures", "--period", period, "--by", by)
    assert all(tuple(r) == MEASURE_KEYS for r in got)
    assert got == EXPECTED[(period, by)]


def test_the_calendar_table_moves_a_deadline(loaded):
    """Without the table's 06-17 rest day R19 (2 days from Friday 06-14) was due 06-18 and
    finished a day late; G02's 15th working day would be 07-01 (done 07-02: late)."""
    loaded.ok("attendance", "calendar", "2024-06-17", "auto")
    q201, = [r for r in loaded.json("service", "measures", "--period", "2024-06")
             if r["code"] == "Q201"]
    assert (q201["on_time"], q201["on_time_rate"], q201["avg_days"]) == (1, 0.5, 3.0)
    q101, = [r for r in loaded.json("service", "measures", "--period", "2024-06")
             if r["code"] == "Q101"]
    assert q101["bad_rectified_in_time"] == 0


def test_overdue_lists_the_open_bad_rating(loaded):
    # G02, G03, G10 are closed (G03 late): only S06 is open, due on its 15th working day
    got = loaded.json("service", "overdue")
    assert [(r["no"], r["level"], r["person"], r["unit"], r["deadline"], r["overdue"])
            for r in got] == [("S06", "非常不满意", "王芳", "石桥村便民服务室", "2024-07-11", True)]
    db = open_db(str(loaded.db))
    try:
        # 07-08: three working days left (07-09, 07-10, 07-11); 07-15: two past (07-12, 07-15)
        (near,) = service_stats.overdue(db, today=date(2024, 7, 8))
        assert (near.days_left, near.overdue) == (3, False)
        assert service_stats.overdue(db, today=date(2024, 7, 5)) == []  # 4 left: not near yet
        (late,) = service_stats.overdue(db, today=date(2024, 7, 15))
        assert (late.days_left, late.overdue) == (-2, True)
    finally:
        db.close()


def test_the_change_against_the_month_before(loaded):
    """张敏 in May: R11 finished (late, 4 days), G09 满意 → 0.0 on time, 1.0 satisfied."""
    db = open_db(str(loaded.db))
    try:
        before, rows = service_stats.compare(db, "2024-06")
    finally:
        db.close()
    assert before == "2024-05"
    c, = [c for c in rows if c.now.code == "Q101"]
    now, then = c.now.as_dict(), c.before.as_dict()
    assert (then["requests"], then["finished"], then["on_time_rate"], then["avg_days"],
            then["satisfied_rate"]) == (0, 1, 0.0, 4.0, 1.0)
    assert change(now["requests"], then["requests"]) == 3
    assert change(now["on_time_rate"], then["on_time_rate"]) == 0.6667
    assert change(now["avg_days"], then["avg_days"]) == -1.0
    assert change(now["satisfied_rate"], then["satisfied_rate"]) == -0.5


def test_visits_rectification_and_complaints_per_1000(loaded):
    """The page's further measures for 2024: 回访 G02 G10 (张敏 2 of 2), G03 (李强 1 of 1),
    S06 none (王芳 0 of 1); rectified in time G02 G10 of 2, none of G03 / S06; valid
    complaints per 1,000 办件: 张敏 1 of 6 → 166.67, 王芳 1 of 6 → 166.67, 李强 0 of 4 → 0."""
    db = open_db(str(loaded.db))
    try:
        got = {m.code: (m.visit_rate, m.bad_rectified_rate, m.valid_per_1000)
               for m in service_stats.measures(db, "2024")}
    finally:
        db.close()
    assert got == {"Q101": (1.0, 1.0, 166.67), "Q102": (1.0, 0.0, 0.0), "Q201": (0.0, 0.0, 166.67)}
