"""Combining several assessors' scores for one item.

Item score = mean of the assessors of one role (trimmed: drop one highest and one lowest
when at least 5 of that role scored); roles combine by weights, renormalised over the
roles that actually scored this item, so a missing self-assessment does not pull a
subject down. The order of assessors never matters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from .numbers import ZERO

TRIM_MIN_COUNT = 5


def role_mean(values: list[Decimal], trimmed: bool = False) -> Decimal:
    if trimmed and len(values) >= TRIM_MIN_COUNT:
        values = sorted(values)[1:-1]
    return sum(values, ZERO) / len(values)


def combine_roles(by_role: Mapping[str, list[Decimal]], weights: Mapping[str, Decimal],
                  trimmed: bool = False) -> Decimal | None:
    """The item score from each role's values; None when nobody scored it.

    A role absent from a non-empty `weights` counts with weight 0; empty `weights`
    means every role counts equally.
    """
    if len(by_role) == 1:  # the usual case: one role, no weighting to do
        [(role, values)] = by_role.items()
        w = weights.get(role, ZERO) if weights else Decimal(1)
        return role_mean(values, trimmed) if values and w > 0 else None
    num = ZERO
    den = ZERO
    # sorted: Decimal sums round at 28 digits, so a fixed order keeps results identical
    for role, values in sorted(by_role.items()):
        if not values:
            continue
        w = weights.get(role, ZERO) if weights else Decimal(1)
        if w <= 0:
            continue
        num += w * role_mean(values, trimmed)
        den += w
    if den == 0:
        return None
    return num / den


def aggregate_leaves(entries: Iterable[tuple[str, str, Decimal]],
                     weights: Mapping[str, Decimal],
                     trimmed: bool = False) -> dict[str, Decimal]:
    """Leaf code → combined score from (role, leaf code, value) entries of one subject."""
    grouped: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for role, code, value in entries:
        grouped[code][role].append(value)
    out: dict[str, Decimal] = {}
    for code, by_role in grouped.items():
        combined = combine_roles(by_role, weights, trimmed)
        if combined is not None:
            out[code] = combined
    return out
