"""What the audit record costs: a score write with and without its audit row, and
`audit verify` over 1,000,000 rows.

    python bench/audit_bench.py [rows]

1. Score writes: `scores.set_score` on a database opened without the guard (no checks, no
   record) and with it (permission check + one chained audit row), 300 each, alternating
   values so each writes; the difference per write is the record's cost (goal < 2 ms).
2. Verify: 1,000,000 chained rows (score updates over 10,000 scores, generated directly
   with the real hash function) then `audit.verify`; goal < 10 s. The floor, measured in
   the same run, is reading the same rows and hashing the same bytes in a plain loop
   (sqlite3 + hashlib, nothing else): the ratio says what verifying adds beyond it.
Peak memory is the process's maximum resident size.
"""

from __future__ import annotations

import hashlib
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from kaohe_desktop.domain.audit_chain import GENESIS_PREV, canonical_json, row_hash
from kaohe_desktop.services import audit, roster, scores
from kaohe_desktop.services.assessments import GroupSpec, create_assessment
from kaohe_desktop.services.database import open_db
from kaohe_desktop.store.db import open_database


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def score_writes(folder: Path, n: int = 400) -> tuple[float, float]:
    from kaohe_desktop.domain.periods import parse_period

    db = open_db(folder / "w.db")
    for i in range(1, 3):
        roster.add_unit(db, f"第{i}站", code=f"U{i}", area="城关街道")
    a = create_assessment(db, "CY2019", parse_period("2024"), subjects="units",
                          groups=[GroupSpec("第一组", "上级")]).id
    db.close()

    plain_db, guarded_db = open_database(folder / "w.db"), open_db(folder / "w.db")
    for d in (plain_db, guarded_db):
        scores.set_score(d, a, "U1", "1.1", 10, assessor="甲")  # warm up

    def run(d: object, count: int) -> float:
        t = time.perf_counter()
        for i in range(count):
            scores.set_score(d, a, "U1", "1.1", 11 + i % 2, assessor="甲")
        return (time.perf_counter() - t) / count * 1000

    # interleaved rounds, the fastest of each: other work on the machine only adds time
    rounds = [(run(plain_db, n // 10), run(guarded_db, n // 10)) for _ in range(10)]
    plain_db.close()
    guarded_db.close()
    return min(p for p, _ in rounds), min(g for _, g in rounds)


def generate(path: Path, rows: int) -> None:
    """`rows` chained score updates (the genesis row first), inserted with sqlite3."""
    db = open_database(path)  # the schema and its genesis row
    db.close()
    con = sqlite3.connect(path)
    prev = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    at = "2025-01-02T10:00:00"
    batch = []
    for i in range(rows - 1):
        key = f"{i % 10000 + 1}/1/1.1"
        before = canonical_json({"value": str(i % 20)})
        after = canonical_json({"value": str((i + 1) % 20)})
        h = row_hash(prev, at, "li", "update", "score", key, "1", str(i % 10000 + 1), before,
                     after, "")
        batch.append((at, "li", "update", "score", key, "1", str(i % 10000 + 1), before, after,
                      "", prev, h))
        prev = h
        if len(batch) == 50_000:
            con.executemany("INSERT INTO audit (at, actor, action, table_name, key, assessment_id,"
                            " subject_id, before, after, reason, prev_hash, hash) VALUES "
                            "(?,?,?,?,?,?,?,?,?,?,?,?)", batch)
            batch.clear()
    if batch:
        con.executemany("INSERT INTO audit (at, actor, action, table_name, key, assessment_id,"
                        " subject_id, before, after, reason, prev_hash, hash) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    con.commit()
    con.close()


def floor(path: Path) -> float:
    """Read every row and hash the same bytes, nothing else."""
    con = sqlite3.connect(path)
    t = time.perf_counter()
    prev = GENESIS_PREV
    for row in con.execute("SELECT at, actor, action, table_name, key, assessment_id, subject_id,"
                           " before, after, reason, hash FROM audit ORDER BY id"):
        hashlib.sha256((prev + "".join(row[:10])).encode()).hexdigest()
        prev = row[10]
    con.close()
    return time.perf_counter() - t


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain, guarded = score_writes(folder)
        print(f"score write: {plain:.2f} ms without the record, {guarded:.2f} ms with it "
              f"(+{guarded - plain:.2f} ms; goal < 2 ms)")
        t = time.perf_counter()
        generate(folder / "v.db", rows)
        print(f"generated {rows:,} chained rows in {time.perf_counter() - t:.1f} s")
        base = floor(folder / "v.db")
        db = open_database(folder / "v.db")
        t = time.perf_counter()
        report = audit.verify(db, check_seals=False)
        took = time.perf_counter() - t
        db.close()
        assert report.rows == rows, report.rows
        print(f"audit verify: {took:.2f} s for {report.rows:,} rows (goal < 10 s), "
              f"{'whole' if report.ok else report.problems[:1]}; floor (read + hash the same "
              f"bytes) {base:.2f} s, ratio {took / base:.1f}×; peak memory {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
