"""Screenshots of 服务记录: `shoot_service(window, out_dir)`.

The window must be a MainWindow on a demo database (services.demo.load_demo), which holds
half a year of service records (2024-07 … 2024-12). Shows the measures by person and by
station with 较上期, a trend, the 整改 tracker and the cost tab; writes nothing.

    python scripts/shots/service.py [OUT_DIR]
"""

from __future__ import annotations

from pathlib import Path

from _common import run_alone, save
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kaohe_desktop.ui.service.page import ServicePage


def shoot_service(window, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 800)
    window.show()
    page: ServicePage = window.open_page("服务记录")
    page.period.setCurrentText("2024-Q4")
    QTest.keyClick(page.period.lineEdit(), Qt.Key.Key_Return)
    shots = [save(window, out_dir, "service_measures_person")]
    page.by.setCurrentIndex(1)
    shots.append(save(window, out_dir, "service_measures_unit"))
    page.table.selectRow(3)
    page.tabs.setCurrentIndex(1)
    shots.append(save(window, out_dir, "service_trend"))
    page.tabs.setCurrentIndex(2)
    shots.append(save(window, out_dir, "service_tracker"))
    page.tabs.setCurrentIndex(3)
    shots.append(save(window, out_dir, "service_cost"))
    page.tabs.setCurrentIndex(0)
    # the demo's HALL-PERF quarter: its 满意率, 投诉 and 办理时长 items computed from the records
    scoring = window.open_page("考核评分")
    scoring.show_list()
    quarter = next(a for a in scoring.list.model.items if a.rubric_code == "HALL-PERF")
    scoring.open_assessment(quarter.id)
    scoring.entry.select_subject("FR04-03")
    shots.append(save(window, out_dir, "service_metric_items"))
    return shots


if __name__ == "__main__":
    run_alone(shoot_service)
