"""Screenshots of 考核细则: `shoot_rubrics(window, out_dir)`.

The window must be a MainWindow on a demo database (services.demo.load_demo). Nothing
is written to that database: edits are shown unsaved and then discarded. The read-only
banner is shot on a page of its own over a scratch database with a submitted
assessment.

    QT_QPA_PLATFORM=offscreen python scripts/shots/rubrics.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from _common import leave_out_unfinished, save, settle
from PySide6.QtCore import QSettings

from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster
from kaohe_desktop.services.database import open_db
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.rubrics.copy_dialog import CopyRubricDialog
from kaohe_desktop.ui.rubrics.page import GRADES_TAB, ITEMS_TAB, RULES_TAB, RubricsPage
from kaohe_desktop.ui.rubrics.tree_model import KIND, MAX, WEIGHT


def _choose(page: RubricsPage, code: str) -> None:
    row = next(i for i in range(page.rubric_list.count())
               if page.rubric_list.item(i).text().split("\n")[1].startswith(f"{code} "))
    page.rubric_list.setCurrentRow(row)


def _locked_page(out_dir: Path, size) -> Path:
    """The page on a scratch database where CY2019 v1 is used by a submitted assessment."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "locked.db")
        roster.add_unit(db, "东风社区便民服务站", code="FR01", area="芙蓉街道")
        info = assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects="units")
        leave_out_unfinished(db, info.id)
        assessments.change_state(db, info.id, "submit")
        page = RubricsPage(db, Changes())
        page.resize(size)
        page.show()
        _choose(page, "CY2019")
        path = save(page, out_dir, "rubrics_locked")
        page.close()
        page.deleteLater()
        settle()
        db.close()
    return path


def shoot_rubrics(window, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 800)
    window.show()
    page = window.open_page("考核细则")
    shots = []
    _choose(page, "CY2019")
    page.tabs.setCurrentIndex(ITEMS_TAB)
    page.items_editor.tree.setCurrentIndex(page.items_editor.model.index_of("1.2"))
    shots.append(save(window, out_dir, "rubrics_tree"))

    # An unsaved edit: a new item under 1.2 (which then does not add up) and a bad max.
    page.items_editor.add_child_button.click()
    settle()
    page.items_editor.tree.setFocus()  # close the title editor the button opened
    page.items_editor.model.setData(page.items_editor.model.index_of("2.1.1").siblingAtColumn(MAX), "5")
    page.items_editor.tree.setCurrentIndex(page.items_editor.model.index_of("1.2"))
    shots.append(save(window, out_dir, "rubrics_invalid"))
    page.revert()

    # 1.2 adds up its children by weight: the 权重 column, one weight changed
    model = page.items_editor.model
    model.setData(model.index_of("1.2").siblingAtColumn(KIND), "weighted")
    model.setData(model.index_of("1.2.1").siblingAtColumn(WEIGHT), "1.5")
    page.items_editor.tree.setCurrentIndex(model.index_of("1.2.1"))
    shots.append(save(window, out_dir, "rubrics_weighted"))
    page.revert()

    _choose(page, "WINDOW-STAFF")
    page.items_editor.tree.setCurrentIndex(page.items_editor.model.index_of("1"))
    shots.append(save(window, out_dir, "rubrics_levels"))

    # a metric item: 满意率 from the service records, scored by thresholds
    _choose(page, "HALL-PERF")
    page.items_editor.tree.setCurrentIndex(page.items_editor.model.index_of("1.1"))
    shots.append(save(window, out_dir, "rubrics_metric_item"))

    _choose(page, "CY2019")
    page.tabs.setCurrentIndex(RULES_TAB)
    shots.append(save(window, out_dir, "rubrics_rules"))
    page.tabs.setCurrentIndex(GRADES_TAB)
    shots.append(save(window, out_dir, "rubrics_grades"))
    page.grades_editor.mode_combo.setCurrentIndex(2)
    page.grades_editor.mode_combo.activated.emit(2)
    page.grades_editor.table.item(0, 2).setText("20")
    shots.append(save(window, out_dir, "rubrics_grades_quota"))
    page.revert()
    page.tabs.setCurrentIndex(ITEMS_TAB)

    dialog = CopyRubricDialog("CY2019 第 1 版", "CY2019-2", "2019年社区便民服务站管理考核办法（副本）", page)
    dialog.show()
    shots.append(save(dialog, out_dir, "dialog_rubric_copy"))
    dialog.close()

    shots.append(_locked_page(out_dir, page.size()))
    return shots


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kaohe_desktop.services.demo import load_demo
    from kaohe_desktop.ui.app import make_app
    from kaohe_desktop.ui.main_window import MainWindow

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    make_app()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "demo.db")
        load_demo(db)
        window = MainWindow(db, QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        for path in shoot_rubrics(window, out):
            print(path)
        window.close()
        db.close()


if __name__ == "__main__":
    main()
