"""The review record of an assessment: who moved it to which state, when and why.

The moves themselves are `assessments.change_state` (submit → approve → publish, and
reopen by an administrator with a reason); this module reads their history and says
which moves the current state allows.
"""

from __future__ import annotations

from sqlalchemy import select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.states import TRANSITIONS, State
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import StateChange

from .assessment_lookup import load_assessment
from .ranking import rank_assessment
from .ranking_results import StateChangeInfo


def _action(from_state: str, to_state: str) -> str:
    for action, (sources, target) in TRANSITIONS.items():
        if str(target) == to_state and any(str(x) == from_state for x in sources):
            return action
    return ""


def review_history(db: Database, assessment_id: int) -> list[StateChangeInfo]:
    """Every state change of the assessment, oldest first."""
    with db.session() as s:
        load_assessment(s, assessment_id)
        rows = s.scalars(select(StateChange).where(StateChange.assessment_id == assessment_id)
                         .order_by(StateChange.id))
        return [StateChangeInfo(r.at, r.actor, _action(r.from_state, r.to_state), r.from_state,
                                r.to_state, r.reason, r.actor_is_admin, r.objection_start,
                                r.objection_end) for r in rows]


def allowed_actions(state: str) -> list[str]:
    """The review actions the state allows, in the order of the flow."""
    return [action for action, (sources, _) in TRANSITIONS.items() if State(state) in sources]


def require_complete(db: Database, assessment_id: int) -> None:
    """Refuse to submit while any subject is incomplete: name each subject and what it
    lacks. An administrator may instead mark it 不参评 or an item 不适用."""
    lacking = [r for r in rank_assessment(db, assessment_id) if not r.complete and not r.excluded]
    if lacking:
        problems = [Problem(f"{r.subject_code} {r.subject_name} 未评完：{'；'.join(r.missing)}",
                            column="对象", value=r.subject_code) for r in lacking]
        problems.append(Problem(
            f"共 {len(lacking)} 个对象未评完，不能提交审议；请补齐评分，或由管理员标为不参评"
            "（kaohe subject exclude）或将项目标为不适用（kaohe subject na）", column="提交"))
        raise InputError(problems)
