"""Service records bench (issue 17): 100,000 办件 + 100,000 好差评 .xlsx imported against the
bare python-calamine read of the same files in the same run (target ≤ 2×), peak resident
memory (target < 300 MB), and measures for 300 people × 12 months (target < 0.5 s).

Run by hand: `python bench/service_bench.py [N]`.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from kaohe_desktop.services import roster, service_records, service_stats
from kaohe_desktop.services.database import open_db

PEOPLE, UNITS = 300, 30
LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    rnd = random.Random(17)
    req, rat = folder / "banjian.xlsx", folder / "pingjia.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("办件明细")
    ws.append(["办件明细表"])
    ws.append(["办件编号", "事项名称", "办件类型", "受理部门", "受理人", "工号", "受理时间", "承诺时限",
               "办结时间", "办理状态"])
    start = datetime(2024, 1, 2, 9)
    for i in range(n):
        p = rnd.randrange(PEOPLE)
        acc = start + timedelta(days=rnd.randrange(360), minutes=rnd.randrange(480))
        instant = rnd.random() < 0.4
        fin = acc + (timedelta(minutes=30) if instant else timedelta(days=rnd.randrange(1, 9)))
        ws.append([f"BJ{i:08d}", "社会保障卡申领", "即办件" if instant else "承诺件", f"单位{p % UNITS:02d}",
                   f"员工{p:03d}", f"{p:04d}", acc.strftime("%Y-%m-%d %H:%M:%S"), 0 if instant else 5,
                   fin.strftime("%Y-%m-%d %H:%M:%S"), "已办结"])
    wb.save(req)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("评价明细")
    ws.append(["评价编号", "办件编号", "评价渠道", "评价等级", "评价时间", "被评价人", "工号", "所属窗口",
               "整改完成时间"])
    for i in range(n):
        p = rnd.randrange(PEOPLE)
        at = start + timedelta(days=rnd.randrange(360), minutes=rnd.randrange(480))
        lvl = rnd.choices(LEVELS, (70, 20, 6, 3, 1))[0]
        done = at + timedelta(days=rnd.randrange(1, 30)) if lvl in LEVELS[3:] else None
        ws.append([f"PJ{i:08d}", f"BJ{i:08d}", "二维码", lvl, at, f"员工{p:03d}", f"{p:04d}",
                   f"单位{p % UNITS:02d}", done])
    wb.save(rat)
    return req, rat


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        req, rat = write_files(folder, n)
        print(f"wrote {n:,} 办件 + {n:,} 评价 in {time.perf_counter() - t:.1f} s")
        db = open_db(folder / "bench.db")
        for u in range(UNITS):
            roster.add_unit(db, f"单位{u:02d}", code=f"U{u:02d}")
        for p in range(PEOPLE):
            roster.add_staff(db, f"员工{p:03d}", f"U{p % UNITS:02d}", code=f"{p:04d}")
        base_rss = rss_mb()
        t = time.perf_counter()
        for f in (req, rat):
            wb = CalamineWorkbook.from_path(str(f))
            wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
        bare = time.perf_counter() - t
        t = time.perf_counter()
        added = sum(service_records.import_file(db, f).added for f in (req, rat))
        took = time.perf_counter() - t
        peak = rss_mb()
        print(f"bare calamine read: {bare:.2f} s; import (read, check, match, write): {took:.2f} s "
              f"= {took / bare:.2f}× (target ≤ 2×); {added:,} records added")
        print(f"peak RSS {peak:.0f} MB (before import {base_rss:.0f} MB; target < 300 MB)")
        t = time.perf_counter()
        rows = service_stats.measures(db, "2024", "person")
        year = time.perf_counter() - t
        t = time.perf_counter()
        tr = service_stats.trend(db, datetime(2024, 1, 1).date(), datetime(2024, 12, 31).date())
        months = time.perf_counter() - t
        print(f"measures 2024 for {len(rows)} people: {year:.3f} s; 12 monthly measures for "
              f"{len(tr)} people (trend): {months:.3f} s (target < 0.5 s)")
        db.close()


if __name__ == "__main__":
    main()
