"""Assessments: creating one (rubric, period, subjects, assessor groups, role weights),
looking at it, renaming and removing it (and its groups and assessors) while nothing is
locked, and moving it through 草稿 → 已提交 → 已审议 → 已公示."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.completeness import check_item_codes
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.numbers import shown, to_decimal
from kaohe_desktop.domain.periods import PERIOD_KIND_NAMES, Period, PeriodKind
from kaohe_desktop.domain.rubric import Rubric
from kaohe_desktop.domain.states import STATE_NAMES, State, next_state
from kaohe_desktop.domain.workcalendar import nth_workday
from kaohe_desktop.services.server_backup import backup_database
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Area,
    Assessment,
    AssessmentRole,
    Assessor,
    AssessorGroup,
    CalendarDay,
    GroupSubject,
    RubricRow,
    Score,
    Staff,
    StateChange,
    Subject,
    Unit,
)

from . import audit, metric_items
from .assessment_lookup import (
    assessment_rubric,
    group_item_codes,
    load_assessment,
    load_subjects,
    lock_for_review,
    require_editable,
    snapshot_labels,
    store_group_item_codes,
    subject_area,
    subject_code,
    subject_name,
    subjects_by_code,
)
from .attendance_points import refresh_assessments
from .permissions import Actor, current_actor
from .results import AssessmentInfo, GroupInfo, SubjectInfo
from .review import require_complete

DEFAULT_ROLE = "上级"


@dataclass(frozen=True)
class GroupSpec:
    name: str
    role: str = DEFAULT_ROLE
    subject_codes: tuple[str, ...] = ()  # empty: every subject
    item_codes: tuple[str, ...] = ()  # rubric items or sections (a section: its leaves); empty: all


def split_codes(text: str | None) -> tuple[str, ...]:
    """`A,B，C、D` → ("A", "B", "C", "D"): commas of either width and 、 all separate."""
    for sep in ("，", "、"):
        text = (text or "").replace(sep, ",")
    return tuple(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))


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
        rubric = assessment_rubric(s, a)
        problems = [p for g in groups for p in _group_problems(rubric, g, by_code)]
        if all(g.subject_codes for g in groups):  # a subject no group scores is never complete
            covered = {c for g in groups for c in g.subject_codes}
            if alone := [c for c in by_code if c not in covered]:
                problems.append(Problem("这些对象没有评分组负责：请把它们分给某个评分组，或不考核它们",
                                        column="--subjects", value="、".join(alone)))
        if problems:
            raise InputError(problems)
        for g in groups:
            _add_group(s, a, g, by_code, rubric)
        info = _info(s, a)
    if row.subject_kind == "staff":  # a month's staff assessment takes its attendance at once
        refresh_assessments(db, period.start, period.end, only=info.id)
    metric_items.refresh_assessments(db, period.start, period.end, only=info.id)
    return info


def _group_problems(rubric: Rubric, g: GroupSpec, by_code: Mapping[str, Subject]) -> list[Problem]:
    """Every reason a group's subjects or items cannot be taken, each naming the value."""
    problems = []
    missing = [c for c in g.subject_codes if c not in by_code]
    if missing:
        problems.append(Problem(f"评分组“{g.name}”的对象不在本次考核中", column="--subjects",
                                value="、".join(missing)))
    for p in check_item_codes(rubric, g.item_codes):
        problems.append(Problem(f"评分组“{g.name}”：{p.reason}", column=p.column, value=p.value))
    return problems


def _add_group(s: Session, a: Assessment, g: GroupSpec, by_code: Mapping[str, Subject],
               rubric: Rubric) -> None:
    if problems := _group_problems(rubric, g, by_code):
        raise InputError(problems)
    group = AssessorGroup(assessment_id=a.id, name=g.name, role=g.role)
    store_group_item_codes(group, tuple(dict.fromkeys(g.item_codes)))
    s.add(group)
    s.flush()
    for code in dict.fromkeys(g.subject_codes):
        s.add(GroupSubject(group_id=group.id, subject_id=by_code[code].id))


def add_group(db: Database, assessment_id: int, spec: GroupSpec,
              weight: Decimal | None = None) -> AssessmentInfo:
    """Add an assessor group (交叉考核), optionally limited to some subjects and items."""
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
        _add_group(s, a, spec, subjects_by_code(s, a.id), assessment_rubric(s, a))
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


# --------------------------------------------------------------- renaming and removing


@dataclass(frozen=True)
class Removal:
    """What a removal took away, and where the database was copied first."""

    what: str  # "考核 3“2024年度考核”", "评分组“第一组”", "评分人“张三”（第一组）"
    scores: int  # scores removed with it
    backup: Path | None  # the copy taken before removing scores; None when there were none

    def summary(self) -> str:
        gone = f"，连同 {self.scores} 条评分" if self.scores else ""
        kept = f"；删除前已备份数据库：{self.backup}" if self.backup else ""
        return f"已删除{self.what}{gone}{kept}"


class NeedsConfirmation(InputError):
    """The removal would take scores with it: the caller must ask and confirm first.

    An InputError, so that the command line exits 2 with the reason when `--yes` is not
    given; the window catches it, shows the count, and calls again with `confirmed=True`.
    """

    def __init__(self, what: str, scores: int) -> None:
        super().__init__(Problem(f"{what}有 {scores} 条评分，删除会一并删除（删除前先备份数据库）；"
                                 "确认删除请加 --yes"))
        self.what = what
        self.scores = scores


def _name(text: str, column: str) -> str:
    name = text.strip()
    if not name:
        raise InputError(Problem("名称不能为空", column=column, value=text))
    return name


def _backup_before(db: Database, reason: str) -> Path | None:
    """A copy of the database before scores are removed (a dump for PostgreSQL). Taken
    before the session writes anything."""
    return backup_database(db, reason)


def _remove(db: Database, what: str, scores: int, confirmed: bool) -> Path | None:
    if scores and not confirmed:
        raise NeedsConfirmation(what, scores)
    return _backup_before(db, "delete") if scores else None


def _score_count(s: Session, *where: object) -> int:
    return s.scalar(select(func.count(Score.id)).where(*where)) or 0


def _group(s: Session, a: Assessment, name: str) -> AssessorGroup:
    group = s.scalar(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id,
                                                 AssessorGroup.name == name.strip()))
    if group is None:
        names = s.scalars(select(AssessorGroup.name).where(AssessorGroup.assessment_id == a.id)
                          .order_by(AssessorGroup.id))
        raise InputError(Problem(f"本次考核没有评分组“{name}”，已有：{'、'.join(names) or '无'}",
                                 column="评分组", value=name))
    return group


def rename_assessment(db: Database, assessment_id: int, new_name: str) -> AssessmentInfo:
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        a.name = _name(new_name, "名称")
        s.flush()
        return _info(s, a)


def for_editing(db: Database, assessment_id: int) -> AssessmentInfo:
    """The assessment, refused like any edit when it is locked: the window asks for a new
    name only when the name can be changed."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        return _info(s, a)


def removal_cost(db: Database, assessment_id: int) -> int:
    """How many scores deleting the assessment would take (for asking first); refused
    like the deletion itself when it is locked."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        return _score_count(s, Score.assessment_id == a.id)


def delete_assessment(db: Database, assessment_id: int, *, confirmed: bool = False) -> Removal:
    """Remove a draft (or submitted) assessment with everything in it.

    Holding scores, it is refused with NeedsConfirmation unless `confirmed`; then the
    database is backed up first.
    """
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        what = f"考核 {a.id}“{a.name}”"
        count = _score_count(s, Score.assessment_id == a.id)
        backup = _remove(db, what, count, confirmed)
        # the database's ON DELETE CASCADE takes subjects, groups, assessors, scores,
        # events and the state history with it
        s.execute(delete(Assessment).where(Assessment.id == a.id))
        return Removal(what, count, backup)


def rename_group(db: Database, assessment_id: int, old: str, new: str) -> AssessmentInfo:
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        group = _group(s, a, old)
        name = _name(new, "评分组")
        if name != group.name and s.scalar(select(AssessorGroup.id).where(
                AssessorGroup.assessment_id == a.id, AssessorGroup.name == name)):
            raise InputError(Problem("评分组已存在", column="评分组", value=name))
        group.name = name
        s.flush()
        return _info(s, a)


def remove_group(db: Database, assessment_id: int, name: str, *,
                 confirmed: bool = False) -> Removal:
    """Remove an assessor group with its assessors and their scores (backed up first)."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        group = _group(s, a, name)
        what = f"评分组“{group.name}”"
        in_group = select(Assessor.id).where(Assessor.group_id == group.id)
        count = _score_count(s, Score.assessor_id.in_(in_group))
        backup = _remove(db, what, count, confirmed)
        s.execute(delete(Assessor).where(Assessor.group_id == group.id))  # scores cascade
        s.execute(delete(AssessorGroup).where(AssessorGroup.id == group.id))
        return Removal(what, count, backup)


def _assessor_records(s: Session, a: Assessment, name: str, group: str | None) -> list[Assessor]:
    """The records of one person (several when they sit in several groups); with `group`
    only theirs in that group. None found is an InputError."""
    name = name.strip()
    rows = list(s.scalars(select(Assessor).where(Assessor.assessment_id == a.id,
                                                 Assessor.name == name).order_by(Assessor.id)))
    if not rows:
        raise InputError(Problem("本次考核没有这位评分人", column="评分人", value=name))
    if group is None:
        return rows
    g = _group(s, a, group)
    mine = [r for r in rows if r.group_id == g.id]
    if not mine:
        raise InputError(Problem(f"评分人“{name}”不在评分组“{g.name}”中，在：{_groups_of(s, rows)}",
                                 column="--group", value=group))
    return mine


def _groups_of(s: Session, rows: Sequence[Assessor]) -> str:
    names = dict(s.execute(select(AssessorGroup.id, AssessorGroup.name)
                           .where(AssessorGroup.id.in_([r.group_id for r in rows]))).all())
    return "、".join(f"{names[r.group_id]}（{r.role}）" if r.group_id in names else f"（{r.role}）"
                    for r in rows)


def rename_assessor(db: Database, assessment_id: int, old: str, new: str, *,
                    group: str | None = None) -> int:
    """Rename a person (every group they sit in, or only `group`); returns how many
    records were renamed."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        rows = _assessor_records(s, a, old, group)
        name = _name(new, "评分人")
        if name != rows[0].name:
            clash = s.scalars(select(Assessor).where(
                Assessor.assessment_id == a.id, Assessor.name == name,
                or_(*(Assessor.group_id.is_(None) if r.group_id is None
                      else Assessor.group_id == r.group_id for r in rows)))).all()
            if clash:
                raise InputError(Problem(f"评分人“{name}”已在{_groups_of(s, clash)}中",
                                         column="评分人", value=name))
        for r in rows:
            r.name = name
        return len(rows)


def remove_assessor(db: Database, assessment_id: int, name: str, *, group: str | None = None,
                    confirmed: bool = False) -> Removal:
    """Take a person off an assessment (or off one group) with their scores.

    A person in several groups must be named with their group: which record to remove
    is not guessed.
    """
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        rows = _assessor_records(s, a, name, group)
        if len(rows) > 1:
            raise InputError(Problem(f"评分人“{rows[0].name}”在多个评分组中：{_groups_of(s, rows)}；"
                                     "请用 --group 指明从哪一组移除", column="--group", value=name))
        who = rows[0]
        g = s.get(AssessorGroup, who.group_id) if who.group_id is not None else None
        what = (f"评分组“{g.name}”的评分人“{who.name}”" if g is not None
                else f"评分人“{who.name}”（{who.role}）")
        count = _score_count(s, Score.assessor_id == who.id)
        backup = _remove(db, what, count, confirmed)
        s.execute(delete(Assessor).where(Assessor.id == who.id))  # scores cascade
        return Removal(what, count, backup)


def _info(s: Session, a: Assessment) -> AssessmentInfo:
    subjects = load_subjects(s, a.id)
    by_id = {x.id: subject_code(x) for x in subjects}
    groups = []
    for g in s.scalars(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id)
                       .order_by(AssessorGroup.id)):
        ids = s.scalars(select(GroupSubject.subject_id).where(GroupSubject.group_id == g.id))
        groups.append(GroupInfo(g.id, g.name, g.role, tuple(sorted(by_id[i] for i in ids)),
                                group_item_codes(g)))
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


OBJECTION_WORKDAYS = 5  # the default 公示期: five working days from today (holidays skipped)


def objection_period(s: Session, start: date, workdays: int = OBJECTION_WORKDAYS) -> tuple[date, date]:
    """(start, end) of a 公示期 of `workdays` working days from `start`, by the statutory
    calendar and the office's own calendar days (调休 it entered)."""
    overrides = dict(s.execute(select(CalendarDay.day, CalendarDay.workday).where(
        CalendarDay.day.between(start, start + timedelta(days=workdays * 3 + 30)))).all())
    return start, nth_workday(start, workdays, overrides)


def change_state(db: Database, assessment_id: int, action: str, *, actor: str = "",
                 reason: str = "", actor_is_admin: bool = False,
                 objection_start: date | None = None,
                 objection_end: date | None = None) -> AssessmentInfo:
    """submit / approve / publish / reopen, recorded with who (`actor`), when and why.

    - publish: the objection period (公示期) `objection_start`–`objection_end`; both or
      neither (then five working days from today); only publishing takes them.
    - reopen: only an administrator (`actor_is_admin`; the command line's `--admin`, the
      window's administrator setting) and only with a reason. Reopening clears the
      objection period; the history keeps it.
    - submit: refused while any subject is incomplete (`review.require_complete`).
    All problems are reported together and nothing is written.
    """
    if action == "submit":
        # the attendance points are recomputed from the stored data first: whatever an
        # older version or another tool left behind, the results go to 审议 as the data say
        refresh_assessments(db, only=assessment_id)
        require_complete(db, assessment_id)
    if isinstance(db.actor, Actor):  # logged in: the account acts, its roles decide
        actor, actor_is_admin = db.actor.login, db.actor.admin
    with db.session() as s:
        lock_for_review(s, assessment_id)  # no save lands between the seal and the change
        # publishing seals the results as they stand (read in a session of its own, after
        # the lock: every save that got in before it has committed)
        seal = audit.seal_change(db, assessment_id) if action == "publish" else None
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
                objection_start, objection_end = objection_period(s, date.today())
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
            snapshot_labels(s, a.id, keep=action == "publish")
        s.flush()
        if seal is not None:
            acting = current_actor(db, s)
            audit.append(s, acting.login if acting else actor, [seal])
        return _info(s, a)


def describe(info: AssessmentInfo) -> str:
    """A few lines for the terminal."""
    roles = "，".join(f"{r} {shown(w)}" for r, w in info.roles.items())
    groups = "；".join(f"{g.name}（{g.role}）" + (f"：{'、'.join(g.subject_codes)}"
                                                  if g.subject_codes else "：全部对象")
                       + (f"，项目 {'、'.join(g.item_codes)}" if g.item_codes else "，全部项目")
                       for g in info.groups)
    return "\n".join([
        f"考核 {info.id}：{info.name}",
        f"细则：{info.rubric_code} 第 {info.rubric_version} 版　周期：{info.period_label}"
        f"（{PERIOD_KIND_NAMES[PeriodKind(info.period_kind)]}）　状态：{STATE_NAMES[State(info.state)]}",
        f"对象：{len(info.subjects)} 个　角色权重：{roles}",
        f"评分组：{groups}",
    ])


def default_objection_dates(db: Database, start: date | None = None) -> tuple[date, date]:
    """The default 公示期 from `start` (today): five working days by the statutory and the
    office's own calendar — what publishing without dates records, offered by the window."""
    with db.session() as s:
        return objection_period(s, start or date.today())
