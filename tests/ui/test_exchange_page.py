"""The page 数据交换 through clicks: export a package, import one (preview, then 合并),
settle a conflict by choosing in its row, and see which villages sent what."""

from __future__ import annotations

from pathlib import Path

import pytest
from package_data import export, flip_byte, score_village, township, village
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kaohe_desktop.services import scores
from kaohe_desktop.services.package_conflicts import list_conflicts
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.exchange.page import ExchangePage
from kaohe_desktop.ui.main_window import MainWindow

SHOTS = Path("/tmp/exchange-shots")


@pytest.fixture
def world(tmp_path: Path):
    town, aid = township(tmp_path / "town")
    handed = export(town, tmp_path / "usb-town", assessment_id=aid)
    a = village(tmp_path / "a", "V01", handed)
    b = village(tmp_path / "b", "V02", handed)
    score_village(a, "V01", {"1.1": "18"})
    score_village(b, "V02", {"1.1": "17"})
    scores.set_score(b, 1, "V01", "1.1", "19", assessor="张三", group="第一组")
    return town, a, b, tmp_path


def page_for(qtbot, db) -> ExchangePage:
    page = ExchangePage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.year.setValue(2024)
    page.show()
    return page


def answer_preview(qtbot, page: ExchangePage, *, merge: bool, shot: str = "") -> None:
    """When the preview dialog shows: screenshot it, then press 合并 (or 取消)."""
    def act() -> None:
        dialog = page.dialog
        if shot:
            SHOTS.mkdir(exist_ok=True)
            dialog.grab().save(str(SHOTS / shot))
        if merge:
            qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(200, act)


def import_by_click(qtbot, page: ExchangePage, monkeypatch, path: Path, **answer) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    answer_preview(qtbot, page, **answer)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)


def test_export_by_click_writes_a_package(qtbot, world, monkeypatch, tmp_path):
    _town, a, _b, _ = world
    page = page_for(qtbot, a)
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    [written] = usb.glob("*.kaohe")
    assert written.name.startswith("东村便民服务室-2024年-")
    assert "已导出数据包" in page.status.text()


def test_import_preview_merge_conflict_choice_and_arrivals(qtbot, world, monkeypatch, tmp_path):
    town, a, b, _ = world
    from_a = export(a, tmp_path / "usb-a", year=2024)
    from_b = export(b, tmp_path / "usb-b", year=2024)
    page = page_for(qtbot, town)

    import_by_click(qtbot, page, monkeypatch, from_a, merge=False)  # 取消: nothing merged
    assert "已取消" in page.status.text() and page.arrivals.rowCount() == 0

    import_by_click(qtbot, page, monkeypatch, from_a, merge=True, shot="preview-a.png")
    assert "已合并 东村便民服务室" in page.status.text()
    assert page.arrivals.rowCount() == 1 and page.conflicts.rowCount() == 0

    import_by_click(qtbot, page, monkeypatch, from_b, merge=True, shot="preview-b.png")
    assert "冲突 1" in page.status.text()
    assert page.conflicts.rowCount() == 1
    assert "18" in page.conflicts.item(0, 2).text() and "东村" in page.conflicts.item(0, 2).text()
    assert "19" in page.conflicts.item(0, 3).text() and "西村" in page.conflicts.item(0, 3).text()
    assert page.arrivals.rowCount() == 2
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(50)  # the row's choice box is placed on the next layout pass
    page.grab().save(str(SHOTS / "exchange-conflict.png"))

    combo = page.conflicts.cellWidget(0, 4)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # （待定） → 保留本库的值 → 采用数据包的值
    assert combo.currentData() == "theirs"
    qtbot.mouseClick(page.resolve_button, Qt.MouseButton.LeftButton)
    assert page.conflicts.rowCount() == 0 and "已处理 1 条冲突" in page.status.text()
    assert [c.resolution for c in list_conflicts(town, include_resolved=True)] == ["theirs"]
    page.grab().save(str(SHOTS / "exchange-settled.png"))


def test_a_damaged_package_is_refused_with_a_message(qtbot, world, monkeypatch, tmp_path):
    town, a, _b, _ = world
    damaged = flip_byte(export(a, tmp_path / "usb-a", year=2024), "records/scores.json")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: warned.append(text))
    page = page_for(qtbot, town)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(damaged), ""))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert warned and "records/scores.json" in warned[0]
    assert "未导入" in page.status.text() and page.arrivals.rowCount() == 0


def test_the_page_is_in_the_main_window_navigation(qtbot, world):
    town = world[0]
    window = MainWindow(town)
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "数据交换" in titles
    page = window.open_page("数据交换")
    assert isinstance(page, ExchangePage)


def test_codes_a_village_gave_itself_are_offered_as_a_mapping(qtbot, world, monkeypatch, tmp_path):
    """A village PC set up on its own (C01 for the township's V01): the preview lists the
    mismatch ticked, with the counts as if mapped; 合并 merges onto V01, no second station."""
    from package_data import VILLAGES, office

    from kaohe_desktop.domain.periods import parse_period
    from kaohe_desktop.services import assessments, roster
    from kaohe_desktop.services.assessments import GroupSpec

    town, _a, _b, tmp = world
    own = office(tmp / "own.db", VILLAGES["V01"])
    roster.add_unit(own, VILLAGES["V01"], code="C01", area="城关镇")
    assessments.create_assessment(own, "CY2019", parse_period("2024"), subjects="units",
                                  groups=[GroupSpec("第一组", "上级")])
    scores.set_score(own, 1, "C01", "1.1", "16", assessor="李四", group="第一组")
    package = export(own, tmp / "usb-own", year=2024)
    page = page_for(qtbot, town)
    seen = {}

    def look() -> None:
        dialog = page.dialog
        seen["boxes"] = [(box.text(), box.isChecked()) for box, _ in dialog.mapping_checks]
        SHOTS.mkdir(exist_ok=True)
        dialog.grab().save(str(SHOTS / "mapping.png"))
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(package), ""))
    QTimer.singleShot(200, look)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert seen["boxes"] == [(f"单位 {VILLAGES['V01']}：数据包 C01 → 本机 V01", True)]
    assert sorted(u.code for u in roster.list_units(town)) == ["V01", "V02"]


def test_the_year_starts_at_the_data_not_the_calendar(qtbot, world, tmp_path):
    """A township collecting 2024's packages in 2026 sees 2024 without changing the year;
    an empty database starts at this year."""
    from datetime import date

    from kaohe_desktop.services.database import open_db

    town, *_ = world
    page = ExchangePage(town, Changes())
    qtbot.addWidget(page)
    assert page.year.value() == 2024
    empty = ExchangePage(open_db(tmp_path / "empty.db"), Changes())
    qtbot.addWidget(empty)
    assert empty.year.value() == date.today().year
