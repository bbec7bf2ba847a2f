"""The service-record fixtures (tests/fixtures/service) for tests outside test_service_records:
the roster they refer to and loading everything."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from kaohe_desktop.services import roster, service_records

FIX = Path(__file__).parent / "fixtures" / "service"
EXPECTED = json.loads((FIX / "expected.json").read_text(encoding="utf-8"))


def load_roster(db) -> None:
    units = {}
    for u in EXPECTED["roster"]["units"]:
        roster.add_unit(db, u["名称"], code=u["编号"])
        units[u["名称"]] = u["编号"]
    for p in EXPECTED["roster"]["people"]:
        roster.add_staff(db, p["姓名"], units[p["所属单位"]], code=p["编号"])


def import_all(db) -> None:
    for name in EXPECTED["import_order"]:
        service_records.import_file(db, FIX / name)


# 即办件 with hand-counted hours (tests/services/test_instant_hours.py)
INSTANT_HEADER = ["办件编号", "事项名称", "办件类型", "受理部门", "受理人", "工号", "受理时间", "承诺时限",
                  "办结时间", "办理状态"]
_LIN, _HUANG = ("林志强", "0101"), ("黄丽萍", "0102")


def _row(no, who, accepted, finished, status="已办结", limit=0, kind="即办件"):
    return [no, "社保卡申领", kind, "", *who, f"2024-{accepted}", limit,
            f"2024-{finished}" if finished else "", status]


INSTANT_ROWS = [
    _row("J1", _LIN, "06-03 09:00:00", "06-03 09:45:00", limit="即办"),
    _row("J2", _LIN, "06-03 14:10:00", "06-03 16:40:00"),
    _row("J3", _LIN, "06-04 16:30:00", "06-05 09:15:00"),
    _row("J4", _LIN, "05-31 17:00:00", "06-03 10:00:00"),
    _row("J5", _LIN, "06-03 09:00:00", "06-05 09:00:00", limit=5, kind="承诺件"),
    _row("J6", _LIN, "06-06 09:00:00", None, "办理中"),
    _row("J7", _LIN, "06-06 10:00:00", "06-06 10:20:00", "不予受理"),
    _row("J8", _HUANG, "06-07 09:00:30", "06-07 09:10:00"),
    _row("J9", _HUANG, "06-28 15:00:00", "07-01 09:00:00"),
]


def export_xlsx(path: Path, header: list[str] | None, rows: Iterable[list[object]], *,
                title: str | None = None, sheet: str = "Sheet") -> Path:
    """A platform's export as .xlsx, on one sheet: a title row if given, the header row if
    given, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in ([[title]] if title else []) + ([header] if header else []):
        ws.append(row)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_instant(folder: Path) -> Path:
    """The 即办件 as a platform's .xlsx export."""
    return export_xlsx(folder / "即办件.xlsx", INSTANT_HEADER, INSTANT_ROWS, sheet="办件明细")


def load_instant(db, tmp_path: Path) -> None:
    """The roster and the 即办件 of tests/services/test_instant_hours.py (hand counts there)."""
    load_roster(db)
    service_records.import_file(db, write_instant(tmp_path))
