"""Change since the previous period, ranks within groups, grade counts, the remark rule,
折合分 and the histogram (domain.standings), with an exact independent computation."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from kaohe_desktop.domain.grading import Ranked, competition_ranks
from kaohe_desktop.domain.numbers import round2, shown
from kaohe_desktop.domain.rubric import GradeBand, GradeMode, GradeScale, Item, ItemKind, Level
from kaohe_desktop.domain.standings import (
    change_text,
    grade_counts,
    histogram,
    missing_remarks,
    normalised_bases,
    rank_change,
    ranks_within,
    remark_reason,
)
from kaohe_desktop.services.rubrics import builtin_rubric


def test_change_arrows():
    assert rank_change(2, 5) == 3 and change_text(3) == "▲3"
    assert rank_change(4, 3) == -1 and change_text(-1) == "▼1"
    assert change_text(0) == "－"
    assert rank_change(1, None) is None and change_text(None) == "新"
    assert change_text(None, compared=False) == ""


def test_ranks_within_groups_share_ties_and_order_by_code():
    subjects = [Ranked("A", D(90)), Ranked("B", D(95)), Ranked("C", D(90)), Ranked("D", D(80)),
                Ranked("E", D(70)), Ranked("F", D("70.004"))]
    groups = {"A": "一", "B": "一", "C": "一", "D": "一", "E": "二", "F": "二"}
    assert ranks_within(subjects, groups) == {"B": 1, "A": 2, "C": 2, "D": 4, "E": 1, "F": 1}


@given(st.lists(st.tuples(st.integers(0, 1000), st.sampled_from("甲乙丙")), min_size=1, max_size=30))
def test_group_rank_equals_ranking_the_group_alone(entries):
    subjects = [Ranked(f"U{n:02d}", D(v) / 10) for n, (v, _) in enumerate(entries)]
    groups = {f"U{n:02d}": g for n, (_, g) in enumerate(entries)}
    got = ranks_within(subjects, groups)
    for g in set(groups.values()):
        alone = competition_ranks([s for s in subjects if groups[s.key] == g])
        assert {k: got[k] for k in alone} == alone
        # standard competition ranking: 1 + number of members strictly better (as shown)
        for s in subjects:
            if groups[s.key] == g:
                better = sum(1 for o in subjects if groups[o.key] == g and round2(o.total) > round2(s.total))
                assert got[s.key] == better + 1


def test_grade_counts_in_band_order_with_zeros_and_veto():
    scale = GradeScale(GradeMode.BOTH, (GradeBand("优秀", D(90), quota_count=1), GradeBand("良好", D(80)),
                                         GradeBand("不合格", D(0))))
    subjects = [Ranked("A", D(95)), Ranked("B", D(92)), Ranked("C", D(99), vetoed=True)]
    assert grade_counts(scale, subjects) == {"优秀": 1, "良好": 1, "不合格": 1}
    assert list(grade_counts(scale, [])) == ["优秀", "良好", "不合格"]


def test_remark_rule_full_marks_or_below_sixty_percent_on_manual_items():
    points = Item("1", "态度", D(20), ItemKind.POINTS)
    assert remark_reason(points, D(20)) == "满分"
    assert remark_reason(points, D("11.9")) == "低于满分的60%"
    assert remark_reason(points, D(12)) is None  # exactly 60 % is not below
    level = Item("2", "等次", D(20), ItemKind.LEVEL, levels=(Level("优秀", D(20)), Level("不合格", D(0))))
    assert remark_reason(level, D(0)) == "低于满分的60%"
    assert remark_reason(Item("3", "有无", D(2), ItemKind.YESNO), D(2)) is None
    assert remark_reason(Item("4", "考勤", D(30), ItemKind.DERIVED), D(0)) is None


def test_missing_remarks_are_listed_in_rubric_order():
    rubric = builtin_rubric("VILLAGE-ATT")
    entries = [("P1", "甲", "3", D(30), ""), ("P1", "甲", "2", D(5), ""),
               ("P1", "乙", "2", D(20), "表现突出"), ("P1", "甲", "1", D(0), ""),
               ("P1", "甲", "4", D(15), "")]
    got = missing_remarks(rubric, entries)
    assert [(m.item_code, m.assessor, m.reason) for m in got] == [
        ("2", "甲", "低于满分的60%"), ("3", "甲", "满分")]


def test_normalised_bases_put_each_groups_best_at_full_marks():
    bases = {"A": D(80), "B": D(60), "C": D(90), "D": D(45), "E": D(0)}
    groups = {"A": "一", "B": "一", "C": "二", "D": "二"}
    got = normalised_bases(bases, groups, D(100))
    assert got["A"] == 100 and got["B"] == 75 and got["C"] == 100 and got["D"] == 50
    assert got["E"] == 0  # its own group "" has nothing above zero: unchanged


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=20))
def test_normalised_bases_match_exact_fractions(values):
    bases = {f"U{n}": D(v) / 10 for n, v in enumerate(values)}
    got = normalised_bases(bases, {}, D(100))
    best = max(values)
    for n, v in enumerate(values):
        exact = Fraction(v * 100, best) if best else Fraction(v, 10)
        assert shown(got[f"U{n}"]) == shown(D(exact.numerator) / D(exact.denominator))
    if best:
        assert max(got.values()) == 100


def test_histogram_bins_cover_the_displayed_totals():
    assert histogram([D("62.3"), D("89.999"), D(75)], D(5)) == [
        (D(60), D(65)), (D(65), D(70)), (D(70), D(75)), (D(75), D(80)), (D(80), D(85)), (D(85), D(90)),
        (D(90), D(95))]  # 89.999 shows as 90.00: the 90–95 bin
    assert histogram([], D(5)) == []


def test_round2_is_not_tipped_by_noise_in_the_28th_digit():
    # three items scored by three assessors (means in thirds) and one mean of four:
    # exactly 29.675, but the 28-digit sum of the means comes out as 29.67499…9
    items = [("9.6", "19.1", "14.3"), ("0.1", "4.8", "13.5"), ("11.2", "14.8", "0.5")]
    total = D(0)
    for values in items:
        total += sum((D(v) for v in values), D(0)) / 3
    total += D("0.375")
    exact = sum(sum(Fraction(v) for v in values) / 3 for values in items) + Fraction("0.375")
    assert exact == Fraction("29.675") and total < D("29.675")
    assert round2(total) == D("29.68") and shown(total) == "29.68"
