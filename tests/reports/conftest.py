"""A demo database with another seed than the demo's own and one 30-character unit name,
shared by the module's tests (building it takes a second)."""

from __future__ import annotations

from datetime import date

import pytest

LONG_NAME = "芙蓉区芙蓉街道光明社区党群服务中心便民服务站第一综合服务分站"
ISSUED = date(2024, 12, 20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kaohe_desktop.services.database import open_db
    from kaohe_desktop.services.demo import load_demo
    from kaohe_desktop.services.roster import update_unit

    db = open_db(tmp_path_factory.mktemp("docs") / "k.db")
    ids = load_demo(db, seed=7)
    update_unit(db, "FR05", name=LONG_NAME)
    yield db, ids
    db.close()
