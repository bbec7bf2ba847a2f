"""Attendance import at township-year scale: 300 staff × 2 punches × 250 workdays =
150,000 rows in a ZKTeco-style 考勤记录 workbook (.xlsx, written with openpyxl write-only;
date-times as text with every 7th a real Excel date-time, as the clock software exports).

Measures (median of --runs, each in the same process):
- the floor: a bare python-calamine read of the same file's cells (open + to_python);
- `read_attendance(path)` end to end (content detection, parsing, checks, Punch objects);
- peak memory of one `read_attendance` in a fresh interpreter: its peak resident size
  (VmHWM, else ru_maxrss — the whole process: interpreter, calamine's own cell store,
  Python objects), the same for a bare calamine read, and in a separate run the
  tracemalloc peak of the import's Python objects.

    python bench/attendance_bench.py [--staff 300] [--days 250] [--runs 3] [--keep FILE]

Targets (issue 4): import within 2× the calamine floor; peak memory under 300 MB.
Exits 1 if a target fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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
elif what == "database":   # the whole import: preview, then commit into a fresh database
    from kaohe_desktop.services import roster
    from kaohe_desktop.services.attendance_import import commit_import, preview_import
    from kaohe_desktop.services.database import open_db
    db = open_db(path.parent / "peak.db")
    for n in range(20):
        roster.add_unit(db, f"第{n + 1}便民服务站", code=f"U{n + 1:02d}")
    for p in range(int(sys.argv[4])):
        roster.add_staff(db, f"人员{p}", f"U{p % 20 + 1:02d}", code=f"S{p:04d}",
                         attendance_no=str(1000 + p))
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


def peak_in_child(what: str, path: Path, trace: bool = False, staff: int = 0) -> dict[str, float]:
    """ru_maxrss (MB) of one read in a fresh interpreter; with `trace`, the tracemalloc peak
    instead (tracemalloc's own bookkeeping inflates that run's RSS, so it is a separate run)."""
    out = subprocess.run([sys.executable, "-c", CHILD, what, str(path), "1" if trace else "0", str(staff)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def import_into_database(path: Path, folder: Path, staff: int) -> dict[str, float]:
    """The whole import as the program does it, into a fresh database whose staff carry
    the file's 登记号码 as their 考勤号; then one month's summary."""
    from kaohe_desktop.services import roster
    from kaohe_desktop.services.attendance import month_view, monthly_summary
    from kaohe_desktop.services.attendance_import import commit_import, preview_import
    from kaohe_desktop.services.database import open_db

    db = open_db(folder / "bench.db")
    for n in range(20):
        roster.add_unit(db, f"第{n + 1}便民服务站", code=f"U{n + 1:02d}")
    for p in range(staff):
        roster.add_staff(db, f"人员{p}", f"U{p % 20 + 1:02d}", code=f"S{p:04d}",
                         attendance_no=str(1000 + p))
    out = {}
    t0 = time.perf_counter()
    preview = preview_import(db, path)
    out["preview"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    commit_import(db, preview)
    out["commit"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    commit_import(db, preview_import(db, path))
    out["again"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = monthly_summary(db, "2023-03")
    out["summary"] = time.perf_counter() - t0
    assert len(rows) == staff, len(rows)
    t0 = time.perf_counter()
    view = month_view(db, "2023-03")  # what the 考勤 page loads: log and summary, judged once
    out["month_view"] = time.perf_counter() - t0
    assert len(view.summary) == staff
    db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--staff", type=int, default=300)
    ap.add_argument("--days", type=int, default=250)
    ap.add_argument("--runs", type=int, default=3)
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
        floor_t, full_t, floor_cpu, full_cpu = [], [], [], []
        for _ in range(args.runs):                        # interleaved: machine noise hits both
            t0, c0 = time.perf_counter(), time.process_time()
            bare_read(path)
            floor_t.append(time.perf_counter() - t0)
            floor_cpu.append(time.process_time() - c0)
            t0, c0 = time.perf_counter(), time.process_time()
            import_count(path)
            full_t.append(time.perf_counter() - t0)
            full_cpu.append(time.process_time() - c0)
        floor, full = statistics.median(floor_t), statistics.median(full_t)
        db_times = import_into_database(path, Path(tmp), args.staff)
        rss_floor = peak_in_child("floor", path)["rss"]   # each in a fresh interpreter
        rss_import = peak_in_child("import", path)["rss"]
        rss_database = peak_in_child("database", path, staff=args.staff)["rss"]
        traced = peak_in_child("import", path, trace=True)["traced"]

    ratio = full / floor
    print(f"bare calamine read (floor), median of {args.runs}: {floor:.3f} s  "
          f"(runs: {', '.join(f'{t:.2f}' for t in floor_t)})")
    print(f"read_attendance end to end, median of {args.runs}: {full:.3f} s  "
          f"(runs: {', '.join(f'{t:.2f}' for t in full_t)}; {rows / full:,.0f} rows/s)")
    print(f"ratio import / floor: {ratio:.2f}×  (CPU time: {statistics.median(full_cpu):.3f} s / "
          f"{statistics.median(floor_cpu):.3f} s = "
          f"{statistics.median(full_cpu) / statistics.median(floor_cpu):.2f}×; wall time is the target, "
          f"CPU time shows how much of a spread comes from other load on the machine)")
    print(f"peak memory of the whole import into a database (preview + commit) in a fresh "
          f"process: peak resident {rss_database:.0f} MB")
    print(f"peak memory of one import in a fresh process: peak resident {rss_import:.0f} MB "
          f"(bare calamine read alone: {rss_floor:.0f} MB); tracemalloc peak of the "
          f"import's Python objects {traced:.0f} MB")
    db_total = db_times["preview"] + db_times["commit"]
    print(f"import into the database (read + match + preview, then commit), first time: "
          f"{db_times['preview']:.3f} s + {db_times['commit']:.3f} s = {db_total:.3f} s "
          f"= {db_total / floor:.2f}× the floor; again (adds nothing): {db_times['again']:.3f} s")
    print(f"monthly summary for {args.staff} people: {db_times['summary']:.3f} s; the 考勤 page's "
          f"month (log + summary): {db_times['month_view']:.3f} s")
    checks = [("reading within 2× calamine floor", ratio <= 2.0),
              ("import into the database within 2× calamine floor", db_total <= 2.0 * floor),
              ("monthly summary under 0.5 s", db_times["summary"] < 0.5),
              ("peak under 300 MB (resident, one import)", rss_import < 300),
              ("peak under 300 MB (resident, whole import into the database)", rss_database < 300)]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
