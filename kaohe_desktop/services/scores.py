"""Collecting scores: templates, importing filled workbooks, single values, events."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import ItemKind, Rubric
from kaohe_desktop.domain.scoring import ValueRefused, check_event, parse_leaf_value
from kaohe_desktop.domain.text_rules import TextRefused, clean, echo
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Assessment,
    AssessmentRole,
    Assessor,
    AssessorGroup,
    EventRow,
    GroupSubject,
    Score,
    Subject,
)

from .assessment_lookup import (
    assessment_rubric,
    group_item_codes,
    load_assessment,
    load_subjects,
    require_editable,
    subject_code,
    subject_name,
    subjects_by_code,
)
from .derived_items import derived_refused
from .results import EventInfo, ImportReport


def ensure_assessor(s: Session, a: Assessment, name: str, role: str | None = None,
                    group: str | None = None, create: bool = True) -> Assessor:
    """The assessor `name` (in `group`, or of `role`); a new one gets the role of its group
    (or the only role).

    One person may sit in several groups of an assessment (360: a colleague who also
    assesses themselves), so a name alone may be ambiguous: then the group (or role) picks
    the record, and without one the request is refused naming the groups, never guessed.
    A person named with a group they are not in yet is added to it.
    """
    name = name.strip()
    if not name:
        raise InputError(Problem("请用 --assessor 写明评分人姓名", column="--assessor"))
    groups = s.scalars(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id)
                       .order_by(AssessorGroup.id)).all()
    chosen = None
    if group:
        chosen = next((g for g in groups if g.name == group.strip()), None)
        if chosen is None:
            raise InputError(Problem(f"本次考核没有评分组“{group}”，已有："
                                     f"{'、'.join(g.name for g in groups) or '无'}",
                                     column="--group", value=group))
        if role and role != chosen.role:
            raise InputError(Problem(f"评分组“{group}”的角色是“{chosen.role}”", column="--role",
                                     value=role))
    records = list(s.scalars(select(Assessor).where(Assessor.assessment_id == a.id,
                                                    Assessor.name == name).order_by(Assessor.id)))
    matches = ([r for r in records if r.group_id == chosen.id] if chosen is not None
               else [r for r in records if r.role == role] if role else records)
    if len(matches) == 1:
        return matches[0]
    seats = "、".join(f"{g.name}（{g.role}）" if (g := next((x for x in groups if x.id == r.group_id),
                                                          None)) else f"角色“{r.role}”"
                     for r in records)
    if matches:
        raise InputError(Problem(f"评分人“{name}”在本次考核中有多个评分组：{seats}；"
                                 "请用 --group 指明是哪一组", column="--group", value=name))
    if not create:
        if records:
            asked = f"评分组“{chosen.name}”" if chosen is not None else f"角色“{role}”"
            raise InputError(Problem(f"评分人“{name}”不在{asked}中，在：{seats}",
                                     column="--group" if chosen is not None else "--role",
                                     value=name))
        raise InputError(Problem("本次考核没有这位评分人", column="--assessor", value=name))
    roles = list(s.scalars(select(AssessmentRole.role).where(AssessmentRole.assessment_id == a.id)
                           .order_by(AssessmentRole.id)))
    if role is None:
        if chosen is not None:
            role = chosen.role
        elif len(groups) == 1:
            chosen, role = groups[0], groups[0].role
        elif len(set(roles)) == 1:
            role = roles[0]
        else:
            raise InputError(Problem("本次考核有多个评分组，请用 --group 或 --role 指明评分人属于哪一组",
                                     column="--assessor", value=name))
    if role not in roles:
        raise InputError(Problem(f"角色“{role}”不在本次考核中，可用：{'、'.join(roles)}",
                                 column="--role", value=role))
    if chosen is None:
        same_role = [g for g in groups if g.role == role]
        chosen = same_role[0] if len(same_role) == 1 else None
    assessor = Assessor(assessment_id=a.id, name=name, role=role,
                        group_id=chosen.id if chosen else None)
    s.add(assessor)
    s.flush()
    return assessor


def _allowed_items(s: Session, rubric: Rubric,
                   group_id: int | None) -> tuple[frozenset[str], str] | None:
    """The leaves a group scores (a section's code stands for its leaves) and the group's
    name, or None when it scores every item (or there is no group)."""
    group = s.get(AssessorGroup, group_id) if group_id is not None else None
    codes = group_item_codes(group) if group is not None else ()
    if group is None or not codes:
        return None
    leaves = {i.code for c in codes if (top := rubric.item(c)) is not None
              for i in top.walk() if i.is_leaf}
    return frozenset(leaves), group.name


def _item_refused(s: Session, rubric: Rubric, assessor: Assessor, item_code: str) -> str:
    """Why the assessor may not score this leaf ("" when they may)."""
    if (refused := derived_refused(rubric, item_code, assessor.name)):
        return refused
    allowed = _allowed_items(s, rubric, assessor.group_id)
    if allowed is None or item_code in allowed[0]:
        return ""
    codes = group_item_codes(s.get(AssessorGroup, assessor.group_id))
    return f"评分组“{allowed[1]}”只负责项目 {'、'.join(codes)}，不负责项目 {item_code}"


def _allowed_subjects(s: Session, group_id: int | None) -> set[int] | None:
    """Subject ids a group scores, or None for every subject (or no group)."""
    if group_id is None:
        return None
    ids = set(s.scalars(select(GroupSubject.subject_id)
                        .where(GroupSubject.group_id == group_id)))
    return ids or None


def _writable(s: Session, assessment_id: int, assessor: str, role: str | None,
              group: str | None) -> tuple[Assessment, Assessor]:
    a = load_assessment(s, assessment_id)
    require_editable(a)
    who = ensure_assessor(s, a, assessor, role, group)
    if who.submitted_at is not None:
        raise InputError(Problem(f"评分人“{who.name}”已提交评分表，不能再修改", column="--assessor",
                                 value=who.name))
    return a, who


class ScoreConflict(InputError):
    """The value changed since the writer read it (`seen_version`): another PC saved it."""

    def __init__(self, subject: str, item: str, theirs: object, version: int, at: object,
                 mine: object, seen: int) -> None:
        when = f"，{at:%Y-%m-%d %H:%M:%S}" if hasattr(at, "strftime") else ""
        now = "已被清除" if theirs is None else f"已被另一处修改为 {theirs}"
        super().__init__(Problem(
            f"{subject} 项目 {item} 的得分{now}（第 {version} 版{when}）；你在第 {seen} 版上改为 "
            f"{mine}，未保存。请核对对方的值后再保存", column="项目", value=item))
        self.theirs, self.version = theirs, version


def score_version(db: Database, assessment_id: int, subject: str, item_code: str,
                  assessor: str) -> tuple[Decimal | None, int]:
    """(value, version) of one assessor's score as stored now; (None, 0) when there is none.
    A writer passes the version back as `seen_version` to have a conflicting save refused."""
    with db.session() as s:
        subj = subjects_by_code(s, assessment_id).get(subject)
        if subj is None:
            return None, 0
        row = s.execute(select(Score.value, Score.version)
                        .join(Assessor, Assessor.id == Score.assessor_id)
                        .where(Score.subject_id == subj.id, Score.item_code == item_code,
                               Assessor.name == assessor)).first()
        return (row[0], row[1]) if row is not None else (None, 0)


def set_score(db: Database, assessment_id: int, subject: str, item_code: str, value: object,
              *, assessor: str, role: str | None = None, group: str | None = None,
              remark: str = "", seen_version: int | None = None) -> ImportReport:
    """Set one assessor's score for one leaf of one subject.

    `seen_version`: the version the writer's value was based on (0: there was none); when
    the stored row has another, the save is refused with ScoreConflict naming the other
    value. The row is locked while it is read and written (on PostgreSQL), so two writers
    of the same row are serialised and the second sees the first's version."""
    with db.session() as s:
        a, who = _writable(s, assessment_id, assessor, role, group)
        rubric = assessment_rubric(s, a)
        item = rubric.item(item_code)
        if item is None or not item.is_leaf:
            reason = (f"细则 {rubric.code} 没有项目 {item_code}" if item is None
                      else f"项目 {item_code} 是合计项，不能直接打分")
            raise InputError(Problem(reason, column="项目", value=item_code))
        if refused := _item_refused(s, rubric, who, item.code):
            raise InputError(Problem(refused, column="项目", value=item_code))
        try:
            points = parse_leaf_value(item, value)
        except ValueRefused as exc:
            raise InputError(exc.problem) from None
        subj = subjects_by_code(s, a.id).get(subject)
        if subj is None:
            raise InputError(Problem("该对象不在本次考核中", column="对象", value=subject))
        allowed = _allowed_subjects(s, who.group_id)
        if allowed is not None and subj.id not in allowed:
            raise InputError(Problem(f"评分人“{who.name}”所在评分组不负责这个对象",
                                     column="对象", value=subject))
        row = s.scalar(select(Score).where(Score.subject_id == subj.id,
                                           Score.assessor_id == who.id,
                                           Score.item_code == item.code).with_for_update())
        stored = 0 if row is None else row.version
        if seen_version is not None and seen_version != stored:
            raise ScoreConflict(subject, item.code, None if row is None else row.value, stored,
                                None if row is None else row.updated_at, points, seen_version)
        if row is None:
            s.add(Score(assessment_id=a.id, subject_id=subj.id, assessor_id=who.id,
                        item_code=item.code, value=points, remark=remark))
            return ImportReport(added=1)
        if row.value == points and (not remark or row.remark == remark):
            return ImportReport(unchanged=1)
        row.value = points
        row.version = row.version + 1
        if remark:
            row.remark = remark
        return ImportReport(changed=1)


def import_scores(db: Database, assessment_id: int, path: Path, *, assessor: str,
                  role: str | None = None, group: str | None = None,
                  dry_run: bool = False) -> ImportReport:
    """Read a filled score workbook for one assessor; all or nothing.

    Blank cells leave stored values alone; importing the same file again changes nothing.
    """
    from kaohe_desktop.io.score_workbook import read_score_workbook  # openpyxl loads on use

    with db.session() as s:
        try:
            a, who = _writable(s, assessment_id, assessor, role, group)
        except InputError as exc:  # a locked assessment or a submitted sheet: name the file
            raise exc.located(file=path.name) from None
        rubric = assessment_rubric(s, a)
        cells = read_score_workbook(path, rubric, assessment_id=a.id)
        subjects = subjects_by_code(s, a.id)
        allowed = _allowed_subjects(s, who.group_id)
        problems: list[Problem] = []
        flagged: set[int] = set()
        for c in cells:
            subj = subjects.get(c.subject_code)
            if c.row in flagged:
                continue
            reason = ("该对象不在本次考核中" if subj is None
                      else f"评分人“{who.name}”所在评分组不负责这个对象"
                      if allowed is not None and subj.id not in allowed else "")
            if reason:
                flagged.add(c.row)
                problems.append(Problem(reason, file=path.name, sheet="评分表", row=c.row,
                                        column="编号", value=c.subject_code))
        # items outside the group's share, or derived: once per column, at its first row
        # (asked once per column, not per cell: a 1,000-row sheet has 35,000 cells)
        seen_columns: set[str] = set()
        for c in cells:
            if c.column in seen_columns:
                continue
            seen_columns.add(c.column)
            if refused := _item_refused(s, rubric, who, c.item_code):
                problems.append(Problem(refused, file=path.name, sheet="评分表", row=c.row,
                                        column=c.column, value=c.item_code))
        if problems:
            raise InputError(problems)
        existing = {(sid, code): (sid_row, value, version)
                    for sid, code, sid_row, value, version in s.execute(
            select(Score.subject_id, Score.item_code, Score.id, Score.value, Score.version)
            .where(Score.assessment_id == a.id, Score.assessor_id == who.id).with_for_update())}
        new_rows, changed_rows = [], []
        unchanged = 0
        for c in cells:
            sid = subjects[c.subject_code].id
            old = existing.get((sid, c.item_code))
            if old is None:
                new_rows.append({"assessment_id": a.id, "subject_id": sid, "assessor_id": who.id,
                                 "item_code": c.item_code, "value": c.value, "remark": ""})
            elif old[1] != c.value:
                changed_rows.append({"id": old[0], "value": c.value, "version": old[2] + 1})
            else:
                unchanged += 1
        if new_rows:
            s.execute(insert(Score), new_rows)
        if changed_rows:
            s.execute(update(Score), changed_rows)
        s.info["dry_run"] = dry_run
        return ImportReport(len(new_rows), len(changed_rows), unchanged)


def write_template(db: Database, assessment_id: int, path: Path, *,
                   assessor: str | None = None, group: str | None = None) -> Path:
    """The score workbook for an assessment (pre-filled with an assessor's scores).

    For a group (named, or the assessor's), only the subjects and items it scores.
    """
    from kaohe_desktop.io.score_workbook import write_score_template

    with db.session() as s:
        a = load_assessment(s, assessment_id)
        rubric = assessment_rubric(s, a)
        subjects = sorted(subjects_by_code(s, a.id).items())
        values = {}
        title = f"{a.name} 评分表"
        items: frozenset[str] | None = None
        if group and not assessor:
            g = s.scalar(select(AssessorGroup).where(AssessorGroup.assessment_id == a.id,
                                                     AssessorGroup.name == group.strip()))
            if g is None:
                names = s.scalars(select(AssessorGroup.name)
                                  .where(AssessorGroup.assessment_id == a.id))
                raise InputError(Problem(f"本次考核没有评分组“{group}”，已有：{'、'.join(names) or '无'}",
                                         column="--group", value=group))
            allowed = _allowed_subjects(s, g.id)
            if allowed is not None:
                subjects = [(c, x) for c, x in subjects if x.id in allowed]
            items = (_allowed_items(s, rubric, g.id) or (None, ""))[0]
            title += f"（评分组：{g.name}）"
        if assessor:
            who = ensure_assessor(s, a, assessor, group=group, create=False)
            items = (_allowed_items(s, rubric, who.group_id) or (None, ""))[0]
            allowed = _allowed_subjects(s, who.group_id)
            if allowed is not None:
                subjects = [(c, x) for c, x in subjects if x.id in allowed]
            by_id = {x.id: c for c, x in subjects}
            for sid, code, value in s.execute(
                    select(Score.subject_id, Score.item_code, Score.value)
                    .where(Score.assessor_id == who.id)):
                if sid in by_id:
                    values[(by_id[sid], code)] = value
            title += f"（评分人：{who.name}）"
        pairs = [(c, subject_name(x)) for c, x in subjects]
        # derived items come from their data: no column to type them in
        typed = {i.code for i in rubric.leaves() if i.kind != ItemKind.DERIVED}
        items = typed if items is None else frozenset(items) & typed
    return write_score_template(path, rubric, assessment_id=assessment_id, title=title,
                                subjects=pairs, values=values, items=items)


def add_event(db: Database, assessment_id: int, subject: str, rule_code: str, amount: object,
              *, matter: str = "", note: str = "", occurred_on: date | None = None,
              evidence: str = "") -> EventInfo:
    """Record a bonus, deduction or veto claim against a subject."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        rubric = assessment_rubric(s, a)
        try:
            section, value = check_event(rubric, rule_code, amount)
        except ValueRefused as exc:
            raise InputError(exc.problem) from None
        subj = subjects_by_code(s, a.id).get(subject)
        if subj is None:
            raise InputError(Problem("该对象不在本次考核中", column="对象", value=echo(subject)))
        # an event belongs to the period it is counted in; matter and note fit their columns
        if occurred_on is not None and not a.period_start <= occurred_on <= a.period_end:
            raise InputError(Problem(
                f"日期不在本次考核的周期内（{a.period_start} 至 {a.period_end}）",
                column="日期", value=str(occurred_on)))
        try:
            matter = clean(matter, what="事项", limit=200)
            note = clean(note, what="说明", limit=2000, multiline=True)
        except TextRefused as exc:
            raise InputError(Problem(exc.reason, value=exc.shown)) from None
        if evidence and _inside_attachments(db, evidence) is None:  # a copy made by attach_evidence
            raise InputError(Problem("附件须先复制到附件文件夹（record_event / --evidence 会复制），"
                                     "不能记录其他位置的路径", column="附件", value=echo(evidence)))
        row = EventRow(assessment_id=a.id, subject_id=subj.id, section=section,
                       rule_code=rule_code, amount=value, matter=matter, note=note,
                       occurred_on=occurred_on, evidence=evidence)
        s.add(row)
        s.flush()
        return _event_info(row, subject)


def event_info(row: EventRow, code: str) -> EventInfo:
    """The plain description of a stored event whose subject's code is `code`."""
    return _event_info(row, code)


def _event_info(row: EventRow, code: str) -> EventInfo:
    return EventInfo(row.id, code, row.section, row.rule_code, row.amount, row.matter, row.note,
                     row.occurred_on, row.evidence)


def list_events(db: Database, assessment_id: int, subject: str | None = None) -> list[EventInfo]:
    """The assessment's events in the order recorded; only one subject's when named."""
    with db.session() as s:
        load_assessment(s, assessment_id)
        subjects = {x.id: subject_code(x) for x in load_subjects(s, assessment_id)}
        q = select(EventRow).where(EventRow.assessment_id == assessment_id)
        if subject is not None:
            ids = [i for i, c in subjects.items() if c == subject]
            if not ids:
                raise InputError(Problem("该对象不在本次考核中", column="对象", value=subject))
            q = q.where(EventRow.subject_id == ids[0])
        return [_event_info(e, subjects[e.subject_id]) for e in s.scalars(q.order_by(EventRow.id))]


def submit_sheet(db: Database, assessment_id: int, assessor: str, *,
                 group: str | None = None) -> None:
    """An assessor hands in their sheet (in `group`, when they sit in several); it is
    read-only for them afterwards."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        who = ensure_assessor(s, a, assessor, group=group, create=False)
        who.submitted_at = datetime.now()


def iter_score_rows(s: Session, assessment_id: int) -> Iterator[tuple[int, int, str, str, object]]:
    """(subject id, assessor id, role, item code, value) for every stored score."""
    yield from s.execute(
        select(Score.subject_id, Score.assessor_id, Assessor.role, Score.item_code, Score.value)
        .join(Assessor, Score.assessor_id == Assessor.id)
        .where(Score.assessment_id == assessment_id))


@dataclass(frozen=True)
class Seat:
    """An assessor's place in an assessment, and whether registering just added it."""

    name: str
    role: str
    group: str  # "" when the assessor belongs to no group
    added: bool


def seat_assessor(db: Database, assessment_id: int, name: str, *, role: str | None = None,
                  group: str | None = None) -> Seat:
    """Register an assessor in a group (or role); a person already in other groups gets a
    seat in this one too. `added` is False when they already sat there (nothing written)."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        require_editable(a)
        before = set(s.scalars(select(Assessor.id).where(Assessor.assessment_id == a.id)))
        who = ensure_assessor(s, a, name, role, group)
        g = s.get(AssessorGroup, who.group_id) if who.group_id is not None else None
        return Seat(who.name, who.role, g.name if g else "", who.id not in before)


def add_assessor(db: Database, assessment_id: int, name: str, *, role: str | None = None,
                 group: str | None = None) -> tuple[str, str]:
    """Register an assessor in a group (or role); returns (name, role)."""
    seat = seat_assessor(db, assessment_id, name, role=role, group=group)
    return seat.name, seat.role


# ---------------------------------------------------------------------------- the entry form


def _own_score(s: Session, assessment_id: int, subject: str, item_code: str,
               assessor: str, group: str | None = None) -> tuple[Assessment, Assessor, Subject]:
    """The writable sheet's assessor (who must exist; `group` picks one of a person's
    seats) and the subject, checked."""
    a = load_assessment(s, assessment_id)
    require_editable(a)
    who = ensure_assessor(s, a, assessor, group=group, create=False)
    if who.submitted_at is not None:
        raise InputError(Problem(f"评分人“{who.name}”已提交评分表，不能再修改", column="--assessor",
                                 value=who.name))
    subj = subjects_by_code(s, a.id).get(subject)
    if subj is None:
        raise InputError(Problem("该对象不在本次考核中", column="对象", value=subject))
    item = assessment_rubric(s, a).item(item_code)
    if item is None or not item.is_leaf:
        raise InputError(Problem("细则没有这个评分项目", column="项目", value=item_code))
    return a, who, subj


def clear_score(db: Database, assessment_id: int, subject: str, item_code: str, *,
                assessor: str, group: str | None = None) -> bool:
    """Remove one assessor's score for one leaf (the item becomes "not scored").

    Returns whether a stored score was removed.
    """
    with db.session() as s:
        _, who, subj = _own_score(s, assessment_id, subject, item_code, assessor, group)
        done = s.execute(delete(Score).where(Score.subject_id == subj.id,
                                             Score.assessor_id == who.id,
                                             Score.item_code == item_code))
        return bool(done.rowcount)


def set_remark(db: Database, assessment_id: int, subject: str, item_code: str, remark: str, *,
               assessor: str, group: str | None = None) -> None:
    """Set (or clear, with "") the remark of a score the assessor already gave."""
    with db.session() as s:
        _, who, subj = _own_score(s, assessment_id, subject, item_code, assessor, group)
        row = s.scalar(select(Score).where(Score.subject_id == subj.id, Score.assessor_id == who.id,
                                           Score.item_code == item_code))
        if row is None:
            raise InputError(Problem("请先给这一项评分，再填写备注", column="项目", value=item_code))
        row.remark = remark.strip()


ATTACHMENTS = "attachments"


def attachments_root(db: Database) -> Path:
    """The one folder evidence files live in: `attachments/` beside the database file
    (the user's data folder for a database that is not a local file)."""
    from kaohe_desktop.settings import data_dir

    return (db.path.parent if db.path is not None else data_dir()) / ATTACHMENTS


def attach_evidence(db: Database, assessment_id: int, source: Path) -> str:
    """Copy an evidence file (photo, scan) into `attachments/<assessment>/<time>/`; the
    stored reference is that path relative to the database's folder. The original may
    be anywhere (a USB stick); what is stored, and ever opened, is the copy."""
    source = Path(source)
    if not source.is_file():
        raise InputError(Problem("附件文件不存在（或不是文件）", file=str(source)))
    root = attachments_root(db)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = root / str(assessment_id) / stamp  # keeps the file's name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copy2(source, target)
    return target.relative_to(root.parent).as_posix()


def _inside_attachments(db: Database, evidence: str) -> Path | None:
    """The file `evidence` names when it is inside the attachments folder, else None (an
    absolute path, `..`, a link leading out, or a name stored by an older version)."""
    root = attachments_root(db).resolve()
    if not evidence or Path(evidence).is_absolute() or "\\" in evidence:
        return None
    path = (root.parent / evidence).resolve()
    return path if path.is_relative_to(root) and path != root else None


def evidence_path(db: Database, evidence: str) -> Path:
    """The evidence file of an event — only ever inside the attachments folder; InputError
    for a reference pointing anywhere else, or a file that is no longer there."""
    path = _inside_attachments(db, evidence)
    if path is None:
        raise InputError(Problem("附件不在本程序的附件文件夹内，不能打开", column="附件",
                                 value=echo(evidence)))
    if not path.is_file():
        raise InputError(Problem("找不到附件文件（可能已被移走或删除）", file=str(path)))
    return path


def record_event(db: Database, assessment_id: int, subject: str, rule_code: str, amount: object,
                 *, matter: str = "", note: str = "", occurred_on: date | None = None,
                 evidence_file: Path | None = None) -> EventInfo:
    """`add_event` with its evidence file copied into the attachments folder.

    The copy is removed again when the event is refused, so a refused claim leaves no file.
    """
    stored = attach_evidence(db, assessment_id, evidence_file) if evidence_file else ""
    try:
        return add_event(db, assessment_id, subject, rule_code, amount, matter=matter, note=note,
                         occurred_on=occurred_on, evidence=stored)
    except BaseException:
        if stored:
            copy = evidence_path(db, stored)
            copy.unlink(missing_ok=True)
            copy.parent.rmdir()
        raise


def remove_event(db: Database, event_id: int) -> EventInfo:
    """Delete a bonus/deduction/veto event; its evidence file stays in the folder."""
    with db.session() as s:
        row = s.get(EventRow, event_id)
        if row is None:
            raise InputError(Problem(f"没有编号为 {event_id} 的加减分事项", column="事项",
                                     value=event_id))
        require_editable(load_assessment(s, row.assessment_id))
        subj = s.get(Subject, row.subject_id)
        info = _event_info(row, subject_code(subj) if subj else "")
        s.delete(row)
        return info
