"""The 街道/乡镇 this database belongs to: the area a new station goes into by default.

Given once, in the welcome dialog's name, when that name is an area (某某镇, 某某街道)
rather than a single station; kept in the database (setting `default_area`) because it
belongs to the office's data, not to the PC.
"""

from __future__ import annotations

from kaohe_desktop.store.db import Database
from kaohe_desktop.store.models import Setting

AREA_KEY = "default_area"
# how a 街道/乡镇 name ends; a station's name (…便民服务站) does not
_AREA_ENDINGS = ("街道", "街道办事处", "办事处", "镇", "乡", "苏木", "民族乡")
_MAX = 100  # the area column's size


def looks_like_area(name: str) -> bool:
    name = name.strip()
    return 0 < len(name) <= _MAX and name.endswith(_AREA_ENDINGS) and "站" not in name


def save_default_area(db: Database, name: str) -> bool:
    """Remember `name` when it is an area; False (nothing stored) when it is not."""
    if not looks_like_area(name):
        return False
    with db.session() as s:
        s.merge(Setting(key=AREA_KEY, value=name.strip()))
    return True


def default_area(db: Database) -> str:
    with db.session() as s:
        row = s.get(Setting, AREA_KEY)
        return row.value if row is not None else ""
