"""What follows a grade: which documents a rubric's own text issues, and to whom.

A rubric carries its consequences (`Rubric.consequences`); where its text says nothing,
nothing is issued. The kinds and recipients are fixed words here so the documents, the
command line and the window name them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Problem

# kind → the document's name as printed
KIND_NAMES: dict[str, str] = {
    "certificate": "荣誉证书",
    "rectify": "整改通知书",
    "report": "限期书面报告通知",
    "talk": "诫勉谈话通知",
    "criticise": "通报批评",
    "advice": "改进意见书",
}
# recipient → who, in words: the assessed unit or person, the unit's person in charge
# (负责人: post 站长/主任, or marked in the roster), or each of the unit's staff
RECIPIENT_NAMES: dict[str, str] = {
    "subject": "考核对象",
    "head": "负责人",
    "staff": "全体工作人员",
}


@dataclass(frozen=True)
class Consequence:
    """For subjects graded `grade`: issue a `kind` document to `recipient`."""

    grade: str
    kind: str
    recipient: str = "subject"
    note: str = ""  # the rubric text's own words, shown as the reason


def consequences_from_raw(raw: object, grade_names: set[str],
                          problems: list[Problem]) -> tuple[Consequence, ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list):
        problems.append(Problem("consequences 必须是列表", column="consequences"))
        return ()
    out: list[Consequence] = []
    for entry in raw:
        if not isinstance(entry, dict):
            problems.append(Problem("consequences 的每一项必须是对象", column="consequences",
                                    value=entry))
            continue
        grade = str(entry.get("grade", "")).strip()
        kind = str(entry.get("kind", "")).strip()
        recipient = str(entry.get("recipient", "subject")).strip()
        if grade not in grade_names:
            problems.append(Problem("结果运用所指的等次不在定档里", column="consequences",
                                    value=grade))
        if kind not in KIND_NAMES:
            problems.append(Problem(f"文书种类只能是 {'、'.join(KIND_NAMES)} 之一",
                                    column="consequences", value=kind))
        if recipient not in RECIPIENT_NAMES:
            problems.append(Problem(f"发给谁只能是 {'、'.join(RECIPIENT_NAMES)} 之一",
                                    column="consequences", value=recipient))
        c = Consequence(grade, kind, recipient, str(entry.get("note", "")))
        if c in out:
            problems.append(Problem("结果运用重复", column="consequences", value=f"{grade} {kind}"))
        out.append(c)
    return tuple(out)


def consequences_to_raw(items: tuple[Consequence, ...]) -> list[dict[str, Any]]:
    return [{"grade": c.grade, "kind": c.kind, "recipient": c.recipient,
             **({"note": c.note} if c.note else {})} for c in items]
