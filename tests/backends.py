"""The database the tests run on: a SQLite file per test (default), or — when the
environment variable KAOHE_TEST_DATABASE_URL names a PostgreSQL server (an account allowed
to create databases, e.g. `postgresql://postgres@/postgres?host=/tmp/pg`) — a fresh
PostgreSQL database per test, copied (CREATE DATABASE … TEMPLATE) from one migrated once
per session. `.ci/run` runs the store, services and CLI tests a second time that way.

Imported by tests/conftest.py and the CLI fixtures (`from backends import …`).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

SERVER_ENV = "KAOHE_TEST_DATABASE_URL"


def server_admin_url() -> str:
    """The PostgreSQL URL the tests run against ("" for SQLite)."""
    return os.environ.get(SERVER_ENV, "")


ON_SERVER = bool(server_admin_url())


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """Mark a test that holds only for a SQLite file (pages, WAL, file copies)."""
    return pytest.mark.skipif(ON_SERVER, reason=f"只适用于 SQLite 文件：{reason}")


class Server:
    """Creates and drops the tests' databases on the server."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from kaohe_desktop.store.db import server_url

        self.base = make_url(server_url(admin_url))
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        self.prefix = f"kaohe_t{os.getpid()}"
        self.counter = itertools.count(1)
        self.templates: dict[str, str] = {}

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _exec(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, template: str | None = None) -> str:
        """A new empty (or copied from `template`) database; returns its URL."""
        name = f"{self.prefix}_{next(self.counter)}"
        self._exec(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def copy(self, source_url: str, target_url: str) -> None:
        """Make the database at `target_url` a copy of the one at `source_url` (which
        nobody may be connected to)."""
        target = _name(target_url)
        self._exec(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        self._exec(f'CREATE DATABASE "{target}" TEMPLATE "{_name(source_url)}"')

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self._exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def migrated(self) -> str:
        """The name of a database migrated to the head with the built-in rubrics (made once)."""
        if "migrated" not in self.templates:
            from kaohe_desktop.services.database import open_db

            url = self.create()
            open_db(url).close()
            self.templates["migrated"] = _name(url)
        return self.templates["migrated"]

    def fresh(self) -> str:
        """A migrated database of its own for one test."""
        return self.create(self.migrated())

    def close(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                 {"p": self.prefix + "\\_%"}).scalars().all()
        for name in names:
            self._exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def _name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


class ServerDb:
    """Stands where the CLI tests use a database file path: `str()` is the server URL
    (passed as `--db`), `.parent` the test's folder for the files beside it."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.parent = folder
        self.name = "kaohe"

    def __str__(self) -> str:
        return self.url

    def __fspath__(self) -> str:  # nothing may open a server database as a file
        raise TypeError("a PostgreSQL database is not a file")

    def exists(self) -> bool:
        return True


def table_rows(target: Any) -> dict[str, list[tuple]]:
    """Every row of every table of the program's database, by table name (sorted rows)."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.pool import NullPool

    from kaohe_desktop.store.db import server_url

    if hasattr(target, "engine"):  # an open Database
        url = target.engine.url.render_as_string(hide_password=False)
    else:
        url = str(target) if isinstance(target, ServerDb) or "://" in str(target) else f"sqlite:///{target}"
    engine = create_engine(server_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {t: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                    for t in tables}
    finally:
        engine.dispose()


def raw_connect(target: Any) -> Any:
    """A plain DB-API connection of its own to the test's database, as another program
    (the stdlib sqlite3 module, or psycopg) would open it: its writes pass no check of
    the program's. `target` is a Database, a file path or a server URL. Placeholders:
    use `param()` ("?" on SQLite, "%s" on PostgreSQL)."""
    import sqlite3

    from kaohe_desktop.store.db import is_server_url

    path = getattr(target, "path", None) if hasattr(target, "engine") else target
    url = str(target.engine.url.render_as_string(hide_password=False)) if path is None else str(path)
    if path is not None and not is_server_url(str(path)) and not isinstance(path, ServerDb):
        return sqlite3.connect(path)
    import psycopg
    from sqlalchemy.engine import make_url

    return psycopg.connect(make_url(str(url)).set(drivername="postgresql")
                           .render_as_string(hide_password=False))


def param() -> str:
    """The DB-API placeholder of the backend the tests run on."""
    return "%s" if ON_SERVER else "?"


def where(db: Any) -> Any:
    """What `--db`/open_db takes for this open Database: its file, or its server URL."""
    return db.path if db.path is not None else db.engine.url.render_as_string(hide_password=False)
