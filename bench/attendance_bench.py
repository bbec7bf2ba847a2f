"""Attendance import at township-year scale: 300 staff × 2 punches × 250 workdays =
150,000 rows in a ZKTeco-style 考勤记录 workbook (.xlsx, written with openpyxl write-only;
date-times as text with every 7th a real Excel date-time, as the clock software exports).

Measures, interleaved over --runs (machine noise hits all alike), wall and CPU time:
- the floor: a bare python-calamine read of the same file's cells (open + to_python);
- `read_attendance(path)` as the import calls it (preview_import: the cyclic garbage
  collector paused, services/gc_pause) — the target — and, for reference, called bare;
- the whole import into a database: preview_import + commit_import into a fresh copy of a
  database with the 300 staff and 12 open monthly VILLAGE-ATT assessments, so the derived
  points (3,600 score rows) are computed and written in the import's one transaction;
- peak memory of one import in a fresh interpreter: its peak resident size (VmHWM, else
  ru_maxrss), the same for a bare calamine read, and the tracemalloc peak of the import's
  Python objects.

    python bench/attendance_bench.py [--staff 300] [--days 250] [--runs 5] [--keep FILE]

Every ratio is median / median with the spread (min–max) of the runs. Targets (issue 14):
reading within 1.5× the floor (wall time, median); peak memory under 300 MB.
Exits 1 if a target fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from kaohe_desktop.io.attendance import read_attendance
from kaohe_desktop.services.gc_pause import gc_paused

HEADER = ["部门", "姓名", "登记号码", "日期时间", "机器号", "编号", "比对方式", "卡号"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def workdays(n: int, start: date = date(2023, 1, 2)) -> list[date]:
    out, day = [], start
    while len(out) < n:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def write_log(path: Path, staff: int, days: int) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(HEADER)
    people = [(f"第{p % 20 + 1}便民服务站", SURNAMES[p % 20] + GIVEN[p // 20 % 20] + GIVEN[p % 7],
               1000 + p) for p in range(staff)]
    n = 0
    for day in workdays(days):
        for p, (dept, name, pin) in enumerate(people):
            for hour, minute in ((8, 20 + (p * 7 + day.day) % 45), (17, 30 + (p * 11 + day.day) % 50)):
                at = datetime(day.year, day.month, day.day, hour + minute // 60, minute % 60, p % 60)
                value = at if n % 7 == 0 else at.strftime("%Y/%m/%d %H:%M:%S")
                ws.append([dept, name, pin, value, 1, "", 1, ""])
                n += 1
    wb.save(path)
    return n


def bare_read(path: Path) -> int:
    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)
    return len(rows)


def import_count(path: Path) -> int:
    return len(read_attendance(path).punches)


def import_count_paused(path: Path) -> int:
    with gc_paused():   # as services.attendance_import.preview_import calls it
        return len(read_attendance(path).punches)


def database_template(folder: Path, staff: int) -> Path:
    """A database with the file's staff (their 登记号码 as 考勤号) and one open VILLAGE-ATT
    assessment per month of 2023, so an import computes and writes their points."""
    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services import assessments, roster
    from kaohe_desktop.services.assessments import GroupSpec
    from kaohe_desktop.services.database import open_db

    path = folder / "template.db"
    db = open_db(path)
    for n in range(20):
        roster.add_unit(db, f"第{n + 1}便民服务站", code=f"U{n + 1:02d}", kind="村便民服务室")
    for p in range(staff):
        roster.add_staff(db, f"人员{p}", f"U{p % 20 + 1:02d}", code=f"S{p:04d}",
                         attendance_no=str(1000 + p))
    for month in range(1, 13):
        assessments.create_assessment(db, "VILLAGE-ATT", parse_period(f"2023-{month:02d}"),
                                      subjects="staff", groups=[GroupSpec("考核组", "上级")])
    db.close()
    return path


def fresh_copy(template: Path, folder: Path, n: int) -> Path:
    target = folder / f"run{n}.db"
    for suffix in ("", ".office-key.pem"):   # the database and its signing key, if any
        src = Path(str(template) + suffix)
        if src.exists():
            shutil.copyfile(src, str(target) + suffix)
    return target


def import_into(path: Path, db_path: Path) -> dict[str, float]:
    """preview_import + commit_import, timed apart (wall and CPU); the database is opened
    before the clock starts, as the window has it open."""
    from kaohe_desktop.services.attendance_import import commit_import, preview_import
    from kaohe_desktop.services.database import open_db

    db = open_db(db_path)
    t0, c0 = time.perf_counter(), time.process_time()
    preview = preview_import(db, path)
    t1, c1 = time.perf_counter(), time.process_time()
    result = commit_import(db, preview)
    t2, c2 = time.perf_counter(), time.process_time()
    assert result.punches_added == len(preview.parsed.punches), result
    assert len(result.scores.updated) == 12, result.scores
    db.close()
    return {"preview": t1 - t0, "commit": t2 - t1, "preview_cpu": c1 - c0, "commit_cpu": c2 - c1}


def points_written(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT count(*) FROM score JOIN assessor ON assessor.id = "
                           "score.assessor_id WHERE assessor.name = '考勤系统'").fetchone()[0]
    finally:
        con.close()


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def ratio_line(label: str, wall: list[float], cpu: list[float], floor_wall: list[float],
               floor_cpu: list[float]) -> tuple[str, float]:
    med, fmed = statistics.median(wall), statistics.median(floor_wall)
    cmed, fcmed = statistics.median(cpu), statistics.median(floor_cpu)
    # the ratio of each run to its own floor (same moment, same load) shows the spread
    per_run = [w / f for w, f in zip(wall, floor_wall, strict=True)]
    per_cpu = [w / f for w, f in zip(cpu, floor_cpu, strict=True)]
    return (f"{label}: wall {med:.3f} s (runs {spread(wall)}) = {med / fmed:.2f}× the floor "
            f"(per run {spread(per_run)}); CPU {cmed:.3f} s = {cmed / fcmed:.2f}× "
            f"(per run {spread(per_cpu)})"), med / fmed


CHILD = """
import json, resource, sys, tracemalloc
from pathlib import Path
what, path, trace = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
if trace:
    tracemalloc.start()
if what == "floor":
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(str(path))
    wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)
elif what == "database":   # the whole import: preview, then commit (with the points)
    from kaohe_desktop.services.attendance_import import commit_import, preview_import
    from kaohe_desktop.services.database import open_db
    db = open_db(sys.argv[4])  # a fresh copy of the template: staff and 12 assessments
    commit_import(db, preview_import(db, path))
    db.close()
else:
    from kaohe_desktop.io.attendance import read_attendance
    read_attendance(path)
try:   # VmHWM is this process's own peak; ru_maxrss after exec also counts the parent's
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
    rss = int(hwm.split()[1]) / 1024
except OSError:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss = rss / 1048576 if sys.platform == "darwin" else rss / 1024
print(json.dumps({"rss": rss, "traced": tracemalloc.get_traced_memory()[1] / 1e6 if trace else 0}))
"""


def peak_in_child(what: str, path: Path, trace: bool = False, db: str = "") -> dict[str, float]:
    """ru_maxrss (MB) of one read in a fresh interpreter; with `trace`, the tracemalloc peak
    instead (tracemalloc's own bookkeeping inflates that run's RSS, so it is a separate run)."""
    out = subprocess.run([sys.executable, "-c", CHILD, what, str(path), "1" if trace else "0", db],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--staff", type=int, default=300)
    ap.add_argument("--days", type=int, default=250)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="write the workbook here and keep it")
    args = ap.parse_args(argv)
    spawn = multiprocessing.get_context("spawn")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "考勤记录.xlsx"
        t0 = time.perf_counter()
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:   # openpyxl's memory stays there
            rows = pool.submit(write_log, path, args.staff, args.days).result()
        print(f"wrote {rows:,} punch rows to {path.name} ({path.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t0:.1f} s (not timed)")

        parsed = read_attendance(path)                    # warm-up, and check what was read
        assert parsed.format == "zkteco_log", parsed.format
        assert len(parsed.punches) == rows and not parsed.problems, (len(parsed.punches), parsed.problems[:3])
        del parsed
        folder = Path(tmp)
        template = database_template(folder, args.staff)
        import_into(path, fresh_copy(template, folder, 0))  # warm-up: imports, caches
        keys = ("floor", "paused", "bare", "preview", "commit", "database")
        wall: dict[str, list[float]] = {k: [] for k in keys}
        cpu: dict[str, list[float]] = {k: [] for k in keys}
        for n in range(1, args.runs + 1):                 # interleaved: machine noise hits all
            for key, call in (("floor", bare_read), ("paused", import_count_paused),
                              ("bare", import_count)):
                t0, c0 = time.perf_counter(), time.process_time()
                call(path)
                wall[key].append(time.perf_counter() - t0)
                cpu[key].append(time.process_time() - c0)
            db_path = fresh_copy(template, folder, n)
            got = import_into(path, db_path)
            for part in ("preview", "commit"):
                wall[part].append(got[part])
                cpu[part].append(got[f"{part}_cpu"])
            wall["database"].append(got["preview"] + got["commit"])
            cpu["database"].append(got["preview_cpu"] + got["commit_cpu"])
            points = points_written(db_path)
            db_path.unlink()
        rss_floor = peak_in_child("floor", path)["rss"]   # each in a fresh interpreter
        rss_import = peak_in_child("import", path)["rss"]
        rss_database = peak_in_child("database", path,
                                     db=str(fresh_copy(template, folder, args.runs + 1)))["rss"]
        traced = peak_in_child("import", path, trace=True)["traced"]

    floor = statistics.median(wall["floor"])
    print(f"floor, bare calamine read: wall {floor:.3f} s (runs {spread(wall['floor'])}); "
          f"CPU {statistics.median(cpu['floor']):.3f} s (runs {spread(cpu['floor'])})")
    line, ratio = ratio_line("read_attendance as the import calls it (GC paused)",
                             wall["paused"], cpu["paused"], wall["floor"], cpu["floor"])
    print(line)
    print(ratio_line("read_attendance called bare (GC running)", wall["bare"], cpu["bare"],
                     wall["floor"], cpu["floor"])[0])
    print(ratio_line(f"whole import into the database (preview + commit, {points:,} point rows "
                     "in the same transaction)", wall["database"], cpu["database"],
                     wall["floor"], cpu["floor"])[0])
    print(f"  of which preview {statistics.median(wall['preview']):.3f} s, commit (punches and "
          f"points) {statistics.median(wall['commit']):.3f} s (medians, wall)")
    print(f"RATIO read/floor (median of {args.runs}, wall): {ratio:.2f}×")
    print(f"peak memory of the whole import into a database (preview + commit) in a fresh "
          f"process: peak resident {rss_database:.0f} MB")
    print(f"peak memory of one read in a fresh process: peak resident {rss_import:.0f} MB "
          f"(bare calamine read alone: {rss_floor:.0f} MB); tracemalloc peak of the "
          f"read's Python objects {traced:.0f} MB")
    checks = [("reading within 1.5× the calamine floor (wall, median)", ratio <= 1.5),
              ("peak under 300 MB (resident, one import)", rss_import < 300),
              ("peak under 300 MB (resident, whole import into the database)", rss_database < 300)]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
