"""The record of every change: writing hash-chained audit rows, verifying the chain and
the tables against it, reading the history, and sealing published results.

Writing: `services/permissions.install_guard` calls `record_flush` after each ORM flush
and `record_rows` for bulk statements, in the same transaction as the change; a
refused or rolled-back change leaves no row. `append` chains rows onto the tail hash,
read once per session (FOR UPDATE on a server database, so two writers cannot both
extend the same tail; on SQLite the write lock serialises them).

Verifying (`verify`): recompute every hash in id order (first broken row reported),
replay the record of the watched tables (scores, corrections, events, assessment
states: domain/audit_chain.WATCHED) from the genesis snapshot and compare the replayed
values with the tables as they are now. A score changed, added or removed with another
tool (sqlite3) is therefore caught although no audit row was touched. A row missing
because its subject, assessor or assessment was deleted (ON DELETE CASCADE) is not a
tamper: that deletion is in the record. Published assessments are re-ranked and their
results compared with the digest sealed at publication.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kaohe_desktop.domain.audit_chain import (
    GENESIS_PREV,
    KEY_COLUMNS,
    WATCHED,
    canonical_json,
    now_text,
    plain,
    row_hash,
)
from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.states import State
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import (
    Account,
    Assessment,
    Assessor,
    AuditRow,
    Subject,
)

from .assessment_lookup import load_assessment, subject_code

# never recorded: the record itself, and clock punches (150,000 a year, their import is
# recorded through attendance_import instead)
NOT_RECORDED = frozenset({"audit", "attendance_punch", "attendance_day", "alembic_version"})
# columns whose change is bookkeeping, not a change of content
NOT_CONTENT = frozenset({"updated_at", "created_at", "failed_logins", "locked_until", "version"})
HIDDEN = "（已隐藏）"  # what the record shows for a password hash
ACTION_NAMES = {"insert": "新增", "update": "修改", "delete": "删除", "genesis": "升级前数据",
                "seal": "封存结果"}
TAIL = "audit_tail"
TAIL_SQL = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1"


@dataclass(frozen=True)
class Change:
    """One audit row before it is chained."""

    action: str
    table: str
    key: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    assessment_id: object = None
    subject_id: object = None
    reason: str = ""


def _tail(s: Session) -> str:
    tail = s.info.get(TAIL)
    if tail is None:
        conn = s.connection()
        if conn.dialect.name == "sqlite":  # the write lock serialises writers
            # the driver's own SQL: a score write pays for this query, not for compiling it
            tail = conn.exec_driver_sql(TAIL_SQL).scalar()
        else:  # a server database: no second writer may extend the same tail meanwhile
            tail = conn.execute(select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
                                .with_for_update()).scalar()
        tail = tail or GENESIS_PREV
    return tail


def forget_tail(s: Session) -> None:
    """After a commit or rollback the tail must be read again."""
    s.info.pop(TAIL, None)


def append(s: Session, actor: str, changes: Iterable[Change]) -> int:
    """Chain `changes` onto the record in this session's transaction; returns the count."""
    prev = None
    rows = []
    at = now_text()
    for c in changes:
        if prev is None:
            prev = _tail(s)
        before, after = canonical_json(c.before), canonical_json(c.after)
        aid = "" if c.assessment_id is None else str(c.assessment_id)
        sid = "" if c.subject_id is None else str(c.subject_id)
        digest = row_hash(prev, at, actor, c.action, c.table, c.key, aid, sid, before, after,
                          c.reason)
        rows.append({"at": at, "actor": actor, "action": c.action, "table_name": c.table,
                     "key": c.key, "assessment_id": aid, "subject_id": sid, "before": before,
                     "after": after, "reason": c.reason, "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:
        # a Core insert on the connection: no ORM event fires for the record itself
        s.connection().execute(insert(AuditRow.__table__), rows)
        s.info[TAIL] = prev
    return len(rows)


def row_key(table: str, values: Mapping[str, Any]) -> str:
    cols = KEY_COLUMNS.get(table, ("id",))
    return "/".join(str(values.get(c, "")) for c in cols)


def shown_values(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What the record keeps of a row: every content column, a password hash hidden."""
    out = {k: plain(v) for k, v in values.items() if k not in NOT_CONTENT}
    if table == Account.__tablename__ and "password_hash" in out:
        out["password_hash"] = HIDDEN
    return out


def change_of(action: str, table: str, before: Mapping[str, Any] | None,
              after: Mapping[str, Any] | None, reason: str = "") -> Change:
    both = {**(before or {}), **(after or {})}
    aid = both.get("id") if table == "assessment" else both.get("assessment_id")
    return Change(action, table, row_key(table, both),
                  shown_values(table, before) if before is not None else None,
                  shown_values(table, after) if after is not None else None,
                  aid, both.get("subject_id"), reason or str(both.get("reason") or
                                                              both.get("exclude_reason") or ""))


# ----------------------------------------------------------------------------- sealing


def _digest_of(db: Database, assessment_id: int) -> tuple[str, int]:
    """SHA-256 over every subject's item scores, total and grade, as ranked now."""
    from .ranking import rank_assessment  # ranking loads on use: it is not needed to write

    lines = [{"subject": r.subject_code, "items": {k: plain(v) for k, v in sorted(r.items.items())},
              "total": plain(r.total), "grade": r.grade or "", "rank": r.rank}
             for r in sorted(rank_assessment(db, assessment_id), key=lambda r: r.subject_code)]
    text = json.dumps(lines, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest(), len(lines)


def seal_change(db: Database, assessment_id: int) -> Change:
    """The record of a publication: the results' digest (computed before the state
    change's own session, so it reads what is published)."""
    digest, count = _digest_of(db, assessment_id)
    return Change("seal", "assessment", str(assessment_id), None,
                  {"digest": digest, "subjects": count}, assessment_id, None, "公示结果封存")


def short_digest(digest: str) -> str:
    """The form printed on paper: 16 hex digits in groups of four."""
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4)).upper()


def results_digest(db: Database, assessment_id: int) -> str | None:
    """The short digest sealed when the assessment was last published, while it is
    published (None before, or after it was reopened)."""
    with db.session() as s:
        a = load_assessment(s, assessment_id)
        if a.state != str(State.PUBLISHED):
            return None
        after = s.scalar(select(AuditRow.after).where(
            AuditRow.action == "seal", AuditRow.table_name == "assessment",
            AuditRow.key == str(assessment_id)).order_by(AuditRow.id.desc()).limit(1))
    return short_digest(json.loads(after)["digest"]) if after else None


# ----------------------------------------------------------------------------- verifying


@dataclass
class VerifyReport:
    rows: int = 0
    broken_row: int | None = None  # the first row whose hash does not follow
    problems: list[str] = field(default_factory=list)  # first problem first

    @property
    def ok(self) -> bool:
        return not self.problems


def _replay(rows: Iterable[Sequence[Any]], report: VerifyReport
            ) -> dict[str, dict[str, tuple[int, dict[str, Any] | None]]]:
    """Check the chain row by row; return, for each watched table, key → (the last row
    id that wrote it, its recorded fields or None when deleted)."""
    expected: dict[str, dict[str, tuple[int, dict[str, Any] | None]]] = {t: {} for t in WATCHED}
    loads = json.JSONDecoder().decode  # one decoder for the million rows
    prev = GENESIS_PREV
    count = 0
    for (rid, at, actor, action, table, key, aid, sid, before, after, reason, prev_hash,
         digest) in rows:
        count += 1
        if report.broken_row is None:
            if prev_hash != prev:
                report.broken_row = rid
                report.problems.append(f"修改记录第 {rid} 行与上一行不相接（其前的记录被删改）")
            elif row_hash(prev, at, actor, action, table, key, aid, sid, before, after,
                          reason) != digest:
                report.broken_row = rid
                report.problems.append(f"修改记录第 {rid} 行的内容与其校验值不符（该行被改动）")
        prev = digest
        if action == "genesis":
            for t, values in json.loads(after).items():
                if t in expected:
                    expected[t].update({k: (rid, dict(v)) for k, v in values.items()})
            continue
        seen = expected.get(table)
        if seen is None:
            continue
        if action == "delete":
            seen[key] = (rid, None)
        elif action in ("insert", "update"):
            fields = loads(after)
            old = seen.get(key)
            merged = dict(old[1]) if old is not None and old[1] is not None else {}
            merged.update(fields)
            seen[key] = (rid, merged)
    report.rows = count
    return expected


def _compare(s: Session, expected: Mapping[str, dict[str, tuple[int, dict[str, Any] | None]]],
             report: VerifyReport) -> None:
    """The tables as they are against the replayed record."""
    conn = s.connection()
    subjects = set(conn.execute(select(Subject.id)).scalars())
    assessors = set(conn.execute(select(Assessor.id)).scalars())
    for table, fields in WATCHED.items():
        cols = KEY_COLUMNS.get(table, ("id",))
        rows = conn.exec_driver_sql(
            f"SELECT {', '.join(cols + fields)} FROM {table}")  # fixed names, no input
        seen = expected[table]
        present = set()
        for r in rows:
            key = "/".join(str(v) for v in r[:len(cols)])
            present.add(key)
            rec = seen.get(key)
            now = dict(zip(fields, r[len(cols):], strict=True))
            if rec is None or rec[1] is None:
                report.problems.append(f"{_what(s, table, key)}不在修改记录中"
                                       f"（现值 {_values(now)}），可能被其他工具写入")
                continue
            differs = {f: (rec[1].get(f), v) for f, v in now.items()
                       if f in rec[1] and not _same(rec[1][f], v)}
            if differs:
                f, (was, is_) = next(iter(differs.items()))
                report.problems.append(f"{_what(s, table, key)}的 {f} 现为 {is_}，修改记录第 "
                                       f"{rec[0]} 行记为 {was}：被其他工具改动")
        for key, (rid, values) in seen.items():
            if values is None or key in present:
                continue
            parts = key.split("/")
            if table == "score":  # its subject or assessor deleted: the scores cascade
                gone = int(parts[0]) not in subjects or int(parts[1]) not in assessors
            elif table == "score_override":
                gone = int(parts[0]) not in subjects
            elif table == "event":
                gone = int(values.get("subject_id") or 0) not in subjects
            else:  # an assessment is deleted through the services, recorded
                gone = False
            if not gone:
                report.problems.append(f"{_what(s, table, key)}已不存在，修改记录第 {rid} 行"
                                       "之后没有删除它的记录：被其他工具删除")


def _same(recorded: Any, now: Any) -> bool:
    """Equal as text, or as numbers (18.5 and 18.50 are one score)."""
    if str(recorded) == str(now):
        return True
    try:
        return Decimal(str(recorded)) == Decimal(str(now))
    except (InvalidOperation, ValueError):
        return False


def _values(values: Mapping[str, Any]) -> str:
    return "，".join(f"{k}={v}" for k, v in values.items())


def _what(s: Session, table: str, key: str) -> str:
    """A person's words for a watched row: 考核 1 对象 FR01 项目 1.1 评分人 张三 的评分."""
    parts = key.split("/")
    try:
        if table == "score":
            subj = s.get(Subject, int(parts[0]))
            who = s.get(Assessor, int(parts[1]))
            where = (f"考核 {subj.assessment_id} 对象 {subject_code(subj)} " if subj else "")
            return (f"{where}项目 {parts[2]} 评分人“{who.name if who else parts[1]}”的评分"
                    f"（score {key}）")
        if table == "score_override":
            subj = s.get(Subject, int(parts[0]))
            return f"对象 {subject_code(subj) if subj else parts[0]} 项目 {parts[1]} 的更正值"
        if table == "event":
            return f"加减分事项 {key}"
        return f"考核 {key} 的状态"
    except (ValueError, IndexError):
        return f"{table} {key}"


AUDIT_COLUMNS = (AuditRow.id, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.table_name,
                 AuditRow.key, AuditRow.assessment_id, AuditRow.subject_id, AuditRow.before,
                 AuditRow.after, AuditRow.reason, AuditRow.prev_hash, AuditRow.hash)


def verify(db: Database, *, check_seals: bool = True) -> VerifyReport:
    """Recompute the chain, compare the watched tables and (`check_seals`) the sealed
    results of published assessments. Reads only."""
    report = VerifyReport()
    with db.session() as s:
        conn = s.connection()
        if conn.dialect.name == "sqlite":
            # the driver's cursor: a million rows without building a Row object for each
            # (verify reads only; the SQL is the same select, compiled once)
            sql = str(select(*AUDIT_COLUMNS).order_by(AuditRow.id)
                      .compile(dialect=conn.dialect))
            cursor = conn.connection.driver_connection.cursor()
            cursor.arraysize = 20_000
            rows: Iterable[Sequence[Any]] = iter(cursor.execute(sql))
        else:
            rows = conn.execution_options(stream_results=True, yield_per=20_000)\
                .execute(select(*AUDIT_COLUMNS).order_by(AuditRow.id))
        expected = _replay(rows, report)
        _compare(s, expected, report)
        published = list(s.scalars(select(Assessment.id).where(
            Assessment.state == str(State.PUBLISHED)).order_by(Assessment.id)))
        seals = {}
        for aid in published:
            after = s.scalar(select(AuditRow.after).where(
                AuditRow.action == "seal", AuditRow.key == str(aid),
                AuditRow.table_name == "assessment").order_by(AuditRow.id.desc()).limit(1))
            seals[aid] = json.loads(after)["digest"] if after else None
    for aid, sealed in seals.items() if check_seals else ():
        if sealed is None:
            continue  # published before sealing existed
        now, _ = _digest_of(db, aid)
        if now != sealed:
            report.problems.append(f"考核 {aid} 的公示结果与封存时不同（封存 {short_digest(sealed)}，"
                                   f"现为 {short_digest(now)}）")
    return report


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str  # login (or 本机用户 / 系统)
    actor_name: str
    action: str
    table: str
    key: str
    assessment_id: str
    subject_id: str
    subject: str  # the subject's code, when the change belongs to one
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    text: str  # 谁在何时把 1.1 从 18 改为 19


TABLE_NAMES = {"score": "评分", "score_override": "更正值", "subject_item_na": "不适用",
               "event": "加减分事项", "assessment": "考核", "assessor": "评分人",
               "assessor_group": "评分组", "group_subject": "评分组对象", "subject": "考核对象",
               "assessment_role": "角色权重", "rubric": "细则", "setting": "设置",
               "account": "账户", "state_change": "审议记录", "unit": "单位", "staff": "人员",
               "area": "街道", "document_issue": "文书编号", "document_number": "文号",
               "issued_document": "核验登记", "service_import": "服务记录导入",
               "service_request": "办件", "service_rating": "评价", "service_complaint": "投诉",
               "service_cost": "单位成本", "service_mapping": "服务记录列对应"}


# the columns a later service export completes (service_updates), in words
FIELD_NAMES = {"finished_at": "办结时间", "status": "办理状态", "accepted": "受理",
               "rect_note": "整改情况", "rect_done_at": "整改完成时间", "visit_at": "回访时间",
               "visit_result": "回访结果", "verdict": "核实结果", "valid": "有效", "closed_at": "办结时间"}


def _shown(value: Any) -> Any:
    """A stored moment without its zero microseconds; "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value.endswith(".000000"):
        return value[:-7]
    return value


def _sentence(e: dict[str, Any], who: str, subject: str, assessors: Mapping[int, str]) -> str:
    table, action, before, after = e["table"], e["action"], e["before"], e["after"]
    what = TABLE_NAMES.get(table, table)
    if action == "genesis":
        return f"{e['at']} 之前的数据记为{who}录入"
    if action == "seal":
        return f"{who}在 {e['at']} 公示考核 {e['key']}，结果封存为 {short_digest(after['digest'])}"
    if table == "score":
        _sid, aid, item = [*e["key"].split("/"), "", "", ""][:3]
        by = assessors.get(int(aid)) if aid.isdigit() else None
        seat = f"（评分人 {by}）" if by else ""
        if action == "insert":
            return f"{who}在 {e['at']} 给 {subject} 项目 {item} 打分 {after.get('value')}{seat}"
        if action == "delete":
            return f"{who}在 {e['at']} 清除 {subject} 项目 {item} 的评分 {before.get('value')}{seat}"
        if "value" in after:
            return (f"{who}在 {e['at']} 把 {subject} 项目 {item} 从 {before.get('value')} "
                    f"改为 {after.get('value')}{seat}")
    if action == "update":
        diffs = "，".join(f"{FIELD_NAMES.get(k, k)} 从 {_shown(before.get(k))} 改为 {_shown(v)}"
                         for k, v in after.items())
        return f"{who}在 {e['at']} 修改{what} {e['key']}：{diffs}"
    verb = "新增" if action == "insert" else "删除"
    return f"{who}在 {e['at']} {verb}{what} {e['key']}"


def audit_log(db: Database, *, assessment_id: int | None = None, subject: str | None = None,
              item: str | None = None, since: date | None = None,
              limit: int | None = None) -> list[AuditEntry]:
    """The record, oldest first: of one assessment, one subject (its code; within the
    assessment when given), one item of it, and from a date on."""
    with db.session() as s:
        q = select(*AUDIT_COLUMNS[:11])
        subject_ids: dict[int, str] = {}
        if assessment_id is not None:
            load_assessment(s, assessment_id)
            q = q.where(AuditRow.assessment_id == str(assessment_id))
        if subject is not None:
            sq = select(Subject)
            if assessment_id is not None:
                sq = sq.where(Subject.assessment_id == assessment_id)
            subject_ids = {x.id: subject_code(x) for x in s.scalars(sq)
                           if subject_code(x) == subject.strip()}
            if not subject_ids:
                raise InputError(Problem("没有这个考核对象", column="--subject", value=subject))
            q = q.where(AuditRow.subject_id.in_([str(i) for i in subject_ids]))
        if since is not None:
            q = q.where(AuditRow.at >= since.isoformat())
        rows = s.execute(q.order_by(AuditRow.id)).all()
        if item is not None:
            rows = [r for r in rows if r.table_name in ("score", "score_override",
                                                        "subject_item_na")
                    and r.key.split("/")[-1] == item]
        if limit is not None:
            rows = rows[-limit:]
        names = dict(s.execute(select(Account.login, Account.name)).all())
        sids = {int(r.subject_id) for r in rows if r.subject_id.isdigit()} - set(subject_ids)
        for x in s.scalars(select(Subject).where(Subject.id.in_(sids))) if sids else ():
            subject_ids[x.id] = subject_code(x)
        aids = {int(p) for r in rows if r.table_name == "score"
                for p in r.key.split("/")[1:2] if p.isdigit()}
        assessors = dict(s.execute(select(Assessor.id, Assessor.name)
                                   .where(Assessor.id.in_(aids))).all()) if aids else {}
        out = []
        for r in rows:
            e = {"at": r.at.replace("T", " "), "table": r.table_name, "action": r.action,
                 "key": r.key, "before": json.loads(r.before) if r.before else {},
                 "after": json.loads(r.after) if r.after else {}}
            if r.action == "genesis":
                e["after"] = {}  # the snapshot is for the verifier, not for reading
            code = subject_ids.get(int(r.subject_id), "") if r.subject_id.isdigit() else ""
            who = names.get(r.actor, r.actor)
            out.append(AuditEntry(r.id, e["at"], r.actor, who, r.action, r.table_name, r.key,
                                  r.assessment_id, r.subject_id, code, e["before"], e["after"],
                                  r.reason, _sentence(e, who, code or r.subject_id, assessors)))
        return out
