"""Ranking and grading.

- Ranks are standard competition ranks (1, 2, 2, 4) on the total as displayed (rounded
  half up to 2 decimals), so two subjects that show the same total share a rank. Among
  tied subjects the order is by subject code.
- Grades by thresholds, by rank quota, or thresholds limited by quota. A quota is "at
  most": floor(share × number of subjects), and/or a count; when a tie straddles the
  quota boundary the whole tie goes to the next grade rather than breaking the limit.
- A subject hit by a veto item (一票否决) gets the lowest grade and takes no quota place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .numbers import round2
from .rubric import GradeMode, GradeScale


@dataclass(frozen=True)
class Ranked:
    key: str  # the subject's code
    total: Decimal
    vetoed: bool = False


def rank_order(subjects: Sequence[Ranked],
               shown: Mapping[str, Decimal] | None = None) -> list[Ranked]:
    """Best first; ties by code. `shown`: each key's rounded total, when already known."""
    if shown is None:
        shown = shown_totals(subjects)
    return sorted(subjects, key=lambda s: (-shown[s.key], s.key))


def shown_totals(subjects: Sequence[Ranked]) -> dict[str, Decimal]:
    """Each subject's total as shown (rounded once): ranks and grades compare these."""
    return {s.key: round2(s.total) for s in subjects}


def competition_ranks(subjects: Sequence[Ranked]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    current = 0
    shown = shown_totals(subjects)
    for position, s in enumerate(rank_order(subjects, shown), start=1):
        shown_total = shown[s.key]
        if shown_total != previous:
            current = position
            previous = shown_total
        ranks[s.key] = current
    return ranks


def quota_limit(share: Decimal | None, count: int | None, n: int) -> int | None:
    limits = []
    if share is not None:
        limits.append(math.floor(share * n))
    if count is not None:
        limits.append(count)
    return min(limits) if limits else None


def assign_grades(scale: GradeScale, subjects: Sequence[Ranked]) -> dict[str, str]:
    """Grade name per subject key."""
    if not scale.bands:
        return {s.key: "" for s in subjects}
    lowest = len(scale.bands) - 1
    n = len(subjects)
    shown = shown_totals(subjects)
    grades: dict[str, str] = {s.key: scale.lowest for s in subjects if s.vetoed}

    def threshold_band(shown_total: Decimal) -> int:
        for i, band in enumerate(scale.bands):
            if shown_total >= band.min:
                return i
        return lowest

    use_thresholds = scale.mode in (GradeMode.THRESHOLD, GradeMode.BOTH)
    use_quota = scale.mode in (GradeMode.QUOTA, GradeMode.BOTH)
    pending = [s for s in rank_order(subjects, shown) if not s.vetoed]
    eligible = {s.key: threshold_band(shown[s.key]) if use_thresholds else 0 for s in pending}
    for i, band in enumerate(scale.bands):
        limit = None
        if use_quota and i < lowest:
            limit = quota_limit(band.quota_share, band.quota_count, n)
        taken = 0
        rest: list[Ranked] = []
        pool = [s for s in pending if eligible[s.key] <= i]
        others = [s for s in pending if eligible[s.key] > i]
        j = 0
        while j < len(pool):
            tie_end = j + 1
            while tie_end < len(pool) and shown[pool[tie_end].key] == shown[pool[j].key]:
                tie_end += 1
            tie = pool[j:tie_end]
            if limit is None or taken + len(tie) <= limit:
                for s in tie:
                    grades[s.key] = band.name
                taken += len(tie)
            else:
                rest.extend(pool[j:])
                break
            j = tie_end
        pending = rank_order(rest + others, shown)
    for s in pending:  # only reachable when the scale is empty of a catch-all band
        grades[s.key] = scale.lowest
    return grades
