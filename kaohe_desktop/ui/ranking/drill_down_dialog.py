"""明细: one subject's item-by-item scores, each assessor's score, its bonus and deduction
events with their evidence, and the items where it lost most points.

Non-modal (`open()`), so the ranking stays usable beside it. Double-clicking an
assessor's score offers to correct it through `services.scores.set_score`; on a locked
assessment the dialog says so instead, and the service refuses any write that slips
past (the assessment locked from elsewhere) with its own message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaohe_desktop.domain.errors import InputError
from kaohe_desktop.domain.numbers import shown
from kaohe_desktop.domain.rubric import ItemKind
from kaohe_desktop.domain.standings import change_text
from kaohe_desktop.services import derived_items, drill_down, scores, subject_marks
from kaohe_desktop.services.database import Database
from kaohe_desktop.services.ranking_results import DrillDown, ItemLine

from ..common.busy_wait import call_writing
from ..common.guarded_dialog import GuardedDialog
from ..common.messages import error_text
from .feedback_action import feedback_letter
from .mark_dialog import MarkDialog

LOCKED_TEXT = ("本考核已审议或已公示，已锁定，评分不能修改。"
               "如需更正，请管理员在“审议与公示”中填写理由后重新打开。")
REMARK_COLOR = QColor("#fde3cf")
SECTION_NAMES = {"bonus": "加分", "deduction": "减分", "veto": "一票否决"}
FIXED_COLUMNS = 4  # 项目, 满分, 得分, 失分; assessors follow


class DrillDownDialog(GuardedDialog):
    guard_changes = False  # a viewer: each correction is saved when made
    score_changed = Signal()

    def __init__(self, db: Database, assessment_id: int, subject_code: str, *,
                 normalised: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.assessment_id = assessment_id
        self.subject_code = subject_code
        self.normalised = normalised
        self.data: DrillDown | None = None
        self.setWindowTitle("考核明细")
        self.resize(1040, 720)
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.items = QTreeWidget()
        self.items.setAlternatingRowColors(True)
        self.items.setUniformRowHeights(True)
        self.items.itemDoubleClicked.connect(self._double_clicked)
        self.events = QTableWidget(0, 8)
        self.events.setHorizontalHeaderLabels(
            ["类别", "规则", "分值", "事项", "日期", "说明", "佐证材料", "计入"])
        self.events.verticalHeader().setVisible(False)
        self.events.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        events_header = self.events.horizontalHeader()
        events_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        events_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        events_header.resizeSection(1, 260)
        events_header.setStretchLastSection(True)
        self.events.cellDoubleClicked.connect(lambda row, _col: self.open_evidence(row))
        self.lost = QLabel()
        self.lost.setWordWrap(True)
        self.lost.setStyleSheet("background: #fff8e6; border: 1px solid #e0c36a; padding: 6px;")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(QLabel("加分、减分与一票否决事项（双击打开佐证材料）"))
        lower_layout.addWidget(self.events)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.items)
        splitter.addWidget(lower)
        splitter.setSizes([470, 150])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        # an administrator's marks, each with a reason (issue: nothing concluded from
        # missing data; derived items belong to their source)
        self.exclude_button = buttons.addButton("不参评…", QDialogButtonBox.ButtonRole.ActionRole)
        self.exclude_button.setToolTip("把这个对象标为不参评（需理由）；再点一次恢复参评")
        self.exclude_button.clicked.connect(self.toggle_excluded)
        self.na_button = buttons.addButton("不适用…", QDialogButtonBox.ButtonRole.ActionRole)
        self.na_button.setToolTip("把选中的项目标为不适用（细则允许时；需理由），得分按适用项目折算")
        self.na_button.clicked.connect(self.toggle_not_applicable)
        self.override_button = buttons.addButton("更正数据项…", QDialogButtonBox.ButtonRole.ActionRole)
        self.override_button.setToolTip("管理员更正选中的取自数据的项目（如考勤），代替原值（需理由）")
        self.override_button.clicked.connect(self.override_selected)
        self.feedback_button = buttons.addButton("反馈书…", QDialogButtonBox.ButtonRole.ActionRole)
        self.feedback_button.setToolTip("生成并预览这个对象的考核结果反馈书（一页 PDF：结果与名次、各项得分、"
                                        "评价意见、服务指标、改进建议）；审议通过前为草稿")
        self.feedback_button.clicked.connect(
            lambda: feedback_letter(self, self.db, self.assessment_id, self.subject_code))
        self.items.currentItemChanged.connect(lambda *_: self._update_mark_buttons())
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.lost)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.reload()

    # ------------------------------------------------------------------ showing
    def reload(self) -> None:
        d = self.data = drill_down.drill_down(self.db, self.assessment_id, self.subject_code,
                                              normalised=self.normalised)
        r = d.row
        where = "　".join(x for x in (d.area, d.group) if x)
        self.header.setText(f"{d.subject_code}　{d.subject_name}　{where}")
        change = change_text(r.change, r.previous_rank is not None or r.change is not None)
        group = f"（{d.group}内第 {r.group_rank} 名）" if d.group and r.group_rank else ""
        place = f"第 <b>{r.rank}</b> 名" if r.rank is not None else "不排名"
        veto = "，一票否决：" + "、".join(r.vetoed) if r.vetoed else ""
        self.summary.setText(
            f"总分 <b>{shown(r.total)}</b> = 基础分 {shown(r.base)} + 加分 {shown(r.bonus)}"
            f"（申报 {shown(d.bonus_claimed)}）− 减分 {shown(r.deduction)}"
            f"（申报 {shown(d.deduction_claimed)}）"
            f"　{place}{group}　等次 <b>{r.grade_text}</b>{veto}"
            + (f"　较上期 {change}" if change else "")
            + f"　评分完成 {r.assessors_done}/{r.assessors_expected}"
            + (f"<br><b>不参评：</b>{r.exclude_reason}" if r.excluded else "")
            + (f"<br><b>未评完：</b>{'；'.join(r.missing)}" if not r.complete and not r.excluded else "")
            + (f"<br><b>不适用折算：</b>{r.conversion}" if r.conversion else "")
            + (f"<br><b>管理员更正值：</b>项目 {'、'.join(r.overridden)}（代替取自数据的值）"
               if r.overridden else "")
            + ("　<span style='color:#8a5a00'>（已锁定，只能查看）</span>" if d.locked else ""))
        self._update_mark_buttons()
        lost = "；".join(f"{i.code} {i.title[:18]}（失 {shown(i.lost)} 分）" for i in d.most_lost)
        missing = sum(len(i.remark_needed) for i in d.items)
        self.lost.setText(f"<b>失分最多：</b>{lost or '无'}"
                          + (f"<br><b>须补写说明：</b>{missing} 处满分或低于六成的评分没有写理由（橙色格）"
                             if missing else ""))
        self._fill_items(d)
        self._fill_events(d)

    def _fill_items(self, d: DrillDown) -> None:
        names = [f"{n}\n（{role}）" for n, role in d.assessors]
        self.items.clear()
        self.items.setColumnCount(FIXED_COLUMNS + len(names))
        self.items.setHeaderLabels(["项目", "满分", "得分", "失分", *names])
        parents: list[QTreeWidgetItem] = []
        bold = QFont()
        bold.setBold(True)
        for line in d.items:
            cells = [f"{line.code} {line.title}", shown(line.max), shown(line.score), shown(line.lost)]
            cells += [("—" if x.value is None else shown(x.value)) for x in line.scores]
            node = QTreeWidgetItem(cells)
            node.setData(0, Qt.ItemDataRole.UserRole, line.code)
            node.setToolTip(0, line.title)
            for c in range(1, len(cells)):
                node.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not line.is_leaf:
                for c in range(4):
                    node.setFont(c, bold)
            for k, x in enumerate(line.scores):
                column = FIXED_COLUMNS + k
                tip = f"{x.assessor}：{'未评' if x.value is None else shown(x.value)}"
                if x.remark:
                    tip += f"\n说明：{x.remark}"
                if x.assessor in line.remark_needed:
                    node.setBackground(column, QBrush(REMARK_COLOR))
                    tip += "\n满分或低于六成，须写明理由（尚未填写）"
                node.setToolTip(column, tip + ("" if d.locked else "\n双击更正"))
            del parents[line.depth:]
            (parents[-1].addChild(node) if parents else self.items.addTopLevelItem(node))
            parents.append(node)
        self.items.expandAll()
        header = self.items.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for c in range(1, self.items.columnCount()):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)

    def _fill_events(self, d: DrillDown) -> None:
        self.events.setRowCount(len(d.events))
        for row, line in enumerate(d.events):
            e = line.event
            cells = [SECTION_NAMES.get(e.section, e.section), f"{e.rule_code} {line.title}",
                     shown(e.amount), e.matter, str(e.occurred_on or ""), e.note, e.evidence,
                     "是" if line.counted else "否（同一事项取最高）"]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if not line.counted:
                    cell.setForeground(QBrush(QColor("#888888")))
                self.events.setItem(row, column, cell)

    def line(self, code: str) -> ItemLine:
        assert self.data is not None
        return next(x for x in self.data.items if x.code == code)

    def find_item(self, code: str) -> QTreeWidgetItem | None:
        flags = Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive
        matches = [it for it in self.items.findItems("*", flags)
                   if it.data(0, Qt.ItemDataRole.UserRole) == code]
        return matches[0] if matches else None

    # ------------------------------------------------------------------ correcting
    def _double_clicked(self, node: QTreeWidgetItem, column: int) -> None:
        code = node.data(0, Qt.ItemDataRole.UserRole)
        if self.data is None or column < FIXED_COLUMNS or not self.line(code).is_leaf:
            return
        self.request_edit(code, self.data.assessors[column - FIXED_COLUMNS][0])

    def request_edit(self, code: str, assessor: str) -> bool:
        """Ask for a corrected score (a locked assessment is refused with a message)."""
        if self.data is not None and self.data.locked:
            QMessageBox.warning(self, "不能修改", LOCKED_TEXT)
            return False
        line = self.line(code)
        current = next((x.value for x in line.scores if x.assessor == assessor), None)
        text, ok = QInputDialog.getText(
            self, "更正评分", f"{code} {line.title[:30]}\n评分人：{assessor}（满分 {shown(line.max)}）",
            text="" if current is None else shown(current))
        if not ok or not text.strip():
            return False
        return self.edit_score(code, assessor, text.strip())

    def edit_score(self, code: str, assessor: str, value: str) -> bool:
        """Write the score through the service; its refusal is shown, nothing changes."""
        db, aid, subject = self.db, self.assessment_id, self.subject_code
        try:
            call_writing(self, "更正评分", lambda: scores.set_score(db, aid, subject, code, value,
                                                                assessor=assessor), db=db)
        except InputError as exc:
            QMessageBox.warning(self, "不能修改", error_text(exc))
            return False
        self.reload()
        self.score_changed.emit()
        return True

    # ------------------------------------------------------------------ marks
    def _selected_leaf(self):
        node = self.items.currentItem()
        code = node.data(0, Qt.ItemDataRole.UserRole) if node is not None else None
        rubric = self.data.rubric if self.data is not None else None
        item = rubric.item(code) if code and rubric is not None else None
        return item if item is not None and item.is_leaf else None

    def _update_mark_buttons(self) -> None:
        if self.data is None:
            return
        r, open_ = self.data.row, not self.data.locked
        self.exclude_button.setText("恢复参评" if r.excluded else "不参评…")
        self.exclude_button.setEnabled(open_)
        leaf = self._selected_leaf()
        self.na_button.setEnabled(open_ and leaf is not None and leaf.allow_na)
        self.na_button.setText("取消不适用" if leaf is not None and leaf.code in r.not_applicable
                               else "不适用…")
        self.override_button.setEnabled(open_ and leaf is not None and leaf.kind == ItemKind.DERIVED)

    def _ask(self, title: str, text: str, **kwargs) -> MarkDialog | None:
        dialog = self.mark_dialog = MarkDialog(title, text, parent=self, **kwargs)
        return dialog if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _mark(self, action) -> bool:
        """Run a marking `action` (a closure over plain values: it may run again on a worker
        while another writer holds the database); its refusal is shown."""
        try:
            call_writing(self, "修改", action, db=self.db)
        except InputError as exc:
            QMessageBox.warning(self, "不能修改", error_text(exc))
            return False
        self.reload()
        self.score_changed.emit()
        return True

    def toggle_excluded(self) -> bool:
        if self.data is None:
            return False
        if self.data.row.excluded:
            return self._mark(lambda: subject_marks.include_subject(
                self.db, self.assessment_id, self.subject_code))
        dialog = self._ask("不参评", f"{self.subject_code} {self.data.subject_name} 不参加本次考核："
                           "不排名、不定档、不出证书和通知。")
        if dialog is None:
            return False
        db, aid, subject, reason = self.db, self.assessment_id, self.subject_code, dialog.reason
        return self._mark(lambda: subject_marks.exclude_subject(db, aid, subject, reason=reason))

    def toggle_not_applicable(self) -> bool:
        leaf = self._selected_leaf()
        if self.data is None or leaf is None:
            return False
        if leaf.code in self.data.row.not_applicable:
            return self._mark(lambda: subject_marks.unmark_not_applicable(
                self.db, self.assessment_id, self.subject_code, leaf.code))
        dialog = self._ask("不适用", f"项目 {leaf.code}“{leaf.title}”对 {self.subject_code} 不适用："
                           "基础分按适用项目折算为满分制（得分 ÷ 适用项满分 × 满分）。")
        if dialog is None:
            return False
        db, aid, subject, reason = self.db, self.assessment_id, self.subject_code, dialog.reason
        return self._mark(lambda: subject_marks.mark_not_applicable(db, aid, subject, leaf.code,
                                                                    reason=reason))

    def override_selected(self) -> bool:
        leaf = self._selected_leaf()
        if self.data is None or leaf is None:
            return False
        line = self.line(leaf.code)
        dialog = self._ask("更正数据项", f"项目 {leaf.code}“{leaf.title}”取自数据；更正值将代替它"
                           f"（不与原值平均），并在结果中标明。满分 {shown(leaf.max)}。",
                           value_label="更正为", value=shown(line.score))
        if dialog is None:
            return False
        db, aid, subject = self.db, self.assessment_id, self.subject_code
        value, reason = dialog.value, dialog.reason
        return self._mark(lambda: derived_items.override_derived(
            db, aid, subject, leaf.code, value, reason=reason, actor="管理员"))

    def open_evidence(self, row: int) -> None:
        if self.data is None or not 0 <= row < len(self.data.events):
            return
        evidence = self.data.events[row].event.evidence
        if evidence:
            try:  # only a file inside the attachments folder is ever opened
                path = scores.evidence_path(self.db, evidence)
            except InputError as exc:
                QMessageBox.warning(self, "查看附件", "\n".join(exc.lines()))
                return
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
