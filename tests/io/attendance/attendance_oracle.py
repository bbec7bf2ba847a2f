"""A reference count for the attendance reader tests.

`reference_counts` applies the counting rules written in expected.json (09:00–17:30,
5 minutes' grace on arrival, one-hour pairing window, 13:15 split) to what a reader
returned, so a test can compare a reader's output with the hand-worked counts there.
It is a test oracle for the *reader*, deliberately simple; the program's own rules live
in the domain layer. (A plain module, not conftest: several conftest.py files exist.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta


def workdays(expected: dict) -> list[date]:
    return [date.fromisoformat(d) for d in expected["calendar"]["workdays"]]


def _day_counts(stamps: list[datetime]) -> dict[str, int]:
    out = {"late": 0, "early_leave": 0, "missing_punches": 0}
    stamps = sorted(stamps)
    first, last = stamps[0], stamps[-1]
    if last - first < timedelta(minutes=60):
        out["missing_punches"] = 1
        if first.time() < time(13, 15):
            out["late"] = int(first.time() > time(9, 5))
        else:
            out["early_leave"] = int(last.time() < time(17, 30))
    else:
        out["late"] = int(first.time() > time(9, 5))
        out["early_leave"] = int(last.time() < time(17, 30))
    return out


def _status_counts(status: str) -> dict[str, int]:
    missing = sum(int(n or 1) for n in re.findall(r"缺卡(\d*)次?", status))
    return {"late": int("迟到" in status), "early_leave": int("早退" in status),
            "missing_punches": missing, "absent": int("旷工" in status)}


def reference_counts(parsed, expected: dict) -> dict[str, dict[str, int]]:
    """Per person_id: late, early_leave, absent_days, missing_punches (+ name)."""
    days = workdays(expected)
    by_person: dict[str, dict[date, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for p in parsed.punches:
        by_person[p.person_id][p.at.date()].append(p.at)
        names.setdefault(p.person_id, p.name)
    records: dict[str, dict[date, object]] = defaultdict(dict)
    for r in parsed.days:
        records[r.person_id][r.day] = r
        names.setdefault(r.person_id, r.name)
    out = {}
    for pid in set(by_person) | set(records):
        c = {"late": 0, "early_leave": 0, "absent_days": 0, "missing_punches": 0}
        for d in days:
            rec = records[pid].get(d) if pid in records else None
            stamps = list(by_person[pid].get(d, [])) if pid in by_person else []
            if rec is not None:
                if rec.leave_type and rec.leave_days >= 1:
                    continue
                stamps += list(rec.punch_at)
                if not rec.punch_at and rec.status:          # monthly reports: status only
                    s = _status_counts(rec.status)
                    c["late"] += s["late"]
                    c["early_leave"] += s["early_leave"]
                    c["missing_punches"] += s["missing_punches"]
                    c["absent_days"] += s["absent"]
                    continue
            if not stamps:
                c["absent_days"] += 1
                continue
            for k, v in _day_counts(stamps).items():
                c[k] += v
        c["name"] = names.get(pid, "")
        out[pid] = c
    return out
