"""审议与公示: the assessment's state, the review buttons it allows, and its history.

The panel shows and asks; it writes nothing. A button emits `action_requested` with
submit / approve / publish / reopen and the page runs the change. 重新打开 is enabled
only for an administrator (`set_admin`). The buttons keep their place in every state
(the state text has a fixed height), so a second click lands where the first did.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from kaohe_desktop.domain.states import ACTION_NAMES, STATE_NAMES, State
from kaohe_desktop.services.ranking_results import StateChangeInfo
from kaohe_desktop.services.review import allowed_actions

STATE_COLORS = {State.DRAFT: "#555555", State.SUBMITTED: "#2f6fb3", State.REVIEWED: "#8a5a00",
                State.PUBLISHED: "#1a7f37"}


def history_line(c: StateChangeInfo) -> str:
    when = c.at.strftime("%Y-%m-%d %H:%M") if c.at else ""
    who = c.actor or "（未填写操作人）"
    admin = "（管理员）" if c.actor_is_admin and c.action == "reopen" else ""
    line = (f"{when}　{who}{admin}　{ACTION_NAMES.get(c.action, c.action)}："
            f"{STATE_NAMES[State(c.from_state)]} → {STATE_NAMES[State(c.to_state)]}")
    if c.objection_start and c.objection_end:
        line += f"\n　公示期 {c.objection_start} 至 {c.objection_end}"
    if c.reason:
        line += f"\n　{'理由' if c.action == 'reopen' else '意见'}：{c.reason}"
    return line


class ReviewPanel(QGroupBox):
    action_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__("审议与公示", parent)
        self.state = ""
        self.is_admin = True
        self.state_label = QLabel()
        self.state_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        # room for two lines in every state, so the buttons below never move
        self.period_label.setFixedHeight(2 * self.period_label.fontMetrics().lineSpacing() + 4)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(self.period_label)
        for action in ("submit", "approve", "publish", "reopen"):
            button = QPushButton(ACTION_NAMES[action] + ("…" if action in ("publish", "reopen") else ""))
            button.clicked.connect(lambda _=False, a=action: self.action_requested.emit(a))
            self.buttons[action] = button
            layout.addWidget(button)
        layout.addWidget(QLabel("审议记录"))
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)
        layout.addWidget(self.history, 1)

    def set_admin(self, is_admin: bool) -> None:
        self.is_admin = is_admin
        self._update_buttons()

    def show_state(self, state: str, history: list[StateChangeInfo],
                   objection: tuple | None = None) -> None:
        self.state = state
        s = State(state)
        self.state_label.setText(f"状态：{STATE_NAMES[s]}")
        self.state_label.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {STATE_COLORS[s]};")
        if s == State.PUBLISHED and objection and objection[0]:
            self.period_label.setText(f"公示期：{objection[0]} 至 {objection[1]}")
        elif s in (State.REVIEWED, State.PUBLISHED):
            self.period_label.setText("已锁定：不能再修改评分、加减分和等次。")
        else:
            self.period_label.setText("可以修改评分。")
        self.history.clear()
        for change in reversed(history):  # newest first
            item = QListWidgetItem(history_line(change))
            item.setToolTip(item.text())
            self.history.addItem(item)
        if not history:
            self.history.addItem("（还没有审议记录）")
        self._update_buttons()

    def _update_buttons(self) -> None:
        allowed = set(allowed_actions(self.state)) if self.state else set()
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed and (action != "reopen" or self.is_admin))
        reopen = self.buttons["reopen"]
        reopen.setToolTip("" if self.is_admin else "只有管理员可以重新打开已锁定的考核")
