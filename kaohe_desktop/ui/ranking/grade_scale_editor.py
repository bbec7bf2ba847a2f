"""等次设置 on the 排名 page: the rubric's grade-scale editor, previewing on the real totals.

The table and mode come from the rubrics page's `GradesEditor`; the preview here counts
how many of this assessment's subjects each grade would get (`grade_scale.preview_grades`
on the loaded ranking table — no database work per keystroke), next to today's counts.
Saving is the page's job (`saved_requested`); a locked assessment loads read-only.
"""

from __future__ import annotations

import copy
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from kaohe_desktop.domain.rubric import GradeMode
from kaohe_desktop.services.grade_scale import preview_grades
from kaohe_desktop.services.ranking_results import GradePreview, RankingTable

from ..rubrics.grades_editor import GradesEditor


class GradeScaleEditor(GradesEditor):
    save_requested = Signal(dict)  # the edited `grades` part

    def __init__(self, parent=None) -> None:
        self.ranking: RankingTable | None = None
        self.saved: dict[str, Any] = {}
        self.last_preview: GradePreview | None = None
        self._preview_stale = False
        super().__init__(parent)
        self.setTitle("等次设置（保存后作为细则的新版本用于本考核）")
        self.save_button = QPushButton("保存等次")
        self.revert_button = QPushButton("还原")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(copy.deepcopy(self._grades())))
        self.revert_button.clicked.connect(self.revert)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        self.body.addLayout(row)

    def show_scale(self, ranking: RankingTable, grades: dict[str, Any], read_only: bool) -> None:
        """Edit a copy of `grades` (the rubric's JSON `grades` part) for this ranking."""
        self.ranking = ranking
        self.saved = copy.deepcopy(grades)
        self.load({"grades": copy.deepcopy(grades), "full_marks": float(ranking.full_marks)}, read_only)
        self.save_button.setEnabled(not read_only)
        self.revert_button.setEnabled(not read_only)

    def revert(self) -> None:
        if self.ranking is not None:
            self.show_scale(self.ranking, self.saved, self.read_only)

    def grades(self) -> dict[str, Any]:
        return copy.deepcopy(self._grades())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._preview_stale:
            self.update_preview()

    def update_preview(self) -> None:
        if self.ranking is None:
            self.preview.setText("")
            return
        # counted when the tab is seen: opening the 排名 page does not wait for it
        self._preview_stale = not self.isVisible()
        if self._preview_stale:
            return
        preview = self.last_preview = preview_grades(self.ranking, self._grades())
        if not preview.ok:
            self.preview.setText("<span style='color:#c62828'>等次划分有问题，暂无预览：<br>"
                                 + "<br>".join(escape(p) for p in preview.problems) + "</span>")
            self.save_button.setEnabled(False)
            return
        self.save_button.setEnabled(not self.read_only)
        now: dict[str, int] = {}
        for r in self.ranking.rows:
            now[r.grade] = now.get(r.grade, 0) + 1
        mode = str(self._grades().get("mode", GradeMode.THRESHOLD))
        n = len(self.ranking.rows)
        rows = []
        for index, band in enumerate(self.entries()):
            name = str(band.get("name", ""))
            count = preview.counts.get(name, 0)
            bar = "█" * round(20 * count / n) if n else ""
            rows.append(f"<tr><td><b>{escape(name)}</b></td><td>{escape(self._condition(index, band, mode))}"
                        f"</td><td align='right'><b>{count}</b></td><td align='right'>{now.get(name, 0)}</td>"
                        f"<td style='color:#2f6fb3'>{bar}</td></tr>")
        self.preview.setText(
            f"<p>预览：本考核 {n} 个对象按此等次划分的人数（一票否决的对象归入最低等次）</p>"
            "<table cellspacing='0' cellpadding='3'><tr><th align='left'>等次</th>"
            "<th align='left'>条件</th><th>预览</th><th>当前</th><th></th></tr>"
            + "".join(rows) + "</table>")
