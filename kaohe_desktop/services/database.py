"""Opening the program's database for a use-case session."""

from __future__ import annotations

from pathlib import Path

from kaohe_desktop.store.db import Database, MigrationFailed, open_database

from .rubrics import ensure_builtin_rubrics

__all__ = ["Database", "MigrationFailed", "open_db"]


def open_db(target: str | Path) -> Database:
    """Open or create the database (migrating and backing up as needed) with the
    built-in rubrics present."""
    db = open_database(target)
    ensure_builtin_rubrics(db)
    return db
