"""站点与人员 at scale: 5,000 units in 100 areas and 50,000 staff.

Fills a fresh SQLite file with a bulk insert, then measures (median of --runs, in ms):
the one service call that loads the roster, building and showing the page, switching
the tree selection (one unit, one area, everything), filtering 50,000 staff by typed
text, sorting them by name; with --io also a staff export and an import preview of it.

    QT_QPA_PLATFORM=offscreen python bench/roster_bench.py [--runs 5] [--io]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from kaohe_desktop.services import roster, roster_files
from kaohe_desktop.services.database import open_db
from kaohe_desktop.store.models import Area, Staff, Unit
from kaohe_desktop.ui.app import make_app
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.roster.models import ALL, Scope
from kaohe_desktop.ui.roster.page import RosterPage

AREAS, UNITS_PER_AREA, STAFF_PER_UNIT = 100, 50, 10
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def fill(db) -> None:
    areas = [{"id": a + 1, "name": f"第{a + 1}街道", "kind": "街道"} for a in range(AREAS)]
    units, staff = [], []
    for a in range(AREAS):
        for k in range(UNITS_PER_AREA):
            uid = a * UNITS_PER_AREA + k + 1
            units.append({"id": uid, "code": f"U{uid:05d}", "name": f"第{uid}社区便民服务站",
                          "area_id": a + 1, "kind": "社区便民服务站", "phone": f"0731-8{uid:07d}",
                          "address": f"第{a + 1}街道{k + 1}号", "active": uid % 97 != 0})
            for n in range(STAFF_PER_UNIT):
                pid = (uid - 1) * STAFF_PER_UNIT + n + 1
                name = SURNAMES[pid % len(SURNAMES)] + GIVEN[(pid // 7) % len(GIVEN)]
                staff.append({"id": pid, "code": f"P{pid:06d}", "name": name, "unit_id": uid,
                              "post": "窗口受理员", "attendance_no": f"{pid:06d}",
                              "phone": f"139{pid:08d}", "active": pid % 53 != 0})
    with db.session() as s:
        s.execute(insert(Area), areas)
        s.execute(insert(Unit), units)
        s.execute(insert(Staff), staff)


def median_ms(action: Callable[[], object], runs: int, setup: Callable[[], object] | None = None
              ) -> float:
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
            QApplication.processEvents()
        start = time.perf_counter()
        action()
        QApplication.processEvents()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--io", action="store_true", help="also export and preview-import staff")
    args = parser.parse_args()
    runs = args.runs
    make_app()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "big.db")
        start = time.perf_counter()
        fill(db)
        print(f"setup: {len(roster.list_units(db, include_inactive=True))} units, "
              f"{len(roster.list_staff(db, include_inactive=True))} staff "
              f"({time.perf_counter() - start:.1f} s)")
        figures: dict[str, float] = {}
        figures["load_roster (service call)"] = median_ms(lambda: roster.load_roster(db), runs)

        pages: list[RosterPage] = []

        def build() -> None:
            page = RosterPage(db, Changes())
            page.resize(1100, 700)
            page.show()
            pages.append(page)

        def drop() -> None:
            while pages:
                pages.pop().deleteLater()

        figures["build + show page"] = median_ms(build, runs, setup=drop)
        page = pages[-1]
        figures["refresh (reload after a write)"] = median_ms(page.refresh, runs)

        unit, area = Scope("unit", "U02501"), Scope("area", "第51街道")
        figures["select one unit (10 staff)"] = median_ms(
            lambda: page.select_scope(unit), runs, setup=lambda: page.select_scope(ALL))
        figures["select one area (50 units, 500 staff)"] = median_ms(
            lambda: page.select_scope(area), runs, setup=lambda: page.select_scope(unit))
        figures["select 全部 (5,000 units, 50,000 staff)"] = median_ms(
            lambda: page.select_scope(ALL), runs, setup=lambda: page.select_scope(unit))

        page.tabs.setCurrentWidget(page.staff_table)

        def type_filter(text: str) -> Callable[[], None]:
            def act() -> None:
                page.filter_edit.setText(text)
                page.apply_filter()
            return act

        figures["filter 50,000 staff by “王伟”"] = median_ms(
            type_filter("王伟"), runs, setup=type_filter(""))
        figures["filter by phone “1390001”"] = median_ms(
            type_filter("1390001"), runs, setup=type_filter(""))
        figures["clear the filter (all 50,000 back)"] = median_ms(
            type_filter(""), runs, setup=type_filter("王伟"))
        figures["sort 50,000 staff by 姓名"] = median_ms(
            lambda: page.staff_table.sortByColumn(1, Qt.SortOrder.DescendingOrder), runs,
            setup=lambda: page.staff_table.sortByColumn(0, Qt.SortOrder.AscendingOrder))

        if args.io:
            out = Path(tmp) / "staff.xlsx"
            figures["export 50,000 staff (.xlsx)"] = median_ms(
                lambda: roster_files.export_staff(db, out), max(1, runs // 2))
            figures["preview import of that file"] = median_ms(
                lambda: roster_files.preview_staff_import(db, out), max(1, runs // 2))
        page.close()
        db.close()
    width = max(len(k) for k in figures)
    for name, ms in figures.items():
        print(f"{name:<{width}}  {ms:8.1f} ms")


if __name__ == "__main__":
    main()
