"""The rubric editor's measure box offers the 即办件 hours: a derived leaf chosen with the
keys takes it, with the fewer-is-better bands, and is saved naming `avg_hours`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from test_rubrics_page import cell, choose, click, open_editor, page  # noqa: F401  (page: fixture)

from kaohe_desktop.services import rubrics
from kaohe_desktop.ui.rubrics.tree_model import KIND


def test_a_derived_leaf_takes_the_即办件_hours(qtbot, page, db):  # noqa: F811
    items = page.items_editor
    metric = items.metric_editor
    choose(page, "VILLAGE-ATT")
    combo = open_editor(qtbot, page, cell(page, "3", KIND), QComboBox)
    combo.setCurrentIndex(combo.findData("derived"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: cell(page, "3", KIND).data() == "数据折算")
    items.tree.setCurrentIndex(items.model.index_of("3"))
    metric.measure_combo.setFocus()
    seen = []
    while metric.measure_combo.currentText() != "即办件平均办理时长（小时）":
        assert metric.measure_combo.currentText() not in seen, seen  # went round: not offered
        seen.append(metric.measure_combo.currentText())
        qtbot.keyClick(metric.measure_combo, Qt.Key.Key_Down)
    assert cell(page, "3", KIND).data() == "数据：即办件平均办理时长"
    assert "即办件平均办理时长：≤ 0 小时 得 100%，≤ 2 小时 得 60%，其余 0 分" in metric.rule_text.text()
    click(qtbot, page.save_button)
    saved = rubrics.get_rubric(db, "VILLAGE-ATT").item("3")
    assert saved.rule == {"source": "service", "measure": "avg_hours", "mode": "thresholds",
                          "bands": [{"at": 0, "percent": 100}, {"at": 2, "percent": 60}]}
