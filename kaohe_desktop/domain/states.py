"""The life of an assessment: 草稿 → 已提交 → 已审议 → 已公示 (locked).

Scores and events can change only while the assessment is a draft or submitted; once
the review committee approved it (已审议) or it is published (已公示), every edit is
refused until an administrator reopens it with a reason.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    PUBLISHED = "published"


STATE_NAMES = {State.DRAFT: "草稿", State.SUBMITTED: "已提交", State.REVIEWED: "已审议",
               State.PUBLISHED: "已公示"}

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[State, ...], State]] = {
    "submit": ((State.DRAFT,), State.SUBMITTED),
    "approve": ((State.SUBMITTED,), State.REVIEWED),
    "publish": ((State.REVIEWED,), State.PUBLISHED),
    "reopen": ((State.SUBMITTED, State.REVIEWED, State.PUBLISHED), State.DRAFT),
}
ACTION_NAMES = {"submit": "提交", "approve": "审议通过", "publish": "公示", "reopen": "重新打开"}


def editable(state: State) -> bool:
    return state in (State.DRAFT, State.SUBMITTED)


def next_state(state: State, action: str) -> State:
    """The state after `action`; ValueError in Chinese when it is not allowed."""
    if action not in TRANSITIONS:
        raise ValueError(f"未知操作“{action}”，可用：{'、'.join(TRANSITIONS)}")
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise ValueError(f"考核当前为“{STATE_NAMES[state]}”，不能{ACTION_NAMES[action]}")
    return target
