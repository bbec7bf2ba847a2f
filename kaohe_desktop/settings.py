"""Where things live. Each setting is declared once, with its default."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kaohe_desktop"
DB_ENV = "KAOHE_DB"  # a path or SQLAlchemy URL that overrides the default database
DATA_ENV = "KAOHE_DATA_DIR"  # overrides the data folder (server backups and attachments live there)


def data_dir() -> Path:
    if folder := os.environ.get(DATA_ENV):
        return Path(folder)
    # platformdirs imported here: it costs start-up 5–15 ms before the window shows
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> str:
    return os.environ.get(DB_ENV) or str(data_dir() / "kaohe.db")


SERVER_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(target: object) -> bool:
    """True for a PostgreSQL URL (the township's LAN server), False for a SQLite file or
    URL. Here, not in store/, so the start-up glance can tell without importing SQLAlchemy."""
    return str(target).startswith(SERVER_SCHEMES)
