"""Screenshots of 排名 and its dialogs and charts: `shoot_ranking(window, out_dir)`.

The window must be a MainWindow on a demo database (services.demo.load_demo). When the
window has no 排名 page yet, the page is built on the window's database and shown on its
own. What the script writes: a grade scale is previewed, never saved; the review walk
(提交 → 审议通过 → 公示) is done on the first monthly assessment and reopened again at the
end, so other shot scripts still see every assessment as a draft (the history stays).

    python scripts/shots/ranking.py [OUT_DIR]
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from _common import leave_out_unfinished, run_alone, save, settle
from PySide6.QtCore import QDate

from kaohe_desktop.services import assessments


def _page(window):
    try:
        return window.open_page("排名"), window
    except StopIteration:  # not in the navigation yet: show the page by itself
        from kaohe_desktop.ui.ranking.page import RankingPage

        page = RankingPage(window.db, window.changes)
        page.resize(1280, 800)
        page.show()
        settle()
        return page, page


def shoot_ranking(window, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 820)
    window.show()
    page, frame = _page(window)
    page.refresh()
    year = next(c for c in page.choices if c.period_kind == "year")
    page.select_assessment(year.id)
    page.tabs.setCurrentIndex(0)
    shots = [save(frame, out_dir, "ranking_table")]

    page.group_rank_check.setChecked(True)
    shots.append(save(frame, out_dir, "ranking_group_rank"))
    page.group_combo.setCurrentText("第一组")
    shots.append(save(frame, out_dir, "ranking_filter_group"))
    page.group_combo.setCurrentText("全部")
    page.group_rank_check.setChecked(False)

    dialog = page.open_drill_down("FR02")
    if dialog is not None:
        shots.append(save(dialog, out_dir, "ranking_drill_down"))
        dialog.close()

    page.tabs.setCurrentIndex(1)
    editor = page.grades
    editor.mode_combo.setCurrentIndex(editor.mode_combo.findData("both"))
    editor.mode_combo.activated.emit(editor.mode_combo.currentIndex())
    editor.table.item(0, 2).setText("20")  # 优秀 at most 20 %: previewed, not saved
    shots.append(save(frame, out_dir, "ranking_grade_preview"))
    editor.revert()

    charts = page.show_charts("distribution")
    shots.append(save(frame, out_dir, "ranking_chart_distribution"))
    charts.show_kind("sections", "FR02")
    shots.append(save(frame, out_dir, "ranking_chart_sections"))
    with tempfile.TemporaryDirectory() as tmp:
        saved = charts.save_png(Path(tmp) / "chart")
        target = out_dir / "ranking_chart_saved.png"
        target.write_bytes(saved.read_bytes())
        shots.append(target)

    month = min((c for c in page.choices if c.period_kind == "month"), key=lambda c: c.period_key)
    newest = max((c for c in page.choices if c.period_kind == "month"), key=lambda c: c.period_key)
    page.select_assessment(newest.id)
    charts.show_kind("trend", "FR01-04")
    shots.append(save(frame, out_dir, "ranking_chart_trend"))

    page.select_assessment(newest.id)
    page.tabs.setCurrentIndex(0)
    shots.append(save(frame, out_dir, "ranking_staff_change"))

    leave_out_unfinished(page.db, month.id)
    page.select_assessment(month.id)
    for action, actor, reason in (("submit", "街道便民服务中心", ""),
                                  ("approve", "考核委员会 张主任", "排名与定档无异议")):
        d = page.start_review(action)
        d.actor_edit.setText(actor)
        d.reason_edit.setPlainText(reason)
        d.accept()
    d = page.start_review("publish")
    d.actor_edit.setText("街道办公室")
    start = date(2024, 11, 4)
    d.from_edit.setDate(QDate(start))
    d.to_edit.setDate(QDate(start + timedelta(days=6)))
    shots.append(save(d, out_dir, "ranking_publish_dialog"))
    d.accept()
    shots.append(save(frame, out_dir, "ranking_locked"))
    drill = page.open_drill_down()
    if drill is not None:
        drill.close()
    d = page.start_review("reopen")
    d.actor_edit.setText("管理员")
    d.reason_edit.setPlainText("截图演示后恢复为草稿")
    shots.append(save(d, out_dir, "ranking_reopen_dialog"))
    d.accept()
    assert assessments.get_assessment(page.db, month.id).state == "draft"
    page.select_assessment(year.id)
    if frame is not window:
        frame.close()
    return shots


if __name__ == "__main__":
    run_alone(shoot_ranking)
