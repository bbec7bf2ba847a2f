"""Rubrics: the built-in ones (every system of the seed text), listing, showing, exporting
and importing versions, and the editor's use-cases (save as a new version, copy, the read-only rule).

A stored version is never changed: saving makes a new one, so assessments keep the
rubric they were created with. A version used by an assessment that has left 草稿
(state != draft) is locked: `save_rubric` refuses to build on it; copy it first.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import Rubric, rubric_from_dict, rubric_to_dict
from kaohe_desktop.domain.states import State
from kaohe_desktop.io.source_file import regular_file
from kaohe_desktop.resources import resource
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Assessment, RubricRow

from .results import RubricInfo

CODE_MAX = 50  # RubricRow.code
NAME_MAX = 200
# the eleven texts of the seed: four item by item (reference/rubrics.md), seven more
# (reference/seed-systems.md S1, S3, S4, S5, S7, S8, S9), each with what its text leaves open
# said in its note (`source`)
BUILTIN_CODES = ("CY2019", "FRNL", "VILLAGE-ATT", "WINDOW-STAFF", "CENTER-T1", "CENTER-FB",
                 "HALL-PERF", "CENTER-SIX", "CENTER-T2", "CENTER-FW", "CENTER-2023")


def builtin_rubric(code: str) -> Rubric:
    text = resource("rubrics", f"{code}.json").read_text(encoding="utf-8")
    return rubric_from_dict(json.loads(text), file=f"{code}.json")


def _same_rules(a: Rubric, b: Rubric) -> bool:
    return {**rubric_to_dict(a), "version": 0} == {**rubric_to_dict(b), "version": 0}


def ensure_builtin_rubrics(db: Database) -> None:
    """Add any built-in rubric the database does not have yet (first open).

    When a built-in rubric of this program differs from the newest stored version and
    that version is itself a built-in one (say the program now carries the text's
    consequences), the program's form is added as the next version: new assessments get
    it, stored assessments keep the version they were made with. A rubric whose newest
    version the office made itself is left alone — its edits win."""
    with db.session() as s:
        newest: dict[str, RubricRow] = {}
        for row in s.scalars(select(RubricRow).order_by(RubricRow.version)):
            newest[row.code] = row
        for code in BUILTIN_CODES:
            shipped = builtin_rubric(code)
            row = newest.get(code)
            if row is None:
                s.add(_row(shipped, builtin=True))
            elif row.builtin and not _same_rules(rubric_from_row(row), shipped):
                s.add(_row(rubric_from_dict({**rubric_to_dict(shipped), "version": row.version + 1}),
                           builtin=True))


def _row(rubric: Rubric, builtin: bool = False) -> RubricRow:
    return RubricRow(code=rubric.code, version=rubric.version, name=rubric.name,
                     subject_kind=rubric.subject_kind, builtin=builtin,
                     definition=json.dumps(rubric_to_dict(rubric), ensure_ascii=False))


def _info(row: RubricRow) -> RubricInfo:
    rubric = rubric_from_row(row)
    return RubricInfo(row.id, row.code, row.version, row.name, row.subject_kind,
                      len(rubric.leaves()), row.builtin)


def rubric_from_row(row: RubricRow) -> Rubric:
    return rubric_from_dict(json.loads(row.definition))


def list_rubrics(db: Database, all_versions: bool = False) -> list[RubricInfo]:
    with db.session() as s:
        rows = s.scalars(select(RubricRow).order_by(RubricRow.code, RubricRow.version)).all()
        if not all_versions:
            latest: dict[str, RubricRow] = {}
            for row in rows:
                latest[row.code] = row
            rows = list(latest.values())
        return [_info(r) for r in rows]


def _find_row(s: Any, code: str, version: int | None) -> RubricRow:
    query = select(RubricRow).where(RubricRow.code == code)
    if version is not None:
        query = query.where(RubricRow.version == version)
    row = s.scalars(query.order_by(RubricRow.version.desc())).first()
    if row is None:
        codes = "、".join(s.scalars(select(RubricRow.code).distinct()))
        what = f"{code} 第 {version} 版" if version else code
        raise InputError(f"没有考核细则 {what}；已有：{codes or '无'}")
    return row


def get_rubric(db: Database, code: str, version: int | None = None) -> Rubric:
    """The rubric by code (newest version unless one is named)."""
    with db.session() as s:
        return rubric_from_row(_find_row(s, code, version))


def export_rubric(db: Database, code: str, path: Path, version: int | None = None) -> Path:
    rubric = get_rubric(db, code, version)
    path.write_text(json.dumps(rubric_to_dict(rubric), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


# A rubric file is a few KB to a few hundred KB; these bounds keep a hostile one (nested
# 10,000 deep, a number of 4,000 digits, NaN) a message instead of a crash or a hang.
MAX_RUBRIC_BYTES = 4 * 1024 * 1024
MAX_JSON_DEPTH = 40
MAX_NUMBER_TEXT = 24


def _json_depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings (json.loads would recurse that far)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _number(text: str) -> int | float:
    """A JSON number, refused when it is absurdly long or not finite (1E+999 → inf)."""
    if len(text) > MAX_NUMBER_TEXT:
        raise ValueError(f"数字过长（{text[:MAX_NUMBER_TEXT]}…）")
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and (not math.isfinite(value) or (
            value == 0 and any(c in "123456789" for c in text.split("e")[0].split("E")[0]))):
        raise ValueError(f"数字超出范围（{text}）")  # 1E+999 → inf, 1E-999999 → 0.0
    return value


def _constant(text: str) -> None:
    raise ValueError(f"{text} 不是有效的数字")


def read_rubric_file(path: Path) -> Rubric:
    path = regular_file(path)
    name = path.name
    if path.stat().st_size > MAX_RUBRIC_BYTES:
        raise InputError(Problem(f"文件过大（超过 {MAX_RUBRIC_BYTES // (1024 * 1024)} MB），"
                                 "不像细则文件", file=name))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem("不是有效的 JSON 细则文件（不是 UTF-8 文本）", file=name)) from None
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise InputError(Problem(f"不是有效的细则文件：嵌套超过 {MAX_JSON_DEPTH} 层", file=name))
    try:
        raw = json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(f"不是有效的 JSON 细则文件（{exc.msg}，第 {exc.lineno} 行第 "
                                 f"{exc.colno} 列）", file=name, row=exc.lineno)) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(Problem(f"不是有效的 JSON 细则文件（{str(exc)[:80]}）", file=name)) from None
    if not isinstance(raw, dict):
        raise InputError(Problem("细则文件的顶层应是一个对象", file=name))
    return rubric_from_dict(raw, file=name)


def import_rubric(db: Database, path: Path) -> tuple[RubricInfo, bool]:
    """Store a rubric file as a new rubric or a new version of one.

    Returns (info, added). A file identical to the newest stored version adds nothing;
    otherwise the version becomes max(stored) + 1 unless the file names a higher one.
    """
    rubric = read_rubric_file(path)
    definition = rubric_to_dict(rubric)
    with db.session() as s:
        newest = s.scalars(select(RubricRow).where(RubricRow.code == rubric.code)
                           .order_by(RubricRow.version.desc())).first()
        if newest is not None:
            stored = json.loads(newest.definition)
            if {**stored, "version": 0} == {**definition, "version": 0}:
                return _info(newest), False
            top = s.scalar(select(func.max(RubricRow.version))
                           .where(RubricRow.code == rubric.code)) or 0
            version = max(rubric.version, top + 1)
            rubric = rubric_from_dict({**definition, "version": version})
        row = _row(rubric)
        s.add(row)
        s.flush()
        return _info(row), True


# ---------------------------------------------------------------------------- editing


def rubric_versions(db: Database, code: str) -> list[RubricInfo]:
    """Every stored version of a rubric, oldest first (empty for an unknown code)."""
    with db.session() as s:
        rows = s.scalars(select(RubricRow).where(RubricRow.code == code)
                         .order_by(RubricRow.version)).all()
        return [_info(r) for r in rows]


def _locked_versions(s: Any, code: str) -> set[int]:
    return set(s.scalars(
        select(RubricRow.version).join(Assessment, Assessment.rubric_id == RubricRow.id)
        .where(RubricRow.code == code, Assessment.state != str(State.DRAFT)).distinct()))


def locked_versions(db: Database, code: str) -> set[int]:
    """The versions used by an assessment that is no longer a draft."""
    with db.session() as s:
        return _locked_versions(s, code)


def rubric_is_locked(db: Database, code: str, version: int) -> bool:
    return version in locked_versions(db, code)


def rubric_definition(db: Database, code: str, version: int | None = None) -> dict[str, Any]:
    """The JSON form of a stored version (newest unless named), for the editor."""
    return rubric_to_dict(get_rubric(db, code, version))


def _locked_problem(code: str, version: int) -> InputError:
    return InputError(Problem(
        f"考核细则 {code} 第 {version} 版已被已提交的考核使用，只读；请先复制为新版本再修改",
        column="version", value=version))


def _newest(s: Any, code: str) -> RubricRow | None:
    return s.scalars(select(RubricRow).where(RubricRow.code == code)
                     .order_by(RubricRow.version.desc())).first()


def save_rubric(db: Database, raw: dict[str, Any]) -> RubricInfo:
    """Validate an edited rubric and store it as a new version (newest + 1).

    `raw["version"]` names the version the edit started from; when that version is
    locked the save is refused. A definition identical to the newest version adds
    nothing and returns that version.
    """
    rubric = rubric_from_dict(raw)  # InputError with every problem
    with db.session() as s:
        if rubric.version in _locked_versions(s, rubric.code):
            raise _locked_problem(rubric.code, rubric.version)
        newest = _newest(s, rubric.code)
        definition = rubric_to_dict(rubric)
        if newest is not None and {**json.loads(newest.definition), "version": 0} == {
                **definition, "version": 0}:
            return _info(newest)
        version = newest.version + 1 if newest is not None else 1
        row = _row(rubric_from_dict({**definition, "version": version}))
        s.add(row)
        s.flush()
        return _info(row)


def copy_as_new_version(db: Database, code: str, version: int | None = None) -> RubricInfo:
    """Store a copy of a version (newest unless named) as version newest + 1, editable."""
    with db.session() as s:
        source = rubric_from_row(_find_row(s, code, version))
        newest = _newest(s, code)
        assert newest is not None
        row = _row(rubric_from_dict({**rubric_to_dict(source), "version": newest.version + 1}))
        s.add(row)
        s.flush()
        return _info(row)


def copy_rubric(db: Database, code: str, new_code: str, new_name: str,
                version: int | None = None) -> RubricInfo:
    """A new rubric (version 1) with another code and name, copied from a stored version."""
    new_code, new_name = new_code.strip(), new_name.strip()
    problems: list[Problem] = []
    if not new_code:
        problems.append(Problem("新细则的编号不能为空", column="编号"))
    elif len(new_code) > CODE_MAX or any(ch.isspace() for ch in new_code):
        problems.append(Problem(f"编号不能含空格，最长 {CODE_MAX} 个字符", column="编号",
                                value=new_code))
    if not new_name:
        problems.append(Problem("新细则的名称不能为空", column="名称"))
    elif len(new_name) > NAME_MAX:
        problems.append(Problem(f"名称最长 {NAME_MAX} 个字符", column="名称", value=new_name))
    with db.session() as s:
        if new_code and s.scalar(select(RubricRow.id).where(RubricRow.code == new_code).limit(1)):
            problems.append(Problem("已有这个编号的考核细则", column="编号", value=new_code))
        if problems:
            raise InputError(problems)
        source = rubric_to_dict(rubric_from_row(_find_row(s, code, version)))
        rubric = rubric_from_dict({**source, "code": new_code, "name": new_name, "version": 1})
        row = _row(rubric)
        s.add(row)
        s.flush()
        return _info(row)
