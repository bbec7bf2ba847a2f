"""Shared test setup. Qt runs offscreen; every test gets its own SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture
def db(tmp_path: Path):
    from kaohe_desktop.services.database import open_db

    database = open_db(tmp_path / "kaohe.db")
    yield database
    database.close()
