"""A later export completing records imported while they were still open (issue 17).

Platforms export 办件 by month: a 办件 still 办理中 in June's file is 已办结 in July's; a 差评
exported the day it was given has its 整改情况 and 回访 in next month's export; a complaint
being verified gets its 核实结果. Re-importing a known number adds nothing, but the fields
the stored record still lacks are filled from the newer file, so the on-time rate and the
整改 tracker follow what actually happened. Nothing filled is ever overwritten: a field
that differs from what is stored is left as stored (the record is not "completed" by it).

Only open records are loaded for this (a 办件 without 办结时间, a 差评 without 整改完成时间
or 回访时间, a complaint without 核实结果 or 办结时间): a few hundred, not the year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from kaohe_desktop.domain.service_measures import BAD_LEVELS, accepted_status

from . import audit, service_summary
from .service_rows import RECORD_COLUMNS, stamp

# the fields a later export may fill, per kind (with what follows from them)
FILLABLE = {"requests": ("finished_at", "status"),
            "ratings": ("rect_note", "rect_done_at", "visit_at", "visit_result"),
            "complaints": ("verdict", "closed_at")}
# what an UPDATE writes: those fields and what follows from them (受理 from the 状态, 有效
# from the 核实结果)
WRITTEN = {"requests": ("finished_at", "status", "accepted"), "ratings": FILLABLE["ratings"],
           "complaints": ("verdict", "valid", "closed_at")}
MOMENTS = frozenset({"finished_at", "rect_done_at", "visit_at", "closed_at"})
Record = tuple[Any, ...]


def _open_filter(model: Any, kind: str) -> Any:
    if kind == "requests":
        return model.finished_at.is_(None)
    if kind == "ratings":
        return model.level.in_(BAD_LEVELS) & or_(model.rect_done_at.is_(None),
                                                 model.visit_at.is_(None))
    return or_(model.closed_at.is_(None), model.verdict == "")


def _stored(s: Session, model: Any, kind: str, where: Any) -> dict[str, Record]:
    """number → the stored record in RECORD_COLUMNS order, its moments as stored text."""
    columns = RECORD_COLUMNS[kind]
    out = {}
    for row in s.execute(select(*(getattr(model, c) for c in columns)).where(where)):
        out[row[0]] = tuple(stamp(v) if isinstance(v, datetime) else v for v in row)
    return out


def open_records(s: Session, model: Any, kind: str) -> dict[str, Record]:
    """The records of this kind a later export may still complete."""
    return _stored(s, model, kind, _open_filter(model, kind))


def completed(kind: str, old: Record, new: Record) -> Record | None:
    """`old` with the fields it lacks taken from `new`, or None when `new` adds nothing."""
    at = {c: i for i, c in enumerate(RECORD_COLUMNS[kind])}
    out = list(old)
    for f in FILLABLE[kind]:
        i = at[f]
        if old[i] in (None, "") and new[i] not in (None, ""):
            out[i] = new[i]
    if kind == "requests":
        i = at["status"]
        if old[at["finished_at"]] is None and new[i] and new[i] != old[i]:
            out[i] = new[i]  # 办理中 → 已办结 (or 不予受理): the state moves on while open
        out[at["accepted"]] = accepted_status(out[i])
    elif kind == "complaints" and old[at["verdict"]] in (None, "") and new[at["verdict"]]:
        out[at["valid"]] = new[at["valid"]]  # judged with the verdict it came with
    merged = tuple(out)
    return merged if merged != old else None


def apply(s: Session, model: Any, kind: str, pairs: Sequence[tuple[Record, Record]],
          actor: str) -> int:
    """Write the completions in the import's transaction: each record as it is stored now
    (another window may have completed it meanwhile) completed again from the new values,
    the monthly counts moved from the old state to the new, one audit row per record."""
    if not pairs:
        return 0
    wanted = {new[0]: new for _old, new in pairs}
    now = _stored(s, model, kind, model.no.in_(list(wanted)))
    done: list[tuple[Record, Record]] = []
    for no, new in wanted.items():
        current = now.get(no)
        merged = completed(kind, current, new) if current is not None else None
        if merged is not None:
            done.append((current, merged))
    if not done:
        return 0
    at = {c: i for i, c in enumerate(RECORD_COLUMNS[kind])}
    table = model.__table__
    written = WRITTEN[kind]
    s.execute(update(table).where(table.c.no == bindparam("key"))
              .values({c: bindparam(f"v_{c}") for c in written}),
              [{"key": new[0], **{f"v_{c}": _bound(c, new[at[c]]) for c in written}}
               for _old, new in done])
    service_summary.add_records(s, kind, RECORD_COLUMNS[kind], [old for old, _new in done], sign=-1)
    service_summary.add_records(s, kind, RECORD_COLUMNS[kind], [new for _old, new in done])
    changes = []
    for old, new in done:
        diff = [(c, a, b) for c, a, b in zip(RECORD_COLUMNS[kind], old, new, strict=True) if a != b]
        changes.append(audit.Change("update", table.name, old[0], {c: a for c, a, _b in diff},
                                    {c: b for c, _a, b in diff}, reason="重新导入补全"))
    audit.append(s, actor, changes)
    return len(done)


def _bound(column: str, value: Any) -> Any:
    """A value for SQLAlchemy's own binding: a stored moment back to a datetime."""
    if column in MOMENTS and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
