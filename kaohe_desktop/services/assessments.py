"""Assessments: creating one (rubric, period, subjects, assessor groups, role weights),
looking at it, and moving it through 草稿 → 已提交 → 已审议 → 已公示."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown, to_decimal
from kaohe_desktop.domain.periods import PERIOD_KIND_NAMES, Period, PeriodKind
from kaohe_desktop.domain.states import STATE_NAMES, State, next_state
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Area,
    Assessment,
    AssessmentRole,
    AssessorGroup,
    GroupSubject,
    RubricRow,
    Staff,
    StateChange,
    Subject,
    Unit,
)

from .assessment_lookup import (
    load_assessment,
    load_subjects,
    require_editable,
    subject_area,
    subject_code,
    subject_name,
    subjects_by_code,
)
from .attendance_points import refresh_assessments
from .results import AssessmentInfo, GroupInfo, SubjectInfo

DEFAULT_ROLE = "上级"


@dataclass(frozen=True)
class GroupSpec:
    name: str
    role: str = DEFAULT_ROLE
    subject_codes: tuple[str, ...] = ()  # empty: every subject


def parse_group(text: str) -> GroupSpec:
    """`第一组:上级` or `第一组` (role 上级); full-width colon accepted."""
    name, _, role = text.replace("：", ":").partition(":")
    if not name.strip():
        raise InputError(Problem("评分组名称不能为空", column="--group", value=text))
    return GroupSpec(name.strip(), role.strip() or DEFAULT_ROLE)


def parse_weight(text: str) -> tuple[str, Decimal]:
    """`上级=0.5` or `上级=50%`."""
    role, sep, raw = text.replace("＝", "=").partition("=")
    try:
        if not sep or not role.strip():
            raise ValueError
        raw = raw.strip()
        weight = to_decimal(raw[:-1]) / 100 if raw.endswith("%") else to_decimal(raw)
    except ValueError:
        raise InputError(Problem("权重应写作 角色=数值，如 上级=0.5 或 上级=50%",
                                 column="--weight", value=text)) from None
    if weight < 0:
        raise InputError(Problem("权重不能为负", column="--weight", value=text))
    return role.strip(), weight


def _pick_subjects(s: Session, kind: str, which: str | Sequence[str], area: str) -> list:
    model = Unit if kind == "unit" else Staff
    if isinstance(which, str) and which in ("units", "staff", "all"):
        expected = "units" if kind == "unit" else "staff"
        if which != "all" and which != expected:
            what = "单位" if kind == "unit" else "人员"
            raise InputError(Problem(f"这套细则的考核对象是{what}，请用 --subjects {expected}",
                                     column="--subjects", value=which))
        q = select(model).where(model.active.is_(True)).order_by(model.code)
        if area:
            if kind == "unit":
                q = q.join(Area).where(Area.name == area)
            else:
                q = q.join(Unit).join(Area).where(Area.name == area)
        picked = list(s.scalars(q))
    else:
        codes = [c.strip() for c in (which.split(",") if isinstance(which, str) else which)
                 if c.strip()]
        found = {x.code: x for x in s.scalars(select(model).where(model.code.in_(codes)))}
        missing = [c for c in codes if c not in found]
        if missing:
            raise InputError(Problem("没有这些编号的考核对象", column="--subjects",
                                     value="、".join(missing)))
        picked = [found[c] for c in dict.fromkeys(codes)]
    if not picked:
        raise InputError(Problem("没有可考核的对象：请先添加单位或人员", column="--subjects",
                                 value=which if isinstance(which, str) else ""))
    return picked


def create_assessment(db: Database, rubric_code: str, period: Period, *,
                      subjects: str | Sequence[str] = "all", area: str = "",
                      groups: Sequence[GroupSpec] = (), weights: Mapping[str, Decimal] = {},
                      name: str = "", trimmed_mean: bool = False,
                      rubric_version: int | None = None) -> AssessmentInfo:
    """Create a draft assessment; roles come from the groups and the weights given.

    Every role must have a weight once any weight is given; with none given, roles
    count equally.
    """
    with db.session() as s:
        q = select(RubricRow).where(RubricRow.code == rubric_code)
        if rubric_version is not None:
            q = q.where(RubricRow.version == rubric_version)
        row = s.scalars(q.order_by(RubricRow.version.desc())).first()
        if row is None:
            raise InputError(Problem("没有这套考核细则", column="--rubric", value=rubric_code))
        picked = _pick_subjects(s, row.subject_kind, subjects, area)
        groups = list(groups) or [GroupSpec("评分组", DEFAULT_ROLE)]
        names = [g.name for g in groups]
        if len(set(names)) != len(names):
            raise InputError(Problem("评分组名称重复", column="--group", value="、".join(names)))
        roles = list(dict.fromkeys([g.role for g in groups] + list(weights)))
        if weights and (missing := [r for r in roles if r not in weights]):
            raise InputError(Problem("给出了权重时，每个角色都要有权重", column="--weight",
                                     value="、".join(missing)))
        if weights and sum(weights.values()) <= 0:
            raise InputError(Problem("权重合计必须大于 0", column="--weight"))
        label = Period(PeriodKind(period.kind), period.start, period.end).label
        a = Assessment(name=name or f"{label}{row.name}", rubric_id=row.id,
                       period_kind=str(period.kind), period_start=period.start,
                       period_end=period.end, state=str(State.DRAFT), trimmed_mean=trimmed_mean)
        s.add(a)
        s.flush()
        for role in roles:
            s.add(AssessmentRole(assessment_id=a.id, role=role,
                                 weight=weights.get(role, Decimal(1))))
        by_code: dict[str, Subject] = {}
        for x in picked:
            subj = Subject(assessment_id=a.id, unit=x if row.subject_kind == "unit" else None,
                           staff=x if row.subject_kind == "staff" else None)
            s.add(subj)
            by_code[x.code] = subj
        s.flush()
        for g in groups:
            _add_group(s, a, g, by_code)
        info = _info(s, a)
    if row.subject_kind == "staff":  # a month's staff assessment takes its attendance at once
        refresh_assessments(db, period.start, period.end, only=info.id)
    return info


def _add_group(s: Session, a: Assessment, g: GroupSpec, by_code: Mapping[str, Subject]) -> None:
    missing = [c for c in g.subject_codes if c not in by_code]
    if missing:
        raise InputError(Problem(f"评分组“{g.name}”的对象不在本次考核中", column="--subjects",
                                 value="、".join(missing)))
    group = AssessorGroup(assessment_id=a.id, name=g.name, role=g.role)
    s.add(group)
    s.flush()
    for code in dict.fromkeys(g.subject_codes):
        s.add(GroupSubject(group_id=group.id, subject_id=by_code[code].id))


def add_group(db: Database, assessment_id: int, spec: GroupSpec,
              weight: Decimal | None = None) -> AssessmentInfo:
    """Add an assessor group (交叉考核), optionally limited to some subjects."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        if s.scalar(select(AssessorGroup.id).where(AssessorGroup.assessment_id == a.id,
                                                   AssessorGroup.name == spec.name)):
            raise InputError(Problem("评分组已存在", column="--group", value=spec.name))
        role = s.scalar(select(AssessmentRole).where(AssessmentRole.assessment_id == a.id,
                                                     AssessmentRole.role == spec.role))
        if role is None:
            s.add(AssessmentRole(assessment_id=a.id, role=spec.role, weight=weight or Decimal(1)))
        elif weight is not None:
            role.weight = weight
        _add_group(s, a, spec, subjects_by_code(s, a.id))
        s.flush()
        return _info(s, a)


def set_role_weight(db: Database, assessment_id: int, role: str,
                    weight: Decimal) -> AssessmentInfo:
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        row = s.scalar(select(AssessmentRole).where(AssessmentRole.assessment_id == a.id,
                                                    AssessmentRole.role == role))
        if row is None:
            s.add(AssessmentRole(assessment_id=a.id, role=role, weight=weight))
        else:
            row.weight = weight
        s.flush()
        return _info(s, a)


def _info(s: Session, a: Assessment) -> AssessmentInfo:
    subjects = load_subjects(s, a.id)
    by_id = {x.id: subject_code(x) for x in subjects}
    groups = []
    for g in s.scalars(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id)
                       .order_by(AssessorGroup.id)):
        ids = s.scalars(select(GroupSubject.subject_id).where(GroupSubject.group_id == g.id))
        groups.append(GroupInfo(g.id, g.name, g.role, tuple(sorted(by_id[i] for i in ids))))
    roles = {r.role: r.weight for r in s.scalars(
        select(AssessmentRole).where(AssessmentRole.assessment_id == a.id)
        .order_by(AssessmentRole.id))}
    period = Period(PeriodKind(a.period_kind), a.period_start, a.period_end)
    return AssessmentInfo(
        id=a.id, name=a.name, rubric_code=a.rubric.code, rubric_version=a.rubric.version,
        subject_kind=a.rubric.subject_kind, period_kind=a.period_kind, period_key=period.key,
        period_label=period.label, start=a.period_start, end=a.period_end, state=a.state,
        trimmed_mean=a.trimmed_mean, roles=roles, groups=tuple(groups),
        objection_start=a.objection_start, objection_end=a.objection_end,
        subjects=tuple(sorted((SubjectInfo(x.id, subject_code(x), subject_name(x),
                                           subject_area(x)) for x in subjects),
                              key=lambda i: i.code)))


def assessment_info(s: Session, a: Assessment) -> AssessmentInfo:
    """The plain description of a loaded assessment (inside another use-case's session)."""
    return _info(s, a)


def get_assessment(db: Database, assessment_id: int) -> AssessmentInfo:
    with db.session() as s:
        return _info(s, load_assessment(s, assessment_id))


def list_assessments(db: Database) -> list[AssessmentInfo]:
    with db.session() as s:
        return [_info(s, a) for a in s.scalars(select(Assessment).order_by(Assessment.id))]


OBJECTION_DAYS = 7  # the default 公示期: today and the six days after it


def change_state(db: Database, assessment_id: int, action: str, *, actor: str = "",
                 reason: str = "", actor_is_admin: bool = False,
                 objection_start: date | None = None,
                 objection_end: date | None = None) -> AssessmentInfo:
    """submit / approve / publish / reopen, recorded with who (`actor`), when and why.

    - publish: the objection period (公示期) `objection_start`–`objection_end`; both or
      neither (then today and the next six days); only publishing takes them.
    - reopen: only an administrator (`actor_is_admin`; the command line's `--admin`, the
      window's administrator setting) and only with a reason. Reopening clears the
      objection period; the history keeps it.
    All problems are reported together and nothing is written.
    """
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        problems: list[Problem] = []
        try:
            target = next_state(State(a.state), action)
        except ValueError as exc:
            raise InputError(Problem(str(exc), column="操作", value=action)) from None
        if action == "reopen" and not reason.strip():
            admin = "" if actor_is_admin else "，并由管理员操作（--admin）"
            problems.append(Problem(f"重新打开已锁定的考核必须填写理由（--reason）{admin}",
                                    column="--reason"))
        elif action == "reopen" and not actor_is_admin:
            problems.append(Problem("重新打开考核需要管理员权限（命令行加 --admin）", column="--admin"))
        if action == "publish":
            if (objection_start is None) != (objection_end is None):
                problems.append(Problem("公示期要同时给出开始和结束日期（--from 与 --to）",
                                        column="--from/--to"))
            elif objection_start is None or objection_end is None:
                objection_start = date.today()
                objection_end = objection_start + timedelta(days=OBJECTION_DAYS - 1)
            elif objection_end < objection_start:
                problems.append(Problem(f"公示期结束日期 {objection_end} 早于开始日期 {objection_start}",
                                        column="--to", value=str(objection_end)))
        elif objection_start is not None or objection_end is not None:
            problems.append(Problem("只有公示（publish）时才能给出公示期", column="--from/--to"))
        if problems:
            raise InputError(problems)
        s.add(StateChange(assessment_id=a.id, from_state=a.state, to_state=str(target),
                          actor=actor.strip(), reason=reason.strip(), actor_is_admin=actor_is_admin,
                          objection_start=objection_start, objection_end=objection_end))
        a.state = str(target)
        if action in ("publish", "reopen"):
            a.objection_start, a.objection_end = objection_start, objection_end
        s.flush()
        return _info(s, a)


def describe(info: AssessmentInfo) -> str:
    """A few lines for the terminal."""
    roles = "，".join(f"{r} {shown(w)}" for r, w in info.roles.items())
    groups = "；".join(f"{g.name}（{g.role}）" + (f"：{'、'.join(g.subject_codes)}"
                                                  if g.subject_codes else "：全部对象")
                       for g in info.groups)
    return "\n".join([
        f"考核 {info.id}：{info.name}",
        f"细则：{info.rubric_code} 第 {info.rubric_version} 版　周期：{info.period_label}"
        f"（{PERIOD_KIND_NAMES[PeriodKind(info.period_kind)]}）　状态：{STATE_NAMES[State(info.state)]}",
        f"对象：{len(info.subjects)} 个　角色权重：{roles}",
        f"评分组：{groups}",
    ])
