"""Rubrics: the built-in four, listing, showing, exporting and importing versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kaohe_desktop.domain.errors import InputError, Problem
from kaohe_desktop.domain.rubric import Rubric, rubric_from_dict, rubric_to_dict
from kaohe_desktop.resources import resource
from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import RubricRow

from .results import RubricInfo

BUILTIN_CODES = ("CY2019", "FRNL", "VILLAGE-ATT", "WINDOW-STAFF")


def builtin_rubric(code: str) -> Rubric:
    text = resource("rubrics", f"{code}.json").read_text(encoding="utf-8")
    return rubric_from_dict(json.loads(text), file=f"{code}.json")


def ensure_builtin_rubrics(db: Database) -> None:
    """Add any built-in rubric the database does not have yet (first open)."""
    with db.session() as s:
        present = set(s.scalars(select(RubricRow.code)))
        for code in BUILTIN_CODES:
            if code not in present:
                s.add(_row(builtin_rubric(code), builtin=True))


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


def read_rubric_file(path: Path) -> Rubric:
    name = path.name
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(Problem("文件不存在", file=str(path))) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(Problem(f"不是有效的 JSON 细则文件（{exc}）", file=name, row=line)) from None
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
