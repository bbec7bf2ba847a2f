"""Data-package merge bench (issue 18 §2): 50 village databases (each 20 staff, 12 monthly
VILLAGE-ATT assessments, a year of clock punches) export 50 packages, which are merged
into one township database (target < 20 s) and merged again (adds nothing, < 10 s).

The floor, measured in the same process: for every package, the bare `json.loads` of its
records plus one `executemany` insert of the same score and punch rows into plain
SQLite tables — what any merge has to pay at least. Peak memory is the merging process's
own (the merge runs in a child process, apart from the generation).

Run by hand from the repository root:
`PYTHONPATH=. python bench/package_merge_bench.py [--villages 50] [--staff 20]`.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import insert

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.domain.workcalendar import is_workday
from kaohe_desktop.services import roster
from kaohe_desktop.services.assessment_lookup import load_assessment, subjects_by_code
from kaohe_desktop.services.assessments import GroupSpec, create_assessment
from kaohe_desktop.services.database import open_db
from kaohe_desktop.services.office_settings import save_office_settings
from kaohe_desktop.services.package_export import export_package
from kaohe_desktop.services.scores import ensure_assessor
from kaohe_desktop.store.models import ImportLog, Punch, Score, Staff

YEAR = 2024
TARGET_MERGE, TARGET_AGAIN = 20.0, 10.0


def rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image (a child
    started by exec does not inherit its parent's peak, as ru_maxrss does on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_village(folder: Path, n: int, staff: int) -> Path:
    """One village PC's database, made with the services (bulk rows as the demo makes them)."""
    rng = random.Random(n)
    db = open_db(folder / f"village{n:02d}.db")
    save_office_settings(db, {"issuer": f"第{n:02d}村便民服务室"})
    code = f"C{n:02d}"
    roster.add_unit(db, f"第{n:02d}村便民服务室", code=code, area="城关镇", kind="村便民服务室")
    for k in range(staff):
        roster.add_staff(db, f"村{n:02d}员{k:02d}", code, code=f"{code}-{k:02d}", post="代办员",
                         attendance_no=f"{n:02d}{k:02d}")
    days = [date(YEAR, 1, 1) + timedelta(days=d) for d in range(366)]
    with db.session() as s:
        ids = [p.id for p in s.query(Staff).order_by(Staff.id)]
        rows = []
        for sid in ids:
            for day in (d for d in days if is_workday(d)):
                start = datetime.combine(day, clock(8, 40)) + timedelta(minutes=rng.randint(0, 25))
                rows.append({"staff_id": sid, "at": start})
                rows.append({"staff_id": sid, "at": start + timedelta(hours=9, minutes=rng.randint(0, 30))})
        log = ImportLog(file_name="考勤机", sha256="0" * 64, format="bench", rows=len(rows), added=len(rows))
        s.add(log)
        s.flush()
        s.execute(insert(Punch), [{**r, "import_id": log.id} for r in rows])
    for month in range(1, 13):
        info = create_assessment(db, "VILLAGE-ATT", parse_period(f"{YEAR}-{month:02d}"), subjects="staff",
                                 groups=[GroupSpec("村委评分", "上级")])
        with db.session() as s:
            a = load_assessment(s, info.id)
            who = ensure_assessor(s, a, "村主任", group="村委评分")
            subjects = subjects_by_code(s, info.id)
            s.execute(insert(Score), [
                {"assessment_id": info.id, "subject_id": subj.id, "assessor_id": who.id,
                 "item_code": item, "value": rng.randint(6, 10), "remark": ""}
                for subj in subjects.values() for item in ("2", "3", "4")])
    out = folder / "usb"
    out.mkdir(exist_ok=True)
    path = export_package(db, out, year=YEAR).path
    db.close()
    return path


def floor(packages: list[Path], folder: Path) -> tuple[float, float]:
    """Bare JSON load + executemany of the same score and punch rows (plain sqlite3)."""
    conn = sqlite3.connect(folder / "floor.db")
    conn.execute("CREATE TABLE score (a TEXT, subject TEXT, seat TEXT, item TEXT, value TEXT, "
                 "PRIMARY KEY (a, subject, seat, item)) WITHOUT ROWID")
    conn.execute("CREATE TABLE punch (staff TEXT, at TEXT, PRIMARY KEY (staff, at)) WITHOUT ROWID")
    t, c = time.perf_counter(), time.process_time()
    for path in packages:
        with zipfile.ZipFile(path) as zf:
            records = {n: json.loads(zf.read(n)) for n in zf.namelist() if n.startswith("records/")}
        with conn:
            conn.executemany("INSERT INTO score VALUES (?, ?, ?, ?, ?)",
                             [(r[0], r[1], r[3], r[4], r[5]) for r in records["records/scores.json"]])
            conn.executemany("INSERT INTO punch VALUES (?, ?)", records["records/punches.json"])
    spent = time.perf_counter() - t, time.process_time() - c
    conn.close()
    return spent


def merge_phase(folder: Path) -> None:
    """In the child process: floor, merge all, merge all again; prints one JSON line."""
    from kaohe_desktop.services.audit import verify
    from kaohe_desktop.services.package_import import import_package

    packages = sorted((folder / "usb").glob("*.kaohe"))
    town = open_db(folder / "town.db")
    save_office_settings(town, {"issuer": "城关镇便民服务中心"})
    base = rss_mb()  # the program loaded, the database open: before the floor and the merge
    floor_s, floor_cpu = floor(packages, folder)
    t, c = time.perf_counter(), time.process_time()
    first = [import_package(town, p).totals() for p in packages]
    merge_s, merge_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    again = [import_package(town, p).totals() for p in packages]
    again_s, again_cpu = time.perf_counter() - t, time.process_time() - c
    peak = rss_mb()
    ok = verify(town, check_seals=False).ok
    print(json.dumps({"packages": len(packages), "floor_s": floor_s, "floor_cpu": floor_cpu,
                      "merge_s": merge_s, "again_s": again_s, "merge_cpu": merge_cpu,
                      "again_cpu": again_cpu, "rss_base_mb": base, "rss_peak_mb": peak,
                      "new": sum(x["new"] for x in first),
                      "again_new": sum(x["new"] + x["updated"] + x["conflicts"] for x in again),
                      "audit_ok": ok,
                      "db_mb": (folder / "town.db").stat().st_size / 1e6}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--villages", type=int, default=50)
    ap.add_argument("--staff", type=int, default=20)
    ap.add_argument("--merge", help=argparse.SUPPRESS)  # the child process's folder
    args = ap.parse_args()
    if args.merge:
        merge_phase(Path(args.merge))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        sizes = []
        for n in range(1, args.villages + 1):
            sizes.append(make_village(folder, n, args.staff).stat().st_size)
        print(f"made and exported {args.villages} villages in {time.perf_counter() - t:.1f} s "
              f"(packages {sum(sizes) / len(sizes) / 1024:.0f} KB each)")
        child = subprocess.run([sys.executable, __file__, "--merge", str(folder)],
                               capture_output=True, text=True, check=False)
        if child.returncode:
            print(child.stderr)
            return 1
        r = json.loads(child.stdout.strip().splitlines()[-1])
    ratio = r["merge_s"] / r["floor_s"]
    print(f"floor (json.loads + executemany of the same scores and punches): {r['floor_s']:.2f} s "
          f"(CPU {r['floor_cpu']:.2f} s)")
    print(f"merge {r['packages']} packages: {r['merge_s']:.2f} s ({ratio:.1f}× floor), "
          f"CPU {r['merge_cpu']:.2f} s ({r['merge_cpu'] / r['floor_cpu']:.1f}× floor CPU), "
          f"{r['new']:,} records new; target < {TARGET_MERGE:.0f} s: "
          f"{'PASS' if r['merge_s'] < TARGET_MERGE else 'FAIL'}")
    print(f"merge the same {r['packages']} again: {r['again_s']:.2f} s "
          f"({r['again_s'] / r['floor_s']:.1f}× floor), CPU {r['again_cpu']:.2f} s, "
          f"{r['again_new']} added; target < "
          f"{TARGET_AGAIN:.0f} s and nothing added: "
          f"{'PASS' if r['again_s'] < TARGET_AGAIN and r['again_new'] == 0 else 'FAIL'}")
    print(f"peak memory of the merging process: {r['rss_peak_mb']:.0f} MB "
          f"(program loaded and database open: {r['rss_base_mb']:.0f} MB); township database "
          f"{r['db_mb']:.0f} MB; audit verify {'ok' if r['audit_ok'] else 'BROKEN'}")
    good = r["merge_s"] < TARGET_MERGE and r["again_s"] < TARGET_AGAIN and r["again_new"] == 0
    return 0 if good and r["audit_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
