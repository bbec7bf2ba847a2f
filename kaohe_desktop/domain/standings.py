"""What a ranking table shows besides rank and grade, as pure rules.

- Change against the previous period: places gained, `previous rank − current rank`
  (▲ 3 moved up three places, ▼ 1 moved down one, － same place; a subject that was not
  ranked then is 新). Both ranks are competition ranks, so a tie that breaks moves both.
- Rank within a group (交叉考核 ranks per group): the same competition ranking
  (`grading.competition_ranks`: displayed total, ties share, order among ties by code)
  applied to the subjects of each group on their own.
- Grade counts: how many subjects each band of a scale would get (the preview).
- The remark rule: a manual score of full marks, or below 60 % of the item's maximum,
  needs a written remark (满分或低于六成须写明理由).
- 折合分 (normalisation): each group's base scores scaled so the group's best base is full
  marks, to cancel a lenient or strict group of assessors. Bonus and deduction are
  events, not judgements, and are added unscaled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .grading import Ranked, assign_grades, competition_ranks
from .numbers import ZERO, round2, shown
from .rubric import GradeScale, Item, ItemKind, Rubric

UP = "▲"
DOWN = "▼"
SAME = "－"
NEW = "新"


def rank_change(rank: int, previous: int | None) -> int | None:
    """Places gained since the previous period (positive: moved up); None when new."""
    return None if previous is None else previous - rank


def change_text(change: int | None, compared: bool = True) -> str:
    """▲3 / ▼1 / － / 新; "" when there is no previous period to compare with."""
    if not compared:
        return ""
    if change is None:
        return NEW
    if change > 0:
        return f"{UP}{change}"
    if change < 0:
        return f"{DOWN}{-change}"
    return SAME


def ranks_within(subjects: Sequence[Ranked], group_of: Mapping[str, str]) -> dict[str, int]:
    """Each subject's competition rank among the subjects of its own group.

    Subjects missing from `group_of` form one group of their own (key "")."""
    groups: dict[str, list[Ranked]] = defaultdict(list)
    for s in subjects:
        groups[group_of.get(s.key, "")].append(s)
    out: dict[str, int] = {}
    for members in groups.values():
        out.update(competition_ranks(members))
    return out


def grade_counts(scale: GradeScale, subjects: Sequence[Ranked]) -> dict[str, int]:
    """Band name → number of subjects it gets, in the scale's order (zeros included)."""
    counts = {band.name: 0 for band in scale.bands}
    for grade in assign_grades(scale, subjects).values():
        if grade in counts:
            counts[grade] += 1
    return counts


# ---------------------------------------------------------------------------- remarks

REMARK_KINDS = frozenset({ItemKind.POINTS, ItemKind.LEVEL})
"""Manual items the remark rule covers. Yes/no checks are left out: their only values are
0 and full marks, so the rule would demand a remark on every one; derived items are
computed from data, not judged."""
LOW_SHARE = Decimal("0.6")


def remark_reason(item: Item, value: Decimal, low_share: Decimal = LOW_SHARE) -> str | None:
    """Why this score needs a written remark, or None when it does not."""
    if item.kind not in REMARK_KINDS:
        return None
    if value == item.max:
        return "满分"
    if value < item.max * low_share:
        return f"低于满分的{shown(low_share * 100)}%"
    return None


@dataclass(frozen=True)
class RemarkNeeded:
    subject: str
    assessor: str
    item_code: str
    value: Decimal
    reason: str  # 满分 / 低于满分的60%


def missing_remarks(rubric: Rubric, entries: Iterable[tuple[str, str, str, Decimal, str]],
                    low_share: Decimal = LOW_SHARE) -> list[RemarkNeeded]:
    """The scores that need a remark and have none.

    `entries` are (subject, assessor, item code, value, remark); the result is ordered by
    subject, the item's place in the rubric, then assessor."""
    leaves = {i.code: i for i in rubric.leaves()}
    order = {code: n for n, code in enumerate(leaves)}
    out = []
    for subject, assessor, code, value, remark in entries:
        item = leaves.get(code)
        if item is None or (remark or "").strip():
            continue
        reason = remark_reason(item, value, low_share)
        if reason:
            out.append(RemarkNeeded(subject, assessor, code, value, reason))
    return sorted(out, key=lambda r: (r.subject, order[r.item_code], r.assessor))


# ---------------------------------------------------------------------------- 折合分


def normalised_bases(bases: Mapping[str, Decimal], group_of: Mapping[str, str],
                     full_marks: Decimal) -> dict[str, Decimal]:
    """折合分 of the base scores, group by group.

    For each group G (subjects missing from `group_of` form one group ""):

        best_G   = max(base_s for s in G)
        折合_s   = base_s × full_marks ÷ best_G      (best_G > 0)
        折合_s   = base_s                           (best_G = 0: nothing to scale)

    so the best subject of every group has exactly full marks and the others keep their
    proportion to it. Full precision (Decimal division, 28 digits); the total built on it
    is 折合 + bonus − deduction, rounded only for display like every total.
    """
    best: dict[str, Decimal] = {}
    for key, base in bases.items():
        g = group_of.get(key, "")
        if base > best.get(g, ZERO):
            best[g] = base
    out = {}
    for key, base in bases.items():
        top = best.get(group_of.get(key, ""), ZERO)
        out[key] = base * full_marks / top if top > 0 else base
    return out


def histogram(values: Sequence[Decimal], width: Decimal) -> list[tuple[Decimal, Decimal]]:
    """Bins [low, high) of `width` from the one holding the lowest displayed value to the
    one holding the highest (a value on an edge belongs to the bin above it)."""
    if not values or width <= 0:
        return []
    shown_values = [round2(v) for v in values]
    first = (min(shown_values) / width).to_integral_value(rounding=ROUND_FLOOR)
    last = (max(shown_values) / width).to_integral_value(rounding=ROUND_FLOOR)
    return [(k * width, (k + 1) * width) for k in range(int(first), int(last) + 1)]
