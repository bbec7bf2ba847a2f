"""Issue 14.10, the window's side: a save that meets another writer waits for it with a
progress dialog and goes through once the other is done, or is cancelled having written
nothing. The other writer is a real second SQLite connection holding the write lock
(BEGIN IMMEDIATE), as another window or a `kaohe` command would."""

from __future__ import annotations

import sqlite3
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.periods import parse_period
from kaohe_desktop.services import assessments, roster, score_sheet, scores
from kaohe_desktop.services.assessments import GroupSpec
from kaohe_desktop.ui.common.busy_wait import CANCELLED_TEXT
from kaohe_desktop.ui.common.page import Changes
from kaohe_desktop.ui.common.tasks import run_job, single_step
from kaohe_desktop.ui.scoring.page import ScoringPage

pytestmark = pytest.mark.sqlite_only("SQLite's file write lock and busy timeout")


@pytest.fixture
def assessment(db):
    roster.add_unit(db, "第1便民服务站", code="U1", area="城关街道")
    info = assessments.create_assessment(db, "CY2019", parse_period("2024"), subjects=["U1"],
                                         groups=[GroupSpec("第一组", "上级")], name="2024年度")
    scores.add_assessor(db, info.id, "张三", group="第一组")
    return info.id


@pytest.fixture
def holder(db):
    """Another program's connection; `.execute("BEGIN IMMEDIATE")` takes the write lock."""
    conn = sqlite3.connect(db.path, isolation_level=None)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def _entry(qtbot, db, assessment_id: int) -> ScoringPage:
    page = ScoringPage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.open_assessment(assessment_id)
    return page


def _click_cancel(qtbot, dialog: QProgressDialog) -> None:
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _when_waiting(act, seen: list[str]) -> None:
    """Once the wait dialog is up, note what it says and let `act(dialog)` answer."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QProgressDialog) or "已等待" not in dialog.labelText():
            QTimer.singleShot(50, poll)
            return
        seen.append(dialog.labelText())
        act(dialog)

    QTimer.singleShot(0, poll)


def _type_score(qtbot, page: ScoringPage, code: str, text: str) -> None:
    form = page.entry.form
    form.focus_item(form.by_code[code].index)
    widget = form.by_code[code].editor.widget
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)  # commits: the save meets the held lock here


def test_a_score_saved_while_another_writes_waits_then_lands(qtbot, db, assessment, holder):
    page = _entry(qtbot, db, assessment)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE unit SET phone = '1' WHERE code = 'U1'")
    seen: list[str] = []
    # the other program finishes (rolls back) a moment after the window starts waiting
    _when_waiting(lambda dialog: QTimer.singleShot(1500, lambda: holder.execute("ROLLBACK")), seen)
    _type_score(qtbot, page, "1.1", "18")
    assert seen and seen[0].startswith("另一处正在写入数据库，正在等待…（已等待 ")
    assert int(seen[0].split("已等待 ")[1].split(" 秒")[0]) <= 2  # at once: no busy timeout first
    assert score_sheet.sheet_for(db, assessment, "张三").values["U1"] == {"1.1": D(18)}
    assert page.entry.sheet.values["U1"] == {"1.1": D(18)}
    hint = page.entry.form.by_code["1.1"].hint
    assert not hint.isVisible(), hint.text()
    assert QApplication.activeModalWidget() is None


@pytest.mark.parametrize("how", ["click", "esc"])
def test_cancelling_the_wait_writes_nothing_and_says_so(qtbot, db, assessment, holder, how):
    page = _entry(qtbot, db, assessment)
    holder.execute("BEGIN IMMEDIATE")
    seen: list[str] = []
    if how == "click":
        _when_waiting(lambda dialog: _click_cancel(qtbot, dialog), seen)
    else:
        _when_waiting(lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape), seen)
    _type_score(qtbot, page, "1.1", "18")
    assert seen
    row = page.entry.form.by_code["1.1"]
    assert row.hint.isVisible() and "已取消" in row.hint.text() and "没有保存" in row.hint.text()
    assert row.editor.widget.lineEdit().text() == "18"  # the typing stays, to save later
    holder.execute("ROLLBACK")
    assert score_sheet.sheet_for(db, assessment, "张三").values.get("U1", {}) == {}


def test_a_background_job_waits_too_and_its_cancel_says_nothing_was_written(qtbot, db, holder):
    """Imports run as jobs (tasks.run_job): the same wait, inside the job's own dialog."""
    holder.execute("BEGIN IMMEDIATE")
    done: list[object] = []
    errors: list[BaseException] = []
    seen: list[str] = []
    job = single_step(lambda: roster.add_unit(db, "第9便民服务站", code="U9", area="城关街道"))
    _when_waiting(lambda dialog: QTimer.singleShot(800, lambda: holder.execute("ROLLBACK")), seen)
    run_job(None, "导入站点", job, on_done=done.append, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(done or errors), timeout=30_000)
    assert not errors and seen and "已等待" in seen[0]
    assert [u.code for u in roster.load_roster(db).units] == ["U9"]

    holder.execute("BEGIN IMMEDIATE")
    done.clear()
    seen.clear()
    _when_waiting(lambda dialog: _click_cancel(qtbot, dialog), seen)
    # a job that may not be stopped midway is offered 取消 while it waits: nothing is written yet
    run_job(None, "导入站点", single_step(lambda: roster.add_unit(db, "第8站", code="U8")),
            on_done=done.append, on_error=errors.append, cancellable=False)
    qtbot.waitUntil(lambda: bool(done or errors), timeout=30_000)
    holder.execute("ROLLBACK")
    assert not done and len(errors) == 1 and isinstance(errors[0], InputError)
    assert CANCELLED_TEXT in errors[0].lines()[0]
    assert [u.code for u in roster.load_roster(db).units] == ["U9"]


def test_the_cancelled_wait_is_said_once():
    from kaohe_desktop.services.database import DatabaseBusy
    from kaohe_desktop.ui.common.busy_wait import WriteNotDone
    from kaohe_desktop.ui.common.messages import error_text

    assert error_text(WriteNotDone(CANCELLED_TEXT)) == CANCELLED_TEXT
    assert "未写入任何数据" not in error_text(DatabaseBusy())  # it says 没有保存 itself
    assert error_text(InputError("名称不能为空")).endswith("未写入任何数据。")


def test_on_a_server_the_write_runs_off_the_window_and_the_dialog_comes_after_a_second(
        qtbot, db, holder):
    """A server (no file to check) waits inside the server for up to its lock timeout: the
    window must not freeze meanwhile. Played here on the SQLite file, the busy timeout
    standing in for the server's lock_timeout."""
    import time
    from types import SimpleNamespace

    from kaohe_desktop.ui.common.busy_wait import call_writing

    server = SimpleNamespace(path=None)
    assert call_writing(None, "保存", lambda: "quick", db=server) == "quick"  # no dialog

    holder.execute("BEGIN IMMEDIATE")
    ticks: list[float] = []
    started = time.monotonic()
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic() - started))
    timer.start(100)  # the window keeps running while the first attempt waits
    seen: list[str] = []

    def first_look(dialog: QProgressDialog) -> None:
        seen.append(f"{time.monotonic() - started:.1f}")
        # past the busy timeout the dialog says what it waits for; then the other is done
        QTimer.singleShot(5500, lambda: (seen.append(dialog.labelText()), holder.execute("ROLLBACK")))

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QProgressDialog):
            seen.append(dialog.labelText())
            first_look(dialog)
            return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    call_writing(None, "保存", lambda: roster.add_unit(db, "第7便民服务站", code="U7", area="城关"),
                 db=server)
    timer.stop()
    assert seen and seen[0].startswith("正在保存，请稍候") and 0.9 <= float(seen[1]) < 3
    assert seen[2].startswith("另一处正在写入数据库，正在等待…（已等待 ")
    assert sum(1 for t in ticks if t < 4) >= 20  # not frozen during the first attempt
    assert "U7" in [u.code for u in roster.load_roster(db).units]


def test_a_review_step_on_the_ranking_page_waits_for_another_writer(qtbot, db, holder):
    """提交审议 clicked while another program writes: the same wait, then the step lands."""
    from kaohe_desktop.services.demo import load_demo
    from kaohe_desktop.ui.ranking.page import RankingPage

    aid = load_demo(db)["year"]
    page = RankingPage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.select_assessment(aid)
    qtbot.mouseClick(page.review.buttons["submit"], Qt.MouseButton.LeftButton)
    dialog = page.review_dialog
    qtbot.keyClicks(dialog.actor_edit, "lu ru yuan")
    holder.execute("BEGIN IMMEDIATE")
    seen: list[str] = []
    _when_waiting(lambda d: QTimer.singleShot(1000, lambda: holder.execute("ROLLBACK")), seen)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: assessments.get_assessment(db, aid).state == "submitted",
                    timeout=30_000)
    assert seen and "已等待" in seen[0]
    assert page.message.text() == "考核现为“已提交”。"


def test_attendance_rules_wait_for_another_writer_too(qtbot, db, holder):
    """作息时间 saved while another program writes: the wait, then the shift is stored."""
    from kaohe_desktop.services import attendance
    from kaohe_desktop.ui.attendance.page import AttendancePage

    page = AttendancePage(db, Changes())
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.tabs.setCurrentWidget(page.rules)
    editor = page.rules.shift
    editor.late_grace.selectAll()
    qtbot.keyClicks(editor.late_grace.lineEdit(), "15")
    holder.execute("BEGIN IMMEDIATE")
    seen: list[str] = []
    _when_waiting(lambda d: QTimer.singleShot(800, lambda: holder.execute("ROLLBACK")), seen)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert seen and "已等待" in seen[0]
    assert attendance.get_shift(db).late_grace_min == 15 and "迟到宽限 15 分钟" in editor.hint.text()
