"""即办件 平均办理时长 in hours (issue 17 §2: "working days, or hours for 即办件"): real
elapsed time from 受理 to 办结 of each finished, accepted 即办件, counted in its 办结
month, kept in the monthly counts and rebuilt once for counts an older program kept.

Hand counts (林志强 0101 and 黄丽萍 0102, both of HL01):
  J1 06-03 09:00 → 09:45                     45 min
  J2 06-03 14:10 → 16:40                    150 min
  J3 06-04 16:30 → 06-05 09:15 (next morning) 16 h 45 = 1005 min
  J4 05-31 17:00 (Fri) → 06-03 10:00 (Mon)  65 h = 3900 min, in June (its 办结 month)
  J5 a 承诺件: working days, not hours; J6 办理中 and J7 不予受理: counted nowhere
  J8 (0102) 06-07 09:00:30 → 09:10:00       9 min 30 s → 10 min (to the nearest minute)
  J9 (0102) 06-28 15:00 → 07-01 09:00       66 h = 3960 min, in July
0101 June: 5100 min / 4 = 21.25 h; 0102 June 10 min = 0.17 h; HL01 June 5110 / 5 = 17.03 h.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import chinese_calendar
import pdfplumber
from service_data import load_instant as load
from sqlalchemy import select

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.domain.service_measures import MEASURE_KEYS, RECTIFY_DAYS
from kaohe_desktop.services import (
    assessments,
    derived_items,
    feedback,
    rubrics,
    service_span,
    service_stats,
    service_summary,
)
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.services.documents_common import DocumentOptions, run
from kaohe_desktop.store.models import CalendarDay
from kaohe_desktop.store.service_models import service_month
from kaohe_desktop.store.service_queries import set_summary_digest, summary_digest


def by_code(db, period, by="person"):
    return {m.code: m for m in service_stats.measures(db, period, by)}


def hours_of(db, period, by="person"):
    return {code: (m.tally.instant_minutes, m.tally.instant_n, m.avg_hours)
            for code, m in by_code(db, period, by).items() if m.tally.requests or m.tally.finished}


def test_hours_of_即办件_equal_the_hand_counts(db, tmp_path):
    load(db, tmp_path)
    assert hours_of(db, "2024-06") == {"0101": (5100, 4, 21.25), "0102": (10, 1, 0.17)}
    assert hours_of(db, "2024-05") == {"0101": (0, 0, None)}  # J4 accepted, not finished in May
    assert hours_of(db, "2024-07") == {"0102": (3960, 1, 66.0)}
    assert hours_of(db, "2024-06", "unit") == {"HL01": (5110, 5, 17.03)}
    assert hours_of(db, "2024-Q2")["0101"] == (5100, 4, 21.25)
    assert hours_of(db, "2024")["0102"] == (3970, 2, 33.08)  # 3970 / 120
    june = by_code(db, "2024-06")["0101"]
    # the other measures as before: J5 alone has working days; J1, J2 and J5 were on time
    assert (june.tally.finished, june.tally.on_time, june.avg_days) == (5, 3, 2.0)
    # `kaohe service measures --json` keeps exactly the keys
    assert tuple(june.as_dict()) == MEASURE_KEYS and "avg_hours" not in june.as_dict()


def test_an_ad_hoc_span_counts_the_即办件_finished_inside_it(db, tmp_path):
    load(db, tmp_path)
    with db.session() as s:
        per = service_span.span_totals(s, date(2024, 6, 3), date(2024, 6, 4), "person")
    (t,) = [t for t in per.values() if t.instant_n]
    assert (t.instant_minutes, t.instant_n) == (45 + 150 + 3900, 3)  # J3 is finished 06-05


def digest_of_0015(s) -> str:
    """The digest as the program of migration 0015 wrote it (no counting version)."""
    h = hashlib.sha256(f"{chinese_calendar.__version__}|{RECTIFY_DAYS}".encode())
    for day, workday in s.execute(select(CalendarDay.day, CalendarDay.workday).order_by(CalendarDay.day)):
        h.update(f"|{day.isoformat()}{int(bool(workday))}".encode())
    return h.hexdigest()


def test_counts_kept_by_the_older_program_are_rebuilt_once(db, tmp_path, monkeypatch):
    """After the upgrade the new columns hold 0 and the digest is the old one: the first
    read counts again and stores the new digest; the next read does not rebuild."""
    load(db, tmp_path)
    with db.session() as s:
        s.execute(service_month.update().values(instant_minutes=0, instant_n=0))
        set_summary_digest(s, digest_of_0015(s))
    with db.session() as s:
        assert summary_digest(s) != service_summary.calendar_digest(s)
    assert hours_of(db, "2024-06")["0101"] == (5100, 4, 21.25)
    with db.session() as s:
        assert summary_digest(s) == service_summary.calendar_digest(s)
        total = s.execute(select(service_month.c.instant_minutes).where(
            service_month.c.kind == "person", service_month.c.year == 2024,
            service_month.c.month == 6)).scalars().all()
    assert sorted(total) == [10, 5100]
    rebuilt: list[str | None] = []
    real = service_summary.rebuild
    monkeypatch.setattr(service_summary, "rebuild",
                        lambda s, digest=None: rebuilt.append(digest) or real(s, digest))
    assert hours_of(db, "2024-07")["0102"] == (3960, 1, 66.0)
    assert rebuilt == []


def test_kept_hours_equal_a_count_of_every_record(db, tmp_path):
    load(db, tmp_path)
    with db.session() as s:
        kept = service_summary.monthly(s, date(2024, 5, 1), date(2024, 7, 31), "unit")
        counted = service_summary.tallies(s, date(2024, 5, 1), date(2024, 7, 31), "unit")
    assert {k: dict(v) for k, v in kept.items()} == {k: dict(v) for k, v in counted.items()}


HOURS_RUBRIC = {
    "code": "SVC-H", "name": "即办件时效测试", "subject_kind": "staff", "full_marks": 10,
    "items": [
        {"code": "1", "title": "即办件时效", "max": 10, "kind": "derived", "step": 0.1,
         "rule": {"source": "service", "measure": "avg_hours", "mode": "thresholds", "no_data": "zero",
                  "bands": [{"at": 1, "percent": 100}, {"at": 24, "percent": 60}]}},
    ],
    "grades": {"mode": "threshold", "scale": [{"name": "优秀", "min": 9}, {"name": "合格", "min": 0}]},
}


def test_a_metric_item_scores_the_hours_and_the_letter_shows_them(db, tmp_path):
    """林志强 21.25 h ≤ 24 → 60% of 10 = 6; 黄丽萍 0.17 h ≤ 1 → 10; the letter lists the
    hours against the target and plans the way to full marks."""
    load(db, tmp_path)
    rubrics.save_rubric(db, dict(HOURS_RUBRIC))
    aid = assessments.create_assessment(db, "SVC-H", parse_period("2024-Q2"), subjects="staff",
                                        groups=[GroupSpec("主任", "上级", (), ())]).id
    got = {code: (v["1"].value, v["1"].remark)
           for code, v in derived_items.derived_values(db, aid).items()}
    assert got["0101"] == (Decimal("6"),
                           "即办件平均办理时长 21.25 小时（4 件即办件）→ ≤ 24 小时 得 60% → 6 分")
    assert got["0102"][0] == Decimal("10")
    assessments.change_state(db, aid, "submit")
    assessments.change_state(db, aid, "approve")
    (letter,) = run(feedback.feedback_job(db, aid, tmp_path / "letters",
                                          DocumentOptions(issuer="红岭街道便民服务中心"), subjects=["0101"]))
    with pdfplumber.open(letter) as pdf:
        text = "".join("".join(p.extract_text() or "" for p in pdf.pages).split())
    for words in ("即办件平均办理时长", "21.25 小时（4 件即办件）", "≤ 1 小时", "6/10",
                  "即办件平均办理时长 21.25 小时 → 1 小时：即办件平均每件缩短 20.25 小时（4 件）"):
        assert "".join(words.split()) in text, (words, text)
