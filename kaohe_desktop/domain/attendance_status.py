"""What an export says of a day when it carries no punch times (monthly reports' day cells,
a daily report's result column): DingTalk '上班迟到40分钟,下班缺卡', '病假 1天'; WeCom
'迟到60分钟; 早退150分钟;', '缺卡1次 ;', '正常（休息） ;'.

The text is read into counts, and the office's own rules (grace, thresholds) are applied
to those counts later, exactly as to counts derived from punches: a vendor's '迟到3分钟'
is not a late arrival under 5 minutes' grace. Text this module cannot read is kept in
`unknown` so the caller can show it rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import ZERO

# Leave-like absences an export names; any other “…假” is read as a leave type too.
LEAVE_WORDS = ("事假", "病假", "年假", "婚假", "产假", "陪产假", "丧假", "调休假", "调休", "哺乳假",
               "探亲假", "育儿假", "护理假", "工伤假", "公出", "出差", "外出", "公休")

_EMPTY = {"", "-", "--", "—", "/", "无"}
_NUM = r"(\d+(?:\.\d+)?)"
_PATTERNS = (
    ("absent", re.compile(r"旷工(?:迟到)?\s*(?:" + _NUM + r"\s*(?:分钟|天))?")),
    ("late", re.compile(r"(?:上班)?(?:严重)?迟到\s*(?:" + _NUM + r"\s*分钟)?")),
    ("early", re.compile(r"(?:下班)?早退\s*(?:" + _NUM + r"\s*分钟)?")),
    ("missing", re.compile(r"(上班|下班)?缺卡\s*(?:(\d+)\s*次)?")),
    ("rest", re.compile(r"休息|休假日|节假日|放假")),
    ("leave", re.compile(r"(请假|" + "|".join(LEAVE_WORDS) + r"|[\u4e00-\u9fff]{1,3}假)\s*[:：]?\s*"
                         + r"(?:" + _NUM + r"\s*(天|小时|h|H|d))?")),
    ("normal", re.compile(r"正常|出勤|√")),
)
_SEPARATORS = re.compile(r"[;；,，、/\s]+")


@dataclass(frozen=True)
class Reported:
    """Counts read from a day's status text; an all-default value means "nothing said"."""

    normal: bool = False
    rest: bool = False
    absent: bool = False
    late: bool = False
    late_minutes: int | None = None  # None: late without a stated duration
    early: bool = False
    early_minutes: int | None = None
    missing: int = 0
    leave: tuple[tuple[str, Decimal, str], ...] = ()  # (type, amount or 0 unstated, 天/小时)
    unknown: str = ""  # text left over that matched nothing

    @property
    def says_anything(self) -> bool:
        return any((self.normal, self.rest, self.absent, self.late, self.early, self.missing,
                    self.leave))


def _minutes(raw: str | None) -> int | None:
    return None if raw is None else int(Decimal(raw))


def read_status(text: object) -> Reported:
    """Read one day's status text (any vendor's wording, or this program's own)."""
    if text is None:
        return Reported()
    rest_of = str(text).strip()
    if rest_of in _EMPTY:
        return Reported()
    found: dict[str, object] = {}
    leave: list[tuple[str, Decimal, str]] = []
    missing = 0
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(rest_of):
            if kind == "late":
                found["late"] = True
                if m.group(1):
                    found["late_minutes"] = (found.get("late_minutes") or 0) + _minutes(m.group(1))
            elif kind == "early":
                found["early"] = True
                if m.group(1):
                    found["early_minutes"] = (found.get("early_minutes") or 0) + _minutes(m.group(1))
            elif kind == "missing":
                missing += int(m.group(2)) if m.group(2) else 1
            elif kind == "leave":  # no amount ("请假", "病假"): 0, the day's leave is unstated
                unit = "小时" if m.group(3) in ("小时", "h", "H") else "天"
                leave.append((m.group(1), Decimal(m.group(2) or 0), unit))
            else:
                found[kind] = True
        rest_of = pattern.sub(" ", rest_of)
    unknown = _SEPARATORS.sub(" ", rest_of).strip(" ()（）:：")
    return Reported(normal=bool(found.get("normal")), rest=bool(found.get("rest")),
                    absent=bool(found.get("absent")), late=bool(found.get("late")),
                    late_minutes=found.get("late_minutes"),  # type: ignore[arg-type]
                    early=bool(found.get("early")),
                    early_minutes=found.get("early_minutes"),  # type: ignore[arg-type]
                    missing=missing, leave=tuple(leave), unknown=unknown)


def leave_in_days(amount: Decimal, unit: str, shift_hours: Decimal) -> Decimal:
    """A leave amount in days: hours divide by the shift's length, capped at one day."""
    days = amount / shift_hours if unit == "小时" and shift_hours > 0 else amount
    return min(days, Decimal(1)) if days > 0 else ZERO
