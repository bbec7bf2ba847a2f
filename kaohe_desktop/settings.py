"""Where things live. Each setting is declared once, with its default."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kaohe_desktop"
DB_ENV = "KAOHE_DB"  # a path or SQLAlchemy URL that overrides the default database


def data_dir() -> Path:
    # platformdirs imported here: it costs start-up 5–15 ms before the window shows
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> str:
    return os.environ.get(DB_ENV) or str(data_dir() / "kaohe.db")
