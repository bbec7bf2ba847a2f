"""The service-record fixtures (tests/fixtures/service) for tests outside test_service_records:
the roster they refer to and loading everything."""

from __future__ import annotations

import json
from pathlib import Path

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
