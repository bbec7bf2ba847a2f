"""The year-end result from the year's period results (年终汇总).

A subject's year result mixes up to three parts:

- monthly   — the mean of its monthly totals (月度平均),
- quarterly — the mean of its quarterly totals (季度平均),
- annual    — its year-end assessment total (年度考核; the mean if there are several).

Only periods the subject took part in count: a staff member who joined in May is
averaged over May–December, not pulled down by empty months. The mix weighs the parts,
e.g. monthly 0.4 + annual 0.6; weights are shares of their own sum (4:6 is the same
mix), and when a subject lacks a part of the mix the remaining parts are re-weighed
over what it has (like roles in `aggregation`), and the missing part is reported.
A veto (一票否决) in any counted period vetoes the year. Everything in full precision;
ranks and grades then follow `grading` exactly as for one period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import ZERO, shown, to_decimal

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ANNUAL = "annual"
PARTS = (MONTHLY, QUARTERLY, ANNUAL)
PART_NAMES = {MONTHLY: "月度平均", QUARTERLY: "季度平均", ANNUAL: "年度考核"}
_ALIASES = {
    "monthly": MONTHLY, "month": MONTHLY, "月度": MONTHLY, "月": MONTHLY,
    "quarterly": QUARTERLY, "quarter": QUARTERLY, "季度": QUARTERLY, "季": QUARTERLY,
    "annual": ANNUAL, "year": ANNUAL, "yearly": ANNUAL, "年度": ANNUAL, "年": ANNUAL,
}
PERIOD_PART = {"month": MONTHLY, "quarter": QUARTERLY, "year": ANNUAL}  # PeriodKind → part


def parse_mix(text: str) -> dict[str, Decimal]:
    """`monthly:0.4,annual:0.6` (also 月度:40%,年度:60%) → normalised weights summing to 1.

    ValueError in Chinese for an unknown part, a repeated part, a bad or negative weight,
    or weights that add up to nothing."""
    raw: dict[str, Decimal] = {}
    for piece in text.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        if not piece.strip():
            continue
        name, sep, value = piece.replace("：", ":").replace("=", ":").partition(":")
        part = _ALIASES.get(name.strip().lower())
        if part is None or not sep:
            raise ValueError(f"无法识别的汇总组成“{piece.strip()}”：应写作 monthly:0.4,annual:0.6"
                             "（可用 monthly、quarterly、annual）")
        if part in raw:
            raise ValueError(f"汇总组成“{part}”重复")
        value = value.strip()
        try:
            weight = to_decimal(value[:-1]) / 100 if value.endswith("%") else to_decimal(value)
        except ValueError:
            raise ValueError(f"权重不是数字：{piece.strip()}") from None
        if weight < 0:
            raise ValueError(f"权重不能为负：{piece.strip()}")
        raw[part] = weight
    return normalise_mix(raw)


def normalise_mix(mix: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Weights as shares of their sum, zero weights dropped, in PARTS order."""
    unknown = [p for p in mix if p not in PARTS]
    if unknown:
        raise ValueError(f"无法识别的汇总组成：{'、'.join(unknown)}")
    total = sum((w for w in mix.values()), ZERO)
    if total <= 0:
        raise ValueError("汇总权重合计必须大于 0")
    return {p: mix[p] / total for p in PARTS if p in mix and mix[p] > 0}


def default_mix(parts_present: Iterable[str]) -> dict[str, Decimal]:
    """Without a mix: the monthly average if the year has monthly results, else the
    quarterly average, else the year-end assessment."""
    present = set(parts_present)
    for part in PARTS:
        if part in present:
            return {part: Decimal(1)}
    return {MONTHLY: Decimal(1)}


def mix_text(mix: Mapping[str, Decimal]) -> str:
    """月度平均 40% + 年度考核 60%."""
    return " + ".join(f"{PART_NAMES[p]} {shown(w * 100)}%" for p, w in mix.items())


@dataclass(frozen=True)
class PeriodTotal:
    """One subject's result in one period."""

    part: str  # monthly / quarterly / annual
    key: str  # the period's key (2024-03, 2024-Q1, 2024)
    total: Decimal
    vetoed: bool = False


@dataclass(frozen=True)
class Rolled:
    total: Decimal
    parts: dict[str, Decimal] = field(default_factory=dict)  # part → its mean (present parts)
    counts: dict[str, int] = field(default_factory=dict)  # part → number of periods counted
    missing: tuple[str, ...] = ()  # parts of the mix the subject has no result for
    vetoed: bool = False


def roll_up(periods: Sequence[PeriodTotal], mix: Mapping[str, Decimal]) -> Rolled | None:
    """The subject's year result, or None when it has none of the mix's parts."""
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    vetoed = False
    for p in periods:
        if p.part not in mix:
            continue
        sums[p.part] = sums.get(p.part, ZERO) + p.total
        counts[p.part] = counts.get(p.part, 0) + 1
        vetoed = vetoed or p.vetoed
    if not counts:
        return None
    parts = {part: sums[part] / counts[part] for part in PARTS if part in counts}
    weight = sum((mix[p] for p in parts), ZERO)
    if weight <= 0:
        return None
    total = sum((mix[p] * v for p, v in parts.items()), ZERO) / weight
    missing = tuple(p for p in mix if p not in parts)
    return Rolled(total, parts, counts, missing, vetoed)


def top_graded(rows: Iterable[tuple[str, int, str]], top_grade: str) -> list[str]:
    """Keys of the (key, rank, grade) rows that got the top grade, best first, ties by
    key: the period's 优秀工作人员 list."""
    return [key for key, _, _ in sorted((r for r in rows if r[2] == top_grade),
                                        key=lambda r: (r[1], r[0]))]
