"""One rounding rule for everything shown, printed or exported.

Totals keep full precision (Decimal); display rounds to 2 decimals, half up. Decimal,
not float: 2.675 must show as 2.68.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal(0)


def to_decimal(value: object) -> Decimal:
    """A Decimal from int, float, str or Decimal; floats go through repr so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace("，", ".").replace("．", ".")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"不是数字：{value}") from None
        if not d.is_finite():
            raise ValueError(f"不是数字：{value}")
        return d
    raise ValueError(f"不是数字：{value!r}")


# Sums of means such as 1/3 carry noise in the 28th digit (0.1/3 × 3 = 0.0999…9), which
# could tip a total that is exactly on a half cent (85.335) the wrong way. Values are first
# snapped to 18 decimals: noise is far below that, and an exact mean of scores (a fraction
# with a small denominator) cannot lie that close to a half cent without being on it.
SNAP = Decimal("1e-18")


def round2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals: the single rounding rule for display and export."""
    if value.is_finite() and value.adjusted() < 9:  # within the 28 digits of the context
        value = value.quantize(SNAP)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def shown(value: Decimal) -> str:
    """The text form a user sees: 2 decimals, trailing zeros trimmed (85.50 → 85.5)."""
    text = f"{round2(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def as_number(value: Decimal) -> int | float:
    """JSON/workbook form of a displayed number: rounded, int when integral."""
    r = round2(value)
    return int(r) if r == r.to_integral_value() else float(r)


def is_multiple(value: Decimal, step: Decimal) -> bool:
    return step <= 0 or (value / step) == (value / step).to_integral_value()
