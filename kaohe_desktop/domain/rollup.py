"""The year-end result from the year's period results (年终汇总).

A subject's year result mixes up to three parts:

- monthly   — the mean of its monthly totals (月度平均),
- quarterly — the mean of its quarterly totals (季度平均),
- annual    — its year-end assessment total (年度考核; the mean if there are several),
- adhoc     — the mean of its ad-hoc results in the year (专项/抽查: period kind adhoc).

Only periods the subject took part in count: a staff member who joined in May is
averaged over May–December, not pulled down by empty months. The mix weighs the parts,
e.g. monthly 0.4 + annual 0.6; weights are shares of their own sum (4:6 is the same
mix), and when a subject lacks a part of the mix the remaining parts are re-weighed
over what it has (like roles in `aggregation`), and the missing part is reported.
A veto (一票否决) in any counted period vetoes the year.

Every figure shown adds up (README 计分规则): a part's mean is rounded half up to 2
decimals once; each part's weighted contribution (weight × that shown mean) is rounded
once; the year's total is the exact sum of the shown contributions. Ranks and grades
then follow `grading` exactly as for one period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import ZERO, round2, shown, to_decimal

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ANNUAL = "annual"
ADHOC = "adhoc"
PARTS = (MONTHLY, QUARTERLY, ANNUAL, ADHOC)
PART_NAMES = {MONTHLY: "月度平均", QUARTERLY: "季度平均", ANNUAL: "年度考核", ADHOC: "专项平均"}
_ALIASES = {
    "monthly": MONTHLY, "month": MONTHLY, "月度": MONTHLY, "月": MONTHLY,
    "quarterly": QUARTERLY, "quarter": QUARTERLY, "季度": QUARTERLY, "季": QUARTERLY,
    "annual": ANNUAL, "year": ANNUAL, "yearly": ANNUAL, "年度": ANNUAL, "年": ANNUAL,
    "adhoc": ADHOC, "ad-hoc": ADHOC, "专项": ADHOC, "抽查": ADHOC,
}
# PeriodKind → part
PERIOD_PART = {"month": MONTHLY, "quarter": QUARTERLY, "year": ANNUAL, "adhoc": ADHOC}


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
                             "（可用 monthly、quarterly、annual、adhoc）")
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
    quarterly average, else the year-end assessment (ad-hoc results only when asked)."""
    present = set(parts_present)
    for part in (MONTHLY, QUARTERLY, ANNUAL):
        if part in present:
            return {part: Decimal(1)}
    return {MONTHLY: Decimal(1)}


def mix_text(mix: Mapping[str, Decimal]) -> str:
    """月度平均 40% + 年度考核 60%."""
    return " + ".join(f"{PART_NAMES[p]} {shown(w * 100)}%" for p, w in mix.items())


@dataclass(frozen=True)
class PeriodTotal:
    """One subject's result in one period."""

    part: str  # monthly / quarterly / annual / adhoc
    key: str  # the period's key (2024-03, 2024-Q1, 2024)
    total: Decimal
    vetoed: bool = False
    complete: bool = True  # False: that period's result lacks scores — it proves nothing


@dataclass(frozen=True)
class Rolled:
    total: Decimal  # Σ contributions, exactly
    parts: dict[str, Decimal] = field(default_factory=dict)  # part → its mean, shown (2 dp)
    counts: dict[str, int] = field(default_factory=dict)  # part → number of periods counted
    missing: tuple[str, ...] = ()  # parts of the mix the subject has no result for
    vetoed: bool = False
    # part → weight × shown mean, rounded once; with a part missing the weights are the
    # mix re-weighed over the parts present (`weights`)
    contributions: dict[str, Decimal] = field(default_factory=dict)
    weights: dict[str, Decimal] = field(default_factory=dict)  # part → weight applied
    # keys of counted periods whose result is incomplete: their parts are left out and the
    # year is pending (no rank, no grade) until they are complete
    pending: tuple[str, ...] = ()


def contributions(parts: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each part's shown contribution: weight × its shown mean, rounded half up once.
    The year's total is their exact sum — what the saved 年度综合 stores as its leaves."""
    return {p: round2(weights[p] * v) for p, v in parts.items() if p in weights}


def roll_up(periods: Sequence[PeriodTotal], mix: Mapping[str, Decimal]) -> Rolled | None:
    """The subject's year result, or None when it has none of the mix's parts.

    A part with an incomplete period is left out whole (a mean over the months that
    happen to be finished would conclude from missing data) and the period is named in
    `pending`; the caller grades only results without pending periods."""
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    vetoed = False
    pending = tuple(p.key for p in periods if p.part in mix and not p.complete)
    waiting = {p.part for p in periods if p.part in mix and not p.complete}
    for p in periods:
        if p.part not in mix or p.part in waiting:
            continue
        sums[p.part] = sums.get(p.part, ZERO) + p.total
        counts[p.part] = counts.get(p.part, 0) + 1
        vetoed = vetoed or p.vetoed
    if not counts:
        return Rolled(ZERO, missing=tuple(p for p in mix if p not in waiting), pending=pending) \
            if pending else None
    parts = {part: round2(sums[part] / counts[part]) for part in PARTS if part in counts}
    weight = sum((mix[p] for p in parts), ZERO)
    if weight <= 0:
        return None
    applied = {p: mix[p] / weight for p in parts} if weight != 1 else {p: mix[p] for p in parts}
    shares = contributions(parts, applied)
    missing = tuple(p for p in mix if p not in parts and p not in waiting)
    return Rolled(sum(shares.values(), ZERO), parts, counts, missing, vetoed, shares, applied,
                  pending)


def top_graded(rows: Iterable[tuple[str, int, str]], top_grade: str) -> list[str]:
    """Keys of the (key, rank, grade) rows that got the top grade, best first, ties by
    key: the period's 优秀工作人员 list."""
    return [key for key, _, _ in sorted((r for r in rows if r[2] == top_grade),
                                        key=lambda r: (r[1], r[0]))]
