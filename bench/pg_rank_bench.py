"""Ranking on PostgreSQL against the same ranking on SQLite, in the same run (issue 18:
"ranking on PostgreSQL within 2× the same ranking on SQLite").

Builds the same assessment twice — a SQLite file and a fresh database on the PostgreSQL
server named by --pg (an account allowed to CREATE DATABASE; default: the environment's
KAOHE_TEST_DATABASE_URL) — with N units (default 1,000), a CY2019 year assessment of them,
M assessors (default 5) who scored every leaf, and about 0.3·N bonus/deduction events.
Then `rank_assessment` is timed on each, interleaved (median of --runs after a warm-up),
the results are checked equal, and the ratio PostgreSQL ÷ SQLite printed with the heap
peak of one ranking on each and the process's peak RSS. Setup is not timed; the server
database is dropped at the end.

    python bench/pg_rank_bench.py --pg postgresql://postgres@/postgres?host=/tmp/pg
                                  [--units 1000] [--assessors 5] [--runs 5] [--seed 2019]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services.assessments import GroupSpec, create_assessment
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.ranking import rank_assessment
from kaohe_desktop.services.rubrics import builtin_rubric
from kaohe_desktop.services.scores import add_assessor, add_event
from kaohe_desktop.store.db import server_url
from kaohe_desktop.store.models import Area, Assessor, Score, Unit

RUBRIC, GROUP, ROLE = "CY2019", "评审组", "上级"
RATIO_TARGET = 2.0


def build(db, units: int, assessors: int, events: int, seed: int) -> int:
    """The same data on either database (same seed); returns the assessment id."""
    rng = random.Random(seed)
    with db.session() as s:
        areas = [Area(name=f"第{i + 1}街道", kind="街道") for i in range(10)]
        s.add_all(areas)
        s.flush()
        s.connection().execute(insert(Unit.__table__), [
            {"code": f"U{i:04d}", "name": f"第{i}社区便民服务站", "area_id": areas[i % 10].id,
             "kind": "社区便民服务站", "phone": "", "address": "", "active": True}
            for i in range(1, units + 1)])
    info = create_assessment(db, RUBRIC, parse_period("2024"), subjects="units",
                             groups=[GroupSpec(GROUP, ROLE)])
    for k in range(assessors):
        add_assessor(db, info.id, f"评分人{k + 1}", group=GROUP)
    leaves = builtin_rubric(RUBRIC).leaves()
    with db.session() as s:
        people = [a.id for a in s.query(Assessor).filter_by(assessment_id=info.id).order_by(Assessor.id)]
        rows = []
        for subject in info.subjects:
            for who in people:
                for item in leaves:
                    steps = int(item.max / item.step)
                    rows.append({"assessment_id": info.id, "subject_id": subject.id, "assessor_id": who,
                                 "item_code": item.code, "remark": "",
                                 "value": Decimal(rng.randint(0, steps)) * item.step})
        # Core insert: setup only (the audit record of 175,000 rows is not what is measured)
        for i in range(0, len(rows), 20_000):
            s.connection().execute(insert(Score.__table__), rows[i:i + 20_000])
    codes = [x.code for x in info.subjects]
    for _ in range(events):
        code = rng.choice(codes)
        if rng.random() < 0.6:
            add_event(db, info.id, code, rng.choice(("B1", "B2")), rng.randint(1, 5),
                      matter=f"事项{rng.randint(1, 30)}")
        else:
            add_event(db, info.id, code, "D1", rng.choice((1, 3, 5)), note="台账缺失")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:  # as a server's autovacuum would have by now
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return info.id


def heap_peak(db, aid: int) -> int:
    tracemalloc.start()
    rank_assessment(db, aid)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pg", default=os.environ.get("KAOHE_TEST_DATABASE_URL", ""),
                        help="PostgreSQL URL of an account allowed to create databases")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--assessors", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    if not args.pg:
        print("需要 --pg postgresql://…（或环境变量 KAOHE_TEST_DATABASE_URL）", file=sys.stderr)
        return 2
    events = max(args.units * 3 // 10, 1)
    base = make_url(server_url(args.pg))
    name = f"kaohe_bench_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="pg-rank-bench-") as tmp:
            dbs = {"SQLite": open_db(Path(tmp) / "bench.db"),
                   "PostgreSQL": open_db(base.set(database=name).render_as_string(hide_password=False))}
            ids = {}
            for label, db in dbs.items():
                t0 = time.perf_counter()
                ids[label] = build(db, args.units, args.assessors, events, args.seed)
                print(f"setup {label}: {args.units} units × {args.assessors} assessors × "
                      f"{len(builtin_rubric(RUBRIC).leaves())} leaves, {events} events in "
                      f"{time.perf_counter() - t0:.1f} s (not timed)", flush=True)
            results = {label: rank_assessment(db, ids[label]) for label, db in dbs.items()}  # warm-up
            runs: dict[str, list[float]] = {label: [] for label in dbs}
            for _ in range(args.runs):  # interleaved: machine noise falls on both alike
                for label, db in dbs.items():
                    t = time.perf_counter()
                    results[label] = rank_assessment(db, ids[label])
                    runs[label].append(time.perf_counter() - t)
            same = [(r.subject_code, r.total, r.rank, r.grade) for r in results["SQLite"]] == \
                   [(r.subject_code, r.total, r.rank, r.grade) for r in results["PostgreSQL"]]
            medians = {label: statistics.median(ts) for label, ts in runs.items()}
            peaks = {label: heap_peak(db, ids[label]) for label, db in dbs.items()}
            for db in dbs.values():
                db.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    ratio = medians["PostgreSQL"] / medians["SQLite"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nrank_assessment, {args.units} units, median of {args.runs}:")
    for label in ("SQLite", "PostgreSQL"):
        print(f"  {label:<11} {medians[label]:.3f} s   heap peak {peaks[label] / 2**20:.1f} MB   "
              f"runs {', '.join(f'{t:.3f}' for t in runs[label])}")
    print(f"  same results on both: {same}")
    print(f"  ratio PostgreSQL / SQLite: {ratio:.2f}× (target ≤ {RATIO_TARGET:.0f}×) "
          f"{'PASS' if ratio <= RATIO_TARGET and same else 'FAIL'}")
    print(f"  peak RSS {rss_mb:.0f} MB")
    return 0 if ratio <= RATIO_TARGET and same else 1


if __name__ == "__main__":
    sys.exit(main())
