"""Service records into measures: 办件 timeliness, 好差评 satisfaction, complaints.

Pure rules (no Qt, no SQL, no files). The counting follows issue 17 and the fixtures'
`rules`: working days come in as a set (chinese-calendar plus the program's calendar
table, judged by the caller); a 承诺件 with limit N is on time when finished no later
than the N-th working day after its 受理 date (day 1 = the first working day after);
a 即办件 when finished on its 受理 date. Measures are accumulated per subject and month
once (`MonthTally`); a quarter or year is the sum of its months and its rates are
recomputed from those sums, so any period costs a few additions per subject.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

# ----------------------------------------------------------------------------- levels

LEVELS = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
BAD_LEVELS = frozenset({1, 2})
RECTIFY_DAYS = 15  # working days to rectify a 差评 (a setting may shorten it: 德州 5)
_STARS_RX = re.compile(r"^([1-5一二三四五])(?:\.0+)?\s*(?:星级|星|颗星|分)?$")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# words other platforms and survey forms use for the five levels (很满意 … 很不满意, 一般)
_LEVEL_SYNONYMS = {"很满意": 5, "十分满意": 5, "非常好": 5, "比较满意": 4, "较满意": 4,
                   "一般": 3, "较不满意": 2, "比较不满意": 2, "很不满意": 1, "十分不满意": 1,
                   "非常差": 1}
# longest first, so that 非常不满意 is not read as 不满意 and 不满意 not as 满意
_WORDS_LONGEST_FIRST = sorted({**LEVELS, **_LEVEL_SYNONYMS}.items(), key=lambda kv: -len(kv[0]))
_NOTE_RX = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


def parse_level(value: object) -> int | None:
    """1…5 from a word (非常满意, 很满意, 一般 …), a star count (5, "5星", "五星",
    "★★★★☆"), a word with a note ("满意（4星）") — or None when it says none of these."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value == int(value) and 1 <= value <= 5 else None
    text = "".join(str(value).split())
    found = _level_of(text)
    if found is None:
        bare = _NOTE_RX.sub("", text)
        if bare and bare != text:
            found = _level_of(bare)
    return found


def _level_of(text: str) -> int | None:
    if text in LEVELS:
        return LEVELS[text]
    if text in _LEVEL_SYNONYMS:
        return _LEVEL_SYNONYMS[text]
    if text and set(text) <= {"★", "☆"} and 1 <= text.count("★") <= 5:
        return text.count("★")
    m = _STARS_RX.match(text)
    if m:
        d = m.group(1)
        return _CN_DIGITS.get(d) or int(d)
    # a level word with decoration around it ("评价：满意", "非常满意★★★★★")
    for word, level in _WORDS_LONGEST_FIRST:
        if word in text:
            rest = text.replace(word, "", 1)
            if not any(w in rest for w in ("满意", "不")) and not any(ch.isdigit() for ch in rest):
                return level
            return None
    return None


# ----------------------------------------------------------------------------- 办件

# statuses that mean the request was never accepted: they count in no measure
NOT_ACCEPTED = ("不予受理", "不受理", "退件", "退回", "撤销", "撤回", "异常终止", "作废")
INSTANT_WORDS = ("即办",)
_LIMIT_RX = re.compile(r"^(\d+)(?:\.0+)?(?:个)?(?:工作日|天|日)?$")


def accepted_status(status: str) -> bool:
    """False for 不予受理, 退件 (退回), 撤销 …; True for everything else (不予许可 is a
    decision on an accepted request)."""
    text = "".join(status.split())
    return not any(w in text for w in NOT_ACCEPTED)


def parse_limit(value: object) -> tuple[bool, int | None] | None:
    """(即办, N working days) from 0, 5, "5", "5个工作日", "即办"; None when unreadable.
    An empty cell is (False, None): the type column may still say 即办件."""
    if value is None or value == "":
        return False, None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != int(value) or value < 0:
            return None
        return (value == 0), int(value)
    text = "".join(str(value).split())
    if any(w in text for w in INSTANT_WORDS):
        return True, 0
    m = _LIMIT_RX.match(text)
    if not m:
        return None
    n = int(m.group(1))
    return n == 0, n


class Workdays:
    """Counting working days over a sorted list of them (bisect: O(log n) per question)."""

    def __init__(self, workdays: Iterable[date]) -> None:
        self.days: list[date] = sorted(set(workdays))

    def nth_after(self, day: date, n: int) -> date | None:
        """The n-th working day after `day` (n ≥ 1); None past the known range."""
        i = bisect_right(self.days, day) + n - 1
        return self.days[i] if i < len(self.days) else None

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        if end <= start:
            return 0
        return bisect_right(self.days, end) - bisect_right(self.days, start)


@dataclass(frozen=True)
class RequestFacts:
    """What one accepted 办件 contributes: counted in its 受理 month and its 办结 month."""

    accepted: date
    finished: date | None
    on_time: bool
    days: int | None  # working days taken, for 承诺件 only


def request_facts(accepted: date, finished: date | None, instant: bool, limit: int | None,
                  wd: Workdays) -> RequestFacts:
    if finished is None:
        return RequestFacts(accepted, None, False, None)
    if instant:
        return RequestFacts(accepted, finished, finished == accepted, None)
    deadline = wd.nth_after(accepted, limit or 0) if limit else accepted
    on_time = deadline is not None and finished <= deadline
    return RequestFacts(accepted, finished, on_time, wd.between(accepted, finished))


def instant_minutes(accepted: str, finished: str) -> int:
    """Minutes from 受理 to 办结 of a 即办件, rounded to the nearest minute, from moments
    as stored text ("YYYY-MM-DD HH:MM:SS[.ffffff]"); real elapsed time (one finished the
    next morning counts the night). 0 when 办结 is before 受理 (the import refuses that)."""
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(accepted)).total_seconds()
    return max(0, int(seconds + 30) // 60)


def rectified_in_time(rated: date, done: date | None, wd: Workdays,
                      limit: int = RECTIFY_DAYS) -> bool:
    if done is None:
        return False
    deadline = wd.nth_after(rated, limit)
    return deadline is not None and done <= deadline


def rectify_deadline(rated: date, wd: Workdays, limit: int = RECTIFY_DAYS) -> date | None:
    return wd.nth_after(rated, limit)


# ----------------------------------------------------------------------------- tallies


@dataclass
class MonthTally:
    """Counts of one subject in one month (or the sum over several)."""

    requests: int = 0
    finished: int = 0
    on_time: int = 0
    days_sum: int = 0
    days_n: int = 0
    ratings: int = 0
    satisfied: int = 0
    level_sum: int = 0
    bad: int = 0
    bad_in_time: int = 0
    visited: int = 0
    complaints: int = 0
    valid: int = 0
    # finished 即办件: minutes from 受理 to 办结 (real elapsed time, not working days) and
    # how many; last, so that the stored column order of older counts stays as it was
    instant_minutes: int = 0
    instant_n: int = 0

    def add(self, other: MonthTally) -> None:
        for k in _FIELDS:
            setattr(self, k, getattr(self, k) + getattr(other, k))


_FIELDS = tuple(MonthTally.__dataclass_fields__)
MEASURE_KEYS = ("code", "name", "requests", "finished", "on_time", "on_time_rate", "avg_days",
                "ratings", "satisfied_rate", "bad_ratings", "bad_rectified_in_time",
                "complaints", "valid_complaints")
Month = tuple[int, int]


def rate(num: int | float, den: int, places: str = "0.0001") -> float | None:
    """num/den rounded half up (4 decimals for rates), None when den is 0."""
    if not den:
        return None
    return float((Decimal(num) / Decimal(den)).quantize(Decimal(places), ROUND_HALF_UP))


@dataclass(frozen=True)
class Measures:
    """One subject's measures over a period, with the keys of `kaohe service measures`."""

    code: str
    name: str
    tally: MonthTally = field(default_factory=MonthTally)
    mean_satisfaction: bool = False  # the setting: the 5-level mean instead of the share

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.tally.on_time, self.tally.finished)

    @property
    def avg_days(self) -> float | None:
        return rate(self.tally.days_sum, self.tally.days_n, "0.01")

    @property
    def avg_hours(self) -> float | None:
        """即办件 平均办理时长 in hours (2 decimals): not a key of `as_dict`, whose keys
        the issue fixes."""
        return rate(self.tally.instant_minutes, self.tally.instant_n * 60, "0.01")

    @property
    def satisfied_rate(self) -> float | None:
        t = self.tally
        if self.mean_satisfaction:  # mean level scaled to 0..1 (5 = 1.0)
            return rate(t.level_sum, t.ratings * 5)
        return rate(t.satisfied, t.ratings)

    @property
    def bad_rectified_rate(self) -> float | None:
        return rate(self.tally.bad_in_time, self.tally.bad)

    @property
    def visit_rate(self) -> float | None:
        return rate(self.tally.visited, self.tally.bad)

    @property
    def valid_per_1000(self) -> float | None:
        return rate(self.tally.valid * 1000, self.tally.requests, "0.01")

    def as_dict(self) -> dict[str, object]:
        t = self.tally
        return {"code": self.code, "name": self.name, "requests": t.requests,
                "finished": t.finished, "on_time": t.on_time, "on_time_rate": self.on_time_rate,
                "avg_days": self.avg_days, "ratings": t.ratings,
                "satisfied_rate": self.satisfied_rate, "bad_ratings": t.bad,
                "bad_rectified_in_time": t.bad_in_time, "complaints": t.complaints,
                "valid_complaints": t.valid}


def months_of(start: date, end: date) -> list[Month]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def sum_months(per_month: dict[Month, MonthTally], months: Sequence[Month]) -> MonthTally:
    total = MonthTally()
    for m in months:
        t = per_month.get(m)
        if t is not None:
            total.add(t)
    return total


def per_person_cost(cost: Decimal | None, people: int) -> Decimal | None:
    """人均成本: the unit's yearly cost over its people, 2 decimals; None when unknown."""
    if cost is None or people <= 0:
        return None
    return (cost / people).quantize(Decimal("0.01"), ROUND_HALF_UP)


def change(now: float | int | None, before: float | int | None) -> float | None:
    """The change against the previous period (None when either is unknown)."""
    if now is None or before is None:
        return None
    return round(float(now) - float(before), 4)


def _month_index(months: list[Month], m: Month) -> int:
    return bisect_left(months, m)
