"""What synchronous=FULL costs a score save (issue 14 item 11).

The program runs SQLite in WAL mode with synchronous=FULL: every commit syncs the WAL to
disk, so a power cut keeps each save that returned (NORMAL may drop the last ones). This
saves --saves scores one by one through `services.scores.set_score` (one transaction
each, as the score form does on every keystroke-commit) on the demo database, first
with the program's FULL, then with NORMAL on a copy of the same file, interleaved in
--rounds, and prints the median time per save, the peak memory (tracemalloc, the Python
objects of the saves) and the ratio FULL / NORMAL measured in the same run.

    python bench/durability_bench.py [--saves 200] [--rounds 3] [--dir FOLDER]

--dir puts the databases on the disk you want to measure (a USB drive, a network
folder); the default is the temporary folder, which may be a RAM disk (then both modes
cost the same).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import event

from kaohe_desktop.services import scores
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.demo import load_demo

ASSESSMENT, ASSESSOR = 1, "黄刚杰"  # the demo's annual unit assessment, one of its assessors
SUBJECT, ITEMS = "FR07", ("1.1", "1.2.1", "1.2.2", "1.2.3")


def saves(path: Path, n: int, synchronous: str) -> tuple[float, float, str]:
    """(median seconds per save, tracemalloc peak MB, the synchronous mode in force)."""
    db = open_db(path)
    if synchronous != "FULL":  # after the program's own pragmas on each new connection
        event.listen(db.engine, "connect",
                     lambda conn, _rec: conn.execute(f"PRAGMA synchronous={synchronous}"))
        db.engine.dispose()
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    mode = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[found]

    def save(k: int) -> None:
        value = f"{1 + (k % 10) / 10:.1f}" if k % 4 else f"{15 + k % 5}"
        scores.set_score(db, ASSESSMENT, SUBJECT, ITEMS[k % 4], value, assessor=ASSESSOR)

    times = []
    for k in range(n):
        start = time.perf_counter()
        save(k)
        times.append(time.perf_counter() - start)
    tracemalloc.start()  # a separate few saves: tracemalloc slows Python several times
    for k in range(20):
        save(k)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    db.close()
    return statistics.median(times), peak, mode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--saves", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        seed = Path(tmp) / "seed.db"
        db = open_db(seed)
        load_demo(db)
        db.close()
        results: dict[str, list[tuple[float, float, str]]] = {"FULL": [], "NORMAL": []}
        for r in range(args.rounds):  # interleaved: machine noise hits both modes
            for mode in ("FULL", "NORMAL"):
                copy = Path(tmp) / f"{mode}-{r}.db"
                shutil.copyfile(seed, copy)
                results[mode].append(saves(copy, args.saves, mode))
    med = {m: statistics.median(t for t, _, _ in rs) for m, rs in results.items()}
    for mode, rs in results.items():
        assert all(found == mode for _, _, found in rs), rs
        print(f"synchronous={mode:<6}  median per score save {med[mode] * 1000:7.2f} ms  "
              f"(rounds: {', '.join(f'{t * 1000:.2f}' for t, _, _ in rs)} ms; "
              f"peak Python memory {max(p for _, p, _ in rs):.1f} MB)")
    print(f"ratio FULL / NORMAL: {med['FULL'] / med['NORMAL']:.2f}×  "
          f"({args.saves} saves × {args.rounds} rounds, each a separate transaction)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
