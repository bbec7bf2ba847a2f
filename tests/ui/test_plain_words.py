"""Developer words leave the window (issue 15, item 18): no 种子文本, no JSON on the rubric
page — its buttons say 导入细则文件 / 导出细则文件."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.rubrics.page import RubricsPage


def test_the_rubric_page_speaks_the_offices_words(qtbot, db):
    page = RubricsPage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    rubrics = page.rubric_list
    assert rubrics.count() >= 4
    for row in range(rubrics.count()):  # each rubric clicked in the list
        rect = rubrics.visualItemRect(rubrics.item(row))
        qtbot.mouseClick(rubrics.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert rubrics.currentRow() == row
        texts = [w.text() for kind in (QLabel, QAbstractButton, QLineEdit)
                 for w in page.findChildren(kind) if w.isVisible()]
        texts += [w.toolTip() for w in page.findChildren(QLineEdit)]
        for text in texts:
            assert "种子" not in text and "JSON" not in text, text
    buttons = [b.text() for b in page.findChildren(QAbstractButton)]
    assert "导入细则文件…" in buttons and "导出细则文件…" in buttons
