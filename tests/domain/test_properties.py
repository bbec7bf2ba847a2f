"""Property tests for the scoring engine (hypothesis), on the built-in CY2019 rubric."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe_desktop.domain.aggregation import aggregate_leaves
from kaohe_desktop.domain.scoring import Event, score_subject
from kaohe_desktop.services.rubrics import builtin_rubric

CY = builtin_rubric("CY2019")
LEAVES = CY.leaves()
ROLES = ["上级", "同事", "下属", "自评"]
WEIGHTS = {"上级": D("0.5"), "同事": D("0.3"), "下属": D("0.1"), "自评": D("0.1")}


def leaf_value(leaf):
    steps = int(leaf.max / leaf.step)
    return st.integers(0, steps).map(lambda n: leaf.step * n)


def sheet():
    """One assessor's sheet: a value (or nothing) per leaf."""
    return st.fixed_dictionaries({leaf.code: st.one_of(st.none(), leaf_value(leaf))
                                  for leaf in LEAVES})


assessor = st.tuples(st.sampled_from(ROLES), sheet())
rules = [(r.code, r) for r in (*CY.bonus.rules, *CY.deduction.rules)]


@st.composite
def events(draw):
    out = []
    for n in range(draw(st.integers(0, 8))):
        code, rule = draw(st.sampled_from(rules))
        if rule.amounts:
            amount = draw(st.sampled_from(rule.amounts))
        else:
            amount = rule.min + rule.step * draw(st.integers(0, int((rule.max - rule.min) / rule.step)))
        out.append(Event(code, amount, draw(st.sampled_from(["", "甲", "乙", "丙"])), n))
    return out


def total(sheets, evs, trimmed=False):
    entries = [(role, code, v) for role, values in sheets for code, v in values.items()
               if v is not None]
    return score_subject(CY, aggregate_leaves(entries, WEIGHTS, trimmed), evs).total


@settings(max_examples=150, deadline=None)
@given(st.lists(assessor, min_size=1, max_size=6), events(), st.booleans())
def test_total_stays_within_its_bounds(sheets, evs, trimmed):
    t = total(sheets, evs, trimmed)
    assert -CY.deduction.cap <= t <= CY.full_marks + CY.bonus.cap


@settings(max_examples=150, deadline=None)
@given(st.lists(assessor, min_size=1, max_size=6), events(), st.data(), st.booleans())
def test_raising_a_leaf_never_lowers_the_total(sheets, evs, data, trimmed):
    who = data.draw(st.integers(0, len(sheets) - 1))
    leaf = data.draw(st.sampled_from(LEAVES))
    role, values = sheets[who]
    before = total(sheets, evs, trimmed)
    current = values[leaf.code]
    higher = data.draw(st.integers(0, int(leaf.max / leaf.step)).map(lambda n: leaf.step * n)
                       .filter(lambda v: current is None or v >= current))
    if current is None:
        # a new score can lower an average; raising an existing one cannot
        return
    raised = list(sheets)
    raised[who] = (role, {**values, leaf.code: higher})
    assert total(raised, evs, trimmed) >= before


@settings(max_examples=150, deadline=None)
@given(st.lists(assessor, min_size=1, max_size=6), events(), st.randoms(), st.booleans())
def test_assessor_and_event_order_does_not_matter(sheets, evs, rnd, trimmed):
    before = total(sheets, evs, trimmed)
    shuffled, shuffled_events = list(sheets), list(evs)
    rnd.shuffle(shuffled)
    rnd.shuffle(shuffled_events)
    assert total(shuffled, shuffled_events, trimmed) == before
