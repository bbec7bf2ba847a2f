"""Who may write what, checked for every write of every service, and recorded.

`install_guard(db)` attaches three session listeners to the database's sessions:
`before_flush` checks each ORM change against the logged-in account's roles,
`do_orm_execute` does the same for bulk statements (`insert(Score)` with a list of
rows, `update(...)`, `delete(...)`) and `after_flush` / the bulk path write the audit
rows (services/audit.py) in the same transaction. Because the check sits under every
service function, the window and the command line are refused alike, and a new service
cannot forget it. A refusal is an InputError naming what is needed (exit 2 on the
command line, a message in the window); nothing is written.

The actor is `db.actor` (set by `accounts.login`). A database without accounts is the
local user, who may do everything, as before accounts existed; with accounts and nobody
logged in every write is refused.

Roles: 管理员 everything; 评分人 the scores of assessor seats linked to their account,
only for the subjects and items of the seat's group, and handing in those sheets;
审议 approving and publishing (and the documents' numbers that printing them gives);
查看 nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from kaohe_desktop.domain.audit_chain import LOCAL_USER, SYSTEM
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.states import State
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Account,
    Assessor,
    AssessorGroup,
    GroupSubject,
    Staff,
    Subject,
)

from . import audit
from .assessment_lookup import assessment_rubric, group_item_codes

ADMIN, ASSESSOR, REVIEWER, VIEWER = "管理员", "评分人", "审议", "查看"
ROLES = (ADMIN, ASSESSOR, REVIEWER, VIEWER)


@dataclass(frozen=True)
class Actor:
    """The one acting: an account, or the local user / the program (account_id None)."""

    login: str
    name: str
    roles: frozenset[str]
    account_id: int | None = None

    @property
    def admin(self) -> bool:
        return ADMIN in self.roles

    def has(self, *roles: str) -> bool:
        return self.admin or any(r in self.roles for r in roles)


LOCAL = Actor(LOCAL_USER, LOCAL_USER, frozenset({ADMIN}))
PROGRAM = Actor(SYSTEM, SYSTEM, frozenset({ADMIN}))

# what a table's rows are called in a refusal
WHAT = {"score": "评分", "score_override": "更正数据项", "subject_item_na": "标记不适用",
        "event": "加减分事项", "assessment": "考核", "assessor": "评分人", "assessor_group": "评分组",
        "group_subject": "评分组的对象", "subject": "考核对象", "assessment_role": "角色权重",
        "rubric": "细则和定档", "setting": "设置", "account": "账户", "state_change": "审议状态",
        "unit": "单位名册", "staff": "人员名册", "area": "街道", "document_issue": "文书编号",
        "document_number": "文号", "issued_document": "核验登记", "attendance_punch": "考勤",
        "attendance_day": "考勤",
        "attendance_leave": "请假", "attendance_shift": "班次", "calendar_day": "日历",
        "attendance_points_rule": "考勤折算规则", "attendance_import": "考勤导入",
        "attendance_mapping": "考勤列对应", "attendance_leave_type": "请假类型"}
VERB = {"insert": "新增", "update": "修改", "delete": "删除"}
LOGIN_FIELDS = frozenset({"failed_logins", "locked_until"})  # written by a login attempt
STATE_FIELDS = frozenset({"state", "objection_start", "objection_end"})
# what publishing fixes on each subject (assessment_lookup.snapshot_labels)
SHOWN_FIELDS = frozenset({"shown_code", "shown_name", "shown_area"})
REVIEWER_TARGETS = frozenset({str(State.REVIEWED), str(State.PUBLISHED)})
GUARDED = "kaohe_guard"


ACCOUNTS_SEEN = "kaohe_accounts_seen"


def current_actor(db: Database, s: Session) -> Actor | None:
    """The logged-in account; the local user when the database has no accounts; None
    when it has accounts and nobody logged in.

    That accounts exist is remembered for the open database once seen (accounts are
    never deleted), so a write pays for the question only while there are none."""
    if isinstance(db.actor, Actor):
        return db.actor
    if getattr(db.sessions, ACCOUNTS_SEEN, False):
        return None
    if "has_accounts" not in s.info:
        s.info["has_accounts"] = s.connection().execute(
            select(Account.id).limit(1)).first() is not None
        if s.info["has_accounts"]:
            setattr(db.sessions, ACCOUNTS_SEEN, True)
    return None if s.info["has_accounts"] else LOCAL


@contextmanager
def as_program(db: Database) -> Iterator[None]:
    """Writes the program makes by itself (the built-in rubrics at opening), recorded
    as 系统."""
    before, db.actor = db.actor, PROGRAM
    try:
        yield
    finally:
        db.actor = before


def _refuse(actor: Actor | None, what: str, needed: str) -> InputError:
    if actor is None:
        return InputError(Problem(f"{what}：本数据库已启用账户，请先登录（命令行用 --user 账户名）"))
    have = "、".join(r for r in ROLES if r in actor.roles) or "无"
    return InputError(Problem(f"{what}需要{needed}权限（当前账户 {actor.login} 的角色：{have}）",
                              column="权限"))


# ----------------------------------------------------------------------------- rules


class _Seats:
    """An 评分人's seats, read once per session: assessor id → (account, group, items,
    subjects) with items and subjects None for every one."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.seen: dict[int, tuple[int | None, str, frozenset[str] | None, set[int] | None]] = {}
        self.self_only: set[int] = set()  # 自评 seats held by an account linked to a person

    def seat(self, assessor_id: int) -> tuple[int | None, str, frozenset[str] | None,
                                               set[int] | None]:
        if assessor_id not in self.seen:
            s = self.s
            who = s.get(Assessor, assessor_id)
            if who is None:
                self.seen[assessor_id] = (None, "", None, None)
                return self.seen[assessor_id]
            group = s.get(AssessorGroup, who.group_id) if who.group_id is not None else None
            items = None
            if group is not None and (codes := group_item_codes(group)):
                from kaohe_desktop.store.models import Assessment

                rubric = assessment_rubric(s, s.get(Assessment, who.assessment_id))
                items = frozenset(i.code for c in codes if (top := rubric.item(c)) is not None
                                  for i in top.walk() if i.is_leaf)
            subjects = set(s.scalars(select(GroupSubject.subject_id)
                                     .where(GroupSubject.group_id == group.id))) if group else set()
            own = _own_subjects(s, who) if who.role == SELF else None
            if own is not None:  # a linked person's self-assessment: themselves only
                subjects = (subjects & own) if subjects else own
                self.self_only.add(assessor_id)
            self.seen[assessor_id] = (who.account_id, who.name, items, subjects or None)
        return self.seen[assessor_id]


SELF = "自评"


def _own_subjects(s: Session, who: Assessor) -> set[int] | None:
    """For a 自评 seat whose account is linked to a person of the roster: the subjects
    that are that person, or their unit (None when the account is linked to nobody —
    then the group's subjects decide, as before links existed)."""
    if who.account_id is None:
        return None
    account = s.get(Account, who.account_id)
    if account is None or account.staff_id is None:
        return None
    person = s.get(Staff, account.staff_id)
    q = select(Subject.id).where(Subject.assessment_id == who.assessment_id)
    mine = Subject.staff_id == account.staff_id
    if person is not None and person.unit_id is not None:
        mine = mine | (Subject.unit_id == person.unit_id)
    return set(s.scalars(q.where(mine)))


def _seats(s: Session) -> _Seats:
    seats = s.info.get("kaohe_seats")
    if seats is None:
        seats = s.info["kaohe_seats"] = _Seats(s)
    return seats


def _score_refused(s: Session, actor: Actor, values: Mapping[str, Any]) -> str:
    """Why an 评分人 may not write this score ("" when they may)."""
    account, name, items, subjects = _seats(s).seat(int(values["assessor_id"]))
    if account is None or account != actor.account_id:
        return f"评分人只能录入与自己账户关联的评分表（评分人“{name}”不是账户 {actor.login}）"
    if subjects is not None and int(values["subject_id"]) not in subjects:
        subj = s.get(Subject, int(values["subject_id"]))
        from .assessment_lookup import subject_code

        code = subject_code(subj) if subj else ""
        if int(values["assessor_id"]) in _seats(s).self_only:
            return (f"自评只能评本人或本单位：账户 {actor.login} 关联的人员不是对象 {code}"
                    "（关联人员见“账户”窗口或 kaohe account list）")
        return f"评分人“{name}”所在评分组不负责对象 {code}"
    if items is not None and values["item_code"] not in items:
        return f"评分人“{name}”所在评分组不负责项目 {values['item_code']}"
    return ""


def check(s: Session, actor: Actor | None, op: str, table: str, values: Mapping[str, Any],
          changed: frozenset[str] = frozenset(), before: Mapping[str, Any] | None = None) -> None:
    """Refuse (InputError) the write `op` of one row of `table` with these `values`
    (after the change; `changed` the columns an update changes) unless the actor may."""
    if actor is not None and actor.admin:
        return
    what = f"{VERB.get(op, op)}{WHAT.get(table, table)}"
    if actor is None:
        raise _refuse(actor, what, ADMIN)
    if table == "issued_document" and op in ("insert", "update"):
        return  # the register of what any logged-in account printed (recorded as theirs)
    if table == "score" and ASSESSOR in actor.roles:
        if reason := _score_refused(s, actor, values):
            raise InputError(Problem(reason, column="权限"))
        return
    if table == "assessor" and op == "update" and changed <= {"submitted_at"} \
            and ASSESSOR in actor.roles:
        if values.get("account_id") != actor.account_id:
            raise InputError(Problem(f"只能提交自己的评分表（评分人“{values.get('name')}”不是账户 "
                                     f"{actor.login}）", column="权限"))
        return
    if REVIEWER in actor.roles:
        if table == "assessment" and op == "update" and changed <= STATE_FIELDS \
                and values.get("state") in REVIEWER_TARGETS:
            return
        if table == "state_change" and op == "insert" and values.get("to_state") in REVIEWER_TARGETS:
            return
        if table in ("document_issue", "document_number"):
            return
        if table == "subject" and op == "update" and changed <= SHOWN_FIELDS \
                and values.get("shown_code") is not None:
            return  # publishing records the names the results show
    if table == "account" and op == "update" and changed <= {"password_hash"} \
            and values.get("id") == actor.account_id:
        return  # one's own password
    needed = {"score": f"{ADMIN}或与评分组关联的{ASSESSOR}",
              "state_change": f"{REVIEWER}或{ADMIN}" if values.get("to_state") in REVIEWER_TARGETS
              else ADMIN}.get(table, ADMIN)
    target = values.get("to_state") if table == "state_change" and op == "insert" \
        else values.get("state") if table == "assessment" and op == "update" \
        and changed <= STATE_FIELDS else None
    if target is not None:  # a review step: named as the user knows it
        needed = f"{REVIEWER}或{ADMIN}" if target in REVIEWER_TARGETS else ADMIN
        what = {str(State.DRAFT): "重新打开考核", str(State.SUBMITTED): "提交审议",
                str(State.REVIEWED): "审议通过", str(State.PUBLISHED): "公示"}.get(str(target), what)
    raise _refuse(actor, what, needed)


# ----------------------------------------------------------------------------- listeners


def _columns(obj: Any) -> dict[str, Any]:
    """The loaded column values of an ORM object (nothing is loaded for this)."""
    state = inspect(obj)
    loaded = state.dict
    return {c.key: loaded[c.key] for c in state.mapper.column_attrs if c.key in loaded}


def _history(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the columns an update changes."""
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        h = state.attrs[attr.key].history
        if h.added or h.deleted:
            new = h.added[0] if h.added else None
            old = h.deleted[0] if h.deleted else None
            if new != old:
                before[attr.key], after[attr.key] = old, new
    return before, after


def _table(obj: Any) -> str:
    return obj.__table__.name


def install_guard(db: Database) -> None:
    """Check and record every write made through `db`'s sessions (once per database)."""
    if getattr(db.sessions, GUARDED, False):
        return
    setattr(db.sessions, GUARDED, True)

    def before_flush(s: Session, _ctx: UOWTransaction, _instances: object) -> None:
        actor = current_actor(db, s)
        for obj in s.new:
            check(s, actor, "insert", _table(obj), _columns(obj))
        for obj in s.dirty:
            before, after = _history(obj)
            changed = frozenset(after)
            if not changed or (_table(obj) == "account" and changed <= LOGIN_FIELDS):
                continue  # nothing changed, or the bookkeeping of a login attempt
            check(s, actor, "update", _table(obj), _columns(obj), changed, before)
        for obj in s.deleted:
            check(s, actor, "delete", _table(obj), _columns(obj))

    def after_flush(s: Session, _ctx: UOWTransaction) -> None:
        actor = current_actor(db, s)
        changes = []
        for obj in s.new:
            if (table := _table(obj)) not in audit.NOT_RECORDED:
                changes.append(audit.change_of("insert", table, None, _columns(obj)))
        for obj in s.dirty:
            if (table := _table(obj)) in audit.NOT_RECORDED:
                continue
            before, after = _history(obj)
            if set(after) - audit.NOT_CONTENT:
                keys = {k: v for k, v in _columns(obj).items()
                        if k in ("id", "assessment_id", "subject_id", "assessor_id", "item_code")}
                changes.append(audit.change_of("update", table, {**keys, **before},
                                               {**keys, **after}))
        for obj in s.deleted:
            if (table := _table(obj)) not in audit.NOT_RECORDED:
                changes.append(audit.change_of("delete", table, _columns(obj), None))
        if changes:
            audit.append(s, actor.login if actor else "", _strip_keys(changes))

    def do_orm_execute(state: ORMExecuteState) -> Any:
        if not (state.is_insert or state.is_update or state.is_delete):
            return None
        mapper = state.bind_mapper
        if mapper is None:
            return None
        s = state.session
        table = mapper.local_table.name
        actor = current_actor(db, s)
        params = state.parameters
        rows = params if isinstance(params, list) else [params] if params else []
        if state.is_insert:
            for values in rows:
                check(s, actor, "insert", table, values)
            result = state.invoke_statement()
            if table not in audit.NOT_RECORDED:
                audit.append(s, actor.login if actor else "",
                             [audit.change_of("insert", table, None, v) for v in rows])
            return result
        table_obj = mapper.local_table
        pk = mapper.primary_key[0].key
        conn = s.connection()
        if rows and all(pk in r for r in rows):  # bulk update by primary key
            ids = [r[pk] for r in rows]
            found: dict[Any, dict[str, Any]] = {}
            for i in range(0, len(ids), 500):
                found.update({r._mapping[pk]: dict(r._mapping) for r in conn.execute(
                    select(table_obj).where(table_obj.c[pk].in_(ids[i:i + 500])))})
            pairs = [(found.get(r[pk], {}), dict(r)) for r in rows]
        else:  # update … where / delete … where: the rows it will touch
            where = state.statement.whereclause
            q = select(table_obj) if where is None else select(table_obj).where(where)
            pairs = [(dict(r._mapping), {}) for r in conn.execute(q)]
        op = "delete" if state.is_delete else "update"
        for old, new in pairs:
            # an update … where is checked as a change of every column (administrators)
            changed = frozenset(k for k in new if k != pk) if new or op == "delete" \
                else frozenset(old)
            check(s, actor, op, table, {**old, **new}, changed, old)
        result = state.invoke_statement()
        if op == "update" and pairs and not pairs[0][1]:  # read back what … where wrote
            ids = [old[pk] for old, _ in pairs]
            now = {r._mapping[pk]: dict(r._mapping) for r in conn.execute(
                select(table_obj).where(table_obj.c[pk].in_(ids)))}
            pairs = [(old, now.get(old[pk], {})) for old, _ in pairs]
        if table not in audit.NOT_RECORDED:
            keys = ("id", "assessment_id", "subject_id", "assessor_id", "item_code")
            changes = []
            for old, new in pairs:
                if op == "delete":
                    changes.append(audit.change_of("delete", table, old, None))
                    continue
                changed_values = {k: v for k, v in new.items() if k != pk and old.get(k) != v}
                if set(changed_values) - audit.NOT_CONTENT:
                    ids = {k: old[k] for k in keys if k in old}
                    changes.append(audit.change_of(
                        "update", table, {**ids, **{k: old.get(k) for k in changed_values}},
                        {**ids, **changed_values}))
            audit.append(s, actor.login if actor else "", _strip_keys(changes))
        return result

    def forget(s: Session, *_: object) -> None:
        audit.forget_tail(s)
        s.info.pop("kaohe_seats", None)
        s.info.pop("has_accounts", None)

    event.listen(db.sessions, "before_flush", before_flush)
    event.listen(db.sessions, "after_flush", after_flush)
    event.listen(db.sessions, "do_orm_execute", do_orm_execute)
    event.listen(db.sessions, "after_commit", forget)
    event.listen(db.sessions, "after_soft_rollback", forget)


def _strip_keys(changes: list[audit.Change]) -> list[audit.Change]:
    """An update's before/after carry the row's identifying columns only for forming its
    key; the record keeps just what changed."""
    out = []
    for c in changes:
        if c.action == "update" and c.before is not None and c.after is not None:
            moved = {k for k in c.after if c.before.get(k) != c.after.get(k)}
            c = audit.Change(c.action, c.table, c.key, {k: c.before.get(k) for k in moved},
                             {k: c.after[k] for k in moved}, c.assessment_id, c.subject_id,
                             c.reason)
        out.append(c)
    return out
