"""Every older schema revision, holding data, upgrades to the head on PostgreSQL (CI's
second pass; skipped on SQLite, where tests/store/test_upgrade.py does the same with file
backups): the Alembic scripts 0001… run on the server and keep every score."""

from __future__ import annotations

import pytest
from backends import ON_SERVER
from sqlalchemy import Boolean, MetaData, text
from test_upgrade import INSTANT_REQUESTS, MONTHS_0015, ROWS, SCORE_QUERY, digest_0015, older_revisions

from kaohe_desktop.services import roster, service_stats
from kaohe_desktop.services.database import open_db
from kaohe_desktop.store import db as db_module
from kaohe_desktop.store.db import SCHEMA_HEAD, current_revision, make_engine, open_database
from kaohe_desktop.store.dump import _reset_sequences

pytestmark = pytest.mark.skipif(not ON_SERVER, reason="需要 PostgreSQL 服务器（KAOHE_TEST_DATABASE_URL）")


def _old_server_database(url: str, revision: str) -> set[tuple]:
    engine = make_engine(url)
    try:
        db_module.upgrade(engine, revision)
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            for table, rows in ROWS.items():
                t = meta.tables[table]
                for row in rows:
                    conn.execute(t.insert().values({
                        c: (bool(v) if isinstance(t.c[c].type, Boolean) else v)
                        for c, v in row.items() if c in t.c}))
            _reset_sequences(conn, list(meta.sorted_tables))  # as the older program's inserts left them
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == revision
            return {tuple(r) for r in conn.execute(text(SCORE_QUERY))}
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", older_revisions())
def test_an_older_server_database_is_migrated_and_keeps_every_score(pg_server, revision: str):
    url = pg_server.create()
    scores = _old_server_database(url, revision)
    assert len(scores) == 30
    db = open_database(url)
    try:
        assert current_revision(db.engine) == SCHEMA_HEAD
        with db.engine.connect() as conn:
            assert {tuple(r) for r in conn.execute(text(SCORE_QUERY))} == scores
    finally:
        db.close()
    program = open_db(url)  # the program goes on writing: ids continue after the old rows
    try:
        roster.add_unit(program, "新建站", code="FR09", area="芙蓉 街道")
        assert [u.code for u in roster.list_units(program)][-1] == "FR09"
    finally:
        program.close()


def test_0016_on_the_server_adds_the_即办件_minutes_and_the_counts_are_rebuilt_once(pg_server):
    url = pg_server.create()
    _old_server_database(url, "0015_service_metrics")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn, only=["service_request", "service_month", "service_month_state"])
            req, month = meta.tables["service_request"], meta.tables["service_month"]
            conn.execute(req.insert(), [{**r, "instant": True, "accepted": True} for r in INSTANT_REQUESTS])
            conn.execute(month.insert(), MONTHS_0015)
            conn.execute(meta.tables["service_month_state"].insert().values(id=1, digest=digest_0015()))
    finally:
        engine.dispose()
    open_database(url).close()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(
                "SELECT kind, requests, instant_minutes, instant_n FROM service_month ORDER BY kind"))] == [
                ("person", 2, 0, 0), ("unit", 2, 0, 0)]
    finally:
        engine.dispose()
    db = open_db(url)
    try:
        (m,) = [m for m in service_stats.measures(db, "2024-06") if m.code == "P001"]
        assert (m.tally.instant_minutes, m.tally.instant_n, m.avg_hours) == (180, 2, 1.5)
    finally:
        db.close()
